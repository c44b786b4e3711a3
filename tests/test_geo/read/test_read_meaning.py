"""What a cell means, not only whether it parses: decimal commas, scientific notation, negatives, implausible
magnitudes, more totals and footnote rows (issue 11, finding 9), on real .xlsx registers."""

from __future__ import annotations

import pytest

from geo import read_register
from registers import write_xlsx

DECIMAL_COMMA = "a decimal comma, read as a point (3,5 = 3.5) / 逗号按小数点读取"




def test_a_decimal_comma_is_read_as_a_point_and_said_while_thousands_stay_thousands(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ["园区名称", "总投资（亿元）", "经度", "纬度"],
                    ["甲园", "3,5", "120,95", "31,38"], ["乙园", "3,500", "120.95", "31.38"])
    register = read_register(path)
    assert register.table[["investment", "lon", "lat"]].values.tolist() == [[3.5, 120.95, 31.38], [3500.0, 120.95, 31.38]]
    assert [(w["row"], w["column"], w["message"]) for w in register.report.warnings if w["message"] == DECIMAL_COMMA] \
        == [(2, "总投资（亿元）", DECIMAL_COMMA), (2, "经度", DECIMAL_COMMA), (2, "纬度", DECIMAL_COMMA)]


@pytest.mark.parametrize("cell, yi", [("1.2e3", 1200.0), ("1.2E+09元", 12.0), ("3.5E+05万元", 35.0)])
def test_scientific_notation_as_excel_writes_large_numbers_is_read(tmp_path, cell, yi):
    path = write_xlsx(tmp_path / "r.xlsx", ["园区名称", "总投资"], ["甲园", cell])
    register = read_register(path)
    assert register.table["investment"].tolist() == [yi] and register.report.rejected == []


@pytest.mark.parametrize("cell", ["-5", "-5亿元", "−2"])
def test_a_negative_figure_is_rejected_saying_so(tmp_path, cell):
    path = write_xlsx(tmp_path / "r.xlsx", ["园区名称", "总投资"], ["甲园", cell])
    assert read_register(path).report.rejected == [{"row": 2, "column": "总投资", "value": cell,
                                                    "reason": "a negative figure: amounts cannot be below zero / 数值不能为负"}]


@pytest.mark.parametrize("header, cell, message", [
    ("总投资（亿元）", 3500000000, "implausible: 3,500,000,000 亿元 is more than 10,000 亿元 for one park; was the unit 元 "
                             "(35 亿元)? kept as given / 数值过大，请核对单位"),
    ("建筑面积（万平方米）", 250000, "implausible: 250,000 万㎡ is more than 2,000 万㎡ for one park; was the unit m2 (25 万㎡)? "
                             "kept as given / 数值过大，请核对单位"),
])
def test_an_implausible_magnitude_is_kept_and_warned_with_the_likely_unit(tmp_path, header, cell, message):
    register = read_register(write_xlsx(tmp_path / "r.xlsx", ["园区名称", header], ["甲园", cell]))
    assert register.report.warnings == [{"row": 2, "column": header, "value": str(cell), "message": message}]


@pytest.mark.parametrize("first", ["全市合计", "各镇小计", "Grand total", "注1：数据截至2024年底", "①注：估算",
                                   "※ 示意", "[1] 来源：年报", "填表人：张三", "制表：招商局", "审核：李四"])
def test_more_totals_and_footnote_rows_are_skipped(tmp_path, first):
    register = read_register(write_xlsx(tmp_path / "r.xlsx", ["园区名称", "所在镇"], ["甲园", "陆家镇"], [first, None]))
    assert register.table["name"].tolist() == ["甲园"] and [s["row"] for s in register.report.skipped] == [3]


@pytest.mark.parametrize("name", ["总投资园", "注塑产业园", "说明书产业园", "Summit Park", "联系人园"])
def test_parks_whose_names_begin_like_a_footer_are_parks(tmp_path, name):
    register = read_register(write_xlsx(tmp_path / "r.xlsx", ["园区名称", "所在镇"], [name, "陆家镇"]))
    assert register.table["name"].tolist() == [name] and register.report.skipped == []
