"""convert_file and ``kunshan-heatmap convert``: only the coordinates change, in CSV, XLSX and GeoJSON files."""

import csv
import io
import json
import math
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font, PatternFill

from geo import RegisterError
from geo.place import datum
from geo.place.convert import ConversionSummary, convert_file
from geo.place.datum import gcj02_to_wgs84, wgs84_to_gcj02
from layers.cli import main

ERROR = "kunshan-heatmap: error: "
BOM = b"\xef\xbb\xbf"
FORWARD = {("wgs84", "gcj02"): datum.wgs84_to_gcj02, ("wgs84", "bd09"): datum.wgs84_to_bd09,
           ("gcj02", "wgs84"): datum.gcj02_to_wgs84, ("bd09", "wgs84"): datum.bd09_to_wgs84,
           ("gcj02", "bd09"): datum.gcj02_to_bd09, ("bd09", "gcj02"): datum.bd09_to_gcj02}
ALLOWED = ("allowed: wgs84 (wgs-84, cgcs2000, gps); gcj02 (gcj-02, 火星坐标, 高德, amap, gaode, tencent, 腾讯); "
           "bd09 (bd-09, bd09ll, 百度, baidu)")

# A register with a title row above the header: the header is row 2, data rows start at row 3.
TITLE = ["昆山园区坐标表（测试）"]
HEADER = ["园区名称", "所在镇", "经度", "纬度", "总投资（亿元）", "备注"]
BODY = [
    ["甲园", "陆家镇", "120.98", "31.38", "12.5", "第一行"],        # 3 converted
    ["乙园", "张浦镇", "", "", "8", "无坐标"],                      # 4 empty: unchanged, listed
    ["丙园", "周市镇", "东经121度", "31.30", "3", "写成文字"],       # 5 unreadable: unchanged, listed
    ["丁园", "花桥镇", " 121.0998 ", "31.3006", "", "带空格"],       # 6 converted
    ["", "", "", "", "", ""],                                      # 7 blank: not listed
    ["戊园", "千灯镇", "120.95", "", "1", "缺纬度"],                 # 8 half given: unchanged, listed
    ["己园", "锦溪镇", "120.905", "31.185", "2", "引号,逗号"],       # 9 converted (a quoted cell)
]
CONVERTED = {3: (120.98, 31.38), 6: (121.0998, 31.3006), 9: (120.905, 31.185)}  # row -> given lon, lat
SKIPPED = [4, 5, 8]


def csv_bytes(rows, encoding, lineterminator="\n"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path, rows, encoding="utf-8", lineterminator="\n"):
    path.write_bytes(csv_bytes(rows, encoding, lineterminator))
    return path


def read_csv(path, encoding):
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def expected(lon, lat, source, target):
    if source == target:
        return lon, lat
    return FORWARD[(source, target)](lon, lat)


def assert_degrees(cell, value):
    """A written coordinate cell holds the reference value to 1e-9 degree."""
    assert float(cell) == pytest.approx(value, abs=1e-9)


def with_datum(rows, header, converted, name, target, empty=""):
    """``rows`` as convert writes a file that has no datum column: one appended right of every used cell (header
    ``name``), holding ``target`` in the ``converted`` rows (numbered from 1)."""
    width = max(len(row) for row in rows[header - 1:])
    out = [list(row) for row in rows]
    for number in (header, *converted):
        out[number - 1] += [empty] * (width - len(out[number - 1])) + [name if number == header else target]
    return out


def assert_same_except(out_rows, in_rows, changed):
    """Same shape and cells, except the (row number, column) cells in ``changed``."""
    assert len(out_rows) == len(in_rows)
    for number, (out, original) in enumerate(zip(out_rows, in_rows), start=1):
        assert len(out) == len(original), number
        for column, (a, b) in enumerate(zip(out, original)):
            if (number, column) not in changed:
                assert a == b, (number, column)


# ---------------------------------------------------------------- CSV

