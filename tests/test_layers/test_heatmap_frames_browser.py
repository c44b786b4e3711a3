"""park_heatmap on a GeoDataFrame made by hand: point geometry and a name suffice; the rest takes the documented
defaults (geo.analyse.schema.PARK_COLUMNS), and the page works."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest

import geo
from conftest import open_offline
from layers.heatmap import park_heatmap
from layers.publish.output import write_map

README = Path(__file__).parents[2] / "README.md"


@pytest.fixture
def hand_made():
    return gpd.GeoDataFrame({"name": ["甲园", "乙园", "丙园"]},
                            geometry=gpd.points_from_xy([120.98, 121.00, 120.95], [31.38, 31.30, 31.33]))


def test_only_geometry_and_a_name_give_a_working_page(browser, tmp_path, hand_made):
    with pytest.warns(geo.SchemaWarning, match=r"no sector, status, year or figure column .* among name"):
        m = park_heatmap(hand_made)
    path = write_map(m, tmp_path / "m.html", offline=True)
    page, _, errors = open_offline(browser, path)
    try:
        page.wait_for_function("document.querySelectorAll('path.kh-park').length === 3")
        ids = page.evaluate("KunshanHeatmap.search('乙园')")
        page.evaluate("id => KunshanHeatmap.focusPark(id)", ids[0])
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        assert page.locator(".leaflet-popup-content .kh-card-name").text_content() == "乙园"
        assert page.evaluate("KunshanHeatmap.setFilter({sectors: ['other']}).visibleParks.length") == 3
        assert errors == []
    finally:
        page.close()


def test_a_frame_in_metres_with_areas_is_converted_and_joined(hand_made):
    data = geo.kunshan_default()
    with pytest.warns(geo.SchemaWarning):
        m = park_heatmap(hand_made.set_crs(4326).to_crs(32651), areas=data.areas, outline=data.outline)
    page = m.get_root().render()
    assert '"area":{"codes":[0,1,2],"values":["玉山镇","千灯镇","张浦镇"]}' in page.replace(" ", "")


@pytest.mark.parametrize("frame, message", [
    (gpd.GeoDataFrame({"title": ["x"]}, geometry=gpd.points_from_xy([120.9], [31.3])),
     "parks: missing required column(s) name; columns: title"),
    (gpd.GeoDataFrame({"name": ["x"]}, geometry=gpd.GeoSeries.from_wkt(["LINESTRING (120.9 31.3, 121 31.4)"])),
     "parks: the geometry must be points, not LineString"),
    (gpd.GeoDataFrame({"name": ["x"]}, geometry=gpd.points_from_xy([340000.0], [3470000.0])),
     "parks: no CRS and the points are not longitude/latitude degrees"),
])
def test_a_frame_that_cannot_be_mapped_names_why(frame, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        park_heatmap(frame)


def test_the_readme_documents_every_column_of_the_schema():
    text = README.read_text(encoding="utf-8")
    for column, kind, default, _ in geo.PARK_COLUMNS:
        assert f"| `{column}` | {kind} | {default} |" in text, column


def test_the_parks_explore_with_the_explore_extra():
    """geopandas' own quick look: ``GeoDataFrame.explore`` needs matplotlib and mapclassify (the [explore] extra)."""
    parks = geo.kunshan_default().parks
    page = parks.explore(column="sector", tooltip=["name", "sector"]).get_root().render()
    assert all(f"</span>{code}</li>" in page for code in parks["sector"].unique())  # mapclassify's categories
