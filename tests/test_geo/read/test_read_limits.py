"""A register file can never exhaust the machine: every bomb, built here in code, ends within 30 s and under 1 GiB
of memory with the exact message naming the file, the limit, both numbers and the way out.

Each bomb is read through ``kunshan-heatmap validate FILE`` in a fresh interpreter whose address space is capped
(``RLIMIT_AS``, so a regression fails fast instead of taking the machine) and which reports its exit code, its
stderr, the seconds the read took and its peak resident memory: ``VmHWM`` of /proc/self/status, the high-water mark
of the new process image (``ru_maxrss`` would also count the pytest process it was spawned from, which Linux carries
over ``exec``), or ``ru_maxrss`` where there is no /proc.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from geo import read_register
from geo.errors import RegisterError
from geo.read.files import read_rows
from geo.read.limits import limits
from geo.registry import load_json

ROOT = Path(__file__).resolve().parents[3]
SECONDS = 30
MEMORY = 1 << 30  # bytes of peak resident memory allowed to a read
ADDRESS_SPACE = 4 << 30  # the interpreter's cap: pyarrow alone reserves about 1.7 GiB of address space to read
ERROR = "kunshan-heatmap: error: "
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

RUN = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from layers.cli import main
import contextlib, io
err = io.StringIO()
started = time.monotonic()
with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
    code = main(["validate", sys.argv[1]])
seconds = time.monotonic() - started
try:
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"code": code, "stderr": err.getvalue(), "seconds": seconds, "maxrss": peak}}))
"""


