"""Read a park register (CSV, XLSX, GeoJSON, Parquet) into a typed table and a row report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo.read import units
from geo.read.cells import parse_coordinate_cells
from geo.read.columns import column_use
from geo.read.duplicates import duplicate_rows, duplicate_warnings
from geo.read.files import read_rows
from geo.read.frames import frame_rows
from geo.read.vocabulary import match_codes, nearest_entries
from geo.registry import column_fields, field_kinds, precisions, sectors, statuses
from geo.text import fold, fold_column
from geo.place.datum import DATUMS, parse_datum, parse_datums
from geo.errors import RegisterError
from geo.read.report import Report

__all__ = ["Register", "read_register", "header_index", "FIELDS"]

#: Canonical fields of a register table, always present (NA where the file has no such column).
FIELDS = ["id", "name", "name_en", "name_zh_hant", "sector", "sector_label", "sector_detail", "town", "status", "year",
          "date", "investment", "floor_area", "land", "output", "available", "lon", "lat", "datum", "precision",
          "address", "address_en", "address_zh_hant", "description", "description_en", "description_zh_hant",
          "website", "contact", "source", "source_date", "note"]
_AMOUNTS = ["investment", "floor_area", "land", "output", "available"]
_DATES = {"year": units.parse_years, "source_date": units.parse_dates}  # field -> reader
# Totals and footers as staff type them, matched on the first filled cell folded (no spaces, lower case):
# 合计, 全市合计, 各镇小计, Grand total; 注：, 注1：, ①注, ※, *, [1], 填表人：, 制表：, 审核：, 数据来源：.
_TOTALS = re.compile(r"^(?:全市|全区|全镇|全县|各镇|各区|本页|本表|累计|总)?(?:合计|总计|小计|共计|总和)|"
                     r"^(?:grand)?total\b|^(?:sub)?totals?[:：]?$|^subtotal|^sum\b", re.IGNORECASE)
_NOTES = re.compile(r"^(?:[(（]?\d{1,2}[)）.、]?|[①-⑩])?(?:注|备注|说明|附注|数据来源|资料来源|来源|填表人|填报人|"
                    r"填报单位|制表人?|审核人?|联系人|联系电话|填表日期|note|notes|source|footnote)\d*\s*[:：.、]|"
                    r"^[*＊※†]|^\[\d+\]", re.IGNORECASE)
_HEADER_SCAN_ROWS = 20
#: Column names the tool itself adds; a register column so named is read as "<name> (column N)".
_RESERVED = {"row", "geometry", "index_right", "host", "uncertainty_m", "located_by", "lon_input", "lat_input",
             "datum_input", "area"}


@dataclass
class Register:
    """A register read from a file.

    ``table`` has one row per accepted record: column ``row`` (row number in the file), the
    :data:`FIELDS` (amounts in 亿元 / 万㎡ / 亩, ``year`` Int64, ``date`` and ``source_date`` ISO text,
    ``lon``/``lat`` in degrees, ``sector_label`` the register's own word where no sector entry knows it, under
    ``sector`` "other") and any other column of the file under its own header. ``columns`` maps each field to
    the header it came from.
    """

    table: pd.DataFrame
    report: Report
    columns: dict[str, str] = field(default_factory=dict)
    header_row: int = 1  # row number of the header as the user sees it (0 for GeoJSON/Parquet, which have none)

    def column_of(self, name: str) -> str:
        """Header as the user wrote it for a field (the field name when the file has none); ``lon`` and ``lat``
        given in one cell are that column's."""
        if name in ("lon", "lat") and name not in self.columns and "coordinates" in self.columns:
            return self.columns["coordinates"]
        return self.columns.get(name, name)


