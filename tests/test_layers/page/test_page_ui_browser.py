"""Theming and panels without forking: accent and font as CSS custom properties, the panel parts chosen, folding;
from the build (park_heatmap(ui=...)), a link (#accent=...) and the page API (setUi), in Chromium."""

from __future__ import annotations

import re

import pytest

import geo
from conftest import open_offline
from layers.heatmap import park_heatmap
from layers.page.ui import check_ui
from layers.publish.output import write_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui")
    data = geo.kunshan_default()
    themed = park_heatmap(data.parks, areas=data.areas, outline=data.outline, programme=geo.programme(),
                          ui={"accent": "#c0392b", "font": "serif", "panels": ["search", "filters"], "folded": False})
    plain = park_heatmap(data.parks, areas=data.areas, outline=data.outline, programme=geo.programme())
    return write_map(themed, folder / "themed.html", offline=True), write_map(plain, folder / "plain.html",
                                                                              offline=True)


def parts(page):
    return page.evaluate("""() => ['.kh-search', '.kh-filter', '.kh-count', '.kh-programme', '.kh-totals',
        '.kh-language'].filter(s => document.querySelector('.kh-panel ' + s) !== null)""")


def test_the_build_sets_accent_font_and_the_parts_shown(browser, pages):
    page, _, errors = open_offline(browser, pages[0])
    try:
        style = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.kh-panel'));
            return [s.borderLeftColor, s.fontFamily]; }""")
        assert style == ["rgb(192, 57, 43)", "serif"]
        assert parts(page) == [".kh-search", ".kh-filter"]
        assert page.locator(".kh-legend").first.is_hidden()  # legends not among the parts
        state = page.evaluate("KunshanHeatmap.setUi({panels: null, accent: null})")
        assert state["ui"]["panels"][0] == "search" and page.locator(".kh-count").count() == 1
        assert page.locator(".kh-legend").first.is_visible()
        with pytest.raises(Exception, match="panels must be a list of: search, time, language, filters"):
            page.evaluate("KunshanHeatmap.setUi({panels: ['chat']})")
        assert errors == []
    finally:
        page.close()


def test_a_link_chooses_parts_colour_and_folding(browser, pages):
    page, _, errors = open_offline(browser, pages[1])
    try:
        page.goto(pages[1].as_uri() + "#accent=%23008080&panels=search,count&folded=1")
        page.wait_for_function("typeof KunshanHeatmap !== 'undefined'")
        assert page.locator(".kh-panel").evaluate("p => p.classList.contains('kh-panel-folded')")
        assert page.evaluate("getComputedStyle(document.querySelector('.kh-panel')).borderLeftColor") == \
            "rgb(0, 128, 128)"
        assert parts(page) == [".kh-search", ".kh-count"] and page.locator(".kh-search").is_hidden()
        page.locator(".kh-panel-title").click()  # unfold by its title button
        assert page.locator(".kh-search").is_visible() and errors == []
    finally:
        page.close()


def test_a_small_frame_starts_folded_and_folds_when_a_card_opens(browser, pages):
    page, _, errors = open_offline(browser, pages[1], viewport=(480, 700))
    try:
        panel = page.locator(".kh-panel")
        assert panel.evaluate("p => p.classList.contains('kh-panel-folded')")
        page.locator(".kh-panel-title").click()
        assert not panel.evaluate("p => p.classList.contains('kh-panel-folded')")
        page.evaluate("KunshanHeatmap.focusPark('wilmar-food')")
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        assert panel.evaluate("p => p.classList.contains('kh-panel-folded')")  # the card is not covered
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("ui, message", [
    ({"colour": "red"}, "unknown ui key(s) colour; allowed: accent, font, panels, folded"),
    ({"accent": "red; background: url(x)"}, "is not a CSS colour"),
    ({"panels": "search"}, "a list of: search, time"),
    ({"font": "x</style>"}, "is not a font-family list"),
])
def test_a_bad_ui_is_refused_at_build_time(ui, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_ui(ui)
