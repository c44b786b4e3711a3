"""Cells as investment-promotion staff type them, read from real .xlsx workbooks: coordinates pasted in one cell,
dates instead of years, placeholders, 千万 units, rows typed twice; every problem of a row in one pass."""

from __future__ import annotations

import datetime as dt

import pytest
from pyproj import Geod

from geo import load_parks, read_register
from registers import assert_accounted, write_xlsx

PLACEHOLDER = "placeholder, read as empty / 占位符，按空值处理"
LAT_FIRST = "latitude written first; read as longitude,latitude / 纬度在前，已按经度、纬度读取"
METRES = "metres, not degrees (Web Mercator?): reproject to WGS-84 or give degrees / 坐标单位为米而非度，请转换为 WGS-84 经纬度"
UNREADABLE = "coordinates not readable (e.g. 120.95,31.38) / 坐标无法识别"
NOT_CHINA = ("not a longitude,latitude pair in China (longitude 73..135, latitude 3..54) "
             "/ 坐标不在中国经纬度范围内")


def workbook(path, header, rows, title=None):
    return write_xlsx(path, header, *rows, title=title)


@pytest.mark.parametrize("cell", [
    "120.95,31.38", "120.95，31.38", "120.95、31.38", "120.95；31.38", "120.95;31.38", "120.95/31.38",
    "120.95 31.38", " 120.95 , 31.38 ", "120,95 31,38", "120°57'00\"E 31°22'48\"N", "120°57′00″E, 31°22′48″N",
    "东经120度57分00秒，北纬31度22分48秒", "120°57′ 31°22.8′",
])
def test_one_cell_coordinates_in_the_forms_staff_paste(tmp_path, cell):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "坐标"], [["甲园", "陆家镇", cell]])
    register = read_register(path)
    assert register.table[["lon", "lat"]].values.tolist() == [[120.95, 31.38]]
    assert register.report.warnings == [] and register.report.rejected == []
    assert register.columns["coordinates"] == "坐标"


@pytest.mark.parametrize("cell", ["31.38,120.95", "31.38，120.95", "北纬31度22分48秒 东经120度57分", "N31°22'48\" E120°57'"])
def test_latitude_first_is_told_apart_by_range_and_noted(tmp_path, cell):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "经纬度"], [["甲园", cell]])
    register = read_register(path)
    assert register.table[["lon", "lat"]].values.tolist() == [[120.95, 31.38]]
    assert [(w["row"], w["column"], w["value"], w["message"]) for w in register.report.warnings] == [
        (2, "经纬度", cell, LAT_FIRST)]


@pytest.mark.parametrize("cell, reason", [
    ("13464000, 3683000", METRES), ("13464000.5，3683000.2", METRES), ("坐标见附件", UNREADABLE),
    ("121.0,91.0", NOT_CHINA), ("-120.95,31.38", NOT_CHINA),
])
def test_unusable_coordinate_cells_reject_the_row_with_the_reason(tmp_path, cell, reason):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "坐标"], [["甲园", "陆家镇", cell], ["乙园", "张浦镇", None]])
    register = read_register(path)
    assert register.report.rejected == [{"row": 2, "column": "坐标", "value": cell, "reason": reason}]
    assert register.table["name"].tolist() == ["乙园"]
    assert_accounted(register.report)


def test_separate_columns_win_over_the_one_cell_and_a_difference_is_named(tmp_path):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "经度", "纬度", "坐标"], [
        ["甲园", 120.95, 31.38, "120.95,31.38"],   # the same: no word
        ["乙园", 120.90, 31.30, "120.95,31.38"],   # differ: the columns are used, with a warning
        ["丙园", None, None, "120.95,31.38"],      # only the cell: read from it
    ])
    register = read_register(path)
    assert register.table[["name", "lon", "lat"]].values.tolist() == [
        ["甲园", 120.95, 31.38], ["乙园", 120.90, 31.30], ["丙园", 120.95, 31.38]]
    assert [(w["row"], w["message"]) for w in register.report.warnings] == [
        (3, "differs from the 经度/纬度 columns, which are used / 与经纬度列不一致，采用经纬度列")]


