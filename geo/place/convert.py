"""Convert the coordinates of a table file between datums, keeping everything else as it is."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd

from geo.geocode.write_back import header_language, result_headers  # the one home of the 坐标系/datum header
from geo.read import units
from geo.read.register import header_index  # the same header detection as reading a register
from geo.read.files import FORMATS, decode_text, read_rows
from geo.write.atomic import atomic_write
from geo.write.tables import CsvFile, set_cell, write_workbook
from geo.write.targets import refuse_input
from geo.registry import column_fields
from geo.place.datum import DATUMS, convert_by_datum, convert_geometries, parse_datum, parse_datums
from geo.errors import RegisterError

__all__ = ["convert_file", "ConversionSummary"]


class ConversionSummary(dict):
    """``{"converted": n, "skipped_rows": [row numbers whose coordinates could not be read]}``; ``converted`` counts
    the rows now in the target datum, those that were already in it included."""


def convert_file(source: str | Path, output: str | Path, *, from_datum: str, to_datum: str,
                 sheet: str | None = None) -> ConversionSummary:
    """Convert the lon/lat columns (any alias: 经度/lon/lng/longitude, 纬度/lat/latitude) of a CSV, XLSX or
    GeoJSON table from one datum to another; every other column, row and the row order stay as they are.
    A 坐标系/datum column, when present, gives each row's own source datum and is set to ``to_datum``.

    The datum written is marked, so a conversion never shifts a point twice: when the file has no 坐标系/datum
    column and a point moved, one is appended (right of every used column; header 坐标系 under a Chinese header,
    else ``datum``; in GeoJSON a property) holding ``to_datum`` in the converted rows. Converting a converted
    file again reads each row's datum from it: rows already in the target datum keep their coordinates exactly
    (a second run is a no-op; ``converted`` still counts them). A conversion that moves nothing (``from_datum``
    is ``to_datum``) adds no column. The output is never the input (refused, naming both): the original stays to
    go back to.

    CSV keeps its encoding (UTF-8, with BOM if it had one, or GB18030); an Excel workbook keeps its
    sheets, formats and formulas (only coordinate and datum cells change); GeoJSON Point geometries are converted
    too. Rows whose coordinates are empty or unreadable are left unchanged and listed in the summary.
    Every cell written is a number or a datum code, never a formula. The output is written atomically.
    """
    source, output = Path(source), Path(output)
    refuse_input(output, source)
    from_datum, to_datum = parse_datum(from_datum), parse_datum(to_datum)
    kind = FORMATS.get(source.suffix.casefold())
    if kind not in ("csv", "xlsx", "geojson"):
        raise RegisterError(f"{source}: convert reads .csv, .xlsx or .geojson files, not {source.suffix!r}")
    if output.suffix.casefold() != source.suffix.casefold():
        raise RegisterError(f"{output}: the output must have the input's type ({source.suffix})")
    writer = {"csv": _convert_csv, "xlsx": _convert_xlsx, "geojson": _convert_geojson}[kind]
    return writer(source, output, from_datum, to_datum, sheet)


def _coordinate_columns(header: list, source: Path) -> tuple[int, int, int | None]:
    """Positions of the lon, lat and (when present) datum columns."""
    known = column_fields()
    found = {}
    for position, cell in enumerate(header):
        stem = units.split_header_unit(str(cell))[0] if cell is not None else ""
        field = known.get(stem, (None,))[0]
        if field in ("lon", "lat", "datum"):
            found.setdefault(field, position)
    if not {"lon", "lat"} <= set(found):
        raise RegisterError(f"{source}: no longitude and latitude columns (经度/lon, 纬度/lat) in the header "
                            f"{[c for c in header if c is not None]}")
    return found["lon"], found["lat"], found.get("datum")


def _sources(names: pd.Series, rows: list[int], from_datum: str) -> pd.Series:
    """Source datum per row: the row's own (a 坐标系 column), else ``from_datum``; an unknown name is an
    error naming its rows."""
    codes, unknown = parse_datums(names, default=from_datum)
    if unknown.any():
        bad = unknown.to_numpy()
        text = names.astype("string").str.strip()
        where = ", ".join(f"row {row}: {value!r}" for row, value in zip(pd.Series(rows)[bad], text[bad]))
        raise RegisterError(f"unknown datum in the 坐标系/datum column ({where}); allowed: {', '.join(DATUMS)} "
                            f"/ 坐标系无法识别")
    return codes


def _converted(lon_cells: list, lat_cells: list, datum_cells: list, rows: list[int], from_datum: str,
               to_datum: str):
    """(lon, lat, ok mask, moved mask) of cell values read as degrees and converted; a row's own datum (a 坐标系
    column) wins over ``from_datum``; moved: converted from another datum than ``to_datum``."""
    lon = pd.to_numeric(pd.Series(lon_cells, dtype="object").astype("string").str.strip(), errors="coerce")
    lat = pd.to_numeric(pd.Series(lat_cells, dtype="object").astype("string").str.strip(), errors="coerce")
    lon, lat = lon.to_numpy(dtype="float64", na_value=np.nan), lat.to_numpy(dtype="float64", na_value=np.nan)
    sources = _sources(pd.Series(datum_cells, dtype="object"), rows, from_datum)
    ok = np.isfinite(lon) & np.isfinite(lat)
    out_lon, out_lat = convert_by_datum(lon, lat, sources.where(ok), to_datum)
    return out_lon, out_lat, ok, ok & sources.ne(to_datum).to_numpy(dtype=bool)


def _datum_header(header: list) -> str:
    """Name of an appended datum column: 坐标系 under a Chinese header, else datum."""
    return result_headers(header_language(header))["datum"]


def _cell(cells: list, position: int):
    return cells[position] if position < len(cells) else None


def _header_position(rows) -> int:
    filled = [(n, c) for n, c in rows if any(x is not None and str(x).strip() for x in c)]
    return filled[header_index(filled)][0] if filled else 1


def _convert_csv(source: Path, output: Path, from_datum: str, to_datum: str, sheet) -> ConversionSummary:
    table = CsvFile.read(source)  # written back in its own encoding (BOM or not), delimiter and line ends
    records = table.records
    header_number = _header_position(list(enumerate(records, start=1)))
    header, body = records[header_number - 1], records[header_number:]
    lon_at, lat_at, datum_at = _coordinate_columns(header, source)
    lon, lat, ok, moved = _converted([_cell(r, lon_at) for r in body], [_cell(r, lat_at) for r in body],
                                     [_cell(r, datum_at) if datum_at is not None else None for r in body],
                                     list(range(header_number + 1, len(records) + 1)), from_datum, to_datum)
    if datum_at is None and moved.any():  # mark the datum written: a run on this output converts nothing twice
        datum_at = max(len(r) for r in records[header_number - 1:])
        header.extend([""] * (datum_at - len(header)) + [_datum_header(header)])
    for record, x, y, good in zip(body, lon, lat, ok):  # writing rows back is per row by nature
        if good:
            record[lon_at], record[lat_at] = repr(float(x)), repr(float(y))
            if datum_at is not None:
                record.extend([""] * (datum_at + 1 - len(record)))
                record[datum_at] = to_datum
    table.write(output)
    skipped = [header_number + 1 + i for i, (r, good) in enumerate(zip(body, ok)) if not good and any(r)]
    return ConversionSummary(converted=int(ok.sum()), skipped_rows=skipped)


def _convert_xlsx(source: Path, output: Path, from_datum: str, to_datum: str, sheet) -> ConversionSummary:
    import openpyxl

    rows = read_rows(source, sheet).rows  # values (cached results), to find the header and read numbers
    header_number = _header_position(rows)
    lon_at, lat_at, datum_at = _coordinate_columns(rows[header_number - 1][1], source)
    body = rows[header_number:]
    lon, lat, ok, moved = _converted([_cell(c, lon_at) for _, c in body], [_cell(c, lat_at) for _, c in body],
                                     [_cell(c, datum_at) if datum_at is not None else None for _, c in body],
                                     [number for number, _ in body], from_datum, to_datum)
    book = openpyxl.load_workbook(source)  # formulas and formats kept
    ws = book[sheet] if sheet else next(w for w in book.worksheets if w.sheet_state == "visible")
    if datum_at is None and moved.any():  # mark the datum written: a run on this output converts nothing twice
        datum_at = ws.max_column
        _add_header(ws, header_number, datum_at, _datum_header(rows[header_number - 1][1]))
    for (number, _), x, y, good in zip(body, lon, lat, ok):
        if good:
            ws.cell(row=number, column=lon_at + 1).value = float(x)
            ws.cell(row=number, column=lat_at + 1).value = float(y)
            if datum_at is not None:
                set_cell(ws.cell(row=number, column=datum_at + 1), to_datum)
    write_workbook(book, output)
    skipped = [number for (number, cells), good in zip(body, ok) if not good and any(c is not None for c in cells)]
    return ConversionSummary(converted=int(ok.sum()), skipped_rows=skipped)


def _add_header(ws, row: int, position: int, name: str) -> None:
    """Header cell of an appended column, styled like the header's last filled cell."""
    filled = [cell for cell in ws[row] if cell.value is not None and str(cell.value).strip()]
    cell = ws.cell(row=row, column=position + 1)
    set_cell(cell, name)
    for attribute in ("font", "fill", "border", "alignment", "number_format") if filled else ():
        setattr(cell, attribute, copy.copy(getattr(filled[-1], attribute)))


