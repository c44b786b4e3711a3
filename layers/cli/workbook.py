"""What the summary says about the file itself: the sheet read, the other sheets, the name written in each row.

Fills the :class:`geo.Report` fields ``sheet``, ``other_sheets`` and ``names`` when the reader has left them empty.
"""

from __future__ import annotations

from pathlib import Path

from geo.read.files import read_rows
from geo.read.register import header_index
from geo.read.report import Report
from geo.registry import column_fields
from geo.text import fold

__all__ = ["sheets", "row_names", "describe_file"]


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


def row_names(path: Path, sheet: str | None = None) -> dict[int, str]:
    """Row number (as the user sees it) -> the park name written in that row, for every row under the header.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "r.csv").write_text("园区名称,所在镇\\n甲园,陆家镇\\n,周市镇\\n", encoding="utf-8")
    >>> row_names(folder / "r.csv")
    {2: '甲园'}
    """
    rows, kind, _ = read_rows(Path(path), sheet)
    rows = [(number, cells) for number, cells in rows if any(c not in (None, "") for c in cells)]
    if not rows:
        return {}
    at = 0 if kind in ("geojson", "parquet") else header_index(rows)
    fields = column_fields()
    header = [fields.get(fold(str(cell)) if cell is not None else "", (None,))[0] for cell in rows[at][1]]
    if "name" not in header:
        return {}
    position = header.index("name")
    return {number: str(cells[position]).strip() for number, cells in rows[at + 1:]
            if position < len(cells) and cells[position] not in (None, "")}


def describe_file(report: Report, path: Path, sheet: str | None = None) -> Report:
    """Fill ``report.sheet``, ``other_sheets`` and ``names`` from the file where the reader did not; returns it."""
    if report.sheet is None:
        report.sheet, report.other_sheets = sheets(path, sheet)
    if not report.names and report.rejected:
        report.names = row_names(path, sheet)
    return report
