"""The columns a map of parks reads, and a user's own GeoDataFrame completed with their defaults.

:func:`geo.load_parks` gives every column. A frame made by hand needs point geometry and a ``name``; every other
column of :data:`PARK_COLUMNS` is optional and takes its default (``geo.parks_from_frame`` instead reads a frame
like a register file: header aliases, units, checks and a report).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analyse.join import join_parks, join_registries
from geo.registry import sectors

__all__ = ["PARK_COLUMNS", "REQUIRED", "complete_parks", "require_columns", "SchemaWarning"]

#: (column, type, default, meaning) of every column a park map reads; ``required`` for the default "—".
PARK_COLUMNS = (
    ("geometry", "Point (any CRS; none: EPSG:4326 degrees)", "—", "where the park is"),
    ("name", "text", "—", "the park's name (cards, search, tooltips)"),
    ("id", "text", "`r<row>`", "stable id for links and the page API (letters, digits, `_ . -`)"),
    ("row", "int", "1, 2, ...", "row number, for ids and messages"),
    ("name_en", "text", "NA", "English name"),
    ("name_zh_hant", "text", "NA", "繁體 name"),
    ("sector", "sector code", "`other`", "a code of `kunshan-heatmap sectors` (colour, layer, filter)"),
    ("sector_label", "text", "NA", "the label of a sector no registry entry knows (kept under `other`)"),
    ("status", "status code", "NA", "certified, cultivation, groundbreaking, ..."),
    ("year", "Int64", "NA", "year of certification or groundbreaking (time slider)"),
    ("investment", "float, 亿元", "NaN", "total investment (heat weight, filter, totals)"),
    ("floor_area", "float, 万㎡", "NaN", "floor area"),
    ("land", "float, 亩", "NaN", "land area"),
    ("output", "float, 亿元", "NaN", "expected annual output"),
    ("available", "float, 万㎡", "NaN", "space on offer (opportunities view)"),
    ("precision", "exact, road, town, zone, city", "`exact`", "how well the point is known (marker style)"),
    ("uncertainty_m", "float, m", "0", "radius drawn around an approximate point"),
    ("host", "town or zone name", "NA", "the register's town (card, filter, totals)"),
    ("area", "town or zone name", "the area the point lies in", "the schematic area of the totals"),
)
#: Columns a frame must have.
REQUIRED = ("geometry", "name")
_FIGURES = ("investment", "floor_area", "land", "output", "available")
_FIELDS = ("sector", "status", "year", *_FIGURES)


class SchemaWarning(UserWarning):
    """A user's frame carries none of the columns that give a park map its content."""


def complete_parks(parks: gpd.GeoDataFrame, areas: gpd.GeoDataFrame | None = None, *,
                   required: tuple[str, ...] = REQUIRED) -> gpd.GeoDataFrame:
    """``parks`` with every column of :data:`PARK_COLUMNS` (defaults where missing), in EPSG:4326, joined to the
    sector and status registries (``sector_zh``, ``sector_colour``, ...) and, when ``areas`` are given, to the area
    each point lies in (:func:`geo.analyse.join.join_parks`). A frame from :func:`geo.load_parks` comes back
    unchanged.

    Raises ValueError naming the ``required`` columns missing (a map's computation needs only the geometry; a page
    also the name), or the geometry types that are not points. Warns
    (:class:`SchemaWarning`) when none of sector, status, year and the figures is there, naming the columns that are.

    >>> parks = gpd.GeoDataFrame({"name": ["甲园"], "year": [2023]}, geometry=gpd.points_from_xy([120.98], [31.38]))
    >>> complete_parks(parks)[["name", "sector", "precision", "sector_colour"]].values.tolist()
    [['甲园', 'other', 'exact', '#4d4d4d']]
    """
    if "sector_colour" in parks.columns and "precision" in parks.columns:
        return parks
    present = require_columns(parks, required)
    parks = _in_degrees(parks)
    if "name" in parks.columns and not any(c in parks.columns for c in _FIELDS):
        warnings.warn(f"parks: no sector, status, year or figure column ({', '.join(_FIELDS)}) among "
                      f"{', '.join(map(str, present))}: every park is drawn alike; rename them, or read the frame "
                      f"with geo.parks_from_frame, which knows the register headers", SchemaWarning, stacklevel=3)
    n = len(parks)
    defaults = {"row": np.arange(1, n + 1), "sector": "other", "precision": "exact", "uncertainty_m": 0.0}
    filled = parks.assign(**{c: v for c, v in defaults.items() if c not in parks.columns})
    text = ["id", "name_en", "name_zh_hant", "sector_label", "status", "host", *(["area"] if areas is None else [])]
    filled = filled.assign(**{c: pd.Series(pd.NA, index=parks.index, dtype="string") for c in text
                              if c not in parks.columns},
                           **{c: np.nan for c in _FIGURES if c not in parks.columns})
    if "year" not in filled.columns:
        filled["year"] = pd.Series(pd.NA, index=parks.index, dtype="Int64")
    filled["sector"] = filled["sector"].astype("string").fillna("other")
    joined = join_registries(filled) if areas is None else join_parks(filled, areas)
    return joined.assign(sector_colour=joined["sector_colour"].fillna(sectors().loc["other", "colour"]))


def require_columns(parks: pd.DataFrame, required: tuple[str, ...] = REQUIRED) -> list[str]:
    """The frame's columns but its geometry; a ValueError naming the ``required`` ones it lacks and those it has."""
    present = [c for c in parks.columns if c != getattr(parks, "_geometry_column_name", None)]
    missing = [c for c in required if (c == "geometry" and not isinstance(parks, gpd.GeoDataFrame)) or
               (c != "geometry" and c not in parks.columns)]
    if missing:
        raise ValueError(f"parks: missing required column(s) {', '.join(missing)}; columns: "
                         f"{', '.join(map(str, present))} (a park map needs point geometry and a name; "
                         f"geo.parks_from_frame reads other headers)")
    return present


def _in_degrees(parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Point parks in EPSG:4326 (a frame without CRS is taken as degrees when its points fit lon/lat)."""
    kinds = set(parks.geometry.dropna().geom_type)
    if kinds - {"Point"}:
        raise ValueError(f"parks: the geometry must be points, not {', '.join(sorted(kinds - {'Point'}))} "
                         f"(use .representative_point() or .centroid)")
    if parks.crs is None:
        west, south, east, north = parks.total_bounds if len(parks) else (0, 0, 0, 0)
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValueError("parks: no CRS and the points are not longitude/latitude degrees; set_crs() first")
        return parks.set_crs("EPSG:4326")
    return parks if parks.crs.to_epsg() == 4326 else parks.to_crs("EPSG:4326")
