"""Files to rows: each format becomes a list of (row number as the user sees it, list of cell texts)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from .errors import RegisterError

__all__ = ["read_rows", "decode_text", "FORMATS"]

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson",
           ".json": "geojson", ".parquet": "parquet"}
ENCODINGS = ("utf-8-sig", "gb18030")

Rows = list[tuple[int, list]]


def read_rows(path: Path, sheet: str | None = None) -> tuple[Rows, str]:
    """Rows of a register file and its format name.

    Row numbers are those a person sees: spreadsheet rows for CSV and XLSX (header included),
    feature numbers from 1 for GeoJSON, record numbers from 1 for Parquet.
    """
    path = Path(path)
    kind = FORMATS.get(path.suffix.casefold())
    if kind is None:
        raise RegisterError(f"{path}: unknown file type {path.suffix!r}; allowed: {', '.join(sorted(FORMATS))}")
    if not path.is_file():
        raise RegisterError(f"{path}: no such file / 文件不存在")
    if sheet is not None and kind != "xlsx":
        raise RegisterError(f"{path}: --sheet applies to Excel files only, not {kind}")
    reader = {"csv": _csv_rows, "xlsx": _xlsx_rows, "geojson": _geojson_rows, "parquet": _parquet_rows}[kind]
    return (reader(path, sheet) if kind == "xlsx" else reader(path)), kind


def decode_text(data: bytes, name: str = "<bytes>") -> str:
    """Decode strictly: UTF-8 (with or without BOM), then GB18030 (a superset of GBK); never with replacements."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterError(f"{name}: cannot decode as UTF-8 or GB18030/GBK; save the file as UTF-8 "
                        f"/ 无法以 UTF-8 或 GBK 解码，请另存为 UTF-8")


def _csv_rows(path: Path) -> Rows:
    text = decode_text(path.read_bytes(), str(path))
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise RegisterError(f"{path}: not a readable CSV file: {error}") from None
    return [(number, record) for number, record in enumerate(records, start=1)]


def _cell_text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path, sheet: str | None) -> Rows:
    import openpyxl  # a required dependency, imported where it is used

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken file
        raise RegisterError(f"{path}: not a readable Excel workbook: {type(error).__name__}: {error}") from None
    if sheet is None:
        visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise RegisterError(f"{path}: the workbook has no visible sheet")
        ws = visible[0]
    elif sheet in book.sheetnames:
        ws = book[sheet]
    else:
        raise RegisterError(f"{path}: no sheet named {sheet!r}; sheets: {', '.join(book.sheetnames)}")
    return [(number, [_cell_text(v) for v in values])
            for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]


def _geojson_rows(path: Path) -> Rows:
    try:
        data = json.loads(decode_text(path.read_bytes(), str(path)))
    except json.JSONDecodeError as error:
        raise RegisterError(f"{path}: not valid JSON: {error}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise RegisterError(f"{path}: not a GeoJSON FeatureCollection (no 'features' list)")
    keys: list[str] = []
    for feature in features:
        for key in (feature.get("properties") or {}) if isinstance(feature, dict) else {}:
            if key not in keys:
                keys.append(key)
    header = [*keys, "lon", "lat"] if "lon" not in keys and "经度" not in keys else keys
    rows: Rows = [(0, header)]
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties") or {}
        cells = [_cell_text(props.get(key)) for key in keys]
        if len(header) > len(keys):
            cells += _point_cells(feature.get("geometry"))
        rows.append((number, cells))
    return rows


def _point_cells(geometry) -> list:
    """lon, lat of a Point geometry; other geometries give their coordinates as text to be reported."""
    if not geometry:
        return [None, None]
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if isinstance(geometry, dict) and geometry.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
        return [_cell_text(coords[0]), _cell_text(coords[1])]
    return [f"{geometry.get('type') if isinstance(geometry, dict) else geometry} geometry", None]


def _parquet_rows(path: Path) -> Rows:
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except ImportError as error:
        raise RegisterError(f"{path}: reading Parquet needs pyarrow: pip install 'kunshan-heatmap[parquet]'") from error
    except Exception as error:
        raise RegisterError(f"{path}: not a readable Parquet file: {error}") from None
    frame = frame.drop(columns=[c for c in frame.columns if c == "geometry"])
    rows: Rows = [(0, [str(c) for c in frame.columns])]
    rows += [(number, [_cell_text(None if v is pd.NA or v != v else v) for v in values])
             for number, values in enumerate(frame.itertuples(index=False), start=1)]
    return rows