@pytest.mark.parametrize("encoding, lineterminator", [
    ("utf-8", "\n"),
    ("utf-8-sig", "\r\n"),
    ("gbk", "\r\n"),
    ("gbk", "\n"),
])
def test_csv_keeps_encoding_bom_line_ends_and_every_other_cell(tmp_path, encoding, lineterminator):
    rows = [TITLE, HEADER, *BODY]
    source = write_csv(tmp_path / "parks.csv", rows, encoding, lineterminator)
    before = source.read_bytes()
    output = tmp_path / "out" / "parks-gcj02.csv"
    summary = convert_file(source, output, from_datum="wgs84", to_datum="gcj02")

    assert isinstance(summary, ConversionSummary)
    assert summary == {"converted": 3, "skipped_rows": SKIPPED}
    assert source.read_bytes() == before  # the input is not touched
    data = output.read_bytes()
    assert data.startswith(BOM) == (encoding == "utf-8-sig")
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # still GBK, not re-encoded as UTF-8
    out_rows = read_csv(output, encoding)
    changed = {(number, column) for number in CONVERTED for column in (2, 3)}
    assert_same_except(out_rows, with_datum(rows, 2, CONVERTED, "坐标系", "gcj02"), changed)
    for number, (lon, lat) in CONVERTED.items():
        x, y = datum.wgs84_to_gcj02(lon, lat)
        assert_degrees(out_rows[number - 1][2], x)
        assert_degrees(out_rows[number - 1][3], y)
    # the bytes are those of the same table written the same way: encoding, BOM, line ends, quoting
    assert data == csv_bytes(out_rows, encoding, lineterminator)
    text = data.decode(encoding)
    assert text.count(lineterminator) == len(rows)
    if lineterminator == "\n":
        assert "\r" not in text


def test_csv_gb18030_characters_survive(tmp_path):
    rows = [["名称", "经度", "纬度", "备注"], ["𠀀园", "120.98", "31.38", "䶮 € ㎡"]]
    source = write_csv(tmp_path / "in.csv", rows, "gb18030")
    output = tmp_path / "out.csv"
    convert_file(source, output, from_datum="wgs84", to_datum="bd09")
    out_rows = read_csv(output, "gb18030")
    assert out_rows[1][0] == "𠀀园" and out_rows[1][3] == "䶮 € ㎡"
    x, y = datum.wgs84_to_bd09(120.98, 31.38)
    assert_degrees(out_rows[1][1], x)
    assert_degrees(out_rows[1][2], y)


@pytest.mark.parametrize("lon_header, lat_header", [
    ("经度", "纬度"), ("lon", "lat"), ("lng", "latitude"), ("Longitude", "LAT"), ("經度", "緯度"), ("long", "Lat"),
])
def test_csv_header_aliases(tmp_path, lon_header, lat_header):
    rows = [["id", lat_header, "name", lon_header], ["1", "31.38", "a", "120.98"], ["2", "31.30", "b", "120.95"]]
    source = write_csv(tmp_path / "in.csv", rows)
    output = tmp_path / "out.csv"
    assert convert_file(source, output, from_datum="gcj02", to_datum="wgs84") == {"converted": 2, "skipped_rows": []}
    out_rows = read_csv(output, "utf-8")
    name = "坐标系" if lon_header in ("经度", "經度") else "datum"
    assert_same_except(out_rows, with_datum(rows, 1, (2, 3), name, "wgs84"), {(2, 1), (2, 3), (3, 1), (3, 3)})
    for number, (lon, lat) in ((2, (120.98, 31.38)), (3, (120.95, 31.30))):
        x, y = datum.gcj02_to_wgs84(lon, lat)
        assert_degrees(out_rows[number - 1][3], x)
        assert_degrees(out_rows[number - 1][1], y)


