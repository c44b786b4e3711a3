"""Quotes in CSV registers: a stray quote never turns the rows after it into one park's cell (the file is refused
naming the line where the quoted cell opens); a quoted cell with a line break, such as an address, still reads;
the single quote the tool writes before a formula-like text (OWASP) reads back as the text itself."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from geo import read_register
from geo.errors import RegisterError
from geo.read.files import FORMULA_STARTS, read_rows
from geo.write.tables import FORMULA_STARTS as WRITTEN_STARTS
from geo.write.tables import csv_cell, write_rows
from layers.cli import main

HEADER = ["园区名称", "所在镇", "主导产业", "状态", "年份", "总投资（亿元）", "经度", "纬度", "备注"]
ERROR = "kunshan-heatmap: error: "


def register_lines(count: int = 100) -> list[str]:
    """A header and ``count`` rows of parks, as CSV lines (no quotes anywhere)."""
    rows = [[f"测试园{i}", "陆家镇", "智能机器人", "镇级园区", "2023", str(i % 7 + 1), "", "", ""] for i in range(count)]
    return [",".join(row) for row in [HEADER, *rows]]


def write_lines(tmp_path: Path, lines: list[str], name: str = "parks.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def never_closed(path: Path, opening: int, end: int) -> str:
    return (f"{path}: line {opening}: a quote (\") opens a cell that is never closed, so the rest of the file (lines "
            f"{opening}-{end}) would be read as that one cell; delete the stray quote, or close the cell with a second "
            f"quote / 第 {opening} 行的引号（\"）开启的单元格没有闭合，文件其余部分（第 {opening}-{end} 行）会被读成这一个"
            f"单元格：请删除多余的引号，或补上闭合的引号")


def runs_on(path: Path, opening: int, end: int) -> str:
    return (f"{path}: line {opening}: a quote (\") opens a cell that runs on to line {end} and holds what look like "
            f"further rows; delete the stray quote on line {opening} (a quote inside a cell is written twice: \"\") / "
            f"第 {opening} 行的引号（\"）开启的单元格一直延续到第 {end} 行，其中包含看似其他行的内容：请删除第 {opening} "
            f"行多余的引号（单元格内的引号应写作两个：\"\"）")


def refused(path: Path) -> str:
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    return str(caught.value)


# ------------------------------------------------------------------------------------------------
# Stray quotes


def test_one_stray_quote_on_row_4_of_100_is_refused_naming_its_line(tmp_path, capsys):
    """Today: rows_read 3, parks 3, rejected 0, exit 0, and the other 97 rows are the name of row 4's park."""
    lines = register_lines(100)
    lines[3] = '"' + lines[3]
    path = write_lines(tmp_path, lines)
    assert refused(path) == never_closed(path, 4, 101)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"{ERROR}{never_closed(path, 4, 101)}\n")


def test_a_stray_quote_closed_by_a_later_quoted_cell_is_refused(tmp_path):
    """The stray cell ends at the opening quote of a real quoted cell on line 50: closed mid-text, after
    swallowing 46 rows."""
    lines = register_lines(100)
    lines[3] = '"' + lines[3]
    lines[49] = lines[49].rsplit(",", 1)[0] + ',"备注,含逗号"'
    path = write_lines(tmp_path, lines)
    assert refused(path) == runs_on(path, 4, 50)


def test_a_stray_quote_closed_by_another_stray_quote_is_refused(tmp_path):
    """A cell typed 12" (inches) at the end of line 10 closes the stray cell of line 6 properly: the cell is well
    formed CSV, but its lines hold a whole record's worth of commas."""
    lines = register_lines(20)
    lines[5] = lines[5].replace("测试园4", '"测试园4')
    lines[9] = lines[9] + '12"'
    path = write_lines(tmp_path, lines)
    assert refused(path) == runs_on(path, 6, 10)


def test_a_stray_quote_on_the_last_line_is_refused(tmp_path):
    lines = register_lines(5)
    lines[-1] = lines[-1].replace(",陆家镇", ',"陆家镇')
    path = write_lines(tmp_path, lines)
    assert refused(path) == never_closed(path, 6, 6)
    path.write_text("\n".join(lines), encoding="utf-8")  # no line end after the last line
    assert refused(path) == never_closed(path, 6, 6)


