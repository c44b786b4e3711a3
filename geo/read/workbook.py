"""Excel workbooks to rows within the limits: the zip's directory, the parts openpyxl builds objects from (styles,
workbook, properties, shared strings) and then the sheet's cells are measured (XML streamed, nothing kept) before
openpyxl reads the sheet in read-only mode, once for values and, when the sheet holds formulas, once for formulas."""

from __future__ import annotations

import zipfile
import xml.parsers.expat
from pathlib import Path
from typing import NamedTuple

from geo.errors import RegisterError
from geo.read.limits import check_zip, limits, shape_excess

__all__ = ["Extent", "Sheet", "read_sheet", "sheet_extent"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TAGS = {f"{_MAIN} {tag}": tag for tag in ("c", "row", "mergeCell", "f")}


class Extent(NamedTuple):
    """What a worksheet holds, as its XML says cell by cell (its <dimension> may lie, or be absent)."""

    rows: int  # the last row holding a cell (0 for an empty sheet)
    columns: int  # the last column holding a cell
    merges: list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row) of each merged range
    formulas: bool  # some cell holds a formula


class Sheet(NamedTuple):
    """One sheet read: rows (row number, values as openpyxl reads them, every row as wide as the sheet, merged
    ranges filled), formula cells without a saved result (row, 0-based position, formula), its title, the
    workbook's other sheets (a hidden one written "name (隐藏 hidden)")."""

    rows: list[tuple[int, list]]
    formulas: list[tuple[int, int, str]]
    title: str
    others: tuple[str, ...]


class _Survey:
    """expat handler measuring a sheet: the last row and column of its cells, its merged ranges."""

    def __init__(self) -> None:
        from openpyxl.utils.cell import column_index_from_string, range_boundaries

        self.column_index, self.range_boundaries = column_index_from_string, range_boundaries
        self.row = self.column = self.rows = self.columns = 0
        self.merges: list[tuple[int, int, int, int]] = []
        self.formulas = False

    def start(self, name: str, attrs: dict) -> None:
        tag = _TAGS.get(name)
        if tag == "c":  # a cell: <c r="B5">, or the next one when r is absent (openpyxl counts the same way)
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                self.column, self.row = self.column_index(letters), int(ref[len(letters):])
            else:
                self.column += 1
            self.rows, self.columns = max(self.rows, self.row), max(self.columns, self.column)
        elif tag == "row":
            self.row = int(attrs["r"]) if "r" in attrs else self.row + 1
            self.column = 0
        elif tag == "mergeCell":
            self.merges.append(self.range_boundaries(attrs["ref"]))
        elif tag == "f":
            self.formulas = True


def _refuse_dtd(*args) -> None:
    raise ValueError("a part declares a DTD (entities are not read)")


def _stream(source, start) -> None:
    """Stream an XML part (``source`` a binary file) through expat in constant memory, calling ``start(name,
    attrs)`` for each element (name ``"namespace tag"``); a DTD is refused."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.ParseFile(source)


def sheet_extent(source) -> Extent:
    """The :class:`Extent` of a worksheet XML part, ``source`` a binary file, streamed."""
    survey = _Survey()
    _stream(source, survey.start)
    return Extent(survey.rows, survey.columns, survey.merges, survey.formulas)


class _Count:
    """expat handler counting a part's elements, its texts (<si>) and, in [Content_Types].xml, its parts by type."""

    def __init__(self) -> None:
        self.elements = self.texts = 0
        self.parts: dict[str, str] = {}

    def start(self, name: str, attrs: dict) -> None:
        self.elements += 1
        tag = name.rpartition(" ")[2]
        if tag == "si":
            self.texts += 1
        elif tag == "Override":
            self.parts.setdefault(attrs.get("ContentType", ""), attrs.get("PartName", "").lstrip("/"))


def _count_elements(source) -> _Count:
    """Elements, shared texts and (content types) parts of an XML part, ``source`` a binary file, streamed."""
    count = _Count()
    _stream(source, count.start)
    return count


