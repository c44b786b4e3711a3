"""The calibrated heat in a real browser: the density follows the filters on the Python grid, and the density
legend and the layer control read in the reader's language."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from conftest import ARTIFACTS, COUNT, open_offline
from geo.analyse.density import density_grid
from layers.elements.geojson import COORD_DECIMALS
from layers.cli import main

pytestmark = pytest.mark.browser

#: The surface the page drew last: values, pixels and how many parks it holds (kept on the density layer).
SURFACE = "Object.values(window).find(v => v instanceof L.ImageOverlay).khSurface"

@pytest.fixture(scope="module")
def density_page(tmp_path_factory):
    output = tmp_path_factory.mktemp("density") / "map.html"
    assert main(["demo", "--heat", "both", "--weight", "count", "--offline", "-o", str(output)]) == 0
    return output


@pytest.fixture
def page(browser, density_page):
    page, _, errors = open_offline(browser, density_page)
    page.wait_for_function(f"{COUNT} === 27")
    yield page
    assert errors == []
    page.close()


def overlay_src(page) -> str:
    return page.locator("img.leaflet-image-layer").get_attribute("src")


def python_surface(parks: gpd.GeoDataFrame, mask, bounds) -> np.ndarray:
    """geo.analyse.density's surface of the parks in ``mask``, from the coordinates the page holds (rounded)."""
    subset = parks[mask].copy()
    subset["geometry"] = gpd.points_from_xy(subset.geometry.x.round(COORD_DECIMALS),
                                            subset.geometry.y.round(COORD_DECIMALS), crs="EPSG:4326")
    return density_grid(subset, "count", bounds=bounds).values


def test_filtering_recomputes_the_density_on_the_same_grid_as_python(page, parks):
    whole = density_grid(parks, "count")
    original = overlay_src(page)
    legend = page.locator(".kh-density-control")
    assert "27 个园区中 25 个计入" in legend.inner_text()

    page.evaluate("KunshanHeatmap.setFilter({sectors: ['robotics']})")
    drawn = page.evaluate(SURFACE)
    values = np.array(drawn["values"]).reshape(whole.shape)
    expected = python_surface(parks, parks["sector"].eq("robotics"), whole.bounds)
    assert drawn["used"] == int((parks["sector"].eq("robotics") & parks["precision"].ne("city")).sum()) > 0
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-6 * whole.values.max())
    assert overlay_src(page) != original and overlay_src(page).startswith("data:image/png;base64,")
    assert f"27 个园区中 {drawn['used']} 个计入" in legend.inner_text()
    assert "按当前筛选重新计算，色阶不变" in legend.inner_text()
    # the colour scale stays the one of the whole register, so colours compare between filters
    ticks = legend.locator(".kh-density-tick").all_inner_texts()
    assert len(ticks) == 5 and float(ticks[-1]) == pytest.approx(max(
        v for v in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0) if v <= whole.values.max()))
    page.screenshot(path=str(ARTIFACTS / "density-robotics.png"))

    page.evaluate("KunshanHeatmap.resetFilter()")
    assert overlay_src(page) == original  # the exact image computed in Python
    assert "按当前筛选重新计算" not in legend.inner_text()


def test_density_pixels_follow_the_python_colour_ramp(page, parks):
    from layers.elements.density import density_levels, density_rgba

    whole = density_grid(parks, "count")
    page.evaluate("KunshanHeatmap.setFilter({statuses: ['certified']})")
    drawn = page.evaluate(SURFACE)
    pixels = np.array(list(page.evaluate(f"Array.from({SURFACE}.pixels)")), dtype=int)
    expected = density_rgba(np.array(drawn["values"]).reshape(whole.shape), density_levels(whole.values))
    # numpy rounds halves to even, JavaScript up: at most one step apart
    assert np.abs(pixels.reshape(expected.shape) - expected.astype(int)).max() <= 1
    assert (pixels.reshape(expected.shape)[..., 3] > 0).sum() > 0


def test_an_empty_filter_result_clears_the_surface(page):
    page.evaluate("KunshanHeatmap.setFilter({investment: [1e9, null]})")
    drawn = page.evaluate(SURFACE)
    assert drawn["used"] == 0 and max(drawn["values"]) == 0
    assert "27 个园区中 0 个计入" in page.locator(".kh-density-control").inner_text()


def test_a_sector_switched_off_in_the_layer_control_leaves_the_density(page, parks):
    page.locator(".leaflet-control-layers").hover()
    robotics = page.locator(".leaflet-control-layers-overlays label", has_text="机器人")
    robotics.locator("input").click()
    drawn = page.evaluate(SURFACE)
    carrying = parks["precision"].ne("city")
    assert drawn["used"] == int((carrying & parks["sector"].ne("robotics")).sum())


def layer_names(page) -> list[str]:
    """Names in the layer control (a sector's colour dot left out)."""
    return page.evaluate("""Array.from(document.querySelectorAll('.leaflet-control-layers label > span > span'))
        .map(s => s.textContent.replace('\u25cf', '').trim())""")


