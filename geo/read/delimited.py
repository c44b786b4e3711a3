"""Delimited text (CSV, or tab-separated as Excel's "Unicode text") to records, within the limits: the text is
read once to measure it and look for stray quotes, and only then kept."""

from __future__ import annotations

import csv
import io
import re

from geo.errors import RegisterError
from geo.read.limits import check_shape, limits

__all__ = ["csv_delimiter", "csv_records"]


def csv_delimiter(text: str) -> str:
    """Tab for tab-separated text (Excel's "Unicode text"), else comma."""
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


class _Lines:
    """The lines of a text one by one, as csv reads them, keeping those of the record being read."""

    def __init__(self, text: str) -> None:
        self.lines, self.taken = io.StringIO(text, newline=""), []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line


_BREAK = re.compile(r"\r\n|\r|\n")


def _stray_quote(name: str, raw: list[str], first: int, record: list[str], delimiter: str, width: int) -> None:
    """Refuse a record in which a quote opened a cell that swallowed further rows: the file ends inside the cell;
    or the cell spans lines and a line of it holds a record's worth of delimiters (``width`` - 1, at least 2), or
    it holds the delimiter after a line break and its quote closes mid-text. A quoted multi-line address reads."""
    text = "".join(raw)
    if '"' not in text:
        return
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
        closed, unclosed = True, False
    except csv.Error as error:
        closed, unclosed = False, "unexpected end of data" in str(error)
    tails = {i: _BREAK.split(cell)[1:] for i, cell in enumerate(record) if "\n" in cell or "\r" in cell}
    rows = max(width - 1, 2)
    swallowed = [i for i, tail in tails.items()
                 if any(line.count(delimiter) >= rows or (not closed and delimiter in line) for line in tail)]
    culprit = len(record) - 1 if unclosed else swallowed[0] if swallowed else None
    if culprit is None:
        return
    opening = first + sum(len(tail) for i, tail in tails.items() if i < culprit)
    end = first + len(raw) - 1 if unclosed else opening + len(tails[culprit])
    if unclosed:
        raise RegisterError(f"{name}: line {opening}: a quote (\") opens a cell that is never closed, so the rest of "
                            f"the file (lines {opening}-{end}) would be read as that one cell; delete the stray quote, or "
                            f"close the cell with a second quote / 第 {opening} 行的引号（\"）开启的单元格没有闭合，文件其余"
                            f"部分（第 {opening}-{end} 行）会被读成这一个单元格：请删除多余的引号，或补上闭合的引号")
    raise RegisterError(f"{name}: line {opening}: a quote (\") opens a cell that runs on to line {end} and holds what "
                        f"look like further rows; delete the stray quote on line {opening} (a quote inside a cell is "
                        f"written twice: \"\") / 第 {opening} 行的引号（\"）开启的单元格一直延续到第 {end} 行，其中包含"
                        f"看似其他行的内容：请删除第 {opening} 行多余的引号（单元格内的引号应写作两个：\"\"）")


def _too_long(name: str, lines: _Lines, first: int, line: int) -> RegisterError:
    """The error for a field past the csv module's own limit: a stray quote when the field spans lines."""
    field, cell = csv.field_size_limit(), limits()["cell_chars"]
    if len(lines.taken) > 1:
        return RegisterError(f"{name}: line {first}: a quote (\") opens a cell that runs on past line {line} and over "
                             f"{field:,} characters (the limit per cell is {cell:,}); delete the stray quote, or close "
                             f"the cell with a second quote / 第 {first} 行的引号（\"）开启的单元格延续到第 {line} 行之后，"
                             f"超过 {field:,} 个字符（单元格上限 {cell:,}）：请删除多余的引号，或补上闭合的引号")
    return RegisterError(f"{name}: line {line}: a cell of more than {field:,} characters, over the limit of {cell:,} "
                         f"(Excel's own limit per cell); shorten it / 第 {line} 行有超过 {field:,} 个字符的单元格，超过"
                         f"上限 {cell:,}（Excel 单元格上限）：请缩短")


def _survey(text: str, name: str, delimiter: str) -> tuple[int, int, int]:
    """(records, widest, its record number) of CSV text, read once without keeping the records; stray quotes
    refused on the way (only records spanning lines, and the last, are looked at twice)."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    count = widest = widest_at = line = 0
    raw: list[str] = []
    record: list[str] = []
    try:
        for record in reader:
            first, line, raw, lines.taken = line + 1, reader.line_num, lines.taken, []
            if len(raw) > 1:
                _stray_quote(name, raw, first, record, delimiter, widest)
            count += 1
            if len(record) > widest:
                widest, widest_at = len(record), count
    except csv.Error as error:
        if str(error).startswith("field larger than field limit"):
            raise _too_long(name, lines, line + 1, reader.line_num) from None
        raise RegisterError(f"{name}: not a readable CSV file: {error}") from None
    if len(raw) == 1:  # the last record: does the file end inside a quoted cell?
        _stray_quote(name, raw, line, record, delimiter, widest)
    return count, widest, widest_at


def csv_records(text: str, name: str) -> list[list[str]]:
    """Records of CSV text (comma or tab, see :func:`csv_delimiter`) as the csv module reads them, within the rows,
    columns and cells limits; a stray quote that would read further rows into one cell is refused, naming the line
    where the cell opens (a quoted cell with a line break, such as an address, reads as it is).

    >>> csv_records('名称,地址\\n甲园,"陆家镇\\n合丰路 1 号"\\n', "r.csv")
    [['名称', '地址'], ['甲园', '陆家镇\\n合丰路 1 号']]
    """
    delimiter = csv_delimiter(text)
    count, widest, widest_at = _survey(text, name, delimiter)
    fix = ("split the file", "请拆分文件")
    if widest > limits()["columns"]:
        fix = (f"row {widest_at} is the widest ({widest:,} cells): check its delimiters, or split the file",
               f"第 {widest_at} 行最宽（{widest:,} 个单元格）：请检查该行的分隔符，或拆分文件")
    check_shape(name, count, widest, fix)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
