"""Units, years and coordinates: geo.read.units, directly and through a register file."""

import doctest
import importlib
import math

import pandas as pd
import pytest

from geo import RegisterError, read_register
from geo.read.units import base_unit, parse_amounts, parse_coordinates, parse_dates, parse_years, split_header_unit
from registers import assert_accounted, write_csv

APPROX = "approximate figure kept as given / 约数，按给出值记录"
LOWER = "lower bound kept as given / 下限值，按给出值记录"
RANGE = "a range, left empty rather than guessed / 数值为区间，未取值"
NOT_NUMBER = "not a number / 不是数字"
MONEY_UNITS = "亿元, 亿, 亿人民币, 千万元, 千万, 百万元, 百万, 十万元, 十万, 万元, 万, 元, 億元, 億, 千萬元, 千萬, 百萬元, 百萬, 十萬元, 十萬, 萬元, 萬"


def parsed(values, kind, header_unit=None, column=""):
    result = parse_amounts(pd.Series(values, dtype=object), kind, header_unit, column=column)
    return result.values.tolist(), result.problems.tolist(), result.notes.tolist()


# --- amounts -----------------------------------------------------------------------------------


def test_money_cells_with_units_and_full_width_digits():
    result = parse_amounts(pd.Series(["3,500万元", "12亿元", "１２", "１２亿元", "３，５００万元", None]), "money")
    assert result.values.dtype == "float64"
    values = result.values.tolist()
    assert values[:5] == [0.35, 12.0, 12.0, 12.0, 0.35]
    assert math.isnan(values[5])
    assert result.problems.isna().all()
    assert result.notes.isna().all()


def test_header_unit_applies_to_bare_cells_and_cell_unit_wins():
    values, problems, notes = parsed(["3500", "1亿元", "200万元", "约5000"], "money", header_unit="万元")
    assert values == [0.35, 1.0, 0.02, 0.5]
    assert problems == [pd.NA] * 4
    assert notes == [pd.NA, pd.NA, pd.NA, APPROX]


def test_header_unit_split_from_header_text():
    assert split_header_unit("总投资（万元）") == ("总投资", "万元")
    assert split_header_unit("总投资(亿元)") == ("总投资", "亿元")
    assert split_header_unit("建筑面积") == ("建筑面积", None)


def test_floor_area_units_in_wan_square_metres():
    values, problems, _ = parsed(["3万平方米", "5000平方米", "2万㎡", "7"], "floor")
    assert values == [3.0, 0.5, 2.0, 7.0]
    assert problems == [pd.NA] * 4
    assert base_unit("floor") == "万㎡"


def test_land_units_in_mu():
    values, problems, _ = parsed(["200亩", "2公顷", "3"], "land")
    assert values == [200.0, 30.0, 3.0]
    assert problems == [pd.NA] * 3
    assert base_unit("land") == "亩"
    assert base_unit("money") == "亿元"
    assert base_unit("money", "en") == "100 million CNY"


def test_approximate_value_kept_with_note():
    values, problems, notes = parsed(["约5亿", "5亿左右"], "money")
    assert values == [5.0, 5.0]
    assert problems == [pd.NA, pd.NA]
    assert notes == [APPROX, APPROX]


def test_lower_bound_kept_with_note():
    values, problems, notes = parsed(["超10亿", "3亿元以上"], "money")
    assert values == [10.0, 3.0]
    assert notes == [LOWER, LOWER]


def test_range_left_empty_with_note():
    result = parse_amounts(pd.Series(["12-15亿", "12~15"]), "money")
    assert result.values.isna().all()
    assert result.problems.isna().all()
    assert result.notes.tolist() == [RANGE, RANGE]


def test_not_a_number_is_a_problem():
    values, problems, notes = parsed(["abc", "5"], "money")
    assert math.isnan(values[0]) and values[1] == 5.0
    assert problems == [NOT_NUMBER, pd.NA]
    assert notes == [pd.NA, pd.NA]


def test_unknown_cell_unit_is_a_problem():
    result = parse_amounts(pd.Series(["5斤", "200亩"]), "money")
    assert result.values.isna().all()
    expected = f"unknown unit (allowed: {MONEY_UNITS}) / 单位无法识别"
    assert result.problems.tolist() == [expected, expected]


def test_unknown_header_unit_raises_naming_the_column():
    with pytest.raises(RegisterError, match=r"column '总投资（斤）': unknown unit '斤' in the header") as info:
        parse_amounts(pd.Series(["1"]), "money", header_unit="斤", column="总投资（斤）")
    assert isinstance(info.value, ValueError)
    assert f"allowed: {MONEY_UNITS}" in str(info.value)


def test_unknown_header_unit_in_a_register_file(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["园区名称", "总投资（斤）"], ["A", "1"]])
    with pytest.raises(ValueError, match=r"column '总投资（斤）': unknown unit '斤'") as info:
        read_register(path)
    assert type(info.value) is RegisterError


# --- years and coordinates ---------------------------------------------------------------------


def test_years():
    result = parse_years(pd.Series(["2023", "2023年", "2023-02-08", "2023.0", "２０２４", "1900", "abc", None]))
    assert str(result.values.dtype) == "Int64"
    assert result.values.tolist()[:5] == [2023, 2023, 2023, 2023, 2024]
    assert result.values.iloc[5:].isna().all()
    assert result.problems.tolist() == [pd.NA] * 5 + ["year outside 1949-2100 / 年份超出范围",
                                                      "not a year / 不是年份", pd.NA]


