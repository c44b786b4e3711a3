"""The notebook's map output cell, as Jupyter shows it (an about:srcdoc iframe), driven in Chromium: search opens a
card, a filter works, "copy link" copies the state although the frame has no address or history."""

from __future__ import annotations

import pytest

from layers.publish.assets import asset_bytes, assets

pytestmark = pytest.mark.browser


@pytest.fixture
def output_cell(executed, tmp_path):
    """A page holding the notebook's first map output exactly as the notebook stores it."""
    notebook = executed["explore.ipynb"]
    html = next(out["data"]["text/html"] for cell in notebook.cells if cell.cell_type == "code"
                for out in cell.get("outputs", []) if "<iframe" in out.get("data", {}).get("text/html", ""))
    path = tmp_path / "notebook.html"
    path.write_text(f'<!doctype html><meta charset="utf-8"><div class="output_html">{html}</div>', encoding="utf-8")
    return path


def open_notebook(browser, path):
    """Open the page with the pinned assets served from the verified npm tarballs (the CDN is unreachable here) and
    every other request refused; returns (page, the map's frame, page errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    served = {item.url: item for item in assets()}
    page.route(lambda url: url in served, lambda route: route.fulfill(
        body=asset_bytes(served[route.request.url]), headers={"Access-Control-Allow-Origin": "*"},
        content_type="text/css" if route.request.url.endswith(".css") else "text/javascript"))
    page.route(lambda url: not url.startswith(("file:", "about:", "data:")) and url not in served,
               lambda route: route.abort())
    page.goto(path.as_uri())
    frame = page.frames[1]
    assert frame.url == "about:srcdoc"
    frame.wait_for_function("typeof KunshanHeatmap !== 'undefined' && document.querySelectorAll('path.kh-park').length")
    return page, frame, errors


def test_search_filter_and_copy_link_work_inside_the_notebook_frame(browser, output_cell):
    page, frame, errors = open_notebook(browser, output_cell)
    try:
        found = frame.evaluate("KunshanHeatmap.search('中德')")
        state = frame.evaluate("id => KunshanHeatmap.focusPark(id)", found[0])
        frame.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        assert "中德" in frame.locator(".leaflet-popup-content .kh-card-name").text_content()
        assert state["selected"] == found[0] and f"park={found[0]}" in state["hash"]
        shown = frame.evaluate("KunshanHeatmap.setFilter({sectors: ['robotics']}).visibleParks.length")
        assert 0 < shown < frame.evaluate("document.querySelectorAll('path.kh-park').length + 100")
        frame.evaluate("KunshanHeatmap.setFilter({})")
        frame.evaluate("id => KunshanHeatmap.focusPark(id)", found[0])
        frame.locator(".leaflet-popup-content a.kh-share").click()
        frame.wait_for_function("document.querySelector('a.kh-share').textContent !== ''")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("#lang=") and f"park={found[0]}" in copied  # the state, no about:srcdoc address
        assert errors == []
    finally:
        page.context.close()
