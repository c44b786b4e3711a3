"""Joining parks with areas and registries, totals by area and sector, and the embedded default."""

import csv
import math

import pandas as pd
import pytest

from geo import (FIGURES, area_totals, default_register_path, join_parks, kunshan_default, load_parks,
                 locate_parks, read_register, totals, town_areas)
from registers import assert_accounted, write_csv

HEADER = ["园区名称", "主导产业", "所在镇", "状态", "总投资", "建筑面积", "用地面积", "预计产值", "经度", "纬度"]
ROWS = [
    ["A", "智能机器人", "张浦镇", "认定园区", "12亿元", "3万平方米", "200亩", "", "", ""],           # 2
    ["B", "机器人", "张浦", "培育", "3,500万元", "", "2公顷", "", "", ""],                        # 3
    ["C", "生物医药", "陆家镇", "planned", "", "5000平方米", "", "", "", ""],                     # 4
    ["D", "biomedicine", "陆家镇", "certified", "1亿", "", "", "", "120.945", "31.285"],        # 5: at 张浦镇's point
    ["E", "food", "", "", "2", "", "", "", "", ""],                                           # 6: city level
    ["F", "量子", "花桥经济开发区", "town_park", "", "", "", "10", "", ""],                        # 7
    ["合计", "", "", "", "15.35", "", "", "", "", ""],                                         # 8
]


def nan_or(value):
    return "nan" if isinstance(value, float) and math.isnan(value) else round(float(value), 9)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load_parks(write_csv(tmp_path_factory.mktemp("join") / "parks.csv", [HEADER, *ROWS]))


def test_load_parks_report(data):
    report = data.report
    assert (report.rows_read, report.parks, report.rejected) == (7, 6, [])
    assert report.skipped == [{"row": 8, "reason": "totals row / 合计行"}]
    assert report.ok
    assert_accounted(report)


def test_join_adds_area_sector_and_status(data):
    parks = data.parks.set_index("name")
    assert data.parks.crs.to_epsg() == 4326
    assert parks["precision"].to_dict() == {"A": "town", "B": "town", "C": "town", "D": "exact", "E": "city",
                                            "F": "town"}
    area = parks["area"]
    assert area.drop("E").to_dict() == {"A": "张浦镇", "B": "张浦镇", "C": "陆家镇", "D": "陆家镇", "F": "花桥镇"}
    assert area["E"] is pd.NA
    assert parks["sector"].to_dict() == {"A": "robotics", "B": "robotics", "C": "biomedicine",
                                         "D": "biomedicine", "E": "food", "F": "other"}
    assert parks.loc["A", ["sector_zh", "sector_en", "sector_colour"]].tolist() == [
        "智能机器人", "Intelligent robotics", "#d62728"]
    assert parks.loc["C", ["sector_zh", "sector_en", "sector_colour"]].tolist() == [
        "生物医药", "Biomedicine", "#2ca02c"]
    assert parks.loc["F", ["sector_zh", "sector_en", "sector_colour"]].tolist() == ["其他", "Other", "#4d4d4d"]
    assert parks.loc["A", ["status_zh", "status_en"]].tolist() == ["认定园区", "Certified park"]
    assert parks.loc["B", ["status_zh", "status_en"]].tolist() == ["培育园区", "Cultivation park"]
    assert parks.loc["C", ["status_zh", "status_en"]].tolist() == ["规划", "Planned"]
    assert parks.loc["F", ["status_zh", "status_en"]].tolist() == ["镇级园区", "Town park"]
    assert pd.isna(parks.loc["E", "status_zh"]) and pd.isna(parks.loc["E", "status_en"])


def test_join_keeps_index_and_crs_and_uses_coordinates_for_exact_parks(tmp_path):
    register = read_register(write_csv(tmp_path / "r.csv", [HEADER, *ROWS]))
    located, report = locate_parks(register)
    joined = join_parks(located, town_areas())
    assert joined.crs == located.crs
    assert joined.index.tolist() == located.index.tolist()
    exact = joined[joined["precision"] == "exact"]
    # D names 陆家镇 as its town but its coordinates lie on 张浦镇's point: the register's town is kept
    assert exact[["name", "host", "area"]].values.tolist() == [["D", "陆家镇", "陆家镇"]]
    assert [w for w in report.warnings if w["row"] == 5] == [{
        "row": 5, "column": "所在镇", "value": "陆家镇",
        "message": "point lies in 张浦镇's schematic area; the register's town 陆家镇 is kept "
                   "/ 坐标位于张浦镇示意范围内，保留登记的陆家镇"}]
    assert_accounted(report)


