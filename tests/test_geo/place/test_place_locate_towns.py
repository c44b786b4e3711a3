"""The register's town wins over the schematic area a given point falls in; points outside the outline in rows
that name a town (policy ``outside``: "town" keeps the park at its town, "reject" rejects the row).

The registers are .xlsx workbooks written with openpyxl, typed as the bureau does: coordinates and a town.
"""

import openpyxl
import pandas as pd
import pytest

from geo import area_totals, kunshan_gazetteer, load_parks, locate_parks, read_register
from registers import assert_accounted

HEADER = ["园区名称", "所在镇", "总投资（亿元）", "经度", "纬度"]

def seed(name):
    """The gazetteer point of a town or zone (each lies in its own schematic area)."""
    point = kunshan_gazetteer().set_index("name").geometry[name]
    return (round(point.x, 6), round(point.y, 6))


ZHANGPU, QIANDENG, JINXI, YUSHAN, HITECH = map(seed, ["张浦镇", "千灯镇", "锦溪镇", "玉山镇", "昆山高新区"])
SHANGHAI = (121.47, 31.23)
ROWS = [
    ["同镇园", "千灯镇", 1, *QIANDENG],            # 2 agreeing: the point lies in 千灯镇's area
    ["异镇园", "千灯镇", 2, *ZHANGPU],             # 3 conflicting: in 张浦镇's area, 千灯镇 kept
    ["度假区园", "旅游度假区", 4, *JINXI],          # 4 the zone covers 锦溪镇: no conflict
    ["高新园", "高新区", 8, *YUSHAN],              # 5 the hi-tech zone lies in 玉山镇: no conflict
    ["玉山园", "玉山镇", 16, *HITECH],             # 6 and the other way round
    ["度假区外园", "昆山旅游度假区", 32, *ZHANGPU],  # 7 the zone does not cover 张浦镇: conflict
    ["上海园", "张浦镇", 64, *SHANGHAI],           # 8 outside the outline, town given
    ["无镇外园", "", 128, *SHANGHAI],              # 9 outside the outline, no town: rejected
]
KEPT_3 = {"row": 3, "column": "所在镇", "value": "千灯镇",
          "message": "point lies in 张浦镇's schematic area; the register's town 千灯镇 is kept "
                     "/ 坐标位于张浦镇示意范围内，保留登记的千灯镇"}
KEPT_7 = {"row": 7, "column": "所在镇", "value": "昆山旅游度假区",
          "message": "point lies in 张浦镇's schematic area; the register's town 昆山旅游度假区 is kept "
                     "/ 坐标位于张浦镇示意范围内，保留登记的昆山旅游度假区"}
MOVED_8 = {"row": 8, "column": "经度", "value": "121.47, 31.23",
           "message": "point 121.47, 31.23 (lon, lat as given, WGS-84) lies outside the Kunshan county outline; "
                      "the park is placed at the register's town 张浦镇, as a park without coordinates "
                      "/ 坐标121.47, 31.23不在昆山市范围内，按登记的张浦镇示意定位"}
OUTSIDE = "point outside the Kunshan county outline (lon, lat as given, WGS-84) / 坐标不在昆山市范围内"


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "园区台账"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_xlsx(tmp_path_factory.mktemp("towns") / "台账.xlsx", [HEADER, *ROWS])


@pytest.fixture(scope="module")
def located(workbook):
    register = read_register(workbook)
    table, before = register.table.copy(), register.report.to_dict()
    result = locate_parks(register)
    pd.testing.assert_frame_equal(register.table, table)  # the input is not changed
    assert register.report.to_dict() == before
    return result


def test_the_register_town_is_the_host_and_the_point_stays(located):
    parks = located.parks.set_index("name")
    assert parks["host"].to_dict() == {
        "同镇园": "千灯镇", "异镇园": "千灯镇", "度假区园": "昆山旅游度假区", "高新园": "昆山高新区",
        "玉山园": "玉山镇", "度假区外园": "昆山旅游度假区", "上海园": "张浦镇"}
    coordinates = parks.drop("上海园")
    assert coordinates["precision"].eq("exact").all() and coordinates["located_by"].eq("coordinates").all()
    assert (round(parks.loc["异镇园"].geometry.x, 6), round(parks.loc["异镇园"].geometry.y, 6)) == ZHANGPU