def _convert_geojson(source: Path, output: Path, from_datum: str, to_datum: str, sheet) -> ConversionSummary:
    """Geometries (z kept) and lon/lat properties (any alias) of every feature, each feature by its own
    datum property when it has one."""
    from shapely import from_geojson, to_geojson

    data = json.loads(decode_text(source.read_bytes(), str(source)))
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise RegisterError(f"{source}: not a GeoJSON FeatureCollection (no 'features' list)")
    features = [f if isinstance(f, dict) else {} for f in features]
    properties = [f.get("properties") or {} for f in features]
    keys = list(dict.fromkeys(key for props in properties for key in props))
    fields = {column_fields().get(units.split_header_unit(str(k))[0], (None,))[0]: k for k in reversed(keys)}
    numbers = list(range(1, len(features) + 1))
    datum_key = fields.get("datum")
    sources = _sources(pd.Series([p.get(datum_key) for p in properties], dtype="object"), numbers, from_datum)

    with_geometry = [i for i, f in enumerate(features) if f.get("geometry")]
    shapes = from_geojson([json.dumps(features[i]["geometry"]) for i in with_geometry])
    for i, shape in zip(with_geometry, convert_geometries(shapes, sources.iloc[with_geometry], to_datum)):
        features[i]["geometry"] = json.loads(to_geojson(shape))

    located = np.zeros(len(features), dtype=bool)
    located[with_geometry] = True
    if "lon" in fields and "lat" in fields:
        lon, lat, converted, _ = _converted([p.get(fields["lon"]) for p in properties],
                                            [p.get(fields["lat"]) for p in properties],
                                            [p.get(datum_key) for p in properties], numbers, from_datum, to_datum)
        for props, x, y, good in zip(properties, lon, lat, converted):
            if good:
                props[fields["lon"]], props[fields["lat"]] = float(x), float(y)
        located |= converted
    if not datum_key and (located & sources.ne(to_datum).to_numpy(dtype=bool)).any():  # mark the datum written
        datum_key = _datum_header(keys)
    for feature, props, marked in zip(features, properties, located):
        if marked and datum_key:
            feature["properties"] = props  # a feature whose properties were null gets some
            props[datum_key] = to_datum
    skipped = [n for n, marked in zip(numbers, located) if not marked]
    atomic_write(output, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    return ConversionSummary(converted=int(located.sum()), skipped_rows=skipped)