def test_csv_row_order_is_kept(tmp_path):
    points = [(120.90 + 0.01 * k, 31.20 + 0.02 * k) for k in range(12)]
    rows = [["序号", "经度", "纬度"], *[[str(12 - k), str(x), str(y)] for k, (x, y) in enumerate(points)]]
    source = write_csv(tmp_path / "in.csv", rows)
    convert_file(source, tmp_path / "out.csv", from_datum="wgs84", to_datum="bd09")
    out_rows = read_csv(tmp_path / "out.csv", "utf-8")
    assert [r[0] for r in out_rows] == [r[0] for r in rows]
    for (x, y), row in zip(points, out_rows[1:]):
        bx, by = datum.wgs84_to_bd09(x, y)
        assert_degrees(row[1], bx)
        assert_degrees(row[2], by)


def test_csv_datum_column_gives_each_rows_source_and_is_set_to_the_target(tmp_path):
    rows = [["名称", "经度", "纬度", "坐标系"],
            ["a", "120.98", "31.38", "高德"],       # 2 from gcj02
            ["b", "120.98", "31.38", "百度"],       # 3 from bd09
            ["c", "120.98", "31.38", ""],          # 4 from the file's datum (wgs84)
            ["d", "120.98", "31.38", "WGS-84"],    # 5 from wgs84
            ["e", "120.98", "31.38", "BD-09"],     # 6 from bd09
            ["f", "", "", "GCJ-02"]]               # 7 no coordinates: left as it is, datum cell included
    source = write_csv(tmp_path / "in.csv", rows)
    output = tmp_path / "out.csv"
    assert convert_file(source, output, from_datum="wgs84", to_datum="bd09") == {"converted": 5, "skipped_rows": [7]}
    out_rows = read_csv(output, "utf-8")
    sources = {2: "gcj02", 3: "bd09", 4: "wgs84", 5: "wgs84", 6: "bd09"}
    changed = {(number, column) for number in sources for column in (1, 2, 3)}
    assert_same_except(out_rows, rows, changed)
    for number, source_datum in sources.items():
        x, y = expected(120.98, 31.38, source_datum, "bd09")
        assert_degrees(out_rows[number - 1][1], x)
        assert_degrees(out_rows[number - 1][2], y)
        assert out_rows[number - 1][3] == "bd09"
    assert out_rows[6] == ["f", "", "", "GCJ-02"]


@pytest.mark.parametrize("header", ["坐标系", "datum", "坐标类型", "crs"])
def test_csv_datum_column_aliases(tmp_path, header):
    rows = [["name", "lon", "lat", header], ["a", "120.98", "31.38", "百度"], ["b", "120.98", "31.38", "gcj02"]]
    source = write_csv(tmp_path / "in.csv", rows)
    convert_file(source, tmp_path / "out.csv", from_datum="wgs84", to_datum="wgs84")
    out_rows = read_csv(tmp_path / "out.csv", "utf-8")
    for number, fn in ((2, datum.bd09_to_wgs84), (3, datum.gcj02_to_wgs84)):
        x, y = fn(120.98, 31.38)
        assert_degrees(out_rows[number - 1][1], x)
        assert_degrees(out_rows[number - 1][2], y)
        assert out_rows[number - 1][3] == "wgs84"