def test_conflicts_warn_with_both_names_and_zones_covering_the_point_do_not(located):
    report = located.report
    assert [w for w in report.warnings if w["row"] != 8] == [KEPT_3, KEPT_7]
    assert_accounted(report)


def test_outside_point_with_a_town_is_kept_at_town_precision(located):
    park = located.parks.set_index("name").loc["上海园"]
    assert (park["precision"], park["located_by"], park["uncertainty_m"]) == ("town", "town", 3000.0)
    assert (round(park.geometry.x, 6), round(park.geometry.y, 6)) == ZHANGPU  # at its town, like a park
    assert pd.isna(park["lon"]) and pd.isna(park["lat"])                     # without coordinates
    assert (park["lon_input"], park["lat_input"]) == SHANGHAI
    assert [w for w in located.report.warnings if w["row"] == 8] == [MOVED_8]


def test_outside_point_without_a_town_is_rejected(located):
    report = located.report
    assert report.rejected == [{"row": 9, "column": "经度", "value": "121.47, 31.23", "reason": OUTSIDE}]
    assert (report.rows_read, report.parks) == (8, 7)


def test_reject_policy_rejects_every_outside_point(workbook):
    parks, report = locate_parks(read_register(workbook), outside="reject")
    assert "上海园" not in set(parks["name"])
    assert report.rejected == [{"row": 8, "column": "经度", "value": "121.47, 31.23", "reason": OUTSIDE},
                               {"row": 9, "column": "经度", "value": "121.47, 31.23", "reason": OUTSIDE}]
    assert report.warnings == [KEPT_3, KEPT_7]
    assert_accounted(report)


def test_an_unknown_policy_names_the_allowed_ones(workbook):
    with pytest.raises(ValueError, match=r"^outside='drop' is not one of 'town', 'reject'$"):
        locate_parks(read_register(workbook), outside="drop")


def test_load_parks_area_and_totals_follow_the_register_town(workbook):
    data = load_parks(workbook)
    parks = data.parks.set_index("name")
    assert parks["area"].to_dict() == {
        "同镇园": "千灯镇", "异镇园": "千灯镇", "度假区园": "昆山旅游度假区", "高新园": "昆山高新区",
        "玉山园": "玉山镇", "度假区外园": "昆山旅游度假区", "上海园": "张浦镇"}
    totals = area_totals(data.parks, data.areas).set_index("name")
    assert totals["parks"].to_dict() == {"玉山镇": 1, "巴城镇": 0, "周市镇": 0, "陆家镇": 0, "花桥镇": 0,
                                         "淀山湖镇": 0, "张浦镇": 1, "周庄镇": 0, "千灯镇": 2, "锦溪镇": 0,
                                         "昆山开发区": 0, "昆山高新区": 1}
    assert totals.loc[["千灯镇", "张浦镇", "玉山镇", "昆山高新区"], "investment"].tolist() == [3.0, 64.0, 16.0, 8.0]
    assert data.report.to_dict() == locate_parks(read_register(workbook)).report.to_dict()


def test_load_parks_reject_policy(workbook):
    data = load_parks(workbook, outside="reject")
    assert "上海园" not in set(data.parks["name"]) and [e["row"] for e in data.report.rejected] == [8, 9]


def test_registers_without_coordinates_are_unchanged(tmp_path):
    rows = [HEADER, ["甲", "千灯镇", 1, None, None], ["乙", "旅游度假区", 2, None, None]]
    data = load_parks(write_xlsx(tmp_path / "r.xlsx", rows))
    assert data.parks[["host", "area", "precision"]].values.tolist() == [
        ["千灯镇", "千灯镇", "town"], ["昆山旅游度假区", "昆山旅游度假区", "zone"]]
    assert data.report.warnings == []