def validate_in_a_capped_process(path: Path) -> dict:
    """``validate path`` in a new interpreter: {"code", "stderr", "seconds", "maxrss" (bytes)}."""
    done = subprocess.run([sys.executable, "-c", RUN.format(cap=ADDRESS_SPACE), str(path)], capture_output=True,
                          text=True, timeout=2 * SECONDS, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def assert_refused(path: Path, message: str) -> dict:
    """The file ends with exit 2 and exactly ``message`` on stderr, in time and memory; returns the measures."""
    result = validate_in_a_capped_process(path)
    assert result["stderr"] == f"{ERROR}{message}\n", result["stderr"][:3000]
    assert result["code"] == 2
    assert result["seconds"] < SECONDS, result
    assert result["maxrss"] < MEMORY, result
    return result


# ------------------------------------------------------------------------------------------------
# Files built in code


def workbook_bytes(rows=(("园区名称", "所在镇"), ("甲园", "陆家镇"), ("乙园", "周市镇"))) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, member: str, change, added: dict[str, str] | None = None) -> bytes:
    """The workbook with ``member`` replaced by ``change(its text)``: a str, or an iterable of byte chunks
    (streamed into the zip, so a member of hundreds of MB is never held in memory); ``added`` members appended."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item, source.read(item))
                continue
            content = change(source.read(item).decode("utf-8"))
            if isinstance(content, str):
                target.writestr(item.filename, content)
            else:
                with target.open(item.filename, "w") as stream:
                    for chunk in content:
                        stream.write(chunk)
        for name, content in (added or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def shared_string_workbook(text: str, rows: int, unused: int = 0) -> bytes:
    """A workbook whose sheet has a header and ``rows`` rows of two cells, each the one shared string ``text``;
    ``unused`` more distinct shared texts (streamed) that no cell uses."""
    cells = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}" t="s"><v>0</v></c></row>'
                    for n in range(2, rows + 2))

    def strings(_):
        yield f'<sst xmlns="{MAIN}" count="{2 * rows}" uniqueCount="{1 + unused}"><si><t>{text}</t></si>'.encode()
        for start in range(0, unused, 10_000):
            yield "".join(f"<si><t>{n}</t></si>" for n in range(start, min(unused, start + 10_000))).encode()
        yield b"</sst>"

    data = rewritten(workbook_bytes([("园区名称", "备注")]), SHEET,
                     lambda xml: xml.replace("</row></sheetData>", f"</row>{cells}</sheetData>"),
                     {"xl/sharedStrings.xml": ""})
    data = rewritten(data, "xl/sharedStrings.xml", strings)
    return rewritten(data, "[Content_Types].xml", lambda xml: xml.replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>')))


def many_formats(xml: str, count: int):
    """Byte chunks of a styles part declaring ``count`` cell formats (Excel keeps at most 65,490)."""
    head, tail = re.split(r"<cellXfs[^>]*>.*?</cellXfs>", xml, flags=re.S)
    yield f'{head}<cellXfs count="{count}">'.encode()
    for start in range(0, count, 10_000):
        yield "".join(f'<xf numFmtId="{n % 50}" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
                      f'<alignment indent="{n % 250}" wrapText="{n % 2}"/></xf>'
                      for n in range(start, min(count, start + 10_000))).encode()
    yield f"</cellXfs>{tail}".encode()


def stray_cell(xml: str, ref: str = "XFD1048576", dimension: str | None = "keep") -> str:
    """A sheet with one more cell at ``ref``; its <dimension> kept as it was (now a lie), or removed (None)."""
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    xml = xml.replace("</sheetData>", f'<row r="{row}"><c r="{ref}" t="n"><v>1</v></c></row></sheetData>')
    return re.sub(r"<dimension [^>]*/>", "", xml) if dimension is None else xml


def huge_inline_string(xml: str, size: int):
    """Byte chunks of the sheet with a text of ``size`` bytes in cell A4 (deflate packs it about 1000:1)."""
    head, tail = xml.split("</sheetData>")
    yield (head + '<row r="4"><c r="A4" t="inlineStr"><is><t>').encode()
    chunk = b"ab" * (1 << 19)
    for _ in range(size // len(chunk)):
        yield chunk
    yield ("</t></is></c></row></sheetData>" + tail).encode()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zip_member(path: Path, member: str) -> zipfile.ZipInfo:
    return zipfile.ZipFile(path).getinfo(member)


# ------------------------------------------------------------------------------------------------
# The limits are data


def test_limits_are_one_packaged_file_each_with_its_unit_and_reason():
    entries = load_json("limits.json")["limits"]
    assert [entry["name"] for entry in entries] == list(limits())
    assert limits() == {"file_bytes": 50_000_000, "cell_chars": 32_767, "text_chars": 50_000_000, "rows": 1_000_000,
                        "columns": 1_000, "cells": 2_000_000, "unpacked_bytes": 200_000_000,
                        "member_bytes": 100_000_000, "part_elements": 300_000, "zip_ratio": 200,
                        "zip_ratio_from_bytes": 10_000_000}
    for entry in entries:
        assert entry["unit"] and entry["applies"] and len(entry["why"]) > 40, entry


def test_the_readme_table_lists_every_limit_with_its_value():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Limits", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| ([\d,]+) ", section, flags=re.MULTILINE))
    assert {name: int(value.replace(",", "")) for name, value in rows.items()} == limits()


# ------------------------------------------------------------------------------------------------
# Bombs


def test_one_cell_at_xfd1048576_is_refused_from_the_sheet_xml(tmp_path):
    """4.9 KB: openpyxl would iterate 16,384 x 1,048,576 cells (8.4 GB and growing). The sheet's <dimension>
    still says A1:B3: the extent is measured from the cells, not from what the sheet claims."""
    path = write(tmp_path, "stray.xlsx", rewritten(workbook_bytes(), SHEET, stray_cell))
    assert path.stat().st_size < 6_000
    assert 'ref="A1:B3"' in zipfile.ZipFile(path).read(SHEET).decode()
    assert_refused(path, (
        f"{path}: sheet 'Sheet' reaches cell XFD1048576: 1,048,576 rows (limit 1,000,000), 16,384 columns "
        f"(limit 1,000), 17,179,869,184 cells (limit 2,000,000); delete the stray cells beyond the table (Ctrl+End "
        f"in Excel shows the last one, XFD1048576), or split the sheet / 工作表“Sheet”延伸到单元格 XFD1048576："
        f"1,048,576 行（上限 1,000,000），16,384 列（上限 1,000），17,179,869,184 个单元格（上限 2,000,000）；"
        f"请删除表格以外的多余单元格（在 Excel 中按 Ctrl+End 可找到 XFD1048576），或拆分工作表"))


def test_a_stray_column_in_a_sheet_without_a_dimension_is_refused(tmp_path):
    path = write(tmp_path, "wide.xlsx", rewritten(
        workbook_bytes(), SHEET, lambda xml: stray_cell(xml, "ALM4", dimension=None)))  # column 1,001
    assert "<dimension" not in zipfile.ZipFile(path).read(SHEET).decode()
    assert_refused(path, (
        f"{path}: sheet 'Sheet' reaches cell ALM4: 1,001 columns (limit 1,000); delete the stray cells "
        f"beyond the table (Ctrl+End in Excel shows the last one, ALM4), or split the sheet / 工作表“Sheet”延伸到"
        f"单元格 ALM4：1,001 列（上限 1,000）；请删除表格以外的多余单元格（在 Excel 中按 Ctrl+End 可找到 ALM4），"
        f"或拆分工作表"))


def merged(ranges: str):
    return lambda xml: xml.replace("</sheetData>", f"</sheetData><mergeCells>{ranges}</mergeCells>")


def test_merged_ranges_past_the_cells_limit_are_refused_and_others_cut_to_the_cells(tmp_path):
    """One range merged over the whole sheet: openpyxl would make 17 billion cells (here, or when convert and
    geocode load the workbook whole to write it back). A title merged across its whole row (A1:XFD1, as selecting
    the row and merging makes it) is fine, and reads as wide as the table."""
    bomb = write(tmp_path, "merged.xlsx", rewritten(workbook_bytes(), SHEET, merged('<mergeCell ref="A1:XFD1048576"/>')))
    assert_refused(bomb, (
        f"{bomb}: sheet 'Sheet' has merged ranges covering 17,179,869,184 cells together (limit 2,000,000): unmerge "
        f"the ranges beyond the table / 工作表“Sheet”的合并区域共 17,179,869,184 个单元格（上限 2,000,000）：请取消表格"
        f"以外的合并"))
    overlapping = write(tmp_path, "overlap.xlsx", rewritten(workbook_bytes(), SHEET,
                                                            merged('<mergeCell ref="A1:B3"/>' * 350_000)))
    with pytest.raises(RegisterError, match=re.escape("has merged ranges covering 2,100,000 cells together (limit 2,")):
        read_rows(overlapping)
    title = write(tmp_path, "title.xlsx", rewritten(workbook_bytes([("名单",), ("园区名称", "所在镇"), ("甲园", "陆家镇")]),
                                                    SHEET, merged('<mergeCell ref="A1:XFD1"/>')))
    assert read_rows(title).rows == [(1, ["名单", "名单"]), (2, ["园区名称", "所在镇"]), (3, ["甲园", "陆家镇"])]


def test_a_sheet_whose_dimension_claims_more_than_it_holds_reads(tmp_path):
    """No false alarm: a <dimension> of A1:XFD1048576 over three rows of cells (read-only openpyxl would pad
    every row to it) reads as the three rows."""
    path = write(tmp_path, "claims.xlsx", rewritten(workbook_bytes(), SHEET, lambda xml: xml.replace(
        'ref="A1:B3"', 'ref="A1:XFD1048576"')))
    table = read_rows(path)
    assert table.rows == [(1, ["园区名称", "所在镇"]), (2, ["甲园", "陆家镇"]), (3, ["乙园", "周市镇"])]


def test_a_row_of_a_million_commas_is_refused(tmp_path):
    path = write(tmp_path, "commas.csv", ("园区名称,所在镇\n甲园,陆家镇\n" + "," * 10**6 + "\n").encode())
    assert_refused(path, (
        f"{path}: the table has 1,000,001 columns (limit 1,000), 3,000,003 cells (limit 2,000,000): row 3 is the "
        f"widest (1,000,001 cells): check its delimiters, or split the file / 表格有 1,000,001 列（上限 1,000），"
        f"3,000,003 个单元格（上限 2,000,000）：第 3 行最宽（1,000,001 个单元格）：请检查该行的分隔符，或拆分文件"))


def test_ten_thousand_features_each_with_its_own_property_key_are_refused(tmp_path):
    """1.3 MB; today 84 s and 4.3 GB (a list searched for every key, then 10,000 x 10,000 cells)."""
    features = [{"type": "Feature", "properties": {"园区名称": f"园{i}", f"key{i}": i},
                 "geometry": {"type": "Point", "coordinates": [120.95, 31.38]}} for i in range(10_000)]
    path = write(tmp_path, "keys.geojson", json.dumps({"type": "FeatureCollection", "features": features},
                                                      ensure_ascii=False).encode())
    assert 1_000_000 < path.stat().st_size < 1_500_000
    assert_refused(path, (
        f"{path}: the table has 10,003 columns (limit 1,000), 100,030,000 cells (limit 2,000,000): give every "
        f"feature the register's property keys, or split the file / 表格有 10,003 列（上限 1,000），100,030,000 "
        f"个单元格（上限 2,000,000）：请让各要素使用登记表的属性名，或拆分文件"))


@pytest.fixture(scope="module")
def string_bomb(tmp_path_factory) -> Path:
    """A workbook of about 500 KB whose sheet holds a 510 MB text (today: a 510 MB page)."""
    data = rewritten(workbook_bytes(), SHEET, lambda xml: huge_inline_string(xml, 510 << 20))
    return write(tmp_path_factory.mktemp("bomb"), "string.xlsx", data)


def test_a_small_workbook_holding_a_510_mb_string_is_refused_from_the_zip_directory(string_bomb):
    path, sheet = string_bomb, zip_member(string_bomb, SHEET)
    assert path.stat().st_size < 1_000_000 and sheet.file_size > 510 << 20
    total = sum(item.file_size for item in zipfile.ZipFile(path).infolist())
    ratio = sheet.file_size // sheet.compress_size
    assert ratio > 500
    assert_refused(path, (
        f"{path}: the workbook is too large inside, or a zip bomb: {SHEET} unpacks to {sheet.file_size:,} bytes "
        f"(limit 100,000,000 per member); {SHEET} unpacks {ratio:,}:1 from {sheet.compress_size:,} bytes (limit "
        f"200:1 over 10,000,000 bytes); its members unpack to {total:,} bytes together (limit 200,000,000); if it "
        f"is a real register, save its sheet as CSV or split it / 工作簿解压后过大，或为压缩炸弹：{SHEET} 解压后 "
        f"{sheet.file_size:,} 字节（每个部件上限 100,000,000）；{SHEET} 压缩比 {ratio:,}:1（上限 200:1）；解压后共 "
        f"{total:,} 字节（上限 200,000,000）；如确为登记表，请将工作表另存为 CSV 或拆分"))


def test_a_member_within_the_size_limit_but_packed_1000_to_1_is_refused(tmp_path):
    path = write(tmp_path, "dense.xlsx", rewritten(workbook_bytes(), SHEET,
                                                    lambda xml: huge_inline_string(xml, 50 << 20)))
    sheet = zip_member(path, SHEET)
    ratio = sheet.file_size // sheet.compress_size
    assert 50 << 20 < sheet.file_size < 100_000_000 and ratio > 200
    assert_refused(path, (
        f"{path}: the workbook is too large inside, or a zip bomb: {SHEET} unpacks {ratio:,}:1 from "
        f"{sheet.compress_size:,} bytes (limit 200:1 over 10,000,000 bytes); if it is a real register, save its "
        f"sheet as CSV or split it / 工作簿解压后过大，或为压缩炸弹：{SHEET} 压缩比 {ratio:,}:1（上限 200:1）；"
        f"如确为登记表，请将工作表另存为 CSV 或拆分"))


def test_a_workbook_declaring_600_000_cell_formats_is_refused_before_openpyxl_builds_them(tmp_path):
    """A 0.9 MB file; openpyxl would build every format (measured before: 51 s and 1.2 GiB)."""
    path = write(tmp_path, "styles.xlsx", rewritten(workbook_bytes(), "xl/styles.xml",
                                                     lambda xml: many_formats(xml, 600_000)))
    assert path.stat().st_size < 2_000_000
    elements = sum(1 for _ in ElementTree.iterparse(zipfile.ZipFile(path).open("xl/styles.xml"), events=("start",)))
    assert elements > 1_200_000
    assert_refused(path, (
        f"{path}: xl/styles.xml holds {elements:,} XML elements, over the limit of 300,000 for a part read whole "
        f"(Excel itself keeps at most 65,490 cell formats): save the sheet as CSV / xl/styles.xml 含 {elements:,} 个 "
        f"XML 元素，超过整体读取部件的上限 300,000：请将工作表另存为 CSV"))


def test_more_shared_texts_than_a_register_has_cells_are_refused(tmp_path):
    path = write(tmp_path, "texts.xlsx", shared_string_workbook("甲园", 1, unused=2_000_000))
    assert_refused(path, (
        f"{path}: xl/sharedStrings.xml holds 2,000,001 shared texts, more than the 2,000,000 cells a register may "
        f"have: save the sheet as CSV, or split it / xl/sharedStrings.xml 共有 2,000,001 个共享文本，超过登记表单元格"
        f"上限 2,000,000：请将工作表另存为 CSV，或拆分"))


def test_a_28_kb_parquet_file_with_a_300_mb_name_is_refused_from_its_footer(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "name.parquet"
    pq.write_table(pa.table({"园区名称": pa.array(["园" * 100_000_000]), "所在镇": ["陆家镇"]}), path,
                   compression="zstd", use_dictionary=False, write_statistics=False)
    assert path.stat().st_size < 30_000
    unpacked = pq.ParquetFile(path).metadata.row_group(0).total_byte_size
    assert unpacked > 300_000_000
    assert_refused(path, (
        f"{path}: the column data unpack to {unpacked:,} bytes, over the limit of 200,000,000: a cell holds a huge "
        f"text, or the file is too large; split it / 列数据解压后 {unpacked:,} 字节，超过上限 200,000,000：请拆分文件"))


def test_a_parquet_dictionary_repeating_one_long_name_a_million_times_is_refused(tmp_path):
    """A few KB on disk and in its footer, 32 GB once expanded: measured as a dictionary, never expanded."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "dictionary.parquet"
    names = pa.DictionaryArray.from_arrays(pa.array([0] * 1_000_000, pa.int32()), pa.array(["园" * 32_000]))
    pq.write_table(pa.table({"园区名称": names}), path, compression="zstd")
    assert path.stat().st_size < 100_000
    assert_refused(path, (
        f"{path}: the cells hold 32,000,000,000 characters together, over the limit of 50,000,000: a few long texts "
        f"repeated in many cells? Shorten them, or split the file / 全部单元格共 32,000,000,000 个字符，超过上限 "
        f"50,000,000：请缩短重复的长文本，或拆分文件"))


