"""Excel registers as staff type them: title rows, merged cells, formulas without saved results, totals."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from geo import load_parks, read_register

FORMULA = "formula without a saved result: open and save the file in Excel / 公式没有缓存结果，请在 Excel 中打开并保存"


@pytest.fixture
def workbook(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "园区"
    ws.append(["昆山市特色专业创新园区名单（2024）"])            # 1 title row, merged across the table
    ws.merge_cells("A1:E1")
    ws.append(["园区名称", "所在镇", "主导产业", "总投资（亿元）", "建筑面积"])  # 2 header
    ws.append(["甲园", "陆家镇", "智能机器人", 12, "3万平方米"])           # 3
    ws.append(["乙园", None, "生物医药", "=D3*2", None])                  # 4 town merged from 5; formula unsaved
    ws.append(["丙园", "张浦镇", "光电", 5, None])                        # 5
    ws.merge_cells("B4:B5")  # a merged data cell: its value (None at B4) fills only B4:B5
    ws["B4"] = "千灯镇"
    ws.append(["合计", None, None, "=SUM(D3:D5)", None])                  # 6 totals row
    ws.append(["注：数据截至2024年底", None, None, None, None])             # 7 note row
    ws.merge_cells("A7:E7")
    path = tmp_path / "staff.xlsx"
    book.save(path)  # openpyxl saves formulas without cached results, as a generator script would
    return path


def test_title_merged_cells_formulas_totals_and_notes(workbook):
    register = read_register(workbook)
    table = register.table.set_index("name")
    assert register.columns["name"] == "园区名称"  # the header is found below the title row
    assert table.loc["乙园", "town"] == "千灯镇" and table.loc["丙园", "town"] == "千灯镇"  # merged B4:B5
    assert table.loc["甲园", "town"] == "陆家镇"  # outside the merged range: untouched
    assert table.loc["甲园", "investment"] == 12.0 and table.loc["甲园", "floor_area"] == 3.0
    assert table.loc["乙园"].isna()["investment"]  # the unsaved formula reads empty; the row is kept
    report = register.report
    assert [(w["row"], w["column"], w["value"], w["message"]) for w in report.warnings] == [
        (4, "总投资（亿元）", "=D3*2", FORMULA)]
    assert report.skipped == [{"row": 6, "reason": "totals row / 合计行"}, {"row": 7, "reason": "note row / 注释行"}]
    assert (report.rows_read, report.parks, len(report.rejected)) == (5, 3, 0)


def test_the_staff_workbook_builds_every_park(workbook):
    data = load_parks(workbook)
    assert sorted(data.parks["name"]) == ["丙园", "乙园", "甲园"]
    assert data.report.rows_read == data.report.parks + len(data.report.rejected) + len(data.report.skipped)


def test_excel_date_cells_are_source_dates(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["园区名称", "所在镇", "更新日期"])
    book.active.append(["甲园", "陆家镇", dt.datetime(2024, 11, 7)])  # a real date cell, as Excel stores it
    book.active.append(["乙园", "张浦镇", "2023年2月"])
    path = tmp_path / "dated.xlsx"
    book.save(path)
    table = read_register(path).table
    assert table["source_date"].tolist() == ["2024-11-07", "2023-02"] and str(table["source_date"].dtype) == "string"
