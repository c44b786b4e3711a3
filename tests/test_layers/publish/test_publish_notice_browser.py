"""Never a blank page: a CDN page opened where the CDN is unreachable shows the bilingual notice naming --offline;
a CDN page whose Leaflet loads, and an offline page, do not (real Chromium, every non-file request refused)."""

import pytest

import geo
from layers import park_heatmap, write_map
from layers.page.app import page_text
from layers.publish.output import NOTICE_ID

pytestmark = pytest.mark.browser

ZH = page_text("assets.unreachable", "zh-Hans")
EN = page_text("assets.unreachable", "en")


@pytest.fixture(scope="module")
def small_map():
    parks = geo.kunshan_default().parks
    return park_heatmap(parks[parks["sector"].isin(["robotics", "food"])].reset_index(drop=True))


def open_cut_off(browser, path):
    """Open a page with every non-file request refused (the CDN unreachable), waiting for its load event only."""
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    refused = []
    page.route(lambda url: not url.startswith("file:"), lambda route: (refused.append(route.request.url),
                                                                       route.abort()))
    page.goto(path.as_uri(), wait_until="load")
    return page, refused


def notice(page):
    """The notice's visible text (innerText: what a reader sees), or None when the page has none."""
    return page.evaluate(f"""() => {{
        const block = document.getElementById({NOTICE_ID!r});
        return block === null ? null : block.innerText;
    }}""")


def test_cdn_page_without_network_shows_the_notice(browser, small_map, tmp_path):
    path = write_map(small_map, tmp_path / "cdn.html")
    page, refused = open_cut_off(browser, path)
    try:
        assert any("cdn.jsdelivr.net/npm/leaflet@" in url for url in refused)
        assert page.evaluate("typeof L") == "undefined"
        text = notice(page)
        assert text is not None and ZH in text and EN in text and "--offline" in text
        assert page.locator(f"#{NOTICE_ID}").is_visible()
        assert "--offline" in page.evaluate("document.body.innerText")  # the page is not blank
    finally:
        page.close()


def test_cdn_page_removes_the_notice_once_leaflet_runs(browser, small_map, tmp_path):
    """The CDN reachable, as far as Leaflet goes: its file served from the verified npm tarball."""
    from layers.publish.assets import asset, asset_bytes

    leaflet = asset("leaflet")
    path = write_map(small_map, tmp_path / "cdn.html")
    page = browser.new_page()
    page.route(leaflet.url, lambda route: route.fulfill(body=asset_bytes(leaflet), content_type="text/javascript",
                                                        headers={"Access-Control-Allow-Origin": "*"}))
    page.route(lambda url: not url.startswith("file:") and url != leaflet.url, lambda route: route.abort())
    try:
        page.goto(path.as_uri(), wait_until="load")
        assert page.evaluate("typeof L") == "object"
        assert notice(page) is None
    finally:
        page.close()


def test_offline_page_has_no_notice(browser, small_map, tmp_path):
    path = write_map(small_map, tmp_path / "offline.html", offline=True)
    assert NOTICE_ID not in path.read_text(encoding="utf-8")
    page, refused = open_cut_off(browser, path)
    try:
        assert {url.split("/")[2] for url in refused} <= {"tile.openstreetmap.org"}  # map tiles only, no script
        assert page.evaluate("typeof L") == "object"
        assert notice(page) is None
        assert ZH not in page.evaluate("document.body.innerText")
    finally:
        page.close()
