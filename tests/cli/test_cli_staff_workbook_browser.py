"""Issue 10's "done when": the workbook as investment-promotion staff keep it builds in ONE round.

Title row, merged town cells, 坐标 pasted from Gaode's picker (GCJ-02; some latitude first, one with a full-width
comma), 认定时间 as Excel dates and as text, the staff's own sector words, 待定, a range, 8千万, an exact duplicate,
totals and note rows, an older sheet and a hidden one, 备注 and 运营主体. Built with the CLI as staff run it, looked
at in Chromium as investors see it, geocoded into a copy that opens in Excel looking like the input.
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from openpyxl.styles import Font

import geo
from conftest import open_offline
from geo.place.datum import convert
from layers.cli import main
from pagedata import page_payload

# (序号, 园区名称, 所在镇, 主导产业, 坐标 (WGS-84 before typing, or None), lat first?, 认定时间, 总投资, 备注, 运营主体)
PARKS = [
    (1, "昆山半导体产业园", "高新区", "半导体", (120.935, 31.392), False, dt.datetime(2022, 6, 1), "12亿元", "重点", "昆山高新集团"),
    (2, "人工智能创新港", "高新区", "人工智能", (120.925, 31.380), True, "2021年3月8日", "待定", None, "某科技公司"),
    (3, "医疗器械产业园", "玉山镇", "医疗器械", (120.955, 31.380), False, "二〇二三年五月", "8千万", None, None),
    (4, "氢能产业园", "张浦镇", "氢能", (120.950, 31.290), False, "2022年6月", "3-5亿", None, None),
    (5, "机器人产业园", "陆家镇", "机器人产业", (121.040, 31.320), False, dt.datetime(2023, 2, 8), "20", None, None),
    (6, "新能源汽车零部件园", "千灯镇", "新能源汽车零部件", (121.000, 31.275), "full-width", "2020", "5亿", None, None),
    (7, "淀山湖文旅科创园", "旅游度假区", "智能机器人", (120.990, 31.180), False, "2024年", "1亿", None, None),
    (8, "光电新型显示园", "周市镇", "光电", None, False, "2023年2月", "6亿", None, None),
]
MERGED_TOWN = "高新区"  # parks 1 and 2: one merged town cell over their two rows, as staff type it
TITLE = "昆山市特色专业创新园区名单（2024年）"
HEADER = ["序号", "园区名称", "所在镇", "主导产业", "坐标", "认定时间", "总投资", "备注", "运营主体", "授牌时间"]
STAFF_SECTORS = ["半导体", "人工智能", "医疗器械", "氢能", "机器人产业", "新能源汽车零部件"]


def typed(point, lat_first):
    """The 坐标 cell as Gaode's picker gives it: the WGS-84 point in GCJ-02, 6 decimals."""
    lon, lat = (round(float(v), 6) for v in convert(*point, "wgs84", "gcj02"))
    if lat_first is True:
        return f"{lat},{lon}", (lon, lat)
    return (f"{lon}，{lat}" if lat_first == "full-width" else f"{lon},{lat}"), (lon, lat)


@pytest.fixture(scope="module")
def staff(tmp_path_factory):
    """(workbook path, {name: GCJ-02 point as typed})."""
    folder = tmp_path_factory.mktemp("staff")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "2024年"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADER)
    points = {}
    for number, name, town, sector, point, lat_first, date, investment, note, operator in PARKS:
        cell = None
        if point is not None:
            cell, points[name] = typed(point, lat_first)
        ws.append([number, name, town, sector, cell, date, investment, note, operator, None])
    ws.merge_cells("C3:C4")  # 高新区 once over parks 1 and 2
    for row in (3, 7):
        ws.cell(row=row, column=6).number_format = "yyyy\"年\"m\"月\"d\"日\""
    ws.append(list(ws.iter_rows(min_row=5, max_row=5, values_only=True))[0])  # row 11: park 3 typed twice
    ws.append(["合计", None, None, None, None, None, "=SUM(G3:G10)", None, None, None])
    ws.append(["注：坐标取自高德地图坐标拾取器", None, None, None, None, None, None, None, None, None])
    ws.merge_cells("A13:J13")
    older = book.create_sheet("2023年")
    older.append(["园区名称", "所在镇"])
    older.append(["旧园", "巴城镇"])
    hidden = book.create_sheet("内部")
    hidden.append(["园区名称", "联系人手机"])
    hidden.sheet_state = "hidden"
    path = folder / "园区名单.xlsx"
    book.save(path)
    return path, points


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_reads_everything_in_one_round_and_names_the_sheet_and_unused_columns(staff, capsys):
    path, _ = staff
    code, out, err = run(capsys, "validate", path, "--datum", "gcj02", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["rows_read"], report["parks"], report["rejected"]) == (11, 8, [])
    assert report["skipped"] == [{"row": 11, "reason": "exact duplicate of row 5 / 与第5行完全重复"},
                                 {"row": 12, "reason": "totals row / 合计行"}, {"row": 13, "reason": "note row / 注释行"}]
    assert [(c["column"], c["field"]) for c in report["columns"]] == [
        ("序号", "id"), ("园区名称", "name"), ("所在镇", "town"), ("主导产业", "sector"), ("坐标", "coordinates"),
        ("认定时间", "date"), ("总投资", "investment"), ("备注", "note"), ("运营主体", None), ("授牌时间", None)]
    lines = err.splitlines()
    assert "工作表 / Sheet read: 2024年; 其他工作表 / other sheets: 2023年, 内部 (隐藏 hidden)" in lines
    assert ("未使用的列 / Columns not used: 运营主体, 授牌时间 (--card-extra 可显示在卡片上 / --card-extra shows them "
            "on cards)") in lines
    assert ("  '授牌时间': looks like 'date' (授牌时间), which column '认定时间' gives / 类似“授牌时间”，该字段已取自“认定时间”列"
            in lines)
    warned = {(w["row"], w["column"]) for w in report["warnings"]}
    assert {(4, "坐标"), (4, "总投资"), (6, "总投资")} <= warned  # latitude first; 待定; the range 3-5亿
    assert {(row, "主导产业") for row in range(3, 9)} <= warned  # the staff's sector words, nearest known named