def _check_parts(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a part that openpyxl would build objects from whole (styles, the workbook and its relations, the
    document properties) holding more than ``part_elements`` elements, and shared strings of more texts than the
    cells limit (a sheet cannot use more)."""
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.xml import constants as ooxml

    names, counts = set(archive.namelist()), {}
    with archive.open(ooxml.ARC_CONTENT_TYPES) as source:
        counts[ooxml.ARC_CONTENT_TYPES] = _count_elements(source)
    types = counts[ooxml.ARC_CONTENT_TYPES].parts
    book = next((types[kind] for kind in (ooxml.XLTM, ooxml.XLTX, ooxml.XLSM, ooxml.XLSX) if kind in types),
                ooxml.ARC_WORKBOOK)
    strings, limit = types.get(ooxml.SHARED_STRINGS), limits()
    for part in dict.fromkeys([ooxml.ARC_CONTENT_TYPES, ooxml.ARC_STYLE, ooxml.ARC_CORE, ooxml.ARC_CUSTOM, book,
                               get_rels_path(book), strings]):
        if part not in names:
            continue
        if part not in counts:
            with archive.open(part) as source:
                counts[part] = _count_elements(source)
        count = counts[part]
        if part == strings and count.texts > limit["cells"]:
            raise RegisterError(f"{path}: {part} holds {count.texts:,} shared texts, more than the {limit['cells']:,} "
                                f"cells a register may have: save the sheet as CSV, or split it / {part} 共有 "
                                f"{count.texts:,} 个共享文本，超过登记表单元格上限 {limit['cells']:,}：请将工作表另存为 CSV，"
                                f"或拆分")
        if part != strings and count.elements > limit["part_elements"]:
            raise RegisterError(f"{path}: {part} holds {count.elements:,} XML elements, over the limit of "
                                f"{limit['part_elements']:,} for a part read whole (Excel itself keeps at most 65,490 "
                                f"cell formats): save the sheet as CSV / {part} 含 {count.elements:,} 个 XML 元素，超过"
                                f"整体读取部件的上限 {limit['part_elements']:,}：请将工作表另存为 CSV")


def _check_extent(path: Path, title: str, extent: Extent) -> None:
    """Refuse a sheet over the rows, columns or cells limit, naming its last cell (what Ctrl+End shows), or one
    whose merged ranges cover more cells together than the cells limit (openpyxl makes a cell of each, when a
    workbook is loaded whole to be written back)."""
    from openpyxl.utils.cell import get_column_letter

    excess = shape_excess(extent.rows, extent.columns)
    if excess:
        ref = f"{get_column_letter(extent.columns)}{extent.rows}"
        raise RegisterError(f"{path}: sheet {title!r} reaches cell {ref}: {excess[0]}; delete the stray cells beyond "
                            f"the table (Ctrl+End in Excel shows the last one, {ref}), or split the sheet / 工作表"
                            f"“{title}”延伸到单元格 {ref}：{excess[1]}；请删除表格以外的多余单元格（在 Excel 中按 "
                            f"Ctrl+End 可找到 {ref}），或拆分工作表")
    merged, limit = sum((c2 - c1 + 1) * (r2 - r1 + 1) for c1, r1, c2, r2 in extent.merges), limits()["cells"]
    if merged > limit:
        raise RegisterError(f"{path}: sheet {title!r} has merged ranges covering {merged:,} cells together (limit "
                            f"{limit:,}): unmerge the ranges beyond the table / 工作表“{title}”的合并区域共 {merged:,} 个"
                            f"单元格（上限 {limit:,}）：请取消表格以外的合并")


def _open(path: Path, data_only: bool):
    """(read-only workbook, sheet title -> its zip member)."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(path, read_only=True, data_only=data_only, keep_links=False)
    reader.read()
    return reader.wb, {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}


def _chosen(book, sheet: str | None, path: Path):
    if sheet is None:
        visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise RegisterError(f"{path}: the workbook has no visible sheet")
        return visible[0]
    if sheet in book.sheetnames:
        return book[sheet]
    raise RegisterError(f"{path}: no sheet named {sheet!r}; sheets: {', '.join(book.sheetnames)}")


def _values(ws, extent: Extent) -> list[tuple[int, list]]:
    """Every row to the sheet's last, each as wide as the sheet, merged ranges filled with their first cell (cut to
    the cells: a title merged across the whole row, A1:XFD1, is as wide as the table)."""
    if not extent.rows:
        return [(1, [None])]
    rows = [(number, list(values)) for number, values in enumerate(
        ws.iter_rows(min_row=1, max_row=extent.rows, min_col=1, max_col=extent.columns, values_only=True), start=1)]
    for min_col, min_row, max_col, max_row in extent.merges:
        max_col, max_row = min(max_col, extent.columns), min(max_row, extent.rows)
        if min_col > max_col or min_row > max_row:
            continue
        value = rows[min_row - 1][1][min_col - 1]
        for number in range(min_row, max_row + 1):
            rows[number - 1][1][min_col - 1:max_col] = [value] * (max_col - min_col + 1)
    return rows


def _unsaved_formulas(path: Path, title: str, rows, extent: Extent) -> list[tuple[int, int, str]]:
    """(row, position, formula) of the cells that read empty but hold a formula (no result saved)."""
    book, _ = _open(path, data_only=False)
    try:
        formulas = book[title].iter_rows(min_row=1, max_row=extent.rows, min_col=1, max_col=extent.columns,
                                         values_only=True)
        return [(number, position, formula) for (number, values), texts in zip(rows, formulas)
                for position, (value, formula) in enumerate(zip(values, texts))
                if value is None and isinstance(formula, str) and formula.startswith("=")]
    finally:
        book.close()


def _read(path: Path, sheet: str | None) -> Sheet:
    check_zip(path)
    with zipfile.ZipFile(path) as archive:
        _check_parts(archive, path)
    book, members = _open(path, data_only=True)
    try:
        ws = _chosen(book, sheet, path)
        with zipfile.ZipFile(path) as archive, archive.open(members[ws.title]) as source:
            extent = sheet_extent(source)
        _check_extent(path, ws.title, extent)
        rows = _values(ws, extent)
        others = tuple(w.title if w.sheet_state == "visible" else f"{w.title} (隐藏 hidden)" for w in book.worksheets
                       if w.title != ws.title)
    finally:
        book.close()
    formulas = _unsaved_formulas(path, ws.title, rows, extent) if extent.formulas and extent.rows else []
    return Sheet(rows, formulas, ws.title, others)


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """Read one sheet of a workbook (the first visible one unless ``sheet`` names another) within the limits:
    members, their sizes and ratios first (:func:`~geo.read.limits.check_zip`), then the parts read whole (elements,
    shared texts), then the sheet's extent (its last row and column holding a cell), then its values.

    Raises
    ------
    RegisterError
        When the workbook is over a limit, or cannot be read (naming what openpyxl or zipfile found).
    """
    try:
        return _read(Path(path), sheet)
    except RegisterError:
        raise
    except Exception as error:  # openpyxl, zipfile and expat raise many types for a broken file
        raise RegisterError(f"{path}: not a readable Excel workbook: {type(error).__name__}: {error}") from None
