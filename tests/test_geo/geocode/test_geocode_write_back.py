"""`geocode_register` writes back a copy of the user's own file: real workbooks and CSV files typed like staff type
them, every original cell compared with the input, the new cells asserted exactly, the copy read back."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import math
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font, PatternFill

import geo
from geo.errors import RegisterError
from geo.geocode.providers import Result
from geo.place.datum import gcj02_to_wgs84, wgs84_to_gcj02

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
EVIL_ERROR = '=HYPERLINK("http://evil.example","quota")'
GCJ = (120.9843, 31.378)  # the coordinates typed in GCJ-02 (Gaode)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
HEADER = ["园区名称", "所在镇", "地址", "认定时间", "年份", "经度", "纬度", "备注"]
NEW = ["坐标系", "精度", "定位来源", "定位状态", "需复核", "定位说明"]  # appended from column I on
ROW_TEXT = "no address or town to geocode / 没有地址或镇名"


def offline_point(text: str) -> tuple[float, float]:
    found = geo.geocode_offline(pd.Series([text]))
    return float(found["lon"].iloc[0]), float(found["lat"].iloc[0])


def string_cell(ws, coordinate: str, text: str) -> None:
    """A text cell as Excel saves a typed text (never a formula, even when it starts with '=')."""
    ws[coordinate] = text
    ws[coordinate].data_type = "s"


def staff_workbook(path):
    """A register as staff keep one: a hidden sheet first, the register with a merged title, header on row 2
    (bold, grey), merged town cells, real dates, numbers with formats, a totals row and a note, then last year's
    visible sheet."""
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "备份"
    hidden["A1"], hidden["B1"] = "旧数据", 3
    hidden.sheet_state = "hidden"
    ws = book.create_sheet("园区台账")
    ws["A1"] = "昆山市产业园区台账（2024年）"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:H1")
    for column, name in enumerate(HEADER, start=1):
        cell = ws.cell(row=2, column=column, value=name)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    rows = [
        ["张浦甲园", "张浦镇", "昆山市张浦镇振新路88号", dt.datetime(2021, 3, 15), 2021, None, None, "重点"],
        ["张浦乙园", None, None, dt.datetime(2022, 6, 1), 2022, None, None, None],
        ["坐标园", None, None, dt.datetime(2020, 1, 8), 2020, GCJ[0], GCJ[1], "高德坐标"],
        [None, "花桥镇", None, dt.datetime(2023, 5, 20), 2023, None, None, None],
        ["拒收园", "周市镇", None, None, 1800, None, None, "年份有误"],
        ["无址园", None, None, None, 2019, None, None, None],
        ["合计", None, None, None, None, None, None, "6个园区"],
        ["注：坐标为高德坐标系", None, None, None, None, None, None, None],
    ]
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=number, column=column, value=value)
        ws.cell(row=number, column=4).number_format = DATE_FORMAT
        ws.cell(row=number, column=6).number_format = ws.cell(row=number, column=7).number_format = "0.0000"
    string_cell(ws, "A6", HYPERLINK)  # a park name that reads as a formula, typed as text
    ws.merge_cells("B3:B5")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["H"].width = 18
    old = book.create_sheet("2022年")
    old["A1"], old["B1"] = "园区名称", "所在镇"
    old["A2"], old["B2"] = "旧园", "千灯镇"
    book.save(path)
    return path


@pytest.fixture
def located(tmp_path):
    """(source, output, table, report) of the staff workbook geocoded offline, read as GCJ-02."""
    source = staff_workbook(tmp_path / "台账.xlsx")
    output = tmp_path / "located.xlsx"
    table, report = geo.geocode_register(source, output, datum="gcj02", cache_path=tmp_path / "c.sqlite",
                                         progress=False)
    return source, output, table, report


def style(cell):
    """Font, fill, border and alignment of a cell, comparable."""
    return [copy.copy(getattr(cell, name)) for name in ("font", "fill", "border", "alignment")]


def cells_of(ws):
    return {cell.coordinate: cell for row in ws.iter_rows() for cell in row}


def test_the_copy_keeps_every_sheet_title_merge_value_and_format(located):
    source, output, _, _ = located
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(output)
    assert after.sheetnames == ["备份", "园区台账", "2022年"]
    assert [ws.sheet_state for ws in after.worksheets] == ["hidden", "visible", "visible"]
    filled = {f"园区台账!{column}{row}" for column in "FG" for row in (3, 4, 6)}  # empty 经度/纬度 cells, geocoded
    for old, new in zip(before.worksheets, after.worksheets):
        assert sorted(map(str, new.merged_cells.ranges)) == sorted(map(str, old.merged_cells.ranges))
        new_cells = cells_of(new)
        for coordinate, cell in cells_of(old).items():
            where = f"{old.title}!{coordinate}"
            assert new_cells[coordinate].number_format == cell.number_format, where
            assert new_cells[coordinate].value == cell.value or (where in filled and cell.value is None), where
            assert style(new_cells[coordinate]) == style(cell), f"{old.title}!{coordinate}"
        for name, dimension in old.column_dimensions.items():
            assert new.column_dimensions[name].width == dimension.width
    ws = after["园区台账"]
    assert sorted(map(str, ws.merged_cells.ranges)) == ["A1:H1", "B3:B5"]
    assert ws["A1"].value == "昆山市产业园区台账（2024年）" and ws["A1"].font.bold and ws["A1"].font.size == 14
    assert ws["D3"].value == dt.datetime(2021, 3, 15) and ws["D3"].number_format == DATE_FORMAT
    assert ws["D3"].is_date
    assert (after["备份"].max_column, after["2022年"].max_column) == (2, 2)  # the other sheets gain nothing


def test_new_columns_follow_the_last_used_column_in_the_header_language_and_style(located):
    _, output, _, _ = located
    ws = openpyxl.load_workbook(output)["园区台账"]
    assert [c.value for c in ws[2]] == HEADER + NEW
    for cell in ws[2][8:]:
        assert cell.font.bold and cell.fill.fgColor.rgb == ws["H2"].fill.fgColor.rgb == "00DDDDDD"
        assert ws.column_dimensions[cell.column_letter].width == 18  # as wide as the header's last column
    assert [ws.cell(row=1, column=c).value for c in range(9, 15)] == [None] * 6  # nothing above the header


def test_each_row_gets_its_own_cells(located):
    _, output, _, _ = located
    ws = openpyxl.load_workbook(output)["园区台账"]
    row = {n: [ws.cell(row=n, column=c).value for c in (6, 7, *range(9, 15))] for n in range(3, 11)}
    zhangpu = offline_point("昆山市张浦镇振新路88号")
    assert row[3] == [*zhangpu, "wgs84", "town", "gazetteer:张浦镇", "ok", "否", None]
    assert row[4] == [*offline_point("张浦镇"), "wgs84", "town", "gazetteer:张浦镇", "ok", "否", None]
    assert row[5] == [GCJ[0], GCJ[1], "gcj02", "exact", "register", "given", "否", None]  # as typed, in GCJ-02
    assert ws["F5"].number_format == "0.0000"
    assert row[6] == [*offline_point("花桥镇"), "wgs84", "town", "gazetteer:花桥镇", "ok", "否", None]
    assert row[7] == [None, None, None, None, None, "拒收", None, "年份 '1800': year outside 1949-2100 / 年份超出范围"]
    assert row[8] == [None, None, None, None, None, "not_found", "否", ROW_TEXT]
    assert row[9] == row[10] == [None] * 8  # the totals row and the note row gain nothing
    assert ws.max_row == 10 and ws.max_column == 14


def test_values_are_plain_and_nothing_is_a_formula(located):
    _, output, _, _ = located
    ws = openpyxl.load_workbook(output)["园区台账"]
    assert (ws["A6"].value, ws["A6"].data_type) == (HYPERLINK, "s")
    assert {type(ws.cell(row=n, column=c).value) for n in (3, 4, 6) for c in (6, 7)} == {float}
    with zipfile.ZipFile(output) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    assert "evil.example" in sheet  # the name is there, as text


def test_the_returned_table_is_one_row_per_accepted_row(located):
    _, _, table, report = located
    assert table["geocode_status"].tolist() == ["ok", "ok", "given", "ok", "not_found"]
    assert table["review"].tolist() == [False] * 5
    assert [entry["row"] for entry in report.rejected] == [7]
    assert sorted(entry["row"] for entry in report.skipped) == [9, 10]
    assert (table.loc[2, "lon"], table.loc[2, "lat"]) == pytest.approx(gcj02_to_wgs84(*GCJ), abs=1e-12)


def test_reading_the_copy_places_every_park_where_the_register_did_plus_the_geocoded_ones(located):
    source, output, table, _ = located
    before = geo.load_parks(source, datum="gcj02")
    after = geo.load_parks(output)
    assert [entry["row"] for entry in after.report.rejected] == [7]
    assert after.parks["name"].tolist() == before.parks["name"].tolist()
    given = after.parks["name"] == "坐标园"
    assert after.parks.geometry[given].x.iloc[0] == pytest.approx(before.parks.geometry[given].x.iloc[0], abs=1e-9)
    assert after.parks.geometry[given].y.iloc[0] == pytest.approx(before.parks.geometry[given].y.iloc[0], abs=1e-9)
    assert after.parks.geometry[given].x.iloc[0] == pytest.approx(gcj02_to_wgs84(*GCJ)[0], abs=1e-9)
    geocoded = table["geocode_status"].eq("ok").to_numpy()
    points = after.parks.geometry[geocoded]
    assert points.x.tolist() == pytest.approx(table.loc[geocoded, "lon"].tolist(), abs=1e-9)
    assert points.y.tolist() == pytest.approx(table.loc[geocoded, "lat"].tolist(), abs=1e-9)
    assert after.parks["precision"].tolist() == ["town", "town", "exact", "town", "city"]
    # read again with the register's own datum option: the 坐标系 column still decides row by row
    again = geo.load_parks(output, datum="gcj02").parks
    assert again.geometry.x.tolist() == pytest.approx(after.parks.geometry.x.tolist(), abs=1e-9)


def test_an_english_register_gets_english_columns_and_its_own_columns_filled_where_empty(tmp_path):
    source = tmp_path / "parks.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["name", "town", "address", "lon", "lat", "datum", "precision", "notes"])
    ws.append(["Given", None, None, 120.98, 31.38, None, "road", "kept"])
    ws.append(["By address", None, "昆山市张浦镇振新路88号", None, None, "gcj02", None, None])
    ws.append(["By town", "Huaqiao", None, None, None, None, None, None])
    ws.append(["Bad year", "Zhangpu", None, None, None, "wgs84", None, None])
    ws["E5"] = "31.2x"  # rejected: latitude not a number
    ws.append(["To be found", "千灯镇", None, "TBD", "TBD", None, None, None])  # a placeholder reads as empty
    book.save(source)
    output = tmp_path / "out.xlsx"
    geo.geocode_register(source, output, cache_path=tmp_path / "c.sqlite", progress=False)
    out = openpyxl.load_workbook(output).active
    assert [c.value for c in out[1]] == ["name", "town", "address", "lon", "lat", "datum", "precision", "notes",
                                         "location_source", "geocode_status", "review", "geocode_error"]
    values = {n: [c.value for c in out[n]] for n in range(2, 6)}
    assert values[2] == ["Given", None, None, 120.98, 31.38, "wgs84", "road", "kept", "register", "given", False,
                         None]
    # the user typed gcj02 for this row: the point is written in GCJ-02, the datum cell left as typed
    lon, lat = wgs84_to_gcj02(*offline_point("昆山市张浦镇振新路88号"))
    assert values[3][3:5] == pytest.approx([lon, lat], abs=1e-12)
    assert values[3][5:] == ["gcj02", "town", None, "gazetteer:张浦镇", "ok", False, None]
    assert values[4][3:] == [*offline_point("花桥"), "wgs84", "town", None, "gazetteer:花桥镇", "ok", False, None]
    assert values[5] == ["Bad year", "Zhangpu", None, None, "31.2x", "wgs84", None, None, None, "rejected", None,
                         "lon: missing while the other coordinate is given / 缺少另一坐标; "
                         "lat '31.2x': not a number / 不是数字"]
    assert [c.value for c in out[6]][3:8] == [*offline_point("千灯镇"), "wgs84", "town", None]
    assert out["K2"].data_type == "b"
    parks = geo.load_parks(output).parks.set_index("name")
    assert (parks.geometry["By address"].x, parks.geometry["By address"].y) == pytest.approx(
        offline_point("昆山市张浦镇振新路88号"), abs=1e-9)


class QuotaProvider:
    """An online provider whose every answer is a failure with a message that reads as a formula."""

    name, datum = "quota", "wgs84"

    def geocode(self, address):
        return Result("failed", error=EVIL_ERROR)


def test_an_error_message_starting_with_equals_is_written_as_text(tmp_path):
    source = tmp_path / "r.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["园区名称", "地址"])
    book.active.append(["甲园", "昆山市张浦镇振新路88号"])
    string_cell(book.active, "A3", HYPERLINK)
    book.active["B3"] = "昆山市花桥镇"
    book.save(source)
    output = tmp_path / "out.xlsx"
    table, _ = geo.geocode_register(source, output, provider=QuotaProvider(), cache_path=tmp_path / "c.sqlite",
                                    progress=False)
    assert table["geocode_error"].tolist() == [EVIL_ERROR, EVIL_ERROR]
    ws = openpyxl.load_workbook(output).active
    assert [c.value for c in ws[1]] == ["园区名称", "地址", "经度", "纬度", "坐标系", "精度", "定位来源", "定位状态", "需复核",
                                        "定位说明"]
    for cell in (ws["J2"], ws["J3"], ws["A3"]):
        assert cell.data_type == "s", cell.coordinate
    assert (ws["J2"].value, ws["J2"].quotePrefix, ws["A3"].value) == (EVIL_ERROR, True, HYPERLINK)
    assert [c.value for c in ws[2]][2:9] == [None, None, None, None, "quota", "failed", "否"]
    with zipfile.ZipFile(output) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet

    csv_source = tmp_path / "r.csv"
    csv_source.write_text(f'园区名称,地址\n"{HYPERLINK.replace(chr(34), chr(34) * 2)}",昆山市张浦镇振新路88号\n',
                          encoding="utf-8")
    geo.geocode_register(csv_source, tmp_path / "out.csv", provider=QuotaProvider(),
                         cache_path=tmp_path / "c.sqlite", progress=False)
    records = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"), newline="")))
    assert records[1][0] == HYPERLINK  # the user's own cell is left as typed
    assert records[1][-1] == "'" + EVIL_ERROR  # ours is quoted


# --- CSV: the file's own bytes ------------------------------------------------------------------------------

CSV_ROWS = [["昆山市园区台账", "", "", "", ""],  # a title row as Excel exports it
            ["园区名称", "所在镇", "地址", "坐标", "备注"],
            ["张浦园", "", "昆山市张浦镇振新路88号", "", "重点, 一期"],
            ["坐标园", "", "", "120.98,31.38", ""],
            ["坏坐标园", "千灯镇", "", "120,500", ""],
            ["花桥园", "花桥镇", "", "", '说"明'],
            ["合计", "", "", "", "4"]]


@pytest.mark.parametrize("encoding, delimiter, terminator, final", [
    ("gb18030", ",", "\r\n", True), ("utf-8-sig", "\t", "\n", True), ("utf-8", ",", "\n", False),
    ("utf-8-sig", ",", "\r\n", False)])
def test_a_csv_keeps_its_bytes_outside_the_new_columns(tmp_path, encoding, delimiter, terminator, final):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=terminator).writerows(CSV_ROWS)
    text = buffer.getvalue() if final else buffer.getvalue().removesuffix(terminator)
    source = tmp_path / "parks.csv"
    source.write_bytes(text.encode(encoding))
    output = tmp_path / "out.csv"
    _, report = geo.geocode_register(source, output, datum="gcj02", cache_path=tmp_path / "c.sqlite",
                                     progress=False)
    assert [entry["row"] for entry in report.rejected] == [5]
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert data.endswith(terminator.encode()) == final
    old_lines = source.read_bytes().split(terminator.encode())
    new_lines = data.split(terminator.encode())
    assert len(new_lines) == len(old_lines)
    gained = {}
    for number, (old, new) in enumerate(zip(old_lines, new_lines), start=1):
        if number in (1, 7) or not old:
            assert new == old, number  # the title and the totals row stay byte for byte
        else:
            assert new.startswith(old + delimiter.encode()), number
            gained[number] = next(csv.reader([new[len(old) + 1:].decode(encoding.replace("-sig", ""))],
                                             delimiter=delimiter))
    assert gained[2] == ["经度", "纬度", "坐标系", "精度", "定位来源", "定位状态", "需复核", "定位说明"]
    lon, lat = offline_point("昆山市张浦镇振新路88号")
    assert gained[3] == [repr(lon), repr(lat), "wgs84", "town", "gazetteer:张浦镇", "ok", "否", ""]
    assert gained[4] == ["", "", "gcj02", "exact", "register", "given", "否", ""]  # 坐标 kept, in GCJ-02
    assert gained[5][:6] == ["", "", "", "", "", "拒收"]
    assert gained[5][7].startswith("坐标 '120,500': ")
    assert gained[6][:3] == [*map(repr, offline_point("花桥镇")), "wgs84"]

    before, after = geo.load_parks(source, datum="gcj02").parks, geo.load_parks(output).parks
    assert after["name"].tolist() == before["name"].tolist() == ["张浦园", "坐标园", "花桥园"]
    assert after.geometry.x[1] == pytest.approx(before.geometry.x[1], abs=1e-9)
    assert after.geometry.y[1] == pytest.approx(gcj02_to_wgs84(120.98, 31.38)[1], abs=1e-9)
    assert (after.geometry.x[0], after.geometry.y[0]) == pytest.approx((lon, lat), abs=1e-9)


def test_the_output_must_have_the_input_type(tmp_path):
    source = staff_workbook(tmp_path / "台账.xlsx")
    with pytest.raises(RegisterError, match=r"out\.csv: geocode writes a copy of .*台账\.xlsx, so the output must be "
                                            r"a \.xlsx file too, not '\.csv'"):
        geo.geocode_register(source, tmp_path / "out.csv", provider=QuotaProvider(), cache_path=tmp_path / "c.sqlite",
                             progress=False)
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "c.sqlite").exists()  # checked before geocoding


def test_the_sheet_option_picks_the_sheet_that_gains_cells(tmp_path):
    source = staff_workbook(tmp_path / "台账.xlsx")
    output = tmp_path / "out.xlsx"
    geo.geocode_register(source, output, sheet="2022年", cache_path=tmp_path / "c.sqlite", progress=False)
    after = openpyxl.load_workbook(output)
    assert [c.value for c in after["2022年"][1]] == ["园区名称", "所在镇", "经度", "纬度", "坐标系", "精度", "定位来源",
                                                    "定位状态", "需复核", "定位说明"]
    assert [c.value for c in after["2022年"][2]][2:5] == [*offline_point("千灯镇"), "wgs84"]
    assert after["园区台账"].max_column == 8 and after["备份"].max_column == 2


def test_a_cell_to_fill_inside_a_merged_range_is_an_error_and_nothing_is_written(tmp_path):
    source = tmp_path / "r.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["园区名称", "所在镇", "经度", "纬度"])
    ws.append(["甲园", "张浦镇"])
    ws.append(["乙园", "花桥镇"])
    ws.merge_cells("C2:C3")
    book.save(source)
    with pytest.raises(RegisterError, match=r"Sheet!C2: a cell to fill lies in the merged range C2:C3"):
        geo.geocode_register(source, tmp_path / "out.xlsx", cache_path=tmp_path / "c.sqlite", progress=False)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_rerun_on_the_copy_reuses_its_columns_and_keeps_what_it_found(located, tmp_path):
    _, output, _, _ = located
    again = tmp_path / "again.xlsx"
    table, _ = geo.geocode_register(output, again, cache_path=tmp_path / "c.sqlite", progress=False)
    first, second = openpyxl.load_workbook(output)["园区台账"], openpyxl.load_workbook(again)["园区台账"]
    assert [c.value for c in second[2]] == HEADER + NEW  # no second set of columns
    assert table["geocode_status"].tolist() == ["given", "given", "given", "given", "not_found"]
    for row in range(1, 11):
        assert [c.value for c in second[row]] == [c.value for c in first[row]], row


def test_a_geojson_register_still_becomes_a_table(tmp_path):
    source = tmp_path / "parks.geojson"
    source.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, '
                      '"properties": {"name": "花桥园", "town": "花桥镇"}}]}', encoding="utf-8")
    output = tmp_path / "out.csv"
    geo.geocode_register(source, output, cache_path=tmp_path / "c.sqlite", progress=False)
    table = pd.read_csv(output, encoding="utf-8-sig")
    assert table.loc[0, ["name", "datum", "geocode_status"]].tolist() == ["花桥园", "wgs84", "ok"]
    assert math.isclose(table.loc[0, "lon"], offline_point("花桥镇")[0], abs_tol=1e-9)
    with pytest.raises(RegisterError, match=r"out\.geojson: a \.geojson register is geocoded into a new table"):
        geo.geocode_register(source, tmp_path / "out.geojson", cache_path=tmp_path / "c.sqlite", progress=False)
