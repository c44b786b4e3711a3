"""layers.page.cards: a card shows the chosen fields only; the page carries their register texts raw, once, and
nothing else of the register (the cards as a reader sees them: test_page_cards_browser.py)."""

import csv
import io

import pandas as pd
import pytest

import geo
from pagedata import page_data, page_parks
import layers
from layers import CARD_FIELDS
from layers.page.cards import TEXT_FIELDS, card_texts, check_fields

PAYLOAD_NAME = "<img src=x onerror=alert(1)>${alert(1)}</script><script>alert(2)</script>"
SECRET = "TOPSECRET-42-不应公开"
HEADER = ["园区名称", "英文名称", "主导产业", "细分领域", "所在镇", "状态", "年份", "总投资", "建筑面积", "用地面积",
          "预计产值", "网址", "地址", "来源", "secret"]
ROWS = [
    [PAYLOAD_NAME, "Park `en` ${x}", "生物医药", "小核酸", "陆家镇", "certified", "2023", "3,500万元", "12万平方米",
     "1050", "2.5亿元", "https://example.com/p?a=1&b=2", "昆山市陆家镇某路1号", "report 'x'", SECRET],
    ["乙园", "", "光电", "", "周市镇", "", "", "", "", "", "", "javascript:alert(1)", "", "", SECRET + "-2"],
]


def write_csv(path, rows, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def decoded(column: dict) -> list:
    return [None if code < 0 else column["values"][code] for code in column["codes"]]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = write_csv(tmp_path_factory.mktemp("cards") / "parks.csv", [HEADER, *ROWS])
    data = geo.load_parks(path)
    assert data.report.parks == 2 and data.report.ok
    return data


@pytest.fixture(scope="module")
def page(data):
    return layers.map_html(layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline))


def test_card_fields_constant():
    assert CARD_FIELDS == ("sector", "status", "description", "year", "investment", "floor_area", "land", "output",
                           "available", "area", "precision", "address", "website", "contact", "source", "source_date")
    assert TEXT_FIELDS == ("description", "address", "website", "contact", "source")


def test_the_page_carries_the_register_texts_raw(data, page):
    shipped = page_data(page)
    assert shipped["card"] == list(CARD_FIELDS)
    assert sorted(shipped["texts"]) == sorted(TEXT_FIELDS)
    assert decoded(shipped["texts"]["website"]) == ["https://example.com/p?a=1&b=2", "javascript:alert(1)"]
    assert decoded(shipped["texts"]["source"]) == ["report 'x'", None]
    assert decoded(shipped["texts"]["address"]) == ["昆山市陆家镇某路1号", None]
    assert [(p["name"], p["name_en"]) for p in page_parks(page)] == [(PAYLOAD_NAME, "Park `en` ${x}"), ("乙园", None)]


def test_raw_texts_are_inert_in_the_page(page):
    for raw in ("<img src=x", "onerror=alert(1)>", "</script><script>alert(2)", "<script>alert(2)"):
        assert raw not in page
    # only the page's own scripts (leaflet.js, folium's settings, leaflet-heat.js, the CDN notice's check, the
    # map): none injected
    assert page.count("<script") == page.count("</script>") == 5


def test_only_the_chosen_fields_reach_the_page(data):
    page = layers.map_html(layers.park_heatmap(data.parks, card_fields=("year", "investment")))
    shipped = page_data(page)
    assert shipped["card"] == ["year", "investment"] and shipped["texts"] == {} and shipped["translations"] == {}
    for hidden in ("example.com", "report 'x'", "昆山市陆家镇某路1号", "javascript:alert(1)"):
        assert hidden not in page


def test_an_app_page_ships_the_chosen_fields_in_their_order(data):
    page = layers.map_html(layers.park_heatmap(data.parks, card_fields=("sector", "address", "year", "source")))
    shipped = page_data(page)
    assert shipped["card"] == ["sector", "address", "year", "source"]  # the card's rows, in this order
    assert sorted(shipped["texts"]) == ["address", "source"]


def test_extra_columns_never_reach_the_page(data, page):
    assert data.parks["secret"].tolist() == [SECRET, SECRET + "-2"]  # the column is read...
    assert "TOPSECRET" not in page                                    # ...but never published
    assert "secret" not in page.lower()


def test_unknown_card_field_is_refused(data):
    with pytest.raises(ValueError) as error:
        check_fields(("year", "secret", "note"))
    message = str(error.value)
    assert "note, secret" in message
    assert "allowed: " + ", ".join(CARD_FIELDS) in message
    with pytest.raises(ValueError, match="unknown card field"):
        layers.park_heatmap(data.parks, card_fields=("secret",))


def test_translated_texts_travel_beside_the_register_text(tmp_path):
    path = tmp_path / "about.csv"
    path.write_text("园区名称,所在镇,简介,英文简介,地址,英文地址\n"
                    "甲园,陆家镇,机器人<整机>,Robots & parts,昆山市陆家镇1号,1 Lujia Rd\n"
                    "乙园,张浦镇,,Only English,昆山市张浦镇2号,昆山市张浦镇2号\n", encoding="utf-8")
    parks = geo.load_parks(path).parks
    texts, translations = card_texts(parks, ("description", "address", "year"))
    assert list(texts) == ["description", "address"]
    assert texts["description"].tolist() == ["机器人<整机>", pd.NA]
    assert translations["description"]["en"].tolist() == ["Robots & parts", "Only English"]
    assert translations["address"]["en"].tolist() == ["1 Lujia Rd", "昆山市张浦镇2号"]
    assert "zh-Hant" not in translations["description"]  # the register gives no 繁體 text
    shipped = page_data(layers.map_html(layers.park_heatmap(parks, card_fields=("description",))))
    assert decoded(shipped["translations"]["description"]["en"]) == ["Robots & parts", "Only English"]
    assert list(shipped["translations"]) == ["description"]


def test_a_parks_table_without_the_text_columns_still_gets_cards(data):
    """A joined table made outside geo.read_register may lack text fields: their card rows are left out."""
    parks = data.parks.drop(columns=["description", "address", "source_date", "contact"])
    shipped = page_data(layers.map_html(layers.park_heatmap(parks)))
    assert all(set(shipped["texts"][name]["codes"]) == {-1} for name in ("description", "address", "contact"))
    assert all(shipped["texts"][name]["values"] == [] for name in ("description", "address", "contact"))
    assert set(shipped["source_date"]["codes"]) == {-1}
