"""Geocoding results written back into a copy of the user's own register file (.xlsx/.xlsm or .csv): new cells only.

The copy keeps what the user made: every sheet in its order (a hidden one stays hidden), the title rows above the
header, merged cells, column widths, number formats, fonts, the header names, every cell value and the row order;
a CSV keeps its encoding (UTF-8, with a BOM only if it had one, GB18030), delimiter and line ends. Only the
register's sheet gains cells, and only in the rows the register accounts for as parks or as rejected rows (not in
skipped rows, totals or notes, nor above the header):

* ``lon``, ``lat``, ``datum``, ``precision`` go into the register's own column for the field when it has one (any
  alias, e.g. 经度, 坐标系, 定位精度), only in its empty cells (a placeholder such as 待定 counts as empty, as the
  reader reads it so); a cell the user typed is never replaced. Without such a column one is appended.
* ``location_source``, ``geocode_status``, ``review``, ``geocode_error`` are the tool's own columns: appended, or
  found again by their name (Chinese or English) on a re-run, and then rewritten in the rows geocoded or rejected
  now (only filled where empty in the rows whose coordinates were given).

Appended columns go to the right of the last used column, their header cell styled like the header's last cell;
their names come from geo/data/geocode_columns.json in the header's language (Chinese when the header row holds
a Chinese character, else English).

Coordinates the register gives stay as typed, in their own datum; a geocoded row gets WGS-84 ``lon``/``lat`` and
``datum`` "wgs84" (or, when the user typed the row's datum, its point in that datum), and the datum column says
each row's datum, so reading the copy places every park where reading the register placed it, plus the geocoded
ones. A rejected row gets ``geocode_status`` "拒收" (Chinese header) / "rejected" and its reasons, each with its
column and value, in ``geocode_error``.

Every value written is plain: numbers as numbers, texts as string cells (never a formula, even when a text starts
with "="; in a CSV such a text is written after a single quote), ``review`` a boolean (English) or 是/否. The user's
own cells are left as they are, formulas included (a separate issue deals with formulas typed in a register).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.place.datum import convert
from geo.read.cells import placeholder_mask
from geo.read.register import Register
from geo.registry import load_json
from geo.write.tables import CsvFile, csv_cell, set_cell, write_workbook

__all__ = ["write_back", "result_headers", "header_language", "RESULT_FIELDS"]

#: The result fields, in the order their columns are appended.
RESULT_FIELDS = ("lon", "lat", "datum", "precision", "location_source", "geocode_status", "review", "geocode_error")
_REGISTER_FIELDS = ("lon", "lat", "datum", "precision")  # a register column of its own is filled where empty
_OWN_FIELDS = [field for field in RESULT_FIELDS if field not in _REGISTER_FIELDS]
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def result_headers(language: Literal["zh", "en"]) -> dict[str, str]:
    """Header of each result column in ``language``.

    >>> result_headers("zh")["geocode_status"], result_headers("en")["geocode_status"]
    ('定位状态', 'geocode_status')
    """
    return {field: names[language] for field, names in load_json("geocode_columns.json")["columns"].items()}


def header_language(header: list) -> Literal["zh", "en"]:
    """``"zh"`` when a cell of the header row holds a Chinese character, else ``"en"``.

    >>> header_language(["name", "所在镇"]), header_language(["name", None, 2023])
    ('zh', 'en')
    """
    return "zh" if any(_CJK.search(str(cell)) for cell in header if cell is not None) else "en"


def write_back(source: Path, output: Path, register: Register, result: pd.DataFrame) -> Path:
    """Write a copy of the register file ``source`` with the geocoding results to ``output`` (same type), atomically.

    Parameters
    ----------
    source, output : pathlib.Path
        The .xlsx/.xlsm or .csv file ``register`` was read from, and the copy to write.
    register : Register
        :func:`geo.read_register` of ``source``: its ``header_row``, ``columns``, ``table["row"]`` (and ``datum``),
        ``report.sheet`` and ``report.rejected`` say where the cells go.
    result : pandas.DataFrame
        One row per accepted row, index of ``register.table``: ``lon``/``lat`` (WGS-84 degrees), ``precision``,
        ``location_source``, ``geocode_status`` (``given`` where the register gives the coordinates), ``review``
        (bool) and ``geocode_error``.

    Returns
    -------
    pathlib.Path
        ``output``.

    Raises
    ------
    RegisterError
        When a cell to fill lies in a merged range (nothing is written), or a CSV's encoding cannot write a text.
    """
    sheet = _Workbook(source, register) if source.suffix.casefold() in (".xlsx", ".xlsm") else _Csv(source, register)
    header = sheet.header()
    language = header_language(header)
    places = _places(register, header, sheet.width())
    rejected = [entry["row"] for entry in register.report.rejected]
    rows = pd.Index([*register.table["row"].astype(int), *rejected], name="row")
    existing = pd.DataFrame({field: sheet.texts(rows, position) if not new else [None] * len(rows)
                             for field, (position, new) in places.items()}, index=rows, dtype=object)
    empty = _empty(existing)
    cells = _cells(register, result, language, typed_datum=~empty["datum"])
    given = pd.Series(result["geocode_status"].eq("given").to_numpy(), index=register.table["row"].astype(int))
    write = _writes(cells.reindex(rows), empty, redo=~given.reindex(rows, fill_value=False))
    headers = result_headers(language)
    sheet.add_headers({position: headers[field] for field, (position, new) in places.items() if new})
    for field, (position, _) in places.items():
        for row in rows[write[field].to_numpy()]:  # writing cells into a file is one at a time by nature
            sheet.set(int(row), position, cells.at[row, field])
    return sheet.save(output)


def _places(register: Register, header: list, width: int) -> dict[str, tuple[int, bool]]:
    """(0-based column position, appended?) of each result field: the register's own column for lon/lat/datum/
    precision, a column named like one of ours for the other four, else the next column after ``width``."""
    texts = [str(cell).strip() if cell is not None else "" for cell in header]
    names = load_json("geocode_columns.json")["columns"]
    places, appended = {}, width
    for field in RESULT_FIELDS:
        if field in _REGISTER_FIELDS:
            wanted = {register.columns[field]} if field in register.columns else set()
        else:
            wanted = {names[field]["zh"], names[field]["en"]}
        found = next((position for position, text in enumerate(texts) if text in wanted), None)
        if found is None and field in register.columns:
            raise RegisterError(f"column {register.columns[field]!r} not found in the header (row "
                                f"{register.header_row}) of the file it was read from")
        if found is None:
            found, appended = appended, appended + 1
        places[field] = (found, found >= width)
    return places


def _empty(texts: pd.DataFrame) -> pd.DataFrame:
    """True for the cells the register reader reads as empty: none, blank or a placeholder (待定, —, N/A ...)."""
    return texts.apply(lambda column: column.astype("string").str.strip().fillna("").eq("")
                       | placeholder_mask(column)).astype(bool)


def _cells(register: Register, result: pd.DataFrame, language: str, typed_datum: pd.Series) -> pd.DataFrame:
    """The value of each result cell per file row (index; accepted, then rejected rows), None where there is none.

    ``typed_datum``: per file row, True where the user typed the row's datum; a geocoded point is written in it."""
    words = load_json("geocode_columns.json")["values"]
    table = register.table
    index = pd.Index(table["row"].astype(int).to_numpy(), name="row")

    def column(values) -> pd.Series:
        return pd.Series(pd.Series(values).to_numpy(dtype=object), index=index)

    given = column(result["geocode_status"].eq("given")).astype(bool)
    located = ~given & column(result["lon"].notna() & result["lat"].notna()).astype(bool)
    own_datum = column(table["datum"])
    written = own_datum.where(typed_datum.reindex(index, fill_value=False).to_numpy(), "wgs84").where(located)
    lon, lat = _into_datums(result["lon"], result["lat"], written)
    accepted = pd.DataFrame({
        "lon": column(lon).where(located), "lat": column(lat).where(located),
        "datum": own_datum.where(given, written),
        "precision": column(result["precision"]),
        "location_source": column(result["location_source"]),
        "geocode_status": column(result["geocode_status"]),
        "review": column(result["review"].astype(bool).map({True: words["review_yes"][language],
                                                             False: words["review_no"][language]})),
        "geocode_error": column(result["geocode_error"]),
    }, index=index)
    entries = register.report.rejected
    rejected = pd.DataFrame({"geocode_status": words["rejected"][language],
                             "geocode_error": [_rejection(entry) for entry in entries]},
                            index=pd.Index([entry["row"] for entry in entries], name="row", dtype="int64"))
    cells = pd.concat([accepted, rejected]).reindex(columns=list(RESULT_FIELDS)).astype(object)
    return cells.where(cells.notna(), None)