@pytest.fixture(scope="module")
def built(staff, tmp_path_factory):
    path, _ = staff
    output = tmp_path_factory.mktemp("site") / "map.html"
    code = main(["build", str(path), "--datum", "gcj02", "--offline", "--card-extra", "备注,运营主体",
                 "-o", str(output)])
    assert code == 0
    return output


def test_every_park_sits_at_its_wgs84_position_in_the_town_the_register_names(staff, built):
    _, points = staff
    parks = page_payload(built.read_text(encoding="utf-8"))["parks"]
    names = [parks["name"]["values"][c] for c in parks["name"]["codes"]]
    areas = [parks["area"]["values"][c] for c in parks["area"]["codes"]]
    assert sorted(names) == sorted(p[1] for p in PARKS)  # each park once: the duplicate row is not a second park
    for name, (lon, lat) in points.items():
        i = names.index(name)
        wgs_lon, wgs_lat = (float(v) for v in convert(lon, lat, "gcj02", "wgs84"))
        assert (parks["lon0"][i], parks["lat0"][i]) == pytest.approx((wgs_lon, wgs_lat), abs=2e-6), name
    by_name = dict(zip(names, areas))
    assert by_name["昆山半导体产业园"] == by_name["人工智能创新港"] == "昆山高新区"  # the merged town cell, kept
    assert by_name["淀山湖文旅科创园"] == "昆山旅游度假区" and by_name["医疗器械产业园"] == "玉山镇"
    years = dict(zip(names, parks["year"]))
    assert [years[p[1]] for p in PARKS] == [2022, 2021, 2023, 2022, 2023, 2020, 2024, 2023]  # from 认定时间
    investment = dict(zip(names, parks["investment"]))
    assert (investment["人工智能创新港"], investment["氢能产业园"], investment["医疗器械产业园"]) == (None, None, 0.8)


def test_cards_filters_and_legend_show_the_staffs_own_words(browser, built):
    page, remote, errors = open_offline(browser, built)
    try:
        page.wait_for_function("document.querySelectorAll('path.kh-park').length === 8")
        ids = page.evaluate("KunshanHeatmap.search('半导体')")
        page.evaluate("id => KunshanHeatmap.focusPark(id)", ids[0])
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        rows = page.locator(".leaflet-popup-content tr").evaluate_all(
            "rows => rows.map(r => [r.querySelector('th').textContent, r.querySelector('td').textContent])")
        assert ["主导产业", "半导体"] in rows and ["备注", "重点"] in rows and ["运营主体", "昆山高新集团"] in rows
        labels = page.locator("[data-kind=sectors]").evaluate_all(
            "boxes => boxes.map(b => b.closest('label').textContent.trim())")
        assert set(STAFF_SECTORS) <= {label.split(" (")[0] for label in labels}
        shown = page.evaluate("KunshanHeatmap.setFilter({sectors: ['半导体']}).visibleParks.length")
        assert shown == 1
        shown_other = page.evaluate("KunshanHeatmap.setFilter({sectors: ['other']}).visibleParks.length")
        assert shown_other == len(STAFF_SECTORS)  # the code the staff's words are kept under
        overlays = page.locator(".leaflet-control-layers-overlays label").all_text_contents()
        assert all(any(word in text for text in overlays) for word in STAFF_SECTORS)
        assert errors == [] and all(url.startswith("https://tile.openstreetmap.org/") for url in remote)  # tiles only
    finally:
        page.close()


def test_geocode_writes_a_copy_that_opens_like_the_input_plus_columns_on_the_right(staff, tmp_path, capsys):
    path, _ = staff
    output = tmp_path / "园区名单.定位.xlsx"
    code, _, err = run(capsys, "geocode", path, "--datum", "gcj02", "--no-progress", "--cache", tmp_path / "c.sqlite",
                       "-o", output)
    assert code == 0, err
    before, after = openpyxl.load_workbook(path), openpyxl.load_workbook(output)
    assert [(w.title, w.sheet_state) for w in after.worksheets] == [(w.title, w.sheet_state) for w in before.worksheets]
    old, new = before["2024年"], after["2024年"]
    assert {str(r) for r in new.merged_cells.ranges} == {str(r) for r in old.merged_cells.ranges}
    for row in old.iter_rows():
        for cell in row:
            copy = new[cell.coordinate]
            assert (copy.value, copy.number_format) == (cell.value, cell.number_format), cell.coordinate
    added = [new.cell(row=2, column=c).value for c in range(len(HEADER) + 1, new.max_column + 1)]
    assert added == ["经度", "纬度", "坐标系", "精度", "定位来源", "定位状态", "需复核", "定位说明"]
    status = {new.cell(row=r, column=2).value: new.cell(row=r, column=len(HEADER) + 6).value for r in range(3, 11)}
    assert status == {p[1]: "given" if p[4] else "ok" for p in PARKS}
    assert new.cell(row=11, column=len(HEADER) + 6).value is None  # the skipped duplicate gets no cells
    assert geo.load_parks(output).report.rejected == []
