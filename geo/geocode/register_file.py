"""Geocode a register file: fill the coordinates of rows that have none, and write the register back."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from geo.geocode.batch import geocode_addresses
from geo.place.datum import to_wgs84
from geo.read.register import read_register
from geo.read.report import Report
from geo.write.tables import write_table

__all__ = ["geocode_register", "default_cache_path"]


def default_cache_path() -> Path:
    """``$KUNSHAN_HEATMAP_GEOCACHE`` or ``~/.cache/kunshan-heatmap/geocode.sqlite``: one cache for every
    batch, so an interrupted or failed batch resumes where it stopped."""
    configured = os.environ.get("KUNSHAN_HEATMAP_GEOCACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "kunshan-heatmap" / "geocode.sqlite"


def geocode_register(source: str | Path, output: str | Path, *, provider: str = "offline", sheet: str | None = None,
                     datum: str = "wgs84", cache_path: str | Path | None = None,
                     expected_precision: str | None = None, progress: bool = True) -> tuple[pd.DataFrame, Report]:
    """Geocode the rows of a register that have no coordinates, by their address (else their town).

    Writes ``output`` (.csv, UTF-8 with BOM, or .xlsx) atomically: every accepted row of the register
    with WGS-84 ``lon``/``lat`` (rows given coordinates are converted from their datum), ``datum``
    "wgs84", ``precision``, ``location_source``, ``geocode_status`` (given / ok / not_found / ambiguous
    / outside / failed), ``review`` and ``geocode_error``. Rejected rows stay in the report.

    Returns the written table and the register's report.
    """
    output = Path(output)
    if output.suffix.casefold() not in (".csv", ".xlsx"):
        raise ValueError(f"{output}: geocode writes .csv or .xlsx, not {output.suffix!r}")
    register = read_register(source, sheet=sheet, datum=datum)
    table = to_wgs84(register.table.assign(datum=register.table["datum"].astype(object)))
    has_xy = table["lon"].notna() & table["lat"].notna()
    query = table["address"].fillna(table["town"]).where(~has_xy)
    asked = query.dropna()
    found = geocode_addresses(asked, provider, cache_path=cache_path or default_cache_path(),
                              expected_precision=expected_precision, progress=progress)
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
    result.loc[nothing, "geocode_error"] = "no address or town to geocode / 没有地址或镇名"
    result = result.drop(columns=["row"])
    write_table(result, output)
    return result, register.report
