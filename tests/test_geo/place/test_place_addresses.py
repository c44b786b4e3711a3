"""Addresses read through the region's data: the leading parts dropped, the places outside the county."""

import re

import pandas as pd
import pytest

import geo.place.addresses
from geo.place.addresses import normalise_addresses, outside_names
from geo.registry import load_json

# The expression written by hand before the prefixes were data.
HAND_WRITTEN = re.compile(r"^(?:中华人民共和国|中国)?(?:江苏省|江苏)?(?:(?:苏州市|苏州(?!市))(?!工业园区|高新区))?")


@pytest.mark.parametrize("address", [
    "中华人民共和国江苏省苏州市昆山市张浦镇", "中国江苏苏州昆山市", "江苏省苏州市工业园区星湖街", "苏州市高新区", "苏州工业园区",
    "苏州市昆山市", "江苏昆山", "中国", "苏州", "苏州市", "江苏省苏州", "江苏省江苏省", "昆山市花桥镇", "上海市", "",
])
def test_the_prefix_from_data_strips_what_the_hand_written_one_did(address):
    expected = HAND_WRITTEN.sub("", address)
    got = normalise_addresses(pd.Series([address])).iloc[0]
    assert (got if pd.notna(got) else "") == expected


def test_normalised_addresses():
    out = normalise_addresses(pd.Series(["江苏省 苏州市 昆山市张浦镇ＸＸ路８８号", "苏州市工业园区星湖街", "中国江苏", None]))
    assert out.tolist() == ["昆山市张浦镇xx路88号", "苏州市工业园区星湖街", pd.NA, pd.NA]
    assert out.dtype == "string"


def test_outside_names_come_from_the_data_file_with_their_groups():
    groups = load_json("kunshan_addresses.json")["outside"]["groups"]
    assert [group["group"].split(" ")[0] for group in groups][:2] == ["苏州市", "上海市"]
    assert outside_names() == tuple(name for group in groups for name in group["names"])
    assert len(outside_names()) == 85 and {"太仓市", "上海市", "shanghai", "苏州工业园区"} <= set(outside_names())


def test_a_level_is_kept_where_an_exception_follows(monkeypatch):
    levels = [{"level": "province", "names": ["浙江省", "浙江"]},
              {"level": "prefecture", "names": ["嘉兴市", "嘉兴"], "unless_followed_by": ["南湖区"]}]
    monkeypatch.setattr(geo.place.addresses, "entries", lambda *args, **kwargs: levels)
    geo.place.addresses._prefix.cache_clear()
    try:
        assert normalise_addresses(pd.Series(["浙江省嘉兴市嘉善县", "浙江嘉兴市南湖区", "浙江嘉兴嘉善"])).tolist() == [
            "嘉善县", "嘉兴市南湖区", "嘉善"]
    finally:
        geo.place.addresses._prefix.cache_clear()