def test_cells_sharing_one_long_string_are_measured_as_read(tmp_path):
    """2,000 cells of one shared 30,000-character text: 60 million characters from a file of a few KB."""
    path = write(tmp_path, "shared.xlsx", shared_string_workbook("长" * 30_000, 1_000))
    assert path.stat().st_size < 20_000
    assert read_rows(write(tmp_path, "fewer.xlsx", shared_string_workbook("长" * 30_000, 5))).rows[1:] == [
        (n, ["长" * 30_000] * 2) for n in range(2, 7)]
    with pytest.raises(RegisterError) as caught:
        read_rows(path)
    assert str(caught.value) == (
        f"{path}: the cells hold 60,000,006 characters together, over the limit of 50,000,000: a few long texts "
        f"repeated in many cells? Shorten them, or split the file / 全部单元格共 60,000,006 个字符，超过上限 "
        f"50,000,000：请缩短重复的长文本，或拆分文件")


# ------------------------------------------------------------------------------------------------
# The other limits, each at its edge


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as stream:
        stream.truncate(50_000_001)  # sparse: nothing is written, nothing is read
    with pytest.raises(RegisterError) as caught:
        read_rows(path)
    assert str(caught.value) == (f"{path}: the file is 50,000,001 bytes, over the limit of 50,000,000 bytes: split it "
                                 f"into smaller files / 文件大小 50,000,001 字节，超过上限 50,000,000 字节：请拆分为较小的文件")