def test_csv_unknown_name_in_the_datum_column_fails_and_writes_nothing(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat", "坐标系"], ["a", "120.98", "31.38", "mars"]])
    output = tmp_path / "out.csv"
    with pytest.raises(RegisterError, match=r"unknown datum in the 坐标系/datum column \(row 2: 'mars'\)"):
        convert_file(source, output, from_datum="wgs84", to_datum="gcj02")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_csv_same_datum_keeps_the_numbers(tmp_path):
    rows = [["name", "lon", "lat"], ["a", "120.98", "31.38"]]
    source = write_csv(tmp_path / "in.csv", rows)
    convert_file(source, tmp_path / "out.csv", from_datum="gcj02", to_datum="高德")
    assert read_csv(tmp_path / "out.csv", "utf-8") == rows


# ---------------------------------------------------------------- XLSX

def write_workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "园区"
    sheet.append(TITLE)
    sheet.append(["园区名称", "经度", "纬度", "面积", "双倍面积"])
    sheet.append(["甲园", 120.98, 31.38, 10, "=D3*2"])          # 3 converted
    sheet.append(["乙园", None, None, 20, "=D4*2"])              # 4 no coordinates: listed
    sheet.append(["丙园", "121.0998", "31.3006", 30, "=D5*2"])   # 5 numbers typed as text: converted
    sheet.append(["丁园", "n/a", 31.3, 40, "=D6*2"])             # 6 unreadable: listed
    sheet["A3"].font = Font(bold=True, color="FFC00000")
    sheet["B3"].number_format = "0.000000"
    sheet["C3"].number_format = "0.000000"
    sheet["D3"].number_format = "#,##0.00"
    sheet["A4"].fill = PatternFill("solid", fgColor="FFFFFF00")
    sheet.column_dimensions["A"].width = 25
    notes = book.create_sheet("说明")
    notes["A1"] = "数据来源"
    notes["B1"] = "=SUM(园区!D3:D6)"
    notes["A1"].font = Font(italic=True)
    book.save(path)
    return path


def cell_values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_xlsx_changes_only_coordinate_cells(tmp_path):
    source = write_workbook(tmp_path / "parks.xlsx")
    output = tmp_path / "parks-wgs84.xlsx"
    assert convert_file(source, output, from_datum="gcj02", to_datum="wgs84") == {"converted": 2,
                                                                                  "skipped_rows": [4, 6]}
    given, book = openpyxl.load_workbook(source), openpyxl.load_workbook(output)
    assert book.sheetnames == ["园区", "说明"]
    sheet = book["园区"]
    out, before = cell_values(sheet), cell_values(given["园区"])
    changed = {(3, 1), (3, 2), (5, 1), (5, 2)}
    before = [row + [None] for row in before]  # the appended datum column, F: its header and converted rows
    before[1][5], before[2][5], before[4][5] = "坐标系", "wgs84", "wgs84"
    assert_same_except(out, before, changed)
    for number, (lon, lat) in ((3, (120.98, 31.38)), (5, (121.0998, 31.3006))):
        x, y = datum.gcj02_to_wgs84(lon, lat)
        assert isinstance(out[number - 1][1], float) and isinstance(out[number - 1][2], float)
        assert out[number - 1][1] == pytest.approx(x, abs=1e-9)
        assert out[number - 1][2] == pytest.approx(y, abs=1e-9)
    # formulas, styles, number formats and the other sheet survive
    assert [sheet.cell(row=r, column=5).value for r in range(3, 7)] == ["=D3*2", "=D4*2", "=D5*2", "=D6*2"]
    assert sheet["A3"].font.bold is True and sheet["A3"].font.color.rgb == "FFC00000"
    assert sheet["B3"].number_format == "0.000000" and sheet["C3"].number_format == "0.000000"
    assert sheet["D3"].number_format == "#,##0.00"
    assert sheet["A4"].fill.fgColor.rgb == "FFFFFF00"
    assert sheet.column_dimensions["A"].width == 25
    assert cell_values(book["说明"]) == [["数据来源", "=SUM(园区!D3:D6)"]]
    assert book["说明"]["A1"].font.italic is True


def test_xlsx_sheet_selection(tmp_path):
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "封面"
    cover["A1"] = "昆山园区"
    data = book.create_sheet("数据")
    data.append(["名称", "lon", "lat"])
    data.append(["x", 120.98, 31.38])
    source = tmp_path / "in.xlsx"
    book.save(source)
    output = tmp_path / "out.xlsx"
    with pytest.raises(RegisterError, match="no longitude and latitude columns"):
        convert_file(source, output, from_datum="wgs84", to_datum="bd09")  # the first sheet has none
    assert not output.exists()
    assert convert_file(source, output, from_datum="wgs84", to_datum="bd09", sheet="数据") == {
        "converted": 1, "skipped_rows": []}
    result = openpyxl.load_workbook(output)
    assert cell_values(result["封面"]) == [["昆山园区"]]
    x, y = datum.wgs84_to_bd09(120.98, 31.38)
    row = cell_values(result["数据"])[1]
    assert row[0] == "x" and row[1] == pytest.approx(x, abs=1e-9) and row[2] == pytest.approx(y, abs=1e-9)


def test_xlsx_first_visible_sheet_by_default(tmp_path):
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "旧表"
    hidden.append(["名称", "经度", "纬度"])
    hidden.append(["old", 120.5, 31.0])
    hidden.sheet_state = "hidden"
    visible = book.create_sheet("新表")
    visible.append(["名称", "经度", "纬度"])
    visible.append(["new", 120.98, 31.38])
    source = tmp_path / "in.xlsx"
    book.save(source)
    convert_file(source, tmp_path / "out.xlsx", from_datum="wgs84", to_datum="gcj02")
    result = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert cell_values(result["旧表"]) == [["名称", "经度", "纬度"], ["old", 120.5, 31.0]]
    x, y = datum.wgs84_to_gcj02(120.98, 31.38)
    row = cell_values(result["新表"])[1]
    assert row[1] == pytest.approx(x, abs=1e-9) and row[2] == pytest.approx(y, abs=1e-9)


def test_xlsx_unknown_sheet(tmp_path):
    source = write_workbook(tmp_path / "in.xlsx")
    with pytest.raises(RegisterError, match="no sheet named '数据'"):
        convert_file(source, tmp_path / "out.xlsx", from_datum="wgs84", to_datum="gcj02", sheet="数据")


def test_xlsx_datum_column(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "经度", "纬度", "坐标系"])
    sheet.append(["a", 120.98, 31.38, "百度"])
    sheet.append(["b", 120.98, 31.38, None])
    source = tmp_path / "in.xlsx"
    book.save(source)
    convert_file(source, tmp_path / "out.xlsx", from_datum="gcj02", to_datum="wgs84")
    rows = cell_values(openpyxl.load_workbook(tmp_path / "out.xlsx").active)
    for row, fn in ((rows[1], datum.bd09_to_wgs84), (rows[2], datum.gcj02_to_wgs84)):
        x, y = fn(120.98, 31.38)
        assert row[1] == pytest.approx(x, abs=1e-9) and row[2] == pytest.approx(y, abs=1e-9)
        assert row[3] == "wgs84"


