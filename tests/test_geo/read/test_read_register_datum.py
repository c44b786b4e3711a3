"""Datums of a register: the file's datum, the per-row 坐标系 column, conversion to WGS-84 when locating,
and ``validate --datum`` / ``build --datum`` on the command line."""

import csv
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo import RegisterError, kunshan_outline, load_parks, locate_parks, read_register
from geo.place import datum
from layers.cli import main
from pagedata import page_parks
from registers import assert_accounted, write_csv

UNKNOWN_DATUM = "unknown datum (allowed: wgs84, gcj02, bd09) / 坐标系无法识别"
SWAPPED = "longitude and latitude were swapped; read the other way round / 经纬度颠倒，已互换"
ALLOWED = ("allowed: wgs84 (wgs-84, cgcs2000, gps); gcj02 (gcj-02, 火星坐标, 高德, amap, gaode, tencent, 腾讯); "
           "bd09 (bd-09, bd09ll, 百度, baidu)")
LABELS = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}
TO_WGS84 = {"wgs84": lambda x, y: (x, y), "gcj02": datum.gcj02_to_wgs84, "bd09": datum.bd09_to_wgs84}
SHANGHAI = (121.47, 31.23)
# GCJ-02 points about 14 m and 1.5 m inside the outline (checked in the tests): the first stays inside
# when converted to WGS-84, the second falls outside.
NEAR_EDGE_STAYS_IN = (120.96939, 31.49679)
NEAR_EDGE_FALLS_OUT = (120.97259, 31.49599)
ERROR = "kunshan-heatmap: error: "


def outside_reason(label):
    return f"point outside the Kunshan county outline (lon, lat as given, {label}) / 坐标不在昆山市范围内"


@pytest.fixture(scope="module")
def outline():
    return kunshan_outline()


def metres_inside(outline, lon, lat):
    """Distance (m) from a point to the outline's edge, positive inside."""
    to_metres = Transformer.from_crs(4326, 32651, always_xy=True)
    polygon = outline.to_crs("EPSG:32651").union_all()
    point = shapely.Point(*to_metres.transform(lon, lat))
    distance = polygon.boundary.distance(point)
    return distance if polygon.contains(point) else -distance


# ---------------------------------------------------------------- read_register

def test_file_datum_without_a_column_applies_to_every_row(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["园区名称", "经度", "纬度"], ["甲", "120.98", "31.38"], ["乙", "", ""]])
    assert read_register(path).table["datum"].tolist() == ["wgs84", "wgs84"]
    assert read_register(path, datum="gcj02").table["datum"].tolist() == ["gcj02", "gcj02"]
    assert read_register(path, datum="百度").table["datum"].tolist() == ["bd09", "bd09"]
    register = read_register(path, datum="GCJ-02")
    assert register.table["lon"].iloc[0] == 120.98  # read_register keeps coordinates as given
    assert register.table["lat"].iloc[0] == 31.38
    assert register.table["lon"].isna().tolist() == [False, True]
    assert_accounted(register.report)


def test_unknown_file_datum_raises(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["园区名称", "经度", "纬度"], ["甲", "120.98", "31.38"]])
    with pytest.raises(RegisterError) as caught:
        read_register(path, datum="mars")
    assert str(caught.value) == f"unknown datum 'mars'; {ALLOWED} / 坐标系 'mars' 无法识别"


