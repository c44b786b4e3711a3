"""Tables to files, written atomically: a frame as CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX, rows as
CSV in a given encoding, a CSV file or a workbook written back as it was read, and single cells written as plain
values. Nothing the tool writes is ever a formula: a text starting with = + - @, a tab or a carriage return is
written after a single quote in CSV, as a string cell with Excel's quote prefix in XLSX."""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.read.delimited import csv_records
from geo.read.files import FORMULA_STARTS, csv_delimiter, csv_text
from geo.read.limits import check_file_size
from geo.write.atomic import atomic_write

__all__ = ["write_table", "table_bytes", "formula_mask", "write_rows", "write_workbook", "CsvFile", "FORMULA_STARTS",
           "csv_cell", "set_cell"]

# FORMULA_STARTS (first characters that make a spreadsheet read a text as a formula, OWASP "CSV injection") lives
# beside the reader, geo.read.files, which reads the quote written before them back.


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` without its index: ``.xlsx`` as an Excel workbook (openpyxl), any other name as CSV in
    UTF-8 with BOM (:func:`table_bytes`: no text cell is ever a formula). The file is written atomically (a
    failure leaves an earlier one untouched).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_table(pd.DataFrame({"名称": ["甲"], "lon": [120.98]}), Path(folder) / "t.csv")
    ...     path.read_bytes()
    b'\\xef\\xbb\\xbf\\xe5\\x90\\x8d\\xe7\\xa7\\xb0,lon\\n\\xe7\\x94\\xb2,120.98\\n'
    """
    return atomic_write(path, table_bytes(frame, path))


def table_bytes(frame: pd.DataFrame, path: str | Path) -> bytes:
    """Bytes of ``frame`` (without its index) as the file ``path`` names: ``.xlsx`` a workbook, else CSV in UTF-8
    with BOM. A text (header or cell) that a spreadsheet would read as a formula (:func:`formula_mask`) is written
    so that none evaluates it: in CSV after a single quote (OWASP; the register reader removes it again), in XLSX
    as a string cell with Excel's quote prefix (:func:`set_cell`). Numbers stay numbers, negative ones included.
    CSV lines end in LF, or CRLF when a text holds a carriage return (so that its field is quoted).

    >>> frame = pd.DataFrame({"value": ["=1+2", "ok", -1.5], "n": [-2, 0, 1]})
    >>> table_bytes(frame, "t.csv").decode("utf-8-sig")
    "value,n\\n'=1+2,-2\\nok,0\\n-1.5,1\\n"
    """
    if Path(path).suffix.casefold() == ".xlsx":
        return _xlsx_bytes(frame)
    quoted = frame.copy()
    for position in range(frame.shape[1]):
        starts = formula_mask(frame.iloc[:, position], csv=True)
        if starts.any():
            values = frame.iloc[:, position].to_numpy(dtype=object, copy=True)
            values[starts] = "'" + values[starts]
            quoted.isetitem(position, values)
    quoted.columns = [csv_cell(name) if isinstance(name, str) else name for name in frame.columns]
    return quoted.to_csv(index=False, lineterminator=_line_end(quoted)).encode("utf-8-sig")


def _line_end(frame: pd.DataFrame) -> str:
    """Line end of the CSV: LF, or CRLF when a text holds a carriage return (Python's csv module quotes a field only
    for the characters of the line end, and an unquoted CR would split its row)."""
    texts = [frame.iloc[:, position] for position in range(frame.shape[1])] + [pd.Series(frame.columns)]
    carriage = any(_texts(column).str.contains("\r", regex=False, na=False).any() for column in texts)
    return "\r\n" if carriage else "\n"


def _xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a one-sheet workbook; the cells that would be formulas made string cells."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False)
        sheet = next(iter(writer.sheets.values()))
        for position, name in enumerate(frame.columns):
            if isinstance(name, str) and name.startswith(FORMULA_STARTS):
                set_cell(sheet.cell(row=1, column=position + 1), name)
            column = frame.iloc[:, position]
            for row in np.flatnonzero(formula_mask(column)):  # only the cells found, by a whole-column test
                set_cell(sheet.cell(row=int(row) + 2, column=position + 1), column.iloc[row])
    return buffer.getvalue()


def formula_mask(column: pd.Series, *, csv: bool = False) -> np.ndarray:
    """True for each text of ``column`` that a spreadsheet would read as a formula: it starts with one of
    :data:`FORMULA_STARTS`. Numbers, booleans and missing values are never flagged. ``csv=True``: also a text that
    does so past its leading single quotes (``'=x``), which the CSV reader would otherwise read without one.

    >>> formula_mask(pd.Series(["=SUM(A1)", "-2 km", "ok", -1.5, None, "@x", "'=x"], dtype=object)).tolist()
    [True, True, False, False, False, True, False]
    >>> formula_mask(pd.Series(["'=x", "'x", "it's"]), csv=True).tolist()
    [True, False, False]
    """
    texts = _texts(column)
    return (texts.str.lstrip("'") if csv else texts).str.startswith(FORMULA_STARTS, na=False).to_numpy(dtype=bool)


def _texts(column: pd.Series) -> pd.Series:
    """The column as objects where it holds texts; an all-missing one where it holds none (numbers, booleans)."""
    values = pd.Series(column.to_numpy(dtype=object), dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "mixed", "mixed-integer"):
        return values
    return pd.Series([None] * len(values), dtype=object)


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
        check_file_size(Path(path))  # the reader's limits (geo/data/limits.json) before anything is decoded
        data = Path(path).read_bytes()
        text, encoding = csv_text(data, str(path))  # written back in the same encoding, BOM or not
        if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        delimiter = csv_delimiter(text)
        try:
            records = csv_records(text, str(path))  # rows, columns, cells and stray quotes checked as when read
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
    with = + - @, a tab or a carriage return, past any leading single quotes) after a single quote, so it shows as
    typed (OWASP) and the reader, which removes that one quote, reads it as it was.

    >>> [csv_cell(v) for v in (120.95, -1.5, True, None, "ok", '=HYPERLINK("x")', "-2 km", "'=x", "'x")]
    ['120.95', '-1.5', 'True', '', 'ok', '\\'=HYPERLINK("x")', "'-2 km", "''=x", "'x"]
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.lstrip("'").startswith(FORMULA_STARTS) else value
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