# ---------------------------------------------------------------- GeoJSON

def feature_collection():
    return {"type": "FeatureCollection", "name": "parks", "features": [
        {"type": "Feature", "id": "p1", "properties": {"name": "甲园", "sector": "光电", "n": 1},
         "geometry": {"type": "Point", "coordinates": [120.98, 31.38]}},
        {"type": "Feature", "properties": {"name": "乙园", "town": "张浦镇"}, "geometry": None},
        {"type": "Feature", "properties": {"name": "丙园", "nested": {"a": [1, 2]}, "empty": None},
         "geometry": {"type": "Point", "coordinates": [121.0998, 31.3006]}},
    ]}


def test_geojson_points_converted_and_properties_kept(tmp_path):
    source = tmp_path / "parks.geojson"
    source.write_text(json.dumps(feature_collection(), ensure_ascii=False), encoding="utf-8")
    output = tmp_path / "parks-bd09.geojson"
    assert convert_file(source, output, from_datum="wgs84", to_datum="bd09") == {"converted": 2,
                                                                                 "skipped_rows": [2]}
    given, out = feature_collection(), json.loads(output.read_text(encoding="utf-8"))
    assert out["type"] == "FeatureCollection" and out["name"] == "parks"
    assert len(out["features"]) == 3
    for index, (before, after) in enumerate(zip(given["features"], out["features"])):
        if index != 1:  # a converted feature gets the datum it is now in
            before["properties"]["datum"] = "bd09"
        assert {k: v for k, v in after.items() if k != "geometry"} == {k: v for k, v in before.items()
                                                                        if k != "geometry"}
    assert out["features"][1]["geometry"] is None
    for index, (lon, lat) in ((0, (120.98, 31.38)), (2, (121.0998, 31.3006))):
        geometry = out["features"][index]["geometry"]
        assert geometry["type"] == "Point"
        x, y = datum.wgs84_to_bd09(lon, lat)
        assert geometry["coordinates"] == [pytest.approx(x, abs=1e-9), pytest.approx(y, abs=1e-9)]


