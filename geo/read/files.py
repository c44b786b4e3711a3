"""Files to rows: each format becomes a list of (row number as the user sees it, list of cell texts)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import NamedTuple

from geo.errors import RegisterError
from geo.read.delimited import csv_delimiter, csv_records
from geo.read.limits import check_arrow_text, check_cells, check_file_size, check_parquet, check_shape, limits
from geo.read.workbook import read_sheet

__all__ = ["read_rows", "decode_text", "decode_bytes", "csv_text", "csv_delimiter", "csv_records", "FORMATS",
           "FORMULA_STARTS", "Table", "CellNote"]

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson",
           ".json": "geojson", ".parquet": "parquet"}
ENCODINGS = ("utf-8-sig", "gb18030")
#: First characters that make a spreadsheet read a text as a formula (OWASP "CSV injection"); a CSV cell written
#: as a single quote before one of them (geo.write.tables.csv_cell) reads back without that quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Rows = list[tuple[int, list]]


class CellNote(NamedTuple):
    """Something the reader noticed about one cell: a warning, or a reason to reject the row."""

    row: int
    position: int  # 0-based column position
    value: object
    message: str
    reject: bool | str = False  # True, False, or "unless_placed": reject unless the row names a town or address


class Table(NamedTuple):
    rows: Rows
    kind: str
    notes: list[CellNote]
    sheet: str | None = None  # the workbook sheet read (None for other files)
    other_sheets: tuple[str, ...] = ()  # the workbook's other sheets in order, a hidden one written "name (隐藏 hidden)"


def read_rows(path: Path, sheet: str | None = None) -> Table:
    """Rows of a register file, its format name and notes about single cells.

    Row numbers are those a person sees: spreadsheet rows for CSV and XLSX (header included),
    feature numbers from 1 for GeoJSON, record numbers from 1 for Parquet. A CSV cell written as ``'`` and a
    formula start (``'=SUM(A1)``, see :data:`FORMULA_STARTS`) reads without the quote.

    Raises
    ------
    RegisterError
        When the file cannot be read, or is over one of the limits of ``geo/data/limits.json`` (checked before the
        expensive step: file size; rows, columns and cells; an Excel workbook's unpacked sizes; cell text).
    """
    path = Path(path)
    kind = FORMATS.get(path.suffix.casefold())
    if kind is None:
        raise RegisterError(f"{path}: unknown file type {path.suffix!r}; allowed: {', '.join(sorted(FORMATS))}")
    if not path.is_file():
        raise RegisterError(f"{path}: no such file / 文件不存在")
    if sheet is not None and kind != "xlsx":
        raise RegisterError(f"{path}: --sheet applies to Excel files only, not {kind}")
    check_file_size(path)
    if kind == "xlsx":
        table = _xlsx_rows(path, sheet)
    elif kind == "geojson":
        table = Table(*_geojson_rows(path))
    else:
        table = Table((_csv_rows if kind == "csv" else _parquet_rows)(path), kind, [])
    check_cells(table.rows, str(path))
    return table


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _refuse_truncated(data: bytes, encoding: str, name: str) -> None:
    """A UTF-8 or GB18030 file that is whole but for a character cut at its very end was truncated: say so,
    rather than let a detector read it in some other codepage."""
    if encoding not in ENCODINGS:
        return
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        if error.end >= len(data) and len(data) - error.start <= 3 and _strict(data[:error.start], encoding):
            raise RegisterError(f"{name}: the file ends in the middle of a character (byte {error.start}); it looks "
                                f"truncated / 文件在字符中间结束，可能不完整") from None


_CJK = re.compile(r"[\u3400-\u9fff]")


def _refuse_damaged(data: bytes, name: str) -> None:
    """A file that is Chinese UTF-8 or GB18030 but for a few broken bytes is damaged: name the line, rather
    than let a detector read the whole file in some other codepage (Thai, Latin-1 ...)."""
    for encoding in ("utf-8", "gb18030"):
        text = data.decode(encoding, errors="replace")
        broken = text.count("\ufffd")
        if broken and len(text) - len(_CJK.sub("", text)) >= 20 * broken:  # counted without a list per character
            line = text[:text.index("\ufffd")].count("\n") + 1
            raise RegisterError(f"{name}: bytes that are not valid {encoding.upper()} on line {line} ({broken} "
                                f"place(s)); the file looks damaged / 文件第 {line} 行含无法解码的字节，文件可能已损坏")


def _detected(data: bytes) -> str | None:
    """Encoding guessed by charset-normalizer, when it is installed (only asked after the strict tries)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else None


def decode_text(data: bytes, name: str = "<bytes>", plausible=None) -> str:
    """The text of :func:`decode_bytes`."""
    return decode_bytes(data, name, plausible)[0]


def decode_bytes(data: bytes, name: str = "<bytes>", plausible=None) -> tuple[str, str]:
    """(text, encoding). Decode strictly, never with replacement characters: a UTF-16 BOM, then UTF-8 (with or without
    BOM), then GB18030 (a superset of GBK); Big5 and a detector only after those.

    ``plausible(text) -> bool`` checks the result (e.g. that the header holds known column names, not
    mojibake); the first plausible decoding wins, else the first strict UTF-8 or GB18030 one.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = [*ENCODINGS, "big5"]
    decoded = []
    for encoding in candidates:
        _refuse_truncated(data, encoding, name)
        text = _strict(data, encoding)
        if text is None or "\ufffd" in text:
            continue
        if plausible is None or plausible(text):
            return text, encoding
        if encoding in ENCODINGS:  # other encodings must prove themselves with a known header
            decoded.append((text, encoding))
    _refuse_damaged(data, name)
    guess = _detected(data) if plausible is not None else None
    text = _strict(data, guess) if guess else None
    if text is not None and "\ufffd" not in text and plausible(text):
        return text, guess
    if decoded:
        return decoded[0]
    raise RegisterError(f"{name}: cannot decode as UTF-8 or GB18030/GBK; save the file as UTF-8 "
                        f"/ 无法以 UTF-8 或 GBK 解码，请另存为 UTF-8")


def _known_header(text: str) -> bool:
    """True when one of the first lines holds a known column name (the decoding is not mojibake)."""
    from geo.registry import column_fields
    from geo.text import fold

    known, width = column_fields(), limits()["columns"]
    for line in text[:1_000_000].splitlines()[:20]:
        cells = line.replace("\t", ",").split(",", width)[:width]  # a line of a million commas is not folded cell by cell
        if any(fold(cell.strip().strip('"')) in known for cell in cells):
            return True
    return False


def csv_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes, checked against mojibake by its header."""
    return decode_bytes(data, name, plausible=_known_header)


def _csv_rows(path: Path) -> Rows:
    text, _ = csv_text(path.read_bytes(), str(path))
    records = csv_records(text, str(path))
    if "'" in text:  # OWASP quotes written by geo.write.tables.csv_cell read back as the text itself
        records = [[_unquoted(cell) for cell in record] for record in records]
    return [(number, record) for number, record in enumerate(records, start=1)]


def _unquoted(cell: str) -> str:
    """A CSV cell without the OWASP quote: ``'=SUM(A1)`` reads ``=SUM(A1)``, ``''=x`` reads ``'=x`` (one quote
    removed where, past its leading quotes, the text starts as a formula); ``'abc`` and ``it's`` stay as they are."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def _cell_text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path, sheet: str | None) -> Table:
    """Values as Excel last saved them; merged ranges filled within the range; formulas without a
    saved result noted (the cell reads empty, the row keeps its other values)."""
    read = read_sheet(path, sheet)
    rows = [(number, [_cell_text(v) for v in values]) for number, values in read.rows]
    notes = [CellNote(number, position, formula, "formula without a saved result: open and save the file in Excel "
                                                 "/ 公式没有缓存结果，请在 Excel 中打开并保存")
             for number, position, formula in read.formulas]
    return Table(rows, "xlsx", notes, read.title, read.others)


def _geojson_rows(path: Path) -> tuple[Rows, str, list[CellNote]]:
    try:
        data = json.loads(decode_text(path.read_bytes(), str(path)))
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError; so are huge integers
        raise RegisterError(f"{path}: not valid JSON: {str(error)[:200]}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise RegisterError(f"{path}: not a GeoJSON FeatureCollection (no 'features' list)")
    properties = [feature.get("properties") if isinstance(feature, dict) else None for feature in features]
    keys = list(dict.fromkeys(key for props in properties if isinstance(props, dict) for key in props))
    header = [*keys, "lon", "lat"] if "lon" not in keys and "经度" not in keys else keys
    check_shape(str(path), len(features), len(header),
                ("give every feature the register's property keys, or split the file",
                 "请让各要素使用登记表的属性名，或拆分文件") if len(header) > limits()["columns"] else
                ("split the file", "请拆分文件"))
    rows: Rows = [(0, header)]
    notes: list[CellNote] = []
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        cells = [_cell_text(props.get(key)) for key in keys]
        if len(header) > len(keys):
            point, note = _point_cells(feature.get("geometry"))
            cells += point
            if note:
                notes.append(CellNote(number, len(keys), json.dumps(feature.get("geometry"))[:80], *note))
        rows.append((number, cells))
    return rows, "geojson", notes


def _point_cells(geometry) -> tuple[list, tuple[str, bool] | None]:
    """([lon, lat], note) of a feature's geometry: a Point as it is; another geometry by a point
    inside it (noted); a missing, empty or broken geometry is a reason to reject the row."""
    import shapely

    if not geometry:
        return [None, None], ("feature has no geometry and names no town or address / 要素没有几何，也没有镇名或地址",
                              "unless_placed")
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return [None, None], ("geometry cannot be read / 几何无法读取", True)
    if shape.is_empty:
        return [None, None], ("empty geometry and no town or address / 几何为空，也没有镇名或地址", "unless_placed")
    if shape.geom_type == "Point":
        return [_cell_text(shape.x), _cell_text(shape.y)], None
    point = shape.representative_point()
    return ([_cell_text(point.x), _cell_text(point.y)],
            (f"{shape.geom_type} placed at a point inside it / 以面内一点定位", False))


def _scalar(value):
    """A cell value: None for missing, text for lists/arrays/dicts (reported as not readable later)."""
    import numpy as np
    import pandas as pd

    if isinstance(value, (list, tuple, dict, np.ndarray)):
        return str(list(value) if isinstance(value, np.ndarray) else value)
    return None if pd.isna(value) else value


def _parquet_table(path: Path):
    """The file as a pyarrow Table, its text columns kept as dictionaries (not yet expanded to Python objects)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise RegisterError(f"{path}: reading Parquet needs pyarrow: pip install 'kunshan-heatmap[parquet]'") from error
    try:
        check_parquet(path)
        schema = pq.read_schema(path)
        text = [f.name for f in schema if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
                and "." not in f.name]
        return pq.read_table(path, read_dictionary=text)
    except RegisterError:
        raise
    except Exception as error:
        raise RegisterError(f"{path}: not a readable Parquet file: {error}") from None


def _parquet_rows(path: Path) -> Rows:
    table = _parquet_table(path)
    check_arrow_text(table, str(path))
    frame = table.to_pandas()
    frame = frame.drop(columns=[c for c in frame.columns if c == "geometry"])
    rows: Rows = [(0, [str(c) for c in frame.columns])]
    rows += [(number, [_cell_text(_scalar(v)) for v in values])
             for number, values in enumerate(frame.itertuples(index=False), start=1)]
    return rows
