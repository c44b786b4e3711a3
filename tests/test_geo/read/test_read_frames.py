"""A user's own DataFrame or GeoDataFrame read like a register file: the same aliases, checks and report."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest

import geo
from geo import read_register
from registers import assert_accounted


def test_a_geodataframe_in_another_crs_is_read_with_aliases_units_and_a_report():
    frame = gpd.GeoDataFrame({"名称": ["甲园", "乙园", None], "industry": ["光电", "半导体", "光电"],
                              "capex": ["12亿元", "3500万元", "1"], "认定时间": [dt.datetime(2022, 6, 1), None, None]},
                             geometry=gpd.points_from_xy([120.98, 121.00, 120.9], [31.38, 31.30, 31.3]),
                             crs="EPSG:4326").to_crs(32651)
    register = read_register(frame)
    table = register.table
    assert table[["name", "sector", "sector_label", "investment", "year"]].astype(object).where(
        table[["name", "sector", "sector_label", "investment", "year"]].notna(), None).values.tolist() == [
        ["甲园", "optoelectronics", None, 12.0, 2022], ["乙园", "other", "半导体", 0.35, None]]
    assert table["lon"].round(9).tolist() == [120.98, 121.0] and table["lat"].round(9).tolist() == [31.38, 31.3]
    assert register.report.source == "<GeoDataFrame>"
    assert register.report.rejected == [{"row": 3, "column": "名称", "value": None,
                                         "reason": "park name is empty / 园区名称为空"}]
    assert [(c["column"], c["field"]) for c in register.report.columns] == [
        ("名称", "name"), ("industry", "sector"), ("capex", "investment"), ("认定时间", "date"), ("lon", "lon"),
        ("lat", "lat")]
    assert_accounted(register.report)


def test_a_plain_dataframe_with_towns_is_located_by_town():
    data = geo.load_parks(pd.DataFrame({"园区名称": ["丙园", "丁园"], "所在镇": ["张浦镇", "火星镇"], "总投资": [3, 5.5]}))
    assert data.parks[["name", "host", "precision", "investment"]].values.tolist() == [
        ["丙园", "张浦镇", "town", 3.0]]
    assert [r["row"] for r in data.report.rejected] == [2]


def test_polygons_are_placed_inside_them_with_a_note():
    square = gpd.GeoSeries.from_wkt(["POLYGON ((120.97 31.37, 120.99 31.37, 120.99 31.39, 120.97 31.39, 120.97 31.37))"])
    frame = gpd.GeoDataFrame({"name": ["甲园"], "sector": ["光电"]}, geometry=square, crs="EPSG:4326")
    data = geo.parks_from_frame(frame)
    assert data.parks.geometry.iloc[0].within(square.iloc[0])
    assert [w["message"] for w in data.report.warnings] == ["Polygon placed at a point inside it / 以面内一点定位"]


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"industry": ["光电"]}), "no park-name column in the header"),
])
def test_a_frame_without_a_name_column_is_a_register_error(frame, message):
    with pytest.raises(geo.RegisterError, match=message):
        read_register(frame)