def test_rows_and_cells_limits_of_a_csv(tmp_path):
    rows = write(tmp_path, "rows.csv", "园区名称\n".encode() + b"a\n" * 1_000_000)
    with pytest.raises(RegisterError, match=re.escape(": the table has 1,000,001 rows (limit 1,000,000): split the "
                                                      "file / 表格有 1,000,001 行（上限 1,000,000）：请拆分文件")):
        read_rows(rows)
    cells = write(tmp_path, "cells.csv", ("园区名称" + ",x" * 999 + "\n").encode() * 2_001)
    with pytest.raises(RegisterError, match=re.escape(": the table has 2,001,000 cells (limit 2,000,000): split")):
        read_rows(cells)
    edge = write(tmp_path, "edge.csv", ("园区名称" + ",x" * 999 + "\n").encode() * 2_000)  # 2,000,000 cells: read
    assert len(read_rows(edge).rows) == 2_000


def test_a_cell_over_excels_limit_is_named_by_row_and_column(tmp_path):
    long = "长" * 32_768
    csv = write(tmp_path, "long.csv", f"园区名称,备注\n甲园,{'长' * 32_767}\n乙园,{long}\n".encode())
    with pytest.raises(RegisterError) as caught:
        read_register(csv)
    assert str(caught.value) == (
        f"{csv}: 1 cell(s) longer than 32,767 characters, Excel's own limit per cell: row 3 column 2 (32,768 "
        f"characters); shorten them, or keep long texts in a separate document / 1 个单元格超过 32,767 个字符"
        f"（Excel 单元格上限）：请缩短")
    workbook = write(tmp_path, "long.xlsx", rewritten(workbook_bytes([("园区名称", "备注"), ("甲园", "短")]), SHEET,
                                                       lambda xml: xml.replace(">短<", f">{long}<")))  # openpyxl
    # itself cuts a cell to 32,767 characters when it writes one
    with pytest.raises(RegisterError, match=re.escape(": 1 cell(s) longer than 32,767 characters, Excel's own limit "
                                                      "per cell: row 2 column 2 (32,768 characters);")):
        read_rows(workbook)
    over_csv_module = write(tmp_path, "longer.csv", f"园区名称,备注\n甲园,{'长' * 200_000}\n".encode())
    with pytest.raises(RegisterError) as caught:
        read_rows(over_csv_module)
    assert str(caught.value) == (
        f"{over_csv_module}: line 2: a cell of more than 131,072 characters, over the limit of 32,767 (Excel's own "
        f"limit per cell); shorten it / 第 2 行有超过 131,072 个字符的单元格，超过上限 32,767（Excel 单元格上限）：请缩短")


def test_a_workbook_read_in_read_only_mode_keeps_merges_formulas_and_sheets(tmp_path):
    """The bounded reader gives what the full load gave: merged ranges filled, unsaved formulas noted, the other
    sheets named (a hidden one marked), values typed as Excel stored them."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "园区"
    ws.append(["名单"])
    ws.merge_cells("A1:C1")
    ws.append(["园区名称", "所在镇", "总投资（亿元）"])
    ws.append(["甲园", "陆家镇", 12.5])
    ws.append(["乙园", None, "=C3*2"])
    ws.merge_cells("B3:B4")
    book.create_sheet("备用").sheet_state = "hidden"
    path = tmp_path / "book.xlsx"
    book.save(path)
    table = read_rows(path)
    assert table.rows == [(1, ["名单", "名单", "名单"]), (2, ["园区名称", "所在镇", "总投资（亿元）"]),
                          (3, ["甲园", "陆家镇", "12.5"]), (4, ["乙园", "陆家镇", None])]
    assert [(n.row, n.position, n.value) for n in table.notes] == [(4, 2, "=C3*2")]
    assert (table.sheet, table.other_sheets) == ("园区", ("备用 (隐藏 hidden)",))