def test_a_placeholder_in_a_coordinate_cell_places_the_park_by_its_town(tmp_path):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "坐标", "经度", "纬度"], [
        ["甲园", "陆家镇", "待定", None, None], ["乙园", "张浦镇", None, "暂无", "暂无"]])
    data = load_parks(path)
    assert data.parks.set_index("name").loc[["甲园", "乙园"], "precision"].tolist() == ["town", "town"]
    assert [(w["row"], w["column"], w["message"]) for w in data.report.warnings if w["message"] == PLACEHOLDER] == [
        (2, "坐标", PLACEHOLDER), (3, "经度", PLACEHOLDER), (3, "纬度", PLACEHOLDER)]


def test_a_coordinate_cell_in_gcj02_lands_at_its_wgs84_position_and_outside_names_the_cell(tmp_path):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "坐标"], [
        ["甲园", "陆家镇", "120.95,31.38"], ["乙园", "周市镇", "121.90,31.38"]])
    data = load_parks(path, datum="gcj02")
    columns = load_parks(workbook(tmp_path / "c.xlsx", ["园区名称", "所在镇", "经度", "纬度"],
                                  [["甲园", "陆家镇", 120.95, 31.38]]), datum="gcj02")
    park, same = data.parks.set_index("name").loc["甲园"].geometry, columns.parks.geometry.iloc[0]
    assert (park.x, park.y) == (same.x, same.y)  # the cell is read as the two columns are, then converted
    metres = Geod(ellps="WGS84").inv(120.95, 31.38, park.x, park.y)[2]
    assert 300 < metres < 700  # GCJ-02's offset around Kunshan is about 500 m
    outside = [w for w in data.report.warnings if w["row"] == 3]
    assert [(w["column"], w["value"]) for w in outside] == [("坐标", "121.9, 31.38")]


def test_years_from_a_date_column_as_excel_dates_and_text(tmp_path):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "认定时间"], [
        ["甲园", "陆家镇", dt.datetime(2022, 6, 1)], ["乙园", "张浦镇", "2021年3月8日"],
        ["丙园", "千灯镇", "二〇二三年五月"], ["丁园", "周市镇", "2020.5"], ["戊园", "周市镇", "待定"]])
    register = read_register(path)
    assert register.table["year"].tolist()[:4] == [2022, 2021, 2023, 2020] and register.table["year"].isna().tolist()[4]
    assert str(register.table["year"].dtype) == "Int64"
    assert [(w["row"], w["column"], w["message"]) for w in register.report.warnings] == [
        (None, "认定时间", "year taken from column '认定时间' where no year is given (4 rows) / 年份取自“认定时间”列"),
        (6, "认定时间", PLACEHOLDER)]


def test_a_year_column_wins_and_an_unreadable_date_is_then_only_a_warning(tmp_path):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "年份", "开工时间"], [
        ["甲园", "陆家镇", 2019, "2022年6月"], ["乙园", "张浦镇", None, "2022年6月"],
        ["丙园", "千灯镇", 2020, "去年"], ["丁园", "周市镇", None, "去年"]])
    register = read_register(path)
    assert register.table[["name", "year"]].values.tolist() == [["甲园", 2019], ["乙园", 2022], ["丙园", 2020]]
    assert register.report.rejected == [{"row": 5, "column": "开工时间", "value": "去年",
                                         "reason": "not a date (e.g. 2023-02-08, 2023年2月8日) / 不是日期"}]
    assert (4, "not a date (e.g. 2023-02-08, 2023年2月8日) / 不是日期; the year column is used / 采用年份列") in [
        (w["row"], w["message"]) for w in register.report.warnings]


@pytest.mark.parametrize("cell, year", [("2022年6月", 2022), ("2021年3月8日", 2021), ("二〇二三年五月", 2023),
                                        ("2023.5", 2023), ("2019年", 2019), ("二〇一九", 2019)])
