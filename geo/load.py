"""The embedded Kunshan default: outline, gazetteer, areas, the 27 public parks and programme figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd

from geo.analyse.areas import town_areas
from geo.analyse.join import join_parks
from geo.place.gazetteer import kunshan_gazetteer, kunshan_outline
from geo.place.locate import locate_parks
from geo.read.register import read_register
from geo.read.report import Report
from geo.registry import data_path, load_json

__all__ = ["Parks", "load_parks", "parks_from_frame", "kunshan_default", "default_register_path", "programme"]


@dataclass
class Parks:
    """Everything a map needs: located and joined parks, schematic areas, outline, row report."""

    parks: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    report: Report


def default_register_path() -> Path:
    """Path of the embedded register of 27 parks named in public reports (see PROVENANCE.md)."""
    return Path(str(data_path("kunshan_parks_public.csv")))


def programme() -> dict:
    """The programme's published figures and 2025 targets, with their sources."""
    return load_json("kunshan_programme.json")


def load_parks(source: str | Path | pd.DataFrame, *, sheet: str | None = None, datum: str = "wgs84",
               outside: Literal["town", "reject"] = "town") -> Parks:
    """Read, locate and join a register (a file, or a DataFrame / GeoDataFrame read the same way) on the Kunshan
    gazetteer and outline.

    ``datum`` is the datum of the file's coordinates (see :func:`geo.read_register`); parks are WGS-84.
    ``outside``: what to do with a point outside the county outline in a row that names a town: keep the
    park at its town with a warning (``"town"``) or reject the row (``"reject"``); see :func:`geo.locate_parks`.

    >>> data = load_parks(default_register_path())
    >>> len(data.parks), data.parks.crs.to_epsg(), data.report.ok
    (27, 4326, True)
    """
    register = read_register(source, sheet=sheet, datum=datum)
    gazetteer, outline = kunshan_gazetteer(), kunshan_outline()
    areas = town_areas(gazetteer, outline)
    located = locate_parks(register, gazetteer=gazetteer, outline=outline, areas=areas, outside=outside)
    return Parks(parks=join_parks(located.parks, areas), areas=areas, outline=outline, report=located.report)


def parks_from_frame(frame: pd.DataFrame, *, datum: str = "wgs84",
                     outside: Literal["town", "reject"] = "town") -> Parks:
    """A user's own DataFrame or GeoDataFrame read like a register file (:func:`load_parks`): header aliases
    (主导产业, industry, 总投资, capex ...), units, checks and a report with every row accounted for. A GeoDataFrame
    in another CRS is converted; ``datum`` is that of its degrees (a Gaode frame: ``gcj02``).

    >>> import geopandas as gpd
    >>> frame = gpd.GeoDataFrame({"名称": ["甲园"], "industry": ["光电"], "capex": ["12亿元"]},
    ...                          geometry=gpd.points_from_xy([120.98], [31.38]), crs="EPSG:4326")
    >>> data = parks_from_frame(frame)
    >>> data.parks[["name", "sector", "investment", "precision"]].values.tolist()
    [['甲园', 'optoelectronics', 12.0, 'exact']]
    """
    return load_parks(frame, datum=datum, outside=outside)


def kunshan_default() -> Parks:
    """The embedded Kunshan default (27 public parks)."""
    return load_parks(default_register_path())