def read_register(source: str | Path | pd.DataFrame, *, sheet: str | None = None,
                  datum: str = "wgs84") -> Register:
    """Read a register file: headers in Chinese or English, units, every row accounted for.

    Parameters
    ----------
    source : path of a .csv (UTF-8, UTF-8 with BOM, GBK/GB18030), .xlsx (first visible sheet),
        .geojson (Point features) or .parquet file; or a DataFrame / GeoDataFrame, read the same way (its columns
        are the header, its records rows 1, 2, ...; a GeoDataFrame's geometry gives lon/lat, from its CRS).
    sheet : name of the Excel sheet to read instead of the first visible one.
    datum : datum of the file's coordinates (``wgs84``, ``gcj02``, ``bd09`` or an alias such as 高德, 百度);
        a 坐标系/datum column overrides it row by row. Coordinates are converted when parks are located.

    Returns
    -------
    Register
        Accepted rows in ``table``; rejected and skipped rows and warnings in ``report``.

    Raises
    ------
    RegisterError
        When the file cannot be read at all (unknown type, undecodable, no name column).
    """
    file_datum = parse_datum(datum)
    if isinstance(source, pd.DataFrame):
        rows, kind, notes, sheet_read, other_sheets = frame_rows(source)
        source = f"<{type(source).__name__}>"
    else:
        rows, kind, notes, sheet_read, other_sheets = read_rows(Path(source), sheet)
    rows = [(number, cells) for number, cells in rows if any(_filled(c) for c in cells)]
    if not rows:
        raise RegisterError(f"{source}: the file holds no rows / 文件为空")
    header_at = 0 if kind in ("geojson", "parquet", "frame") else header_index(rows)
    header_number, header_cells = rows[header_at]
    data = rows[header_at + 1:]
    headers, header_warnings = _unique_headers(header_cells, max((len(c) for _, c in data), default=0))
    raw = pd.DataFrame([cells + [None] * (len(headers) - len(cells)) for _, cells in data],
                       columns=headers, dtype="string")
    # Spaces around a cell go; a leading tab or CR stays (a text like "\t=x" reads back as written, see
    # geo.write.tables.FORMULA_STARTS).
    raw = raw.apply(lambda col: col.str.rstrip().str.lstrip(" \u3000\u00a0\n")).mask(lambda f: f == "")
    raw.insert(0, "row", pd.Series([number for number, _ in data], dtype="int64"))

    report = Report(source=str(source), rows_read=len(raw), parks=len(raw), sheet=sheet_read,
                    other_sheets=list(other_sheets))
    report.add_warnings(header_warnings)
    mapping, mapping_warnings = _map_headers(headers)
    report.add_warnings(mapping_warnings)
    report.columns = column_use(headers, mapping)
    report.add_warnings(_no_content(mapping, [c["column"] for c in report.columns if c["field"] is None]))
    if "name" not in mapping:
        expected = ", ".join(["园区名称", "名称", "name"])
        raise RegisterError(f"{source}: no park-name column in the header (row {header_number}: "
                            f"{', '.join(map(str, headers))}); expected one of: {expected} / 缺少园区名称列")

    names = raw[mapping["name"][0]]
    report.names = dict(zip(raw.loc[names.notna(), "row"].astype(int), names.dropna()))  # rejected rows' names too

    skipped = _skipped_rows(raw)
    skipped = skipped.fillna(duplicate_rows(raw[skipped.isna()]).reindex(raw.index))
    report.skipped = [{"row": int(r), "reason": why} for r, why in zip(raw.loc[skipped.notna(), "row"],
                                                                        skipped.dropna())]
    report.parks -= len(report.skipped)
    raw = raw[skipped.isna()]

    table, problems, warnings = _typed_table(raw, mapping, file_datum)
    warnings = pd.concat([warnings, duplicate_warnings(raw, {k: h for k, (h, _) in mapping.items()})],
                         ignore_index=True)
    placed = raw.loc[table["town"].notna().to_numpy() | table["address"].notna().to_numpy(), "row"]
    cell_problems, cell_warnings = _cell_notes(notes, headers, raw["row"], placed)
    report.add_warnings(pd.concat([warnings, cell_warnings], ignore_index=True))
    problems = pd.concat([problems, cell_problems], ignore_index=True)
    report.add_rejected(problems)
    table = table[~table["row"].isin(problems["row"])].reset_index(drop=True)
    columns = {name: header for name, (header, _) in mapping.items()}
    return Register(table=table, report=report, columns=columns, header_row=header_number)


_CONTENT = ("sector", "status", "year", "date", "investment", "floor_area", "land", "output", "available")