def test_source_dates_keep_the_precision_given():
    result = parse_dates(pd.Series(["2023-02-08", "2023/2/8", "2023.2.8", "20230208", "2023年2月8日", "２０２３年２月",
                                    "2023-02-08T00:00:00", "2023", "2024-02-29", None]))
    assert str(result.values.dtype) == "string"
    assert result.values.tolist() == ["2023-02-08"] * 5 + ["2023-02", "2023-02-08", "2023", "2024-02-29", pd.NA]
    assert result.problems.isna().all()


def test_source_dates_that_cannot_be_read_are_problems():
    result = parse_dates(pd.Series(["2023-02-30", "2023-13", "soon", "2023-2-8-9", "1900-01-01"]))
    assert result.values.isna().all()
    assert result.problems.tolist() == ["no such date / 日期不存在", "no such date / 日期不存在",
                                        "not a date (e.g. 2023-02-08, 2023年2月8日) / 不是日期",
                                        "not a date (e.g. 2023-02-08, 2023年2月8日) / 不是日期",
                                        "date outside 1949-2100 / 日期超出范围"]


def test_a_register_rejects_an_unreadable_source_date_with_its_row(tmp_path):
    path = write_csv(tmp_path / "dates.csv", [["园区名称", "所在镇", "资料日期"], ["甲园", "陆家镇", "2023年2月8日"],
                                              ["乙园", "张浦镇", "2023-02-30"], ["丙园", "千灯镇", None]])
    register = read_register(path)
    assert register.table.set_index("name")["source_date"].tolist() == ["2023-02-08", pd.NA]
    assert register.report.rejected == [{"row": 3, "column": "资料日期", "value": "2023-02-30",
                                         "reason": "no such date / 日期不存在"}]
    assert_accounted(register.report)


def test_coordinates():
    lon, lat = parse_coordinates(
        pd.Series(["120.95", "abc", "200", "121", None, "120.9°", None]),
        pd.Series(["31.3", "31", "31", None, "31", "31.3°", None]),
    )
    assert lon.values.dtype == "float64" and lat.values.dtype == "float64"
    assert lon.values.iloc[0] == 120.95 and lat.values.iloc[0] == 31.3
    assert lon.values.iloc[5] == 120.9 and lat.values.iloc[5] == 31.3
    missing = "missing while the other coordinate is given / 缺少另一坐标"
    assert lon.problems.tolist() == [pd.NA, NOT_NUMBER, "outside -180..180 degrees / 超出坐标范围", pd.NA,
                                     missing, pd.NA, pd.NA]
    assert lat.problems.tolist() == [pd.NA, pd.NA, pd.NA, missing, pd.NA, pd.NA, pd.NA]
    assert lon.values.iloc[[1, 2, 4, 6]].isna().all()
    _, lat2 = parse_coordinates(pd.Series(["120"]), pd.Series(["95"]))
    assert lat2.problems.tolist() == ["outside -90..90 degrees / 超出坐标范围"]


def test_units_years_and_coordinates_through_a_register(tmp_path):
    path = write_csv(tmp_path / "r.csv", [
        ["园区名称", "所在镇", "年份", "总投资（万元）", "建筑面积", "用地面积", "经度", "纬度"],
        ["A", "张浦镇", "2023年", "3500", "3万平方米", "2公顷", "", ""],          # 2
        ["B", "张浦镇", "2024", "1亿元", "", "200亩", "120.95", "31.3"],          # 3
        ["C", "张浦镇", "2024", "12-15亿", "", "", "", ""],                      # 4
        ["D", "张浦镇", "1900", "", "", "", "", ""],                             # 5
        ["E", "张浦镇", "2024", "abc", "", "", "", ""],                          # 6
        ["F", "张浦镇", "2024", "5斤", "", "", "", ""],                           # 7
        ["G", "", "2024", "", "", "", "abc", "31"],                            # 8
        ["H", "", "2024", "", "", "", "200", "31"],                            # 9
        ["I", "", "2024", "", "", "", "121", ""],                              # 10
    ])
    register = read_register(path)
    table = register.table
    assert table["row"].tolist() == [2, 3, 4]
    assert table["investment"].tolist()[:2] == [0.35, 1.0] and math.isnan(table["investment"].iloc[2])
    assert table["floor_area"].iloc[0] == 3.0
    assert table["land"].tolist()[:2] == [30.0, 200.0] and math.isnan(table["land"].iloc[2])
    assert table["year"].tolist() == [2023, 2024, 2024]
    assert (table["investment"].dtype, table["land"].dtype, str(table["year"].dtype)) == ("float64", "float64",
                                                                                          "Int64")
    report = register.report
    assert [(e["row"], e["column"], e["value"], e["reason"]) for e in report.rejected] == [
        (5, "年份", "1900", "year outside 1949-2100 / 年份超出范围"),
        (6, "总投资（万元）", "abc", NOT_NUMBER),
        (7, "总投资（万元）", "5斤", f"unknown unit (allowed: {MONEY_UNITS}) / 单位无法识别"),
        (8, "经度", "abc", NOT_NUMBER),
        (9, "经度", "200", "outside -180..180 degrees / 超出坐标范围"),
        (10, "纬度", None, "missing while the other coordinate is given / 缺少另一坐标"),
    ]
    assert report.warnings == [{"row": 4, "column": "总投资（万元）", "value": "12-15亿", "message": RANGE}]
    assert (report.rows_read, report.parks) == (9, 3)
    assert_accounted(report)


# --- doctests ----------------------------------------------------------------------------------


def test_doctests_of_geo_modules():
    names = ["read.files", "registry", "analyse.areas", "errors", "place.gazetteer", "analyse.join", "load",
             "place.locate", "read.register", "read.report", "read.units"]
    failed = attempted = 0
    for name in names:
        module = importlib.import_module(f"geo.{name}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
        failed += result.failed
        attempted += result.attempted
    assert failed == 0
    assert attempted >= 3  # geo.read.units.parse_amounts and geo.load.load_parks carry examples
