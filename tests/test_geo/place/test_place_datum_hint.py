"""A hint when coordinates look typed from another map's datum than the one declared (real .xlsx registers)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import geo
from geo.place.datum import convert
from registers import write_xlsx

HINT = "the coordinates fit better as BD-09"


def workbook(path, rows):
    return write_xlsx(path, ["园区名称", "所在镇", "经度", "纬度"], *rows)


@pytest.fixture(scope="module")
def near_borders():
    """WGS-84 points in their own town whose BD-09 values, read as WGS-84 (about 1.1 km north-east), lie in
    another town's area or outside the county: parks near a border, as real registers have some."""
    areas = geo.town_areas()
    towns = areas[areas["kind"].eq("town")]
    x, y = np.meshgrid(np.arange(120.80, 121.15, 0.01), np.arange(31.10, 31.50, 0.01))
    x, y = x.ravel(), y.ravel()
    bx, by = convert(x, y, "wgs84", "bd09")
    found = []
    for name, shape in zip(towns["name"], towns.geometry):
        moved_out = shapely.contains_xy(shape, x, y) & ~shapely.contains_xy(shape, bx, by)
        found += [(name, float(a), float(b), float(c), float(d))
                  for a, b, c, d in zip(x[moved_out], y[moved_out], bx[moved_out], by[moved_out])][:2]
    return found


def test_baidu_coordinates_declared_wgs84_get_a_hint_naming_the_option(tmp_path, near_borders):
    rows = [[f"园{i}", town, bx, by] for i, (town, _, _, bx, by) in enumerate(near_borders)]
    data = geo.load_parks(workbook(tmp_path / "r.xlsx", rows))
    hints = [w for w in data.report.warnings if w["row"] is None]
    assert len(hints) == 1 and hints[0]["message"].startswith(HINT) and hints[0]["column"] == "经度"  # the best fit
    assert "10 more points would lie inside the county" in hints[0]["message"]
    assert "run with --datum bd09" in hints[0]["message"]


def test_declared_right_there_is_no_hint_and_the_points_land_where_they_are(tmp_path, near_borders):
    rows = [[f"园{i}", town, bx, by] for i, (town, _, _, bx, by) in enumerate(near_borders)]
    data = geo.load_parks(workbook(tmp_path / "r.xlsx", rows), datum="bd09")
    assert [w for w in data.report.warnings if w["row"] is None] == []
    truth = np.array([(x, y) for _, x, y, _, _ in near_borders])
    got = np.column_stack([data.parks.geometry.x, data.parks.geometry.y])
    assert np.abs(got - truth).max() < 1e-6


def test_true_wgs84_points_get_no_hint(tmp_path, near_borders):
    rows = [[f"园{i}", town, x, y] for i, (town, x, y, _, _) in enumerate(near_borders)]
    data = geo.load_parks(workbook(tmp_path / "r.xlsx", rows))
    assert [w for w in data.report.warnings if w["row"] is None] == []