def _no_content(mapping: dict, unused: list[str]) -> pd.DataFrame:
    """A file-level warning when no column gives a park's content (sector, status, year, figures) while some
    columns are not used (``industry``, ``capex`` under names the reader does not know)."""
    found = [] if set(mapping) & set(_CONTENT) or not unused else [{
        "row": None, "column": None, "value": None,
        "message": f"no sector, status, year or figure column recognised; not used: {', '.join(map(str, unused))}: "
                   f"every park is drawn alike; rename them as in README 'Registers' "
                   f"/ 未识别到产业、状态、年份或数值列，请按说明修改列名"}]
    return pd.DataFrame(found, columns=["row", "column", "value", "message"])


def _cell_notes(notes, headers: list[str], rows: pd.Series, placed: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reader's cell notes on data rows as (problems, warnings) tables with header names; a note
    that rejects "unless placed" is dropped for rows that name a town or address."""
    frame = pd.DataFrame(notes, columns=["row", "position", "value", "message", "reject"])
    frame = frame.loc[frame["row"].isin(rows)]
    unless = frame["reject"].eq("unless_placed")
    frame = frame.loc[~(unless & frame["row"].isin(placed))]
    frame = frame.assign(column=[headers[p] if p < len(headers) else f"column {p + 1}" for p in frame["position"]])
    reject = frame["reject"].astype(bool)
    problems = frame.loc[reject].rename(columns={"message": "reason"})[["row", "column", "value", "reason"]]
    return problems, frame.loc[~reject, ["row", "column", "value", "message"]]


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def header_index(rows) -> int:
    """Index of the header row: the first of the top rows naming two known fields (title rows above it)."""
    known = column_fields()
    for index, (_, cells) in enumerate(rows[:_HEADER_SCAN_ROWS]):
        names = {known[units.split_header_unit(str(c))[0]][0] for c in cells
                 if _filled(c) and units.split_header_unit(str(c))[0] in known}
        if len(names) >= 2:
            return index
    return 0


def _unique_headers(cells: list, width: int) -> tuple[list[str], pd.DataFrame]:
    headers: list[str] = []
    warnings = []
    for position in range(max(len(cells), width)):
        cell = cells[position] if position < len(cells) else None
        name = str(cell).strip() if _filled(cell) else f"column {position + 1}"
        if name in _RESERVED:
            name = f"{name} (column {position + 1})"
        if name in headers:
            given, name = name, f"{name} ({position + 1})"
            while name in headers:  # the new name may itself be taken ("名称 (3)" typed by the user)
                name = f"{name}'"
            warnings.append({"row": None, "column": given, "value": given,
                             "message": f"duplicate column name; this one read as '{name}' / 列名重复"})
        headers.append(name)
    return headers, pd.DataFrame(warnings, columns=["row", "column", "value", "message"])


def _map_headers(headers: list[str]) -> tuple[dict[str, tuple[str, str | None]], pd.DataFrame]:
    """field -> (header, unit from the header)."""
    known = column_fields()
    mapping: dict[str, tuple[str, str | None]] = {}
    warnings = []
    for header in headers:
        stem, unit = units.split_header_unit(header)
        found = known.get(stem) or known.get(fold(header))
        if found is None:
            continue
        name, fixed_unit = found
        if name in mapping:
            warnings.append({"row": None, "column": header, "value": header,
                             "message": f"a second column for {name!r}; {mapping[name][0]!r} is used "
                                        f"/ 重复的 {name} 列，使用 {mapping[name][0]!r}"})
            continue
        mapping[name] = (header, fixed_unit or unit)
    return mapping, pd.DataFrame(warnings, columns=["row", "column", "value", "message"])


def _skipped_rows(raw: pd.DataFrame) -> pd.Series:
    """Reason per row for totals and note rows (NA for data rows)."""
    if raw.empty:
        return pd.Series(pd.NA, index=raw.index, dtype="string")
    cells = raw.drop(columns="row").to_numpy(dtype=object, na_value=None)
    filled = cells != None  # noqa: E711 (element-wise)
    first = pd.Series(cells[np.arange(len(cells)), filled.argmax(axis=1)], index=raw.index)
    first = fold_column(first.astype("string")).fillna("")
    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    reason = reason.mask(first.str.contains(_TOTALS), "totals row / 合计行")
    return reason.mask(reason.isna() & first.str.contains(_NOTES), "note row / 注释行")


class _Columns:
    """The raw cells of a register by field, and the problems (rows to reject) and warnings found reading them,
    in the order found."""

    def __init__(self, raw: pd.DataFrame, mapping) -> None:
        self.raw, self.mapping = raw, mapping
        self.problems: list[pd.DataFrame] = []
        self.warnings: list[pd.DataFrame] = []

    def cells(self, name: str) -> tuple[pd.Series, str | None]:
        """The column of field ``name`` (all NA when the file has none) and its header."""
        header = self.mapping.get(name, (None,))[0]
        return (self.raw[header] if header else pd.Series(pd.NA, index=self.raw.index, dtype="string")), header

    def collect(self, parsed: units.ParsedColumn, values: pd.Series, header: str | None) -> None:
        self.problems.append(_issues(self.raw["row"], header, values, parsed.problems, "reason"))
        self.warnings.append(_issues(self.raw["row"], header, values, parsed.notes, "message"))

    def flag(self, values: pd.Series, header: str | None, mask: pd.Series, message: str, key: str = "reason") -> None:
        """One message for the rows of ``mask``: a problem (``key`` "reason") or a warning ("message")."""
        messages = pd.Series(message, index=self.raw.index, dtype="string").where(mask)
        (self.problems if key == "reason" else self.warnings).append(
            _issues(self.raw["row"], header, values, messages, key))


def _typed_table(raw: pd.DataFrame, mapping, file_datum: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Typed fields, problems (rows to reject) and warnings, column by column."""
    columns = _Columns(raw, mapping)
    table = pd.DataFrame({"row": raw["row"]})
    for name in FIELDS:
        if name not in ("lon", "lat"):
            table[name] = _typed_field(columns, name, file_datum)

    (lon, lon_header), (lat, lat_header) = columns.cells("lon"), columns.cells("lat")
    parsed_lon, parsed_lat = units.parse_coordinates(lon, lat)
    columns.collect(parsed_lon, lon, lon_header or "lon")
    columns.collect(parsed_lat, lat, lat_header or "lat")
    table["lon"], table["lat"] = parsed_lon.values, parsed_lat.values
    _coordinate_cells(columns, table)
    _year_from_date(columns, table)

    name_values, name_header = columns.cells("name")
    columns.flag(name_values, name_header, name_values.isna(), "park name is empty / 园区名称为空")
    for name, vocabulary in (("sector", sectors()), ("status", statuses())):
        values, header = columns.cells(name)
        codes, unknown = match_codes(values, vocabulary)
        table[name] = codes.mask(unknown, "other")
        columns.warnings.append(_issues(columns.raw["row"], header, values,
                                        _unknown_words(values, unknown, name, vocabulary), "message"))
        if name == "sector":  # the staff's own word stays the label (card, filter, legend) under the code other
            table["sector"] = table["sector"].fillna("other")
            table["sector_label"] = values.str.strip().where(unknown)

    extras = [c for c in raw.columns if c != "row" and c not in {h for h, _ in mapping.values()}]
    kept = raw[extras].rename(columns={c: f"{c} (extra)" for c in extras if c in set(FIELDS) | _RESERVED})
    table = pd.concat([table, kept], axis=1)
    return table, pd.concat(columns.problems, ignore_index=True), pd.concat(columns.warnings, ignore_index=True)


def _coordinate_cells(columns: _Columns, table: pd.DataFrame) -> None:
    """Fill lon/lat (degrees) from a one-cell coordinates column where both separate columns are empty; warn where
    both are given and differ by more than 1e-5° (about 1 m); an unreadable cell rejects the row."""
    values, header = columns.cells("coordinates")
    if header is None:
        return
    lon, lat, problems, notes = parse_coordinate_cells(values)
    columns.problems.append(_issues(columns.raw["row"], header, values, problems, "reason"))
    columns.warnings.append(_issues(columns.raw["row"], header, values, notes, "message"))
    empty = table["lon"].isna() & table["lat"].isna()
    differ = ~empty & lon.notna() & (((table["lon"] - lon).abs() > 1e-5) | ((table["lat"] - lat).abs() > 1e-5))
    columns.flag(values, header, differ.fillna(False),
                 f"differs from the {columns.cells('lon')[1]}/{columns.cells('lat')[1]} columns, which are used "
                 f"/ 与经纬度列不一致，采用经纬度列", "message")
    table["lon"], table["lat"] = table["lon"].where(~empty, lon), table["lat"].where(~empty, lat)


def _year_from_date(columns: _Columns, table: pd.DataFrame) -> None:
    """Fill an empty ``year`` from a date column (认定时间, 开工时间 ...), with one file-level note naming it; an
    unreadable date rejects the row unless its year column gives the year (then it is a warning)."""
    values, header = columns.cells("date")
    if header is None:
        return
    parsed = units.parse_dates(values)
    has_year = table["year"].notna()
    columns.collect(parsed._replace(problems=parsed.problems.where(~has_year),
                                    notes=parsed.notes.fillna(_also(parsed.problems.where(has_year)))),
                    values, header)
    year = pd.to_numeric(parsed.values.str[:4], errors="coerce").astype("Int64")
    filled = table["year"].isna() & year.notna()
    if filled.any():
        columns.warnings.append(pd.DataFrame([{
            "row": None, "column": header, "value": header,
            "message": f"year taken from column {header!r} where no year is given ({int(filled.sum())} rows) "
                       f"/ 年份取自“{header}”列"}]))
    table["year"] = table["year"].where(~filled, year)
    table["date"] = parsed.values  # ISO, as precise as written (2022-06, 2021-03-08)


def _also(problems: pd.Series) -> pd.Series:
    """A date problem as a warning, for rows whose year a year column gives."""
    return problems + "; the year column is used / 采用年份列"


def _typed_field(columns: _Columns, name: str, file_datum: str) -> pd.Series:
    """One field read into its type (amounts in base units, dates, codes, text); problems and notes collected."""
    values, header = columns.cells(name)
    if name in _AMOUNTS:
        parsed = units.parse_amounts(values, field_kinds()[name], columns.mapping.get(name, (None, None))[1],
                                     column=header or name)
    elif name in _DATES:
        parsed = _DATES[name](values)
    elif name == "precision":
        folded = fold_column(values)
        unknown = folded.notna() & ~folded.isin(precisions().index)
        columns.flag(values, header, unknown,
                     f"unknown precision (allowed: {', '.join(precisions().index)}) / 定位精度无法识别")
        return folded.where(~unknown)
    elif name == "datum":
        codes, unknown = parse_datums(values, default=file_datum)
        columns.flag(values, header, unknown, f"unknown datum (allowed: {', '.join(DATUMS)}) / 坐标系无法识别")
        return codes
    else:
        return values.astype("string")
    columns.collect(parsed, values, header)
    return parsed.values


def _unknown_words(values: pd.Series, unknown: pd.Series, name: str, vocabulary: pd.DataFrame) -> pd.Series:
    """Warning per row whose sector or status no registry entry knows, naming the nearest known entries (each
    distinct word looked up once)."""
    words = values.str.strip().where(unknown)
    kept, kept_zh = {"sector": ("kept as written under the code 'other'", "未知产业，按原文显示，归入“其他”"),
                     "status": ("read as 'other'", "未知状态，归为“其他”")}[name]
    messages = {}
    for word in words.dropna().unique():
        near = nearest_entries(word, vocabulary)
        hint = ("nearest known: " + ", ".join(f"{vocabulary.loc[c, 'zh']} ({c})" for c in near)) if near \
            else "no known one is near"
        hint_zh = ("；最接近：" + "、".join(vocabulary.loc[c, "zh"] for c in near)) if near else ""
        messages[word] = f"unknown {name}, {kept}; {hint} (kunshan-heatmap sectors lists them) / {kept_zh}{hint_zh}"
    return words.map(messages).astype("string")


def _issues(rows: pd.Series, header: str | None, values: pd.Series, messages: pd.Series, key: str) -> pd.DataFrame:
    """Long table (row, column, value, <key>) of the non-NA messages of one column."""
    mask = messages.reindex(rows.index).notna().to_numpy()
    return pd.DataFrame({
        "row": rows.to_numpy()[mask],
        "column": header or "",
        "value": values.reindex(rows.index).astype(object).to_numpy()[mask],
        key: messages.reindex(rows.index).to_numpy()[mask],
    })