def test_the_density_legend_and_the_layer_control_follow_the_language(page, parks):
    legend = page.locator(".kh-density-control")
    zh = layer_names(page)
    assert "园区密度 (园区/km²)" in zh and "热力（经典）" in zh and "镇/板块（示意）" in zh and "县界" in zh
    robotics = int(parks["sector"].eq("robotics").sum())
    assert f"智能机器人 ({robotics})" in zh

    page.evaluate("KunshanHeatmap.setLanguage('en')")
    en = layer_names(page)
    assert "Park density (parks/km²)" in en and "Heat (classic)" in en and "County outline" in en
    assert "Town areas (schematic)" in en and "园区密度 (园区/km²)" not in en
    assert f"Intelligent robotics ({robotics})" in en and not any("机器人" in name for name in en)
    text = legend.inner_text()
    assert "Park density" in text and "parks/km²" in text and "kernel density, bandwidth 2 km" in text
    assert "25 of 27 parks counted" in text and "园区" not in text

    page.evaluate("KunshanHeatmap.setLanguage('zh-Hant')")
    hant = layer_names(page)
    assert "園區密度 (園區/km²)" in hant and f"智能機器人 ({robotics})" in hant and "熱力（經典）" in hant and "縣界" in hant
    assert "核密度，頻寬 2 km" in legend.inner_text()
    page.locator(".leaflet-control-layers").hover()
    page.screenshot(path=str(ARTIFACTS / "layers-zh-Hant.png"))


def test_switching_the_density_off_and_on_keeps_the_language(page):
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    page.locator(".leaflet-control-layers").hover()
    density = page.locator(".leaflet-control-layers-overlays label", has_text="Park density").locator("input")
    density.click()
    assert page.locator(".kh-density-control").count() == 0
    density.click()
    assert "parks/km²" in page.locator(".kh-density-control").inner_text()
    assert "Park density" in page.locator(".kh-density-control").inner_text()


@pytest.fixture(scope="module")
def investment_page(browser, tmp_path_factory):
    """The default register weighed by investment, bandwidth 1.5 km: (page, the levels the page was given)."""
    import geo
    import layers
    from geo.analyse.mapdata import map_data
    from layers.elements.density import density_levels

    data = geo.kunshan_default()
    output = tmp_path_factory.mktemp("investment") / "map.html"
    layers.write_map(layers.park_heatmap(data.parks, outline=data.outline, weight="investment", bandwidth_m=1500.0),
                     output, offline=True)
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 27")
    levels = density_levels(map_data(data.parks, weight="investment", bandwidth_m=1500.0).density.grid.values)
    yield page, levels
    assert errors == []
    page.close()


def test_the_density_legend_in_real_units_in_every_language(investment_page):
    page, levels = investment_page
    legend = page.locator(".kh-density-control")
    ticks = [np.format_float_positional(v, trim="-") for v in levels]
    assert len(ticks) == 5 and legend.locator(".kh-density-tick").all_inner_texts() == ticks
    assert legend.inner_text().split("\n") == [
        "总投资密度", *ticks, "亿元/km²", "核密度，带宽 1.5 km", "高斯核 σ = 1,500 m，网格约 250 m",
        "27 个园区中 4 个有总投资数据"]
    image = page.locator("img.leaflet-image-layer")
    assert image.get_attribute("alt") == "总投资密度 (亿元/km²)"
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert legend.inner_text().split("\n") == [
        "Investment density", *ticks, "100 million CNY/km²", "kernel density, bandwidth 1.5 km",
        "Gaussian kernel σ = 1,500 m, cells of about 250 m", "4 of 27 parks carry a value of investment"]
    assert image.get_attribute("alt") == "Investment density (100 million CNY/km²)"
    page.evaluate("KunshanHeatmap.setLanguage('zh-Hant')")
    assert legend.inner_text().split("\n")[0] == "總投資密度" and "27 個園區中 4 個有總投資數據" in legend.inner_text()


def test_an_empty_surface_says_so_in_the_legend(browser, tmp_path):
    import geo
    import layers

    data = geo.kunshan_default()
    city = data.parks[data.parks["precision"].eq("city")]  # none is in the heat: the surface spans the outline
    output = tmp_path / "empty.html"
    layers.write_map(layers.park_heatmap(city, outline=data.outline, weight="investment"), output, offline=True)
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === {len(city)}")
    legend = page.locator(".kh-density-control")
    assert legend.locator(".kh-density-empty").inner_text() == "没有园区计入密度"
    assert legend.locator(".kh-density-tick").count() == 0
    assert f"{len(city)} 个园区中 0 个有总投资数据" in legend.inner_text()
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert "No park in the density" in legend.inner_text() and f"0 of {len(city)} parks carry" in legend.inner_text()
    assert errors == []
    page.close()
