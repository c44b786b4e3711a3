"""Tables to files, written atomically: a frame as CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX, rows as
CSV in a given encoding, a CSV file or a workbook written back as it was read, and single cells written as plain
values (never a formula)."""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from geo.errors import RegisterError
from geo.read.files import csv_delimiter, csv_text
from geo.write.atomic import atomic_write

__all__ = ["write_table", "write_rows", "write_workbook", "CsvFile", "FORMULA_STARTS", "csv_cell", "set_cell"]

#: First characters that make a spreadsheet read a text as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` without its index: ``.xlsx`` as an Excel workbook (openpyxl), any other name as CSV in
    UTF-8 with BOM. The file is written atomically (a failure leaves an earlier one untouched).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_table(pd.DataFrame({"名称": ["甲"], "lon": [120.98]}), Path(folder) / "t.csv")
    ...     path.read_bytes()
    b'\\xef\\xbb\\xbf\\xe5\\x90\\x8d\\xe7\\xa7\\xb0,lon\\n\\xe7\\x94\\xb2,120.98\\n'
    """
    if Path(path).suffix.casefold() == ".xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, engine="openpyxl")
        return atomic_write(path, buffer.getvalue())
    return atomic_write(path, frame.to_csv(index=False).encode("utf-8-sig"))


def write_rows(rows: Iterable[Sequence], path: str | Path, *, encoding: str = "utf-8-sig", delimiter: str = ",",
               lineterminator: str = "\n", final_newline: bool = True) -> Path:
    """Write rows of cells (lists, each as long as it is) as CSV in ``encoding``, atomically: the form to write
    a file back as it was read (its encoding, delimiter and line ends; ``final_newline=False`` for a file whose
    last line had none).

    Raises
    ------
    RegisterError
        When a cell holds a character ``encoding`` cannot write (naming it).
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    text = buffer.getvalue()
    if not final_newline:
        text = text.removesuffix(lineterminator)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as error:
        raise RegisterError(f"{path}: {error.object[error.start:error.end]!r} cannot be written in {encoding}; save "
                            f"the file as UTF-8 / 无法以 {encoding} 写入，请另存为 UTF-8") from None
    return atomic_write(path, data)


def write_workbook(book, path: str | Path) -> Path:
    """Save an openpyxl workbook (sheets, formats and formulas as they are) atomically."""
    buffer = io.BytesIO()
    book.save(buffer)
    return atomic_write(path, buffer.getvalue())


class CsvFile(NamedTuple):
    """A CSV file read to be written back as it was: its records (lists of cell texts, one per record, numbered
    from 1 as :func:`geo.read.files.read_rows` numbers them) and its layout.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "r.csv"
    ...     _ = path.write_bytes("名称\\t经度\\r\\n甲\\t120.98".encode("gb18030"))
    ...     table = CsvFile.read(path)
    ...     table.records[1].append("wgs84")
    ...     table.encoding, table.delimiter, table.write(path).read_bytes().decode("gb18030")
    ('gb18030', '\\t', '名称\\t经度\\r\\n甲\\t120.98\\twgs84')
    """

    records: list[list[str]]
    encoding: str  # "utf-8" (no BOM), "utf-8-sig" (with BOM), "gb18030" ...
    delimiter: str  # "," or "\t"
    lineterminator: str  # "\r\n" when the file has one, else "\n"
    final_newline: bool  # the last record ends with a line end

    @classmethod
    def read(cls, path: str | Path) -> CsvFile:
        """Records and layout of a CSV file (UTF-8 with or without BOM, GB18030/GBK ...; comma or tab)."""
        data = Path(path).read_bytes()
        text, encoding = csv_text(data, str(path))  # written back in the same encoding, BOM or not
        if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        delimiter = csv_delimiter(text)
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise RegisterError(f"{path}: not a readable CSV file: {error}") from None
        return cls(records, encoding, delimiter, "\r\n" if "\r\n" in text else "\n", text.endswith(("\n", "\r")))

    def write(self, path: str | Path) -> Path:
        """Write :attr:`records` (as they are now) atomically in the file's own encoding, delimiter and line ends."""
        return write_rows(self.records, path, encoding=self.encoding, delimiter=self.delimiter,
                          lineterminator=self.lineterminator, final_newline=self.final_newline)


def csv_cell(value) -> str:
    """Text of a value written into a CSV cell: a number as Python writes it (all its digits), a boolean
    ``True``/``False``, nothing for None or NaN, and a text that a spreadsheet would read as a formula (it starts
    with = + - @, a tab or a carriage return) after a single quote, so it shows as typed (OWASP).

    >>> [csv_cell(v) for v in (120.95, -1.5, True, None, "ok", '=HYPERLINK("x")', "-2 km")]
    ['120.95', '-1.5', 'True', '', 'ok', '\\'=HYPERLINK("x")', "'-2 km"]
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return repr(float(value)) if isinstance(value, float) else str(value)


def set_cell(cell, value) -> None:
    """Set an openpyxl cell to a plain value: a number, a boolean, nothing (None), or a text that stays a string
    cell even when it starts with "=" (openpyxl would make it a formula); one that a spreadsheet would read as a
    formula is also marked with Excel's quote prefix, so that editing the cell keeps it text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