def test_geojson_not_a_feature_collection(tmp_path):
    source = tmp_path / "in.geojson"
    source.write_text(json.dumps({"type": "Point", "coordinates": [120.98, 31.38]}), encoding="utf-8")
    with pytest.raises(RegisterError, match="not a GeoJSON FeatureCollection"):
        convert_file(source, tmp_path / "out.geojson", from_datum="wgs84", to_datum="gcj02")
    assert not (tmp_path / "out.geojson").exists()


# ---------------------------------------------------------------- round trips through files

POINTS = [(120.98, 31.38), (121.0998, 31.3006), (120.80335, 31.106134), (121.156736, 31.543052)]


def write_points(path, kind):
    if kind == "csv":
        return write_csv(path, [["name", "经度", "纬度"], *[[f"p{i}", repr(x), repr(y)]
                                                           for i, (x, y) in enumerate(POINTS)]])
    if kind == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(["name", "经度", "纬度"])
        for i, (x, y) in enumerate(POINTS):
            book.active.append([f"p{i}", x, y])
        book.save(path)
        return path
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f"p{i}"}, "geometry": {"type": "Point", "coordinates": [x, y]}}
        for i, (x, y) in enumerate(POINTS)]}), encoding="utf-8")
    return path


def read_points(path, kind):
    if kind == "csv":
        return [(r[0], float(r[1]), float(r[2])) for r in read_csv(path, "utf-8")[1:]]
    if kind == "xlsx":
        return [(r[0], r[1], r[2]) for r in openpyxl.load_workbook(path).active.iter_rows(min_row=2,
                                                                                          values_only=True)]
    return [(f["properties"]["name"], *f["geometry"]["coordinates"])
            for f in json.loads(path.read_text(encoding="utf-8"))["features"]]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "geojson"])
@pytest.mark.parametrize("middle", ["gcj02", "bd09"])
def test_round_trip_through_files(tmp_path, kind, middle):
    source = write_points(tmp_path / f"a.{kind}", kind)
    shifted, back = tmp_path / f"b.{kind}", tmp_path / f"c.{kind}"
    convert_file(source, shifted, from_datum="wgs84", to_datum=middle)
    convert_file(shifted, back, from_datum=middle, to_datum="wgs84")
    there = read_points(shifted, kind)
    for (name, x, y), (lon, lat) in zip(there, POINTS):
        ex, ey = expected(lon, lat, "wgs84", middle)
        assert (x, y) == (pytest.approx(ex, abs=1e-9), pytest.approx(ey, abs=1e-9))
        assert math.hypot(x - lon, y - lat) > 3e-3  # really moved (hundreds of metres)
    result = read_points(back, kind)
    assert [r[0] for r in result] == [f"p{i}" for i in range(len(POINTS))]
    for (_, x, y), (lon, lat) in zip(result, POINTS):
        assert abs(x - lon) < 1e-8 and abs(y - lat) < 1e-8


@settings(database=None, deadline=None, max_examples=25)
@given(st.lists(st.tuples(st.floats(73.0, 135.0), st.floats(18.0, 53.0)), min_size=1, max_size=6),
       st.sampled_from(sorted(FORWARD)))
def test_csv_values_equal_the_reference_functions(tmp_path_factory, points, pair):
    folder = tmp_path_factory.mktemp("prop")
    source = write_csv(folder / "in.csv", [["lon", "lat"], *[[repr(x), repr(y)] for x, y in points]])
    summary = convert_file(source, folder / "out.csv", from_datum=pair[0], to_datum=pair[1])
    assert summary == {"converted": len(points), "skipped_rows": []}
    out = read_csv(folder / "out.csv", "utf-8")[1:]
    for (x, y), row in zip(points, out):
        ex, ey = FORWARD[pair](x, y)
        assert_degrees(row[0], ex)
        assert_degrees(row[1], ey)


