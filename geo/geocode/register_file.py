"""Geocode a register file: fill the coordinates of rows that have none, and write a copy of the file with them."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from geo.errors import GeocodingError, RegisterError
from geo.geocode.batch import geocode_addresses
from geo.geocode.write_back import write_back
from geo.place.datum import to_wgs84
from geo.read.files import FORMATS
from geo.read.register import read_register
from geo.read.report import Report
from geo.write.targets import refuse_input
from geo.write.tables import write_table

__all__ = ["geocode_register", "default_cache_path"]

_NOTHING_TO_ASK = "no address or town to geocode / 没有地址或镇名"


def default_cache_path() -> Path:
    """``$KUNSHAN_HEATMAP_GEOCACHE`` or ``~/.cache/kunshan-heatmap/geocode.sqlite``: one cache for every
    batch, so an interrupted or failed batch resumes where it stopped."""
    configured = os.environ.get("KUNSHAN_HEATMAP_GEOCACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "kunshan-heatmap" / "geocode.sqlite"


def geocode_register(source: str | Path, output: str | Path, *, provider: str = "offline", sheet: str | None = None,
                     datum: str = "wgs84", cache_path: str | Path | None = None, no_cache: bool = False,
                     expected_precision: str | None = None, progress: bool = True) -> tuple[pd.DataFrame, Report]:
    """Geocode the rows of a register that have no coordinates, by their address (else their town), and write
    a copy of the register file with the results.

    An .xlsx (.xlsm) or .csv register is written back as a copy of the user's own file, of the same type
    (:mod:`geo.geocode.write_back`): every sheet, title row, merge, format and cell kept, only the register's
    sheet gaining cells — 经度/纬度 (WGS-84 degrees) and 坐标系 "wgs84" for the geocoded rows (given coordinates
    stay as typed, in their datum, which the 坐标系 column names), 精度, 定位来源, 定位状态 (given / ok /
    not_found / ambiguous / outside / failed; 拒收 or rejected for a rejected row), 需复核 and 定位说明 (English
    names under an English header). ``geo.load_parks(output)`` places every park where
    ``geo.load_parks(source, datum=datum)`` placed it, plus the geocoded ones.

    A GeoJSON or Parquet register has no sheet to copy: ``output`` (.csv, UTF-8 with BOM, or .xlsx) is then a
    new table of the accepted rows (:func:`geo.write.tables.write_table`): WGS-84 ``lon``/``lat``, ``datum``
    "wgs84", ``precision``, ``location_source``, ``geocode_status``, ``review`` and ``geocode_error``.
    Either file is written atomically.

    Parameters
    ----------
    source, output : str or pathlib.Path
        The register, and the file to write (for .csv and .xlsx registers: the same type).
    provider, cache_path, expected_precision, progress
        As for :func:`geo.geocode_addresses`; ``cache_path`` None: :func:`default_cache_path`.
    no_cache : bool, default False
        Geocode without reading or writing any cache file (e.g. when the cache is damaged or locked); every
        address is asked.
    sheet, datum
        As for :func:`geo.read_register` (``datum``: that of the register's coordinates).

    Returns
    -------
    (pandas.DataFrame, Report)
        One row per accepted row: the register's fields with ``lon``/``lat`` in WGS-84 (``datum`` "wgs84") and
        ``precision``, ``location_source``, ``geocode_status``, ``review`` (bool), ``geocode_error``; and the
        register's report (rejected and skipped rows, warnings).

    Raises
    ------
    RegisterError
        For an unreadable register, or an output whose type is not the one it must be (naming both files).
    GeocodingError
        For ``no_cache`` with a ``cache_path``, or what :func:`geo.geocode_addresses` raises (among them
        :class:`~geo.errors.GeocodeCacheError` for a cache file that cannot be used).
    """
    if not isinstance(no_cache, bool) or (no_cache and cache_path is not None):
        raise GeocodingError(f"geocode_register: no_cache must be True or False, and True only without a "
                             f"cache_path; got no_cache={no_cache!r}, cache_path={cache_path!r}")
    source, output = Path(source), Path(output)
    refuse_input(output, source)  # the register stays as the user left it
    register = read_register(source, sheet=sheet, datum=datum)
    copied = _copies(source, output)
    cache_path = None if no_cache else cache_path or default_cache_path()  # None: a cache in memory only
    result = _geocoded(register.table, provider, cache_path=cache_path, expected_precision=expected_precision,
                       progress=progress)
    if copied:
        write_back(source, output, register, result)
    else:
        write_table(result.drop(columns=["row"]), output)
    return result.drop(columns=["row"]), register.report


def _copies(source: Path, output: Path) -> bool:
    """True when ``output`` is to be a copy of ``source`` (a .csv or .xlsx register); checks its type either way."""
    if FORMATS.get(source.suffix.casefold()) in ("csv", "xlsx"):
        if output.suffix.casefold() != source.suffix.casefold():
            raise RegisterError(f"{output}: geocode writes a copy of {source}, so the output must be a "
                                f"{source.suffix} file too, not {output.suffix or 'a file without suffix'!r} "
                                f"/ 输出文件须与输入同为 {source.suffix} 文件")
        return True
    if output.suffix.casefold() not in (".csv", ".xlsx"):
        raise RegisterError(f"{output}: a {source.suffix} register is geocoded into a new table, .csv or .xlsx, "
                            f"not {output.suffix or 'a file without suffix'!r} / 输出须为 .csv 或 .xlsx 文件")
    return False


def _geocoded(table: pd.DataFrame, provider, **options) -> pd.DataFrame:
    """The accepted rows with WGS-84 ``lon``/``lat`` (given ones converted, the others geocoded) and the result
    columns; ``row`` kept."""
    table = to_wgs84(table.assign(datum=table["datum"].astype(object)))
    has_xy = table["lon"].notna() & table["lat"].notna()
    query = table["address"].fillna(table["town"]).where(~has_xy)
    asked = query.dropna()
    found = geocode_addresses(asked, provider, **options)
    result = table.drop(columns=["lon_input", "lat_input"]).assign(
        location_source=pd.Series("register", index=table.index, dtype="string").where(has_xy),
        geocode_status=pd.Series("given", index=table.index, dtype="string").where(has_xy),
        review=False, geocode_error=pd.Series(pd.NA, index=table.index, dtype="string"))
    result["precision"] = result["precision"].astype("string").where(~has_xy | result["precision"].notna(), "exact")
    result.loc[asked.index, ["lon", "lat"]] = found[["lon", "lat"]].to_numpy(dtype="float64")
    result.loc[asked.index, "precision"] = found["precision"].astype("string")
    result.loc[asked.index, "location_source"] = found["source"].astype("string")
    result.loc[asked.index, "geocode_status"] = found["status"].astype("string")
    result.loc[asked.index, "review"] = found["review"].astype(bool)
    result.loc[asked.index, "geocode_error"] = found["error"].astype("string")
    nothing = ~has_xy & query.isna()
    result.loc[nothing, "geocode_status"] = "not_found"
    result.loc[nothing, "geocode_error"] = _NOTHING_TO_ASK
    return result