@pytest.mark.parametrize("header", ["坐标系", "datum", "坐标类型", "坐标系统", "crs", "Datum", "座標系"])
@pytest.mark.parametrize("file_datum", ["wgs84", "gcj02"])
def test_datum_column_per_row(tmp_path, header, file_datum):
    rows = [["园区名称", "经度", "纬度", header],
            ["甲", "120.98", "31.38", "高德"],
            ["乙", "120.98", "31.38", "GCJ-02"],
            ["丙", "120.98", "31.38", "百度"],
            ["丁", "120.98", "31.38", "bd09"],
            ["戊", "120.98", "31.38", "wgs84"],
            ["己", "120.98", "31.38", ""],
            ["庚", "120.98", "31.38", " Baidu "]]
    register = read_register(write_csv(tmp_path / "r.csv", rows), datum=file_datum)
    assert register.table["row"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert register.table["datum"].tolist() == ["gcj02", "gcj02", "bd09", "bd09", "wgs84", file_datum, "bd09"]
    assert register.column_of("datum") == header
    assert register.report.rejected == []
    assert (register.report.rows_read, register.report.parks) == (7, 7)
    assert_accounted(register.report)


def test_unreadable_datum_cell_rejects_the_row(tmp_path):
    rows = [["园区名称", "经度", "纬度", "坐标系"],
            ["甲", "120.98", "31.38", "高德"],
            ["乙", "120.98", "31.38", "火星2"],
            ["丙", "", "", "EPSG:3857"],
            ["丁", "120.98", "31.38", ""]]
    register = read_register(write_csv(tmp_path / "r.csv", rows), datum="bd09")
    assert register.report.rejected == [
        {"row": 3, "column": "坐标系", "value": "火星2", "reason": UNKNOWN_DATUM},
        {"row": 4, "column": "坐标系", "value": "EPSG:3857", "reason": UNKNOWN_DATUM},
    ]
    assert register.report.rejected[0]["reason"].startswith("unknown datum")
    assert register.table["name"].tolist() == ["甲", "丁"]
    assert register.table["datum"].tolist() == ["gcj02", "bd09"]
    assert (register.report.rows_read, register.report.parks) == (4, 2)
    assert_accounted(register.report)


def test_datum_column_in_an_xlsx_register(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["园区登记表"])
    sheet.append(["园区名称", "经度", "纬度", "坐标系"])
    sheet.append(["甲", 120.98, 31.38, "百度"])
    sheet.append(["乙", 120.98, 31.38, None])
    sheet.append(["丙", 120.98, 31.38, "wrong"])
    book.create_sheet("说明").append(["x"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    register = read_register(path, datum="高德")
    assert register.table["row"].tolist() == [3, 4]
    assert register.table["datum"].tolist() == ["bd09", "gcj02"]
    assert register.report.rejected == [{"row": 5, "column": "坐标系", "value": "wrong", "reason": UNKNOWN_DATUM}]
    assert_accounted(register.report)


# ---------------------------------------------------------------- locate_parks

@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    rows = [["园区名称", "经度", "纬度", "坐标系"],
            ["高德园", "120.98", "31.38", "高德"],          # 2
            ["火星园", "121.01", "31.33", "GCJ-02"],        # 3
            ["百度园", "120.95", "31.30", "百度"],          # 4
            ["度百园", "121.05", "31.26", "bd09"],          # 5
            ["GPS园", "120.93", "31.40", "wgs84"],          # 6
            ["默认园", "121.02", "31.36", ""],              # 7 the file's datum: gcj02
            ["乱码园", "120.98", "31.38", "不知道"],         # 8 rejected: unknown datum
            ["上海园", "121.47", "31.23", "bd09"],          # 9 rejected: outside Kunshan
            ["颠倒园", "31.38", "120.98", "百度"],          # 10 swapped, from bd09
            ["合计", "", "", ""]]                          # 11 skipped
    register = read_register(write_csv(tmp_path_factory.mktemp("mixed") / "r.csv", rows), datum="gcj02")
    table_before = register.table.copy()
    parks, report = locate_parks(register)
    return register, parks, table_before, report


GIVEN = {"高德园": (120.98, 31.38, "gcj02"), "火星园": (121.01, 31.33, "gcj02"), "百度园": (120.95, 31.30, "bd09"),
         "度百园": (121.05, 31.26, "bd09"), "GPS园": (120.93, 31.40, "wgs84"), "默认园": (121.02, 31.36, "gcj02"),
         "颠倒园": (120.98, 31.38, "bd09")}


def test_each_row_is_converted_from_its_own_datum(mixed):
    _, parks, _, _ = mixed
    assert parks["name"].tolist() == list(GIVEN)
    for _, park in parks.iterrows():
        lon, lat, source = GIVEN[park["name"]]
        x, y = TO_WGS84[source](lon, lat)
        assert park["lon"] == pytest.approx(x, abs=1e-9), park["name"]
        assert park["lat"] == pytest.approx(y, abs=1e-9), park["name"]
        assert park.geometry.x == pytest.approx(x, abs=1e-9) and park.geometry.y == pytest.approx(y, abs=1e-9)
        assert (park["lon_input"], park["lat_input"], park["datum_input"]) == (lon, lat, source)
        assert park["datum"] == "wgs84"
        assert (park["precision"], park["located_by"], park["uncertainty_m"]) == ("exact", "coordinates", 0.0)
    assert parks.crs.to_epsg() == 4326


def test_conversion_moves_the_points_by_the_datum_offset(mixed):
    _, parks, _, _ = mixed
    moved = np.hypot(parks["lon"] - parks["lon_input"], parks["lat"] - parks["lat_input"]).to_numpy()
    sources = parks["datum_input"].to_numpy()
    assert np.all(moved[sources == "wgs84"] == 0)
    assert np.all((moved[sources == "gcj02"] > 0.003) & (moved[sources == "gcj02"] < 0.006))
    assert np.all((moved[sources == "bd09"] > 0.009) & (moved[sources == "bd09"] < 0.015))


def test_rejections_skips_and_warnings_of_the_mixed_register(mixed):
    _, _, _, report = mixed
    assert report.rejected == [
        {"row": 8, "column": "坐标系", "value": "不知道", "reason": UNKNOWN_DATUM},
        {"row": 9, "column": "经度", "value": "121.47, 31.23", "reason": outside_reason("BD-09")},
    ]
    assert report.skipped == [{"row": 11, "reason": "totals row / 合计行"}]
    assert report.warnings == [{"row": 10, "column": "经度", "value": "31.38", "message": SWAPPED}]
    assert (report.rows_read, report.parks) == (10, 7)
    assert_accounted(report)


def test_the_registers_table_is_not_changed(mixed):
    register, _, before, _ = mixed
    pd.testing.assert_frame_equal(register.table, before)
    assert (register.report.parks, register.report.rejected) == (8, [{"row": 8, "column": "坐标系", "value": "不知道",
                                                                      "reason": UNKNOWN_DATUM}])
    assert register.table.loc[register.table["name"] == "高德园", "lon"].item() == 120.98
    assert register.table.loc[register.table["name"] == "高德园", "datum"].item() == "gcj02"


@pytest.mark.parametrize("source", ["wgs84", "gcj02", "bd09"])
def test_outside_point_names_the_datum_as_given(tmp_path, source):
    rows = [["园区名称", "经度", "纬度"], ["上海园", *map(str, SHANGHAI)], ["昆山园", "120.98", "31.38"]]
    register = read_register(write_csv(tmp_path / "r.csv", rows), datum=source)
    parks, report = locate_parks(register)
    assert parks["name"].tolist() == ["昆山园"]
    assert report.rejected == [{"row": 2, "column": "经度", "value": "121.47, 31.23",
                                "reason": outside_reason(LABELS[source])}]
    assert_accounted(report)


def test_gcj02_point_just_inside_that_stays_inside_is_accepted(tmp_path, outline):
    lon, lat = NEAR_EDGE_STAYS_IN
    x, y = datum.gcj02_to_wgs84(lon, lat)
    assert 0 < metres_inside(outline, lon, lat) < 30      # just inside, as given
    assert metres_inside(outline, x, y) > 0                # and inside once converted
    rows = [["园区名称", "经度", "纬度", "坐标系"], ["边园", str(lon), str(lat), "高德"]]
    register = read_register(write_csv(tmp_path / "r.csv", rows))
    parks, report = locate_parks(register, outline=outline)
    assert report.rejected == []
    assert len(parks) == 1
    assert (parks["lon"].item(), parks["lat"].item()) == (pytest.approx(x, abs=1e-9), pytest.approx(y, abs=1e-9))
    assert (parks["lon_input"].item(), parks["lat_input"].item(), parks["datum_input"].item()) == (lon, lat, "gcj02")
    assert_accounted(report)


def test_gcj02_point_just_inside_whose_wgs84_position_is_outside_is_rejected(tmp_path, outline):
    lon, lat = NEAR_EDGE_FALLS_OUT
    x, y = datum.gcj02_to_wgs84(lon, lat)
    assert 0 < metres_inside(outline, lon, lat) < 30
    assert metres_inside(outline, x, y) < 0
    rows = [["园区名称", "经度", "纬度"], ["边园", str(lon), str(lat)]]
    path = write_csv(tmp_path / "r.csv", rows)
    as_wgs84 = read_register(path)
    assert len(locate_parks(as_wgs84, outline=outline).parks) == 1  # read as WGS-84 it is inside
    as_gcj02 = read_register(path, datum="gcj02")
    parks, report = locate_parks(as_gcj02, outline=outline)
    assert len(parks) == 0
    assert report.rejected == [{"row": 2, "column": "经度", "value": f"{lon}, {lat}",
                                "reason": outside_reason("GCJ-02")}]
    assert_accounted(report)


@pytest.mark.parametrize("source", ["wgs84", "gcj02", "bd09"])
def test_swapped_coordinates_are_swapped_back_then_converted(tmp_path, source):
    rows = [["园区名称", "经度", "纬度"], ["颠倒园", "31.38", "120.98"], ["正常园", "121.0", "31.3"]]
    register = read_register(write_csv(tmp_path / "r.csv", rows), datum=source)
    assert register.table["lon"].tolist() == [120.98, 121.0]
    assert register.table["lat"].tolist() == [31.38, 31.3]
    parks, report = locate_parks(register)
    assert report.warnings == [{"row": 2, "column": "经度", "value": "31.38", "message": SWAPPED}]
    assert report.rejected == []
    x, y = TO_WGS84[source](120.98, 31.38)
    first = parks.iloc[0]
    assert (first["lon"], first["lat"]) == (pytest.approx(x, abs=1e-9), pytest.approx(y, abs=1e-9))
    assert first["datum_input"] == source
    assert_accounted(report)


def test_locating_twice_does_not_convert_twice(tmp_path):
    rows = [["园区名称", "经度", "纬度"], ["甲", "120.98", "31.38"]]
    register = read_register(write_csv(tmp_path / "r.csv", rows), datum="bd09")
    first, second = locate_parks(register).parks, locate_parks(register).parks
    assert first["lon"].item() == second["lon"].item()
    x, _ = datum.bd09_to_wgs84(120.98, 31.38)
    assert second["lon"].item() == pytest.approx(x, abs=1e-9)


def test_rows_without_coordinates_keep_their_town_position(tmp_path):
    rows = [["园区名称", "所在镇", "经度", "纬度", "坐标系"],
            ["镇园", "张浦镇", "", "", "百度"],
            ["点园", "张浦镇", "120.98", "31.38", "百度"]]
    register = read_register(write_csv(tmp_path / "r.csv", rows))
    parks = locate_parks(register).parks.set_index("name")
    assert (parks.at["镇园", "precision"], parks.geometry["镇园"].x, parks.geometry["镇园"].y) == ("town", 120.945,
                                                                                                 31.285)
    assert parks.at["镇园", "datum"] == "wgs84"
    x, y = datum.bd09_to_wgs84(120.98, 31.38)
    assert parks.geometry["点园"].x == pytest.approx(x, abs=1e-9)
    assert parks.geometry["点园"].y == pytest.approx(y, abs=1e-9)
    assert_accounted(register.report)


def test_load_parks_with_a_datum(tmp_path):
    rows = [["园区名称", "主导产业", "经度", "纬度"], ["甲", "光电", "120.98", "31.38"], ["乙", "生物医药", "121.0", "31.3"]]
    path = write_csv(tmp_path / "r.csv", rows, "gbk")
    data = load_parks(path, datum="bd09")
    lon, lat = datum.bd09_to_wgs84(np.array([120.98, 121.0]), np.array([31.38, 31.3]))
    np.testing.assert_allclose(data.parks.geometry.x, lon, rtol=0, atol=1e-9)
    np.testing.assert_allclose(data.parks.geometry.y, lat, rtol=0, atol=1e-9)
    assert data.parks["datum"].tolist() == ["wgs84", "wgs84"]
    assert data.parks["datum_input"].tolist() == ["bd09", "bd09"]
    assert data.parks.crs.to_epsg() == 4326
    assert_accounted(data.report)


# ---------------------------------------------------------------- command line

def near_edge_register(tmp_path):
    lon, lat = NEAR_EDGE_FALLS_OUT
    return write_csv(tmp_path / "r.csv", [["园区名称", "经度", "纬度"], ["边园", str(lon), str(lat)],
                                          ["中园", "120.98", "31.38"]])


def test_cli_validate_datum_gcj02_json(tmp_path, capsys):
    path = near_edge_register(tmp_path)
    assert main(["validate", str(path), "--format", "json"]) == 0  # read as WGS-84: both inside
    assert json.loads(capsys.readouterr().out)["rejected"] == []
    assert main(["validate", str(path), "--datum", "gcj02", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    lon, lat = NEAR_EDGE_FALLS_OUT
    assert {k: report[k] for k in ("rows_read", "parks", "skipped", "warnings", "rejected")} == {
                      "rows_read": 2, "parks": 1, "skipped": [], "warnings": [],
                      "rejected": [{"row": 2, "name": "边园", "column": "经度", "value": f"{lon}, {lat}",
                                    "reason": outside_reason("GCJ-02")}]}


def test_cli_validate_unknown_datum_exits_2(tmp_path, capsys):
    path = near_edge_register(tmp_path)
    assert main(["validate", str(path), "--datum", "mars"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{ERROR}unknown datum 'mars'; {ALLOWED} / 坐标系 'mars' 无法识别\n"


def test_cli_validate_datum_column_rejection_text(tmp_path, capsys):
    rows = [["园区名称", "经度", "纬度", "坐标系"], ["甲", "120.98", "31.38", "火星坐标"], ["乙", "120.98", "31.38", "x"]]
    path = write_csv(tmp_path / "r.csv", rows)
    assert main(["validate", str(path), "--datum", "bd09", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["rejected"] == [{"row": 3, "name": "乙", "column": "坐标系", "value": "x", "reason": UNKNOWN_DATUM}]
    assert (report["rows_read"], report["parks"]) == (2, 1)


@pytest.mark.parametrize("basemap, display", [("osm", "wgs84"), ("gaode", "gcj02")])
def test_cli_build_datum_bd09(tmp_path, capsys, basemap, display):
    given = [(120.98, 31.38), (121.0, 31.3), (120.95, 31.33)]
    rows = [["园区名称", "主导产业", "经度", "纬度"], *[[f"园{i}", "光电", str(x), str(y)]
                                                    for i, (x, y) in enumerate(given)]]
    path = write_csv(tmp_path / "r.csv", rows, "gbk")
    output = tmp_path / "map.html"
    assert main(["build", str(path), "--datum", "bd09", "--basemap", basemap, "-o", str(output)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{output.resolve()}\n"
    assert captured.err.startswith("汇总 / Summary: 3 个园区已发布 parks published, 0 行拒收 rejected, 0 行跳过 skipped")
    lon, lat = datum.bd09_to_wgs84(np.array([p[0] for p in given]), np.array([p[1] for p in given]))
    if display == "gcj02":
        lon, lat = datum.wgs84_to_gcj02(lon, lat)
    parks = page_parks(output.read_text(encoding="utf-8"))
    assert len(parks) == 3
    for key, values in (("lon0", lon), ("lon", lon), ("lat0", lat), ("lat", lat)):
        np.testing.assert_allclose([p[key] for p in parks], values, rtol=0, atol=0.5e-5 + 1e-9)
    assert (tmp_path / "map.rejected.csv").read_text(encoding="utf-8-sig").splitlines() == ["row,name,column,value,reason"]


def test_cli_build_datum_rejects_what_falls_outside(tmp_path, capsys):
    path = near_edge_register(tmp_path)
    output = tmp_path / "map.html"
    assert main(["build", str(path), "--datum", "gcj02", "-o", str(output)]) == 0
    captured = capsys.readouterr()
    assert "汇总 / Summary: 1 个园区已发布 parks published, 1 行拒收 rejected, 0 行跳过 skipped" in captured.err
    assert len(page_parks(output.read_text(encoding="utf-8"))) == 1
    lon, lat = NEAR_EDGE_FALLS_OUT
    with open(tmp_path / "map.rejected.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["row", "name", "column", "value", "reason"]
    assert [[r[0], r[2], r[3], r[4]] for r in rows[1:]] == [["2", "经度", f"{lon}, {lat}", outside_reason("GCJ-02")]]