def test_totals_by_area(data):
    result = totals(data.parks, "area")
    assert result["parks"].dtype == "int64"
    rows = {("NA" if pd.isna(k) else k): {c: nan_or(v) for c, v in r.items()} for k, r in result.iterrows()}
    nan = "nan"
    assert rows == {
        "张浦镇": {"parks": 2, "investment": 12.35, "floor_area": 3.0, "land": 230.0, "output": nan,
                 "investment_n": 2, "floor_area_n": 1, "land_n": 2, "output_n": 0},
        "陆家镇": {"parks": 2, "investment": 1.0, "floor_area": 0.5, "land": nan, "output": nan,
                 "investment_n": 1, "floor_area_n": 1, "land_n": 0, "output_n": 0},
        "花桥镇": {"parks": 1, "investment": nan, "floor_area": nan, "land": nan, "output": 10.0,
                 "investment_n": 0, "floor_area_n": 0, "land_n": 0, "output_n": 1},
        "NA": {"parks": 1, "investment": 2.0, "floor_area": nan, "land": nan, "output": nan,
               "investment_n": 1, "floor_area_n": 0, "land_n": 0, "output_n": 0},
    }
    assert list(result.columns) == ["parks", *FIGURES, *[f"{f}_n" for f in FIGURES]]


def test_totals_by_sector(data):
    result = totals(data.parks, "sector")
    rows = {k: {c: nan_or(v) for c, v in r.items()} for k, r in result.iterrows()}
    nan = "nan"
    assert rows == {
        "biomedicine": {"parks": 2, "investment": 1.0, "floor_area": 0.5, "land": nan, "output": nan,
                        "investment_n": 1, "floor_area_n": 1, "land_n": 0, "output_n": 0},
        "food": {"parks": 1, "investment": 2.0, "floor_area": nan, "land": nan, "output": nan,
                 "investment_n": 1, "floor_area_n": 0, "land_n": 0, "output_n": 0},
        "other": {"parks": 1, "investment": nan, "floor_area": nan, "land": nan, "output": 10.0,
                  "investment_n": 0, "floor_area_n": 0, "land_n": 0, "output_n": 1},
        "robotics": {"parks": 2, "investment": 12.35, "floor_area": 3.0, "land": 230.0, "output": nan,
                     "investment_n": 2, "floor_area_n": 1, "land_n": 2, "output_n": 0},
    }
    assert result["parks"].sum() == data.report.parks


def test_area_totals_list_every_area(data):
    result = area_totals(data.parks, data.areas)
    assert len(result) == 12 and result.crs.to_epsg() == 4326
    counts = dict(zip(result["name"], result["parks"]))
    assert counts == {"玉山镇": 0, "巴城镇": 0, "周市镇": 0, "陆家镇": 2, "花桥镇": 1, "淀山湖镇": 0, "张浦镇": 2,
                      "周庄镇": 0, "千灯镇": 0, "锦溪镇": 0, "昆山开发区": 0, "昆山高新区": 0}
    assert result["parks"].dtype == "int64" and result["investment_n"].dtype == "int64"
    zhangpu = result.set_index("name").loc["张浦镇"]
    assert zhangpu["investment"] == pytest.approx(12.35) and zhangpu["land"] == pytest.approx(230.0)
    assert math.isnan(result.set_index("name").loc["玉山镇", "investment"])


# --- the embedded default ----------------------------------------------------------------------


def test_kunshan_default():
    default = kunshan_default()
    parks, report = default.parks, default.report
    assert len(parks) == 27
    assert parks.crs.to_epsg() == 4326
    assert report.ok
    assert (report.rows_read, report.parks, report.skipped) == (27, 27, [])
    assert_accounted(report)
    names = set(default.areas["name"])
    assert len(names) == 12
    city = parks["precision"] == "city"
    assert parks.loc[~city, "area"].isin(names).all()
    assert parks.loc[city, "area"].isna().all()
    assert parks.loc[~city, "area"].notna().all()
    # parks located by town keep their host as area
    town = parks["precision"] == "town"
    assert (parks.loc[town, "area"] == parks.loc[town, "host"]).all()


def test_kunshan_default_city_parks_are_those_without_host_or_address():
    with open(default_register_path(), encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == 27
    expected = sorted(r["name_zh"] for r in records if not r["host_zh"].strip() and not r["address"].strip())
    parks = kunshan_default().parks
    assert sorted(parks.loc[parks["precision"] == "city", "name"]) == expected
    assert len(expected) == 2
    invest = sum(float(r["investment_yi"]) for r in records if r["investment_yi"].strip())
    assert parks["investment"].sum() == pytest.approx(invest)
    assert totals(parks, "area")["parks"].sum() == 27