def _into_datums(lon: pd.Series, lat: pd.Series, datums: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 points converted into each row's datum, one call per datum (NA: left as they are)."""
    x, y = lon.to_numpy(dtype="float64", copy=True), lat.to_numpy(dtype="float64", copy=True)
    for code in datums.dropna().unique():
        if code != "wgs84":
            rows = datums.eq(code).fillna(False).to_numpy(dtype=bool)
            x[rows], y[rows] = convert(x[rows], y[rows], "wgs84", code)
    return x, y


def _rejection(entry: dict) -> str:
    """The reasons a row was rejected, each after its column and value: ``年份 '1800': year out of range``."""
    reasons = []
    for problem in [entry, *entry.get("more", [])]:
        value = problem.get("value")
        where = " ".join(part for part in (problem.get("column") or "", "" if value is None else f"'{value}'") if part)
        reasons.append(f"{where}: {problem['reason']}" if where else str(problem["reason"]))
    return "; ".join(reasons)


def _writes(cells: pd.DataFrame, empty: pd.DataFrame, redo: pd.Series) -> pd.DataFrame:
    """Which cells to write: a value into an empty cell; in the tool's own columns, every cell of the rows geocoded
    or rejected now (``redo``), so that a re-run leaves no stale status or error."""
    write = cells.notna() & empty
    again = (cells[_OWN_FIELDS].notna() | ~empty[_OWN_FIELDS]).apply(lambda column: column & redo.to_numpy())
    write[_OWN_FIELDS] = write[_OWN_FIELDS] | again
    return write.astype(bool)


def _used_width(rows) -> int:
    """Number of columns up to the last one that holds a non-blank value in one of ``rows``."""
    return max((position + 1 for row in rows for position, value in enumerate(row)
                if value is not None and str(value).strip()), default=0)


class _Workbook:
    """The register's sheet of a workbook loaded whole (all sheets, formats, formulas and merges kept)."""

    def __init__(self, source: Path, register: Register) -> None:
        import openpyxl  # a required dependency, imported where it is used

        # Not read-only, not data_only: every cell is saved back as the user left it, their own formulas included
        # (a formula typed in a register is the subject of a separate issue); only the cells we write are ours.
        self.book = openpyxl.load_workbook(source, rich_text=True, keep_vba=source.suffix.casefold() == ".xlsm")
        name = register.report.sheet
        self.ws = self.book[name] if name else next(w for w in self.book.worksheets if w.sheet_state == "visible")
        self.header_row = register.header_row
        self.merged = {cell: merged for merged in self.ws.merged_cells.ranges for cell in merged.cells}

    def header(self) -> list:
        return [cell.value for cell in self.ws[self.header_row]]

    def width(self) -> int:
        """Columns used from the header row down: up to the last holding a value or covered by a merged range."""
        merged = [merged.max_col for merged in self.ws.merged_cells.ranges if merged.max_row >= self.header_row]
        return max([_used_width(self.ws.iter_rows(min_row=self.header_row, values_only=True)), *merged])

    def texts(self, rows, position: int) -> list[str | None]:
        """Text of one column's cells in ``rows`` (a merged cell reads as its range's first cell)."""
        anchors = [self.merged.get((row, position + 1)) for row in rows]
        values = [self.ws.cell(a.min_row, a.min_col).value if a else self.ws.cell(row, position + 1).value
                  for row, a in zip(rows, anchors)]
        return [None if value is None else str(value) for value in values]

    def set(self, row: int, position: int, value) -> None:
        merged = self.merged.get((row, position + 1))
        if merged is not None:
            raise RegisterError(f"{self.ws.title}!{self.ws.cell(row, position + 1).coordinate}: a cell to fill lies "
                                f"in the merged range {merged.coord}; unmerge it and run again "
                                f"/ 待填写的单元格属于合并区域，请取消合并后重试")
        set_cell(self.ws.cell(row=row, column=position + 1), value)

    def add_headers(self, names: dict[int, str]) -> None:
        """Header cells of the appended columns (position -> name), styled like the header's last cell and as wide
        as its column."""
        header = [cell for cell in self.ws[self.header_row] if cell.value is not None and str(cell.value).strip()]
        like = header[-1] if header else None
        width = next((d.width for d in self.ws.column_dimensions.values()
                      if like is not None and d.customWidth and (d.min or 0) <= like.column <= (d.max or 0)), None)
        for position, name in names.items():
            cell = self.ws.cell(row=self.header_row, column=position + 1)
            set_cell(cell, name)
            if like is not None:
                for attribute in ("font", "fill", "border", "alignment", "protection", "number_format"):
                    setattr(cell, attribute, copy.copy(getattr(like, attribute)))
            if width:
                self.ws.column_dimensions[cell.column_letter].width = width

    def save(self, output: Path) -> Path:
        return write_workbook(self.book, output)


class _Csv:
    """A CSV register as records, written back in its own encoding, delimiter and line ends."""

    def __init__(self, source: Path, register: Register) -> None:
        self.file = CsvFile.read(source)
        self.header_row = register.header_row
        self.columns = len(self.header())  # a record written is padded to the header's width

    def header(self) -> list:
        return self.file.records[self.header_row - 1]

    def width(self) -> int:
        return _used_width(self.file.records[self.header_row - 1:])

    def texts(self, rows, position: int) -> list[str | None]:
        records = [self.file.records[row - 1] for row in rows]
        return [record[position] if position < len(record) else None for record in records]

    def set(self, row: int, position: int, value) -> None:
        """One cell we write (a text that reads as a formula quoted); the user's own cells are left as typed."""
        record = self.file.records[row - 1]
        record.extend([""] * (max(position + 1, self.columns) - len(record)))
        record[position] = csv_cell(value)

    def add_headers(self, names: dict[int, str]) -> None:
        self.columns = max([self.columns, *(position + 1 for position in names)])
        for position, name in names.items():
            self.set(self.header_row, position, name)

    def save(self, output: Path) -> Path:
        return self.file.write(output)
