"""Park cards as a reader sees them, in a real browser: the chosen fields in order, with units, in the reader's
language; the register's texts literal; websites linked only over http(s)."""

from __future__ import annotations

import pytest

import geo
import layers
from conftest import open_offline
from test_page_cards import HEADER, PAYLOAD_NAME, ROWS, write_csv

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return geo.load_parks(write_csv(tmp_path_factory.mktemp("cards") / "parks.csv", [HEADER, *ROWS]))


def open_map(browser, m, path):
    layers.write_map(m, path, offline=True)
    page, _, errors = open_offline(browser, path)
    page.wait_for_function("window.KunshanHeatmap !== undefined")
    return page, errors


@pytest.fixture(scope="module")
def page(browser, data, tmp_path_factory):
    page, errors = open_map(browser, layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline),
                            tmp_path_factory.mktemp("page") / "cards.html")
    yield page
    assert errors == []
    page.close()


def open_card(page, park: str):
    page.evaluate("id => KunshanHeatmap.focusPark(id)", park)
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    return page.locator(".leaflet-popup-content .kh-card")


def rows(card) -> list[str]:
    return card.locator("tr").all_inner_texts()


def test_card_has_every_field_with_a_value_in_order(page):
    card = open_card(page, "r2")
    assert card.locator("th").all_inner_texts() == ["主导产业", "状态", "年份", "总投资", "建筑面积", "用地面积", "预计产值",
                                                   "所在镇/板块", "位置", "地址", "网址", "来源"]
    assert rows(card)[:9] == ["主导产业\t生物医药", "状态\t★ 认定园区", "年份\t2023", "总投资\t0.35 亿元",  # 3,500万元
                              "建筑面积\t12 万㎡", "用地面积\t1,050 亩", "预计产值\t2.5 亿元", "所在镇/板块\t陆家镇",
                              "位置\t位置为示意（镇/板块级）"]
    card = open_card(page, "r3")  # fields without a value give no row
    assert card.locator("th").all_inner_texts() == ["主导产业", "所在镇/板块", "位置", "网址"]


def test_card_texts_show_literally(page):
    card = open_card(page, "r2")
    assert card.locator(".kh-card-name").evaluate("node => node.textContent") == PAYLOAD_NAME
    assert card.locator(".kh-card-name-en").evaluate("node => node.textContent") == "Park `en` ${x}"
    assert "来源\treport 'x'" in rows(card) and "地址\t昆山市陆家镇某路1号" in rows(card)
    assert card.locator("img, script").count() == 0
    assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0


def test_card_links_http_websites_only(page):
    card = open_card(page, "r2")
    link = card.locator("td a")
    assert link.count() == 1 and link.get_attribute("href") == "https://example.com/p?a=1&b=2"
    assert link.inner_text() == "https://example.com/p?a=1&b=2"
    assert (link.get_attribute("target"), link.get_attribute("rel")) == ("_blank", "noopener noreferrer")
    card = open_card(page, "r3")
    assert "网址\tjavascript:alert(1)" in rows(card) and card.locator("td a").count() == 0


def test_card_in_english_and_traditional_chinese(page):
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    try:
        text = "\n".join(rows(open_card(page, "r2")))
        assert "Investment\tCNY 35 million" in text and "Floor area\t120,000 m²" in text
        assert "Land\t1,050 mu (70 ha)" in text and "Expected output\tCNY 250 million" in text
        assert "Status\t★ Certified park" in text and "Sector\tBiomedicine" in text and "Town\tLujia" in text
        page.evaluate("KunshanHeatmap.setLanguage('zh-Hant')")
        text = "\n".join(rows(open_card(page, "r2")))
        assert "總投資\t0.35 億元" in text and "所在鎮/板塊\t陸家鎮" in text and "狀態\t★ 認定園區" in text
    finally:
        page.evaluate("KunshanHeatmap.setLanguage('zh-Hans')")


def test_only_chosen_fields_appear(browser, data, tmp_path):
    page, errors = open_map(browser, layers.park_heatmap(data.parks, card_fields=("year", "investment")),
                            tmp_path / "chosen.html")
    card = open_card(page, "r2")
    assert rows(card) == ["年份\t2023", "总投资\t0.35 亿元"]
    assert rows(open_card(page, "r3")) == []  # 乙园 has neither
    assert errors == []
    page.close()


def test_default_register_card_units(browser, tmp_path):
    default = geo.kunshan_default()
    page, errors = open_map(browser, layers.park_heatmap(default.parks), tmp_path / "default.html")
    text = rows(open_card(page, "sino-german-im"))
    assert ["总投资\t40 亿元", "建筑面积\t40 万㎡", "用地面积\t200 亩", "预计产值\t50 亿元"] == [
        row for row in text if row.split("\t")[0] in ("总投资", "建筑面积", "用地面积", "预计产值")]
    assert errors == []
    page.close()


def test_translated_texts_follow_the_language(browser, tmp_path):
    path = tmp_path / "about.csv"
    path.write_text("园区名称,所在镇,简介,英文简介,地址,英文地址\n"
                    "甲园,陆家镇,机器人<整机>,Robots & parts,昆山市陆家镇1号,1 Lujia Rd\n"
                    "乙园,张浦镇,,Only English,昆山市张浦镇2号,昆山市张浦镇2号\n", encoding="utf-8")
    parks = geo.load_parks(path).parks
    page, errors = open_map(browser, layers.park_heatmap(parks, card_fields=("description", "address")),
                            tmp_path / "about.html")
    assert rows(open_card(page, "r2")) == ["简介\t机器人<整机>", "地址\t昆山市陆家镇1号"]
    assert rows(open_card(page, "r3")) == ["地址\t昆山市张浦镇2号"]  # no 中文 text: no row
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert rows(open_card(page, "r2")) == ["About\tRobots & parts", "Address\t1 Lujia Rd"]
    assert rows(open_card(page, "r3")) == ["About\tOnly English", "Address\t昆山市张浦镇2号"]
    assert errors == []
    page.close()


def test_a_parks_table_without_the_text_columns_still_gets_cards(browser, data, tmp_path):
    parks = data.parks.drop(columns=["description", "address", "source_date", "contact"])
    page, errors = open_map(browser, layers.park_heatmap(parks), tmp_path / "bare.html")
    assert open_card(page, "r2").locator("th").all_inner_texts() == [
        "主导产业", "状态", "年份", "总投资", "建筑面积", "用地面积", "预计产值", "所在镇/板块", "位置", "网址", "来源"]
    assert errors == []
    page.close()