def test_year_cells_written_with_months_or_chinese_numerals(tmp_path, cell, year):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "认定年份"], [["甲园", "陆家镇", cell]])
    register = read_register(path)
    assert register.table["year"].tolist() == [year] and register.report.rejected == []


@pytest.mark.parametrize("header, cell, reason", [
    ("年份", "1800", "year outside 1949-2100 / 年份超出范围"), ("年份", "2300年", "year outside 1949-2100 / 年份超出范围"),
    ("认定时间", "1800年5月", "date outside 1949-2100 / 日期超出范围"),
    ("认定时间", "2023年2月30日", "no such date / 日期不存在"),
])
def test_impossible_years_are_rejected_naming_the_allowed_range(tmp_path, header, cell, reason):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", header], [["甲园", "陆家镇", cell]])
    assert read_register(path).report.rejected == [{"row": 2, "column": header, "value": cell, "reason": reason}]


@pytest.mark.parametrize("cell", ["待定", "暂无", "无", "—", "/", "N/A", "tbd", "-"])
def test_placeholders_in_figure_columns_read_empty_with_a_warning(tmp_path, cell):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "总投资（亿元）", "建筑面积"], [["甲园", "陆家镇", cell, cell]])
    register = read_register(path)
    assert register.table[["investment", "floor_area"]].isna().values.tolist() == [[True, True]]
    assert [(w["row"], w["column"], w["value"], w["message"]) for w in register.report.warnings] == [
        (2, "总投资（亿元）", cell, PLACEHOLDER), (2, "建筑面积", cell, PLACEHOLDER)]
    assert register.report.rejected == []


@pytest.mark.parametrize("cell, yi", [("8千万", 0.8), ("8千万元", 0.8), ("5百万", 0.05), ("3十万元", 0.003),
                                      ("2千萬", 0.2), ("3500万元", 0.35)])
def test_thousand_ten_thousand_and_million_units(tmp_path, cell, yi):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "总投资"], [["甲园", "陆家镇", cell]])
    assert read_register(path).table["investment"].tolist() == [pytest.approx(yi)]


def test_every_problem_of_a_row_is_reported_in_one_pass(tmp_path):
    path = workbook(tmp_path / "r.xlsx", ["园区名称", "所在镇", "年份", "坐标", "总投资"],
                    [["甲园", "陆家镇", "1800", "13464000,3683000", "很多"]], title="名单")
    entry = read_register(path).report.rejected[0]
    assert (entry["row"], entry["column"], entry["reason"]) == (3, "年份", "year outside 1949-2100 / 年份超出范围")
    assert [(e["column"], e["value"]) for e in entry["more"]] == [("总投资", "很多"), ("坐标", "13464000,3683000")]


def test_an_exact_duplicate_row_is_skipped_and_a_repeated_name_or_id_warns(tmp_path):
    row = ["KS-01", "甲园", "陆家镇", "智能机器人", 12]
    path = workbook(tmp_path / "r.xlsx", ["编号", "园区名称", "所在镇", "主导产业", "总投资（亿元）"], [
        row, ["KS-02", "乙园", "张浦镇", "光电", 5], list(row), ["KS-03", " 甲园 ", "千灯镇", "光电", 1],
        ["KS-02", "丙园", "周市镇", "光电", 2]], title="名单")
    data = load_parks(path)
    report = data.report
    assert report.skipped == [{"row": 5, "reason": "exact duplicate of row 3 / 与第3行完全重复"}]
    assert [(w["row"], w["column"], w["message"]) for w in report.warnings] == [
        (6, "园区名称", "same name as row 3 / 与第3行名称相同"), (7, "编号", "same id as row 4 / 与第4行编号相同")]
    assert len(data.parks) == 4 and data.parks["investment"].sum() == pytest.approx(20.0)  # counted once
    assert_accounted(report)