def test_a_stray_quote_swallowing_more_than_the_csv_module_allows_is_named_as_such(tmp_path):
    """Past 131,072 characters the csv module stops; the message still names the quote, not a long cell."""
    lines = register_lines(5_000)
    lines[3] = '"' + lines[3]
    path = write_lines(tmp_path, lines)
    message = refused(path)
    assert message.startswith(f"{path}: line 4: a quote (\") opens a cell that runs on past line ")
    assert "and over 131,072 characters (the limit per cell is 32,767); delete the stray quote" in message


def test_quoted_cells_with_line_breaks_and_commas_still_read(tmp_path):
    """Addresses and notes written over several lines, with commas after the break, in the middle and at the very
    end of the file; a quote doubled inside a cell."""
    buffer = io.StringIO(newline="")
    rows = [
        HEADER + ["地址"],
        ["甲园", "陆家镇", "", "", "", "", "", "", "", "江苏省昆山市\n陆家镇合丰路 1 号"],
        ["乙园", "周市镇", "", "", "", "", "", "", '他说"好"', "No. 1 Road,\nZhoushi Town, Kunshan"],
        ["丙园", "张浦镇", "", "", "", "", "", "", "第一段\r\n第二段，含逗号, 两个, 逗号", "江苏省\n昆山市\n张浦镇"],
    ]
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "addresses.csv"
    path.write_text(buffer.getvalue().removesuffix("\r\n"), encoding="utf-8")
    assert [cells for _, cells in read_rows(path).rows] == rows
    table = read_register(path).table
    assert table["address"].tolist() == ["江苏省昆山市\n陆家镇合丰路 1 号", "No. 1 Road,\nZhoushi Town, Kunshan",
                                         "江苏省\n昆山市\n张浦镇"]


def test_the_stray_quote_reproduction_from_a_fresh_checkout_ends_with_exit_2(tmp_path):
    """The issue's reproduction, as a user runs it: a new interpreter, the installed command line."""
    lines = register_lines(100)
    lines[3] = '"' + lines[3]
    path = write_lines(tmp_path, lines)
    done = subprocess.run([sys.executable, "-c", "import sys; from layers.cli import main; "
                           "sys.exit(main(['validate', sys.argv[1]]))", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"{ERROR}{never_closed(path, 4, 101)}\n"


# ------------------------------------------------------------------------------------------------
# OWASP quotes read back


def test_the_reader_and_the_writer_know_the_same_formula_starts():
    assert FORMULA_STARTS == WRITTEN_STARTS == ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_text_written_after_an_owasp_quote_reads_back_as_written(encoding, tmp_path):
    """Line ends \r\n: with \n alone, Python 3.11's csv writer leaves a cell holding a lone \r unquoted, and no
    reader can tell that \r from a line end (geo.write.tables.write_rows should quote it)."""
    values = ['=HYPERLINK("http://x","点我")', "\t=tab", "\r=cr", "+86 512", "-2 km", "@SUM(A1)", "'plain quote",
              "it's", "'", "''"]
    path = tmp_path / "written.csv"
    write_rows([["园区名称", "备注"], *[[f"园{i}", csv_cell(value)] for i, value in enumerate(values)]], path,
               encoding=encoding, lineterminator="\r\n")
    assert "'=HYPERLINK(" in path.read_bytes().decode(encoding)  # what a spreadsheet opens: text, not a formula
    assert [cells[1] for _, cells in read_rows(path).rows[1:]] == values


def test_only_a_quote_before_a_formula_start_is_removed(tmp_path):
    path = tmp_path / "typed.csv"
    path.write_text("园区名称,备注\n甲园,'=1+1\n乙园,'abc\n丙园,''=x\n丁园,x'=y\n戊园,\"'\r=cr\"\n", encoding="utf-8")
    expected = ["=1+1", "'abc", "'=x", "x'=y", "\r=cr"]
    assert [cells[1] for _, cells in read_rows(path).rows[1:]] == expected
    assert read_register(path).table["note"].tolist()[:4] == expected[:4]  # (read_register strips the \r)
