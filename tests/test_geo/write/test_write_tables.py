"""The one table writer (geo.write.tables): frames as CSV with BOM or XLSX, rows in a file's own encoding."""

import csv
import io

import openpyxl
import pandas as pd
import pytest

import layers
from geo.write.tables import write_rows, write_table, write_workbook

FRAME = pd.DataFrame({"name": ["甲园", "B&B"], "lon": [120.98, None], "n": pd.array([1, None], dtype="Int64")})


def test_csv_is_utf8_with_bom_without_index(tmp_path):
    path = write_table(FRAME, tmp_path / "t.csv")
    assert path.read_bytes() == "\ufeffname,lon,n\n甲园,120.98,1\nB&B,,\n".encode("utf-8")
    assert path.read_bytes() == FRAME.to_csv(index=False).encode("utf-8-sig")


def test_any_other_suffix_is_csv_too(tmp_path):
    assert write_table(FRAME, tmp_path / "t.rejected.txt").read_bytes().startswith(b"\xef\xbb\xbfname,lon,n\n")


def test_xlsx_through_openpyxl(tmp_path):
    path = write_table(FRAME, tmp_path / "t.XLSX")
    sheet = openpyxl.load_workbook(path).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["name", "lon", "n"], ["甲园", 120.98, 1],
                                                                     ["B&B", None, None]]


def test_a_failed_write_leaves_the_earlier_file(tmp_path):
    path = write_table(FRAME, tmp_path / "t.csv")
    before = path.read_bytes()
    with pytest.raises(AttributeError):
        write_table("not a frame", path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


@pytest.mark.parametrize("encoding, terminator", [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\n")])
def test_rows_keep_their_length_encoding_delimiter_and_line_ends(tmp_path, encoding, terminator):
    rows = [["名称", "经度"], ["甲", "120.98", "extra"], ["乙"]]
    path = write_rows(rows, tmp_path / "r.csv", encoding=encoding, delimiter="\t", lineterminator=terminator)
    data = path.read_bytes()
    assert data == terminator.join(["名称\t经度", "甲\t120.98\textra", "乙", ""]).encode(encoding)
    assert list(csv.reader(io.StringIO(data.decode(encoding)), delimiter="\t")) == rows


def test_a_workbook_is_saved_as_it_is(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"], book.active["B1"] = 2, "=A1*2"
    sheet = openpyxl.load_workbook(write_workbook(book, tmp_path / "b.xlsx")).active
    assert (sheet["A1"].value, sheet["B1"].value) == (2, "=A1*2")


def test_layers_writes_tables_through_the_same_writer():
    assert layers.write_table is write_table
