"""What the summary says about the file itself: the sheet read and the workbook's other sheets."""

from __future__ import annotations

from pathlib import Path

from geo.read.report import Report

__all__ = ["sheets", "describe_file"]


def sheets(path: Path, sheet: str | None = None) -> tuple[str | None, list[str]]:
    """The sheet a register is read from and the workbook's other sheets, hidden ones marked.

    Parameters
    ----------
    path : the register; anything but an ``.xlsx`` file has no sheets.
    sheet : the sheet asked for (``--sheet``), else the first visible sheet is the one read.

    Returns
    -------
    tuple
        ``(sheet read, other sheets in workbook order)``, a hidden sheet written ``name (隐藏 hidden)``;
        ``(None, [])`` for a file that is not a workbook.
    """
    if Path(path).suffix.casefold() != ".xlsx":
        return None, []
    import openpyxl  # a required dependency, imported where it is used

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        states = {ws.title: ws.sheet_state for ws in book.worksheets}
    finally:
        book.close()
    read = sheet or next((name for name, state in states.items() if state == "visible"), None)
    others = [name if state == "visible" else f"{name} (隐藏 hidden)" for name, state in states.items()
              if name != read]
    return read, others


def describe_file(report: Report, path: Path, sheet: str | None = None) -> Report:
    """Fill ``report.sheet`` and ``other_sheets`` from the workbook (sheet names only) where the reader did not;
    the park names of the rows come from the reader (:func:`geo.read_register`). Returns the report."""
    if report.sheet is None:
        report.sheet, report.other_sheets = sheets(path, sheet)
    return report
