"""The one text normaliser (geo.text): the scalar and the whole-column form agree, and every stage uses them."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.geocode.cache import cache_keys
from geo.place.addresses import normalise_addresses
from geo.place.datum import parse_datum
from geo.registry import column_fields
from geo.text import fold, fold_column

SAMPLES = ["ＧＣＪ－０２", " 张浦镇 ", "Zhang\u00a0Pu", "昆山市\u3000千灯镇", "ＡＢＣ", "Straße", "３,５００万元", "\t\n",
           "名称", "ǅ", "ﬁ"]


@pytest.mark.parametrize("text", SAMPLES)
def test_column_form_equals_the_scalar_form(text):
    column = fold_column(pd.Series([text]))
    expected = fold(text)
    assert (column.iloc[0] if pd.notna(column.iloc[0]) else "") == expected


def test_fold_reads_full_width_forms_and_drops_every_kind_of_space():
    assert fold("ＧＣＪ－０２") == "gcj-02"
    assert fold("昆山市\u3000千灯镇 \u00a0x") == "昆山市千灯镇x"
    assert fold("Straße") == "strasse"
    assert fold("GCJ_02-x", also="-_") == "gcj02x"
    assert fold(12) == "12"


def test_fold_column_keeps_the_index_and_gives_na_for_missing_and_blank():
    out = fold_column(pd.Series(["Ａ", "  ", None, pd.NA], index=[5, 3, 9, 1]))
    assert out.dtype == "string"
    assert out.index.tolist() == [5, 3, 9, 1]
    assert out.tolist() == ["a", pd.NA, pd.NA, pd.NA]


def test_fold_column_removes_the_extra_characters_it_is_given():
    assert fold_column(pd.Series(["3,500 万元", "a-b"]), also=",-").tolist() == ["3500万元", "ab"]
    assert fold_column(pd.Series(["3,500"])).tolist() == ["3,500"]


def test_every_stage_compares_texts_in_the_same_form():
    text = "  昆山市 张浦镇 ＸＸ路８８号 "
    assert cache_keys(pd.Series([text])).iloc[0] == fold(text)
    assert normalise_addresses(pd.Series([text])).iloc[0] == fold(text)
    assert parse_datum(" Ｇａｏｄｅ ") == "gcj02"
    assert column_fields()[fold(" 园区 名称 ")][0] == "name"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_column_form_equals_the_scalar_form_for_any_text(text):
    column = fold_column(pd.Series([text])).iloc[0]
    assert (column if pd.notna(column) else "") == fold(text)
