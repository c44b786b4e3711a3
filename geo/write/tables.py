"""Tables to files, written atomically: a frame as CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX, rows as
CSV in a given encoding, a workbook as it is."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from geo.write.atomic import atomic_write

__all__ = ["write_table", "write_rows", "write_workbook"]


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
               lineterminator: str = "\n") -> Path:
    """Write rows of cells (lists, each as long as it is) as CSV in ``encoding``, atomically: the form to write
    a file back as it was read (its encoding, delimiter and line ends)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return atomic_write(path, buffer.getvalue().encode(encoding))


def write_workbook(book, path: str | Path) -> Path:
    """Save an openpyxl workbook (sheets, formats and formulas as they are) atomically."""
    buffer = io.BytesIO()
    book.save(buffer)
    return atomic_write(path, buffer.getvalue())
