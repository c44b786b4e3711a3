"""A register full of script payloads: in a real browser every text shows literally and nothing runs."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import ARTIFACTS, open_offline
from layers.cli import main

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "${window.__pwned=1}",
    "</script><script>window.__pwned=1</script>",
    "`+(window.__pwned=1)+`",
    "C:\\path\\2019\\new",
    "\"'><svg onload=window.__pwned=1>",
    "line\u2028separator\u2029园区",
    "🏭 工厂 {{7*7}} {% raw %}",
    "&lt;already escaped&gt; &amp;",
    "javascript:window.__pwned=1",
]
WEBSITES = ["javascript:window.__pwned=1", "https://example.org/park?id=1&lang=zh#a", "data:text/html,<script>x</script>"]


@pytest.fixture(scope="module")
def payload_page(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("payloads")
    rows = [["园区名称", "英文名称", "主导产业", "所在镇", "地址", "网址", "来源", "备注", "简介", "英文简介"]]
    for index, payload in enumerate(PAYLOADS):
        rows.append([payload, payload, payload if index % 2 else "机器人", "张浦镇", f"昆山市张浦镇{payload}",
                     WEBSITES[index % len(WEBSITES)], payload, payload, f"简介{payload}", f"About {payload}"])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    register = folder / "payloads.csv"
    register.write_bytes(buffer.getvalue().encode("utf-8"))
    output = folder / "payloads.html"
    assert main(["build", str(register), "--offline", "-o", str(output)]) == 0
    page, _, errors = open_offline(browser, output)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.wait_for_function("document.querySelectorAll('path.kh-park').length > 0")
    yield page, errors, dialogs
    page.close()


def card_of(page, index):
    page.locator("path.kh-park").nth(index).dispatch_event("click")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    return page.locator(".leaflet-popup-content")


def test_every_park_is_present_and_nothing_ran(payload_page):
    page, errors, dialogs = payload_page
    assert page.locator("path.kh-park").count() == len(PAYLOADS)
    assert errors == [] and dialogs == []
    assert page.evaluate("window.__pwned") is None


def test_every_payload_shows_literally_in_its_card(payload_page):
    page, _, _ = payload_page
    shown = {}
    for index in range(len(PAYLOADS)):
        card = card_of(page, index)
        name = card.locator(".kh-card-name").evaluate("node => node.textContent")
        assert card.locator(".kh-card-name-en").count() == 0  # the English name equals the name: shown once
        text = card.evaluate("node => node.textContent")
        assert f"来源{name}" in text and f"昆山市张浦镇{name}" in text and f"简介简介{name}" in text
        links = card.locator("a:not(.kh-share)")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert all(href.startswith("https://") for href in hrefs)
        assert all(links.nth(i).get_attribute("rel") == "noopener noreferrer" for i in range(links.count()))
        shown[name] = hrefs
        assert card.locator("img, svg, script").count() == 0
    assert set(shown) == set(PAYLOADS)
    assert shown[PAYLOADS[1]] == ["https://example.org/park?id=1&lang=zh#a"]  # the one http(s) site of its cycle
    assert shown[PAYLOADS[0]] == [] and shown[PAYLOADS[2]] == []  # javascript: and data: never links
    page.screenshot(path=str(ARTIFACTS / "payloads.png"))
    assert page.evaluate("window.__pwned") is None


def test_translated_texts_show_payloads_literally(payload_page):
    page, errors, dialogs = payload_page
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    try:
        for index in range(len(PAYLOADS)):
            card = card_of(page, index)
            name = card.locator(".kh-card-name").evaluate("node => node.textContent")
            assert f"AboutAbout {name}" in card.evaluate("node => node.textContent")
            assert card.locator("img, svg, script").count() == 0
    finally:
        page.evaluate("KunshanHeatmap.setLanguage('zh-Hans')")
    assert errors == [] and dialogs == [] and page.evaluate("window.__pwned") is None


def test_tooltips_show_payloads_literally(payload_page):
    page, _, _ = payload_page
    page.evaluate("""() => {  // close the card and tooltip left open by the clicks of other tests
        const map = Object.values(window).find(v => v instanceof L.Map);
        map.closePopup();
        map.eachLayer(layer => layer.closeTooltip && layer.closeTooltip());
    }""")
    page.wait_for_function("document.querySelectorAll('.leaflet-tooltip').length === 0")
    texts = set()
    for index in range(len(PAYLOADS)):
        page.locator("path.kh-park").nth(index).dispatch_event("mouseover")
        page.wait_for_function("document.querySelectorAll('.leaflet-tooltip').length === 1")
        texts.add(page.locator(".leaflet-tooltip").evaluate("node => node.textContent").rsplit(" · ", 1)[0])
        page.locator("path.kh-park").nth(index).dispatch_event("mouseout")
        page.wait_for_function("document.querySelectorAll('.leaflet-tooltip').length === 0")
    assert texts == set(PAYLOADS)
    assert page.evaluate("window.__pwned") is None


def test_search_finds_each_payload_name_as_typed_and_lists_it_literally(payload_page):
    page, errors, dialogs = payload_page
    for payload in PAYLOADS:
        query = payload.split("\u2028")[0][:12]  # what a reader would type: the start of the name
        found = page.evaluate("q => KunshanHeatmap.search(q)", query)
        assert found, query
        page.locator(".kh-search").fill(query)
        listed = page.locator(".kh-results button").all_inner_texts()
        assert any(text.startswith(query) for text in listed), (query, listed)
    assert errors == [] and dialogs == [] and page.evaluate("window.__pwned") is None


def test_an_empty_register_gives_a_valid_map_that_says_there_is_no_data(browser, tmp_path):
    register = tmp_path / "empty.csv"
    register.write_text("园区名称,所在镇\n\n", encoding="utf-8")
    output = tmp_path / "empty.html"
    assert main(["build", str(register), "--offline", "-o", str(output)]) == 0
    page, _, errors = open_offline(browser, output)
    page.wait_for_function("document.querySelector('.kh-legend') !== null")
    assert page.locator("path.kh-park").count() == 0
    assert "没有园区数据" in page.locator(".kh-legend").inner_text()
    assert page.locator(".kh-count").inner_text() == "显示 0 / 0 个园区"
    assert page.locator('path[stroke="#222222"]').count() == 1  # the outline frames the empty map
    assert errors == []
    page.close()
