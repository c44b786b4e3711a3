"""`kunshan-heatmap geocode` on a workbook as staff keep one: the output is a copy of it that `build` maps."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font

import geo
from layers.cli import main
from pagedata import page_parks
from geo.place.datum import gcj02_to_wgs84

GCJ = (120.9843, 31.378)


@pytest.fixture
def workbook(tmp_path):
    """A hidden sheet, the register (merged title, header on row 2, a date, one row in GCJ-02, a rejected row, a
    totals row), and last year's visible sheet."""
    book = openpyxl.Workbook()
    book.active.title = "备份"
    book.active["A1"] = "旧数据"
    book.active.sheet_state = "hidden"
    ws = book.create_sheet("园区台账")
    ws["A1"] = "园区台账"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    for row in (["园区名称", "所在镇", "地址", "认定时间", "经度", "纬度"],
                ["张浦园", "张浦镇", "昆山市张浦镇振新路88号", dt.datetime(2021, 3, 15), None, None],
                ["坐标园", None, None, dt.datetime(2020, 1, 8), *GCJ],
                ["花桥园", "花桥镇", None, None, None, None],
                ["错日期园", "周市镇", None, "2023-02-30", None, None],
                ["合计", None, None, None, None, None]):
        ws.append(row)
    ws["D3"].number_format = "yyyy-mm-dd"
    book.create_sheet("2022年").append(["园区名称", "所在镇"])
    path = tmp_path / "台账.xlsx"
    book.save(path)
    return path


def test_geocode_writes_back_the_workbook_and_build_maps_it(workbook, tmp_path, capsys):
    output = tmp_path / "located.xlsx"
    argv = ["geocode", str(workbook), "--datum", "gcj02", "-o", str(output), "--cache", str(tmp_path / "c.sqlite")]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert out == f"{output.resolve()}\n"
    assert "汇总 / Summary: 3 个园区 parks, 1 行拒收 rejected, 1 行跳过 skipped" in err
    assert "工作表 / Sheet read: 园区台账; 其他工作表 / other sheets: 备份 (隐藏 hidden), 2022年" in err
    assert "定位结果 / Results: given 1, ok 2" in err

    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["备份", "园区台账", "2022年"] and book["备份"].sheet_state == "hidden"
    ws = book["园区台账"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"] and ws["A1"].value == "园区台账"
    assert [c.value for c in ws[1]] == ["园区台账", *[None] * 11]
    assert [c.value for c in ws[2]] == ["园区名称", "所在镇", "地址", "认定时间", "经度", "纬度", "坐标系", "精度", "定位来源",
                                        "定位状态", "需复核", "定位说明"]
    assert (ws["D3"].value, ws["D3"].number_format) == (dt.datetime(2021, 3, 15), "yyyy-mm-dd")
    assert [c.value for c in ws[4]][4:11] == [*GCJ, "gcj02", "exact", "register", "given", "否"]
    assert [c.value for c in ws[6]][4:] == [None, None, None, None, None, "拒收", None,
                                            "认定时间 '2023-02-30': " + geo.read_register(workbook).report.rejected[0][
                                                "reason"]]
    assert [c.value for c in ws[7]][6:] == [None] * 6  # the totals row

    page = tmp_path / "map.html"
    assert main(["build", str(output), "-o", str(page)]) == 0
    parks = {park["name"]: park for park in page_parks(page.read_text(encoding="utf-8"))}
    assert sorted(parks) == ["坐标园", "张浦园", "花桥园"]
    assert (parks["坐标园"]["lon"], parks["坐标园"]["lat"]) == pytest.approx(gcj02_to_wgs84(*GCJ), abs=1e-5)
    assert (parks["张浦园"]["lon"], parks["张浦园"]["lat"]) == pytest.approx((120.945, 31.285), abs=1e-5)
    source_page = tmp_path / "source.html"
    assert main(["build", str(workbook), "--datum", "gcj02", "-o", str(source_page)]) == 0
    before = {park["name"]: park for park in page_parks(source_page.read_text(encoding="utf-8"))}
    assert {name: (p["lon"], p["lat"]) for name, p in parks.items()} == {
        name: (p["lon"], p["lat"]) for name, p in before.items()}


def test_geocode_refuses_an_output_of_another_type(workbook, tmp_path, capsys):
    output = tmp_path / "located.csv"
    assert main(["geocode", str(workbook), "-o", str(output), "--cache", str(tmp_path / "c.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kunshan-heatmap: error: {output}: geocode writes a copy of {workbook}, so the output "
                          "must be a .xlsx file too, not '.csv'")
    assert not output.exists()


def test_an_english_tab_separated_register_stays_english_and_tab_separated(tmp_path, capsys):
    source = tmp_path / "parks.txt"
    rows = [["name", "town", "lon", "lat"], ["Huaqiao park", "花桥镇", "", ""], ["Given", "", "120.98", "31.38"]]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    source.write_bytes(buffer.getvalue().encode("utf-8"))
    output = tmp_path / "located.txt"
    assert main(["geocode", str(source), "-o", str(output), "--cache", str(tmp_path / "c.sqlite")]) == 0
    text = output.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "name\ttown\tlon\tlat\tdatum\tprecision\tlocation_source\tgeocode_status\treview\tgeocode_error"
    assert lines[2] == "Given\t\t120.98\t31.38\twgs84\texact\tregister\tgiven\tFalse\t"
    table = pd.read_csv(output, sep="\t", dtype=str)
    assert table.loc[0, ["datum", "location_source", "geocode_status", "review"]].tolist() == [
        "wgs84", "gazetteer:花桥镇", "ok", "False"]


def test_geocode_onto_its_own_register_is_refused_and_leaves_it(tmp_path, capsys):
    path = tmp_path / "g.csv"
    path.write_text("园区名称,所在镇\n甲园,陆家镇\n乙园,火星镇\n", encoding="utf-8")
    before = path.read_bytes()
    assert main(["geocode", str(path), "-o", str(tmp_path / "." / "g.csv"), "--no-progress"]) == 2
    assert "the output would overwrite the input" in capsys.readouterr().err
    assert path.read_bytes() == before  # the rejected row (火星镇) is still in the register
