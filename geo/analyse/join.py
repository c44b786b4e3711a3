"""Joins: parks with their schematic area (spatial join) and sector/status registries (merge); totals."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import pandas as pd

from geo.place.gazetteer import CITY
from geo.registry import sectors, statuses

__all__ = ["join_parks", "join_registries", "totals", "area_totals", "FIGURES"]

#: Figures that can be summed, with their base units.
FIGURES = {"investment": "亿元", "floor_area": "万㎡", "land": "亩", "output": "亿元"}


def join_parks(parks: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the schematic area of each park and the sector and status attributes of the registries.

    The register's town wins: a park whose ``host`` is a town or zone (located by town or address, or with
    coordinates and a town the register names) has that host as area, wherever its point lies
    (:func:`geo.locate_parks` warns where the point lies in another town's area); a zone covering several
    towns (昆山旅游度假区) is its own area (no single cell). A park with coordinates and no town named gets
    the area its point falls in (``sjoin``, predicate ``within``); one known only at city level has none
    (NA). Adds ``area``, ``sector_zh``, ``sector_en``, ``sector_colour``, ``status_zh``, ``status_en``; keeps
    the index and the CRS.
    """
    parks = parks.rename(columns={"area": "area (register)"})
    cells = areas[["name", "geometry"]].rename(columns={"name": "area"}).to_crs(parks.crs)
    joined = gpd.sjoin(parks, cells, how="left", predicate="within").drop(columns="index_right")
    joined = joined[~joined.index.duplicated(keep="first")]
    by_host = parks["host"].where(parks["host"].notna() & parks["host"].ne(CITY))
    joined["area"] = by_host.fillna(joined["area"]).astype("string").mask(parks["precision"].eq("city"))
    return join_registries(joined)


def join_registries(parks: pd.DataFrame) -> pd.DataFrame:
    """Add ``sector_zh``, ``sector_en``, ``sector_colour``, ``status_zh``, ``status_en`` from the registries (NA for
    an unknown code); a register column of one of those names is kept as ``<name> (register)``."""
    sector = sectors()[["zh", "en", "colour"]].add_prefix("sector_")
    status = statuses()[["zh", "en"]].add_prefix("status_")
    clashes = [c for c in [*sector.columns, *status.columns] if c in parks.columns]
    parks = parks.rename(columns={c: f"{c} (register)" for c in clashes})
    return parks.join(sector, on="sector").join(status, on="status")


def totals(parks: pd.DataFrame, by: Literal["area", "sector"] = "area") -> pd.DataFrame:
    """Per area or sector: parks (count), the sum of each figure (亿元, 万㎡, 亩; NaN when no park
    has it) and how many parks carry each figure (``<figure>_n``)."""
    grouped = parks.groupby(by, dropna=False, sort=True)
    sums = grouped[list(FIGURES)].sum(min_count=1)
    counts = grouped[list(FIGURES)].count().add_suffix("_n")
    result = pd.concat([grouped.size().rename("parks"), sums, counts], axis=1)
    return result.astype({"parks": "int64", **{f"{f}_n": "int64" for f in FIGURES}})


def area_totals(parks: pd.DataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The areas with their totals (every area listed, zero parks where none)."""
    per_area = totals(parks, "area")
    result = areas.join(per_area, on="name")
    counts = ["parks", *[f"{f}_n" for f in FIGURES]]
    result[counts] = result[counts].fillna(0).astype("int64")
    return result
