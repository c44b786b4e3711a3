"""Marker clusters in a real browser: one cluster group across sectors whose counts are exactly the parks
the filters and the sector layers leave, a park found through a cluster, and a large register clustered."""

from __future__ import annotations

import pytest

from benchmarks.bench_heatmap import synthetic_register
from conftest import ARTIFACTS, open_offline
from layers.cli import main

pytestmark = pytest.mark.browser

# parks the page draws: unclustered markers plus the counts written on the cluster icons in view
DRAWN = """() => {
    const single = document.querySelectorAll('path.kh-park').length;
    const clusters = Array.from(document.querySelectorAll('.marker-cluster'));
    return {single: single, clusters: clusters.length,
            inClusters: clusters.reduce((sum, c) => sum + Number(c.textContent.trim()), 0)};
}"""


def drawn(page) -> dict:
    page.wait_for_timeout(400)  # the cluster group animates its changes (250 ms)
    return page.evaluate(DRAWN)


def visible(page) -> list[str]:
    return page.evaluate("KunshanHeatmap.getState().visibleParks")


def fit_all(page) -> None:
    """Show every park in the view at the demo's zoom (so every shown park is drawn somewhere)."""
    page.evaluate("""() => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        map.setView([31.33, 120.96], 10, {animate: false});
    }""")


@pytest.fixture(scope="module")
def clustered_demo(tmp_path_factory):
    output = tmp_path_factory.mktemp("clusters") / "map.html"
    assert main(["demo", "--cluster", "on", "--offline", "-o", str(output)]) == 0
    return output


@pytest.fixture
def page(browser, clustered_demo):
    page, _, errors = open_offline(browser, clustered_demo)
    page.wait_for_function("document.querySelectorAll('.marker-cluster').length > 0")
    fit_all(page)
    yield page
    assert errors == []
    page.close()


def test_clusters_count_exactly_the_parks_shown(page):
    now = drawn(page)
    assert now["clusters"] > 0 and now["single"] + now["inClusters"] == len(visible(page)) == 27
    page.screenshot(path=str(ARTIFACTS / "clusters-demo.png"))


@pytest.mark.parametrize("filter_", ["{sectors: ['intelligent_manufacturing', 'robotics']}",
                                     "{statuses: ['certified']}", "{investment: [10, null]}"])
def test_filters_change_the_clusters_with_the_markers(page, filter_):
    state = page.evaluate(f"KunshanHeatmap.setFilter({filter_})")
    now = drawn(page)
    assert 0 < len(state["visibleParks"]) < 27
    assert now["single"] + now["inClusters"] == len(state["visibleParks"])
    page.evaluate("KunshanHeatmap.resetFilter()")
    now = drawn(page)
    assert now["single"] + now["inClusters"] == 27


def test_a_sector_switched_off_leaves_the_clusters(page):
    page.locator(".leaflet-control-layers").hover()
    robotics = page.locator(".leaflet-control-layers-overlays label", has_text="智能机器人").locator("input")
    robotics.click()
    now = drawn(page)
    assert now["single"] + now["inClusters"] == len(visible(page)) == 25
    robotics.click()
    now = drawn(page)
    assert now["single"] + now["inClusters"] == 27


def test_focus_opens_a_park_hidden_in_a_cluster(page):
    page.evaluate("KunshanHeatmap.focusPark('wilmar-food')")
    page.wait_for_selector(".leaflet-popup-content .kh-card-name")
    assert page.locator(".leaflet-popup-content .kh-card-name").inner_text() == "益海嘉里（昆山）产业园"
    assert page.evaluate("KunshanHeatmap.getState().selected") == "wilmar-food"


def test_a_large_register_is_clustered_by_default_and_filters_stay_exact(browser, tmp_path):
    register = synthetic_register(tmp_path / "parks.csv", 3000)
    output = tmp_path / "large.html"
    assert main(["build", str(register), "--offline", "-o", str(output)]) == 0
    page, _, errors = open_offline(browser, output)
    page.wait_for_function("document.querySelectorAll('.marker-cluster').length > 0")
    fit_all(page)
    now = drawn(page)
    assert now["single"] < 300 and now["single"] + now["inClusters"] == len(visible(page)) == 3000
    state = page.evaluate("KunshanHeatmap.setFilter({sectors: ['robotics'], investment: [5, 20]})")
    now = drawn(page)
    assert 0 < len(state["visibleParks"]) < 3000
    assert now["single"] + now["inClusters"] == len(state["visibleParks"])
    page.screenshot(path=str(ARTIFACTS / "clusters-3000.png"))
    assert errors == []
    page.close()