# ---------------------------------------------------------------- errors and atomic writes

@pytest.mark.parametrize("output_name", ["out.xlsx", "out.geojson", "out", "out.csv.bak"])
def test_output_must_have_the_inputs_suffix(tmp_path, output_name):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat"], ["a", "120.98", "31.38"]])
    output = tmp_path / output_name
    with pytest.raises(RegisterError) as caught:
        convert_file(source, output, from_datum="wgs84", to_datum="gcj02")
    assert str(caught.value) == f"{output}: the output must have the input's type (.csv)"
    assert not output.exists()


def test_output_suffix_compared_without_case(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat"], ["a", "120.98", "31.38"]])
    assert convert_file(source, tmp_path / "OUT.CSV", from_datum="wgs84", to_datum="gcj02")["converted"] == 1


def test_unsupported_input_type(tmp_path):
    source = tmp_path / "in.parquet"
    source.write_bytes(b"PAR1")
    with pytest.raises(RegisterError, match=r"convert reads \.csv, \.xlsx or \.geojson files, not '\.parquet'"):
        convert_file(source, tmp_path / "out.parquet", from_datum="wgs84", to_datum="gcj02")


@pytest.mark.parametrize("argument", ["--from", "--to"])
def test_cli_unknown_datum_exits_2_with_the_allowed_names(tmp_path, capsys, argument):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat"], ["a", "120.98", "31.38"]])
    output = tmp_path / "out.csv"
    datums = {"--from": "wgs84", "--to": "gcj02", argument: "mars"}
    assert main(["convert", str(source), "--from", datums["--from"], "--to", datums["--to"],
                 "-o", str(output)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{ERROR}unknown datum 'mars'; {ALLOWED} / 坐标系 'mars' 无法识别\n"
    assert not output.exists()


def test_api_unknown_datum_raises(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat"], ["a", "120.98", "31.38"]])
    with pytest.raises(RegisterError) as caught:
        convert_file(source, tmp_path / "out.csv", from_datum="wgs84", to_datum="epsg:3857")
    assert str(caught.value) == f"unknown datum 'epsg:3857'; {ALLOWED} / 坐标系 'epsg:3857' 无法识别"


def test_existing_output_untouched_when_conversion_fails(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["名称", "所在镇"], ["a", "张浦镇"]])
    output = tmp_path / "out.csv"
    output.write_bytes(b"earlier output\n")
    with pytest.raises(RegisterError) as caught:
        convert_file(source, output, from_datum="wgs84", to_datum="gcj02")
    assert str(caught.value) == (f"{source}: no longitude and latitude columns (经度/lon, 纬度/lat) in the header "
                                 f"['名称', '所在镇']")
    assert output.read_bytes() == b"earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temporary file left


def test_cli_failure_leaves_an_existing_output(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.append(["名称", "所在镇"])
    book.active.append(["a", "张浦镇"])
    source = tmp_path / "in.xlsx"
    book.save(source)
    output = tmp_path / "out.xlsx"
    output.write_bytes(b"earlier")
    assert main(["convert", str(source), "--from", "gcj02", "--to", "wgs84", "-o", str(output)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(ERROR) and "no longitude and latitude columns" in captured.err
    assert output.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx", "out.xlsx"]


def test_successful_conversion_replaces_an_existing_output_and_keeps_its_mode(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat"], ["a", "120.98", "31.38"]])
    output = tmp_path / "out.csv"
    output.write_bytes(b"old")
    output.chmod(0o640)
    convert_file(source, output, from_datum="wgs84", to_datum="gcj02")
    assert read_csv(output, "utf-8")[0] == ["name", "lon", "lat", "datum"]
    assert output.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_cli_convert_reports_and_prints_the_output_path(tmp_path, capsys):
    source = write_csv(tmp_path / "parks.csv", [TITLE, HEADER, *BODY], "gbk", "\r\n")
    output = tmp_path / "parks-bd09.csv"
    assert main(["convert", str(source), "--from", "wgs84", "--to", "bd09", "-o", str(output)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{output.resolve()}\n"
    assert captured.err == ("3 points converted from wgs84 to bd09\n"
                            "rows left unchanged (no readable coordinates): 4, 5, 8\n")
    out_rows = read_csv(output, "gbk")
    for number, (lon, lat) in CONVERTED.items():
        x, y = datum.wgs84_to_bd09(lon, lat)
        assert_degrees(out_rows[number - 1][2], x)
        assert_degrees(out_rows[number - 1][3], y)


def test_cli_convert_sheet_option(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "封面"
    data = book.create_sheet("数据")
    data.append(["名称", "经度", "纬度"])
    data.append(["x", 120.98, 31.38])
    source = tmp_path / "in.xlsx"
    book.save(source)
    output = tmp_path / "out.xlsx"
    assert main(["convert", str(source), "--from", "百度", "--to", "wgs84", "--sheet", "数据", "-o", str(output)]) == 0
    assert capsys.readouterr().err == "1 points converted from 百度 to wgs84\n"
    row = cell_values(openpyxl.load_workbook(output)["数据"])[1]
    x, y = datum.bd09_to_wgs84(120.98, 31.38)
    assert row[1] == pytest.approx(x, abs=1e-9) and row[2] == pytest.approx(y, abs=1e-9)


def test_cli_convert_requires_from_to_and_output(tmp_path, capsys):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat"], ["a", "120.98", "31.38"]])
    with pytest.raises(SystemExit) as caught:
        main(["convert", str(source), "--from", "wgs84", "--to", "gcj02"])
    assert caught.value.code == 2
    assert "-o/--output" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_path_arguments_may_be_strings(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["name", "lon", "lat"], ["a", "120.98", "31.38"]])
    summary = convert_file(str(source), str(tmp_path / "out.csv"), from_datum="GCJ-02", to_datum="WGS84")
    assert summary == {"converted": 1, "skipped_rows": []}
    assert Path(tmp_path / "out.csv").exists()


# --- regressions found in review: GeoJSON lon/lat properties, z, UTF-16, tab-separated text -------------------


def test_geojson_lon_lat_properties_are_converted_with_the_geometry(tmp_path):
    from geo import read_register

    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "甲", "经度": 120.98, "纬度": 31.38},
         "geometry": {"type": "Point", "coordinates": [120.98, 31.38, 5.0]}}]}
    source = tmp_path / "in.geojson"
    source.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    convert_file(source, tmp_path / "out.geojson", from_datum="gcj02", to_datum="wgs84")
    out = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))["features"][0]
    expected = gcj02_to_wgs84(120.98, 31.38)
    assert out["geometry"]["coordinates"][2] == 5.0  # the height is kept
    assert out["geometry"]["coordinates"][:2] == pytest.approx(list(expected), abs=1e-12)
    assert (out["properties"]["经度"], out["properties"]["纬度"]) == pytest.approx(expected, abs=1e-12)
    table = read_register(tmp_path / "out.geojson").table
    assert (table["lon"][0], table["lat"][0]) == pytest.approx(expected, abs=1e-12)


def test_utf16_and_tab_separated_csv_are_written_back_as_read(tmp_path):
    text = "名称\t经度\t纬度\n甲\t120.98\t31.38\n"
    source = tmp_path / "u16.csv"
    source.write_bytes(text.encode("utf-16"))
    convert_file(source, tmp_path / "o.csv", from_datum="wgs84", to_datum="gcj02")
    data = (tmp_path / "o.csv").read_bytes()
    assert data.startswith(b"\xff\xfe")
    rows = data.decode("utf-16").splitlines()
    assert rows[0] == "名称\t经度\t纬度\t坐标系"
    lon, lat = wgs84_to_gcj02(120.98, 31.38)
    assert rows[1] == f"甲\t{lon!r}\t{lat!r}\tgcj02"
