"""Park records to points in Kunshan: given coordinates, else the host town or zone, with a precision."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.place.datum import DatumWarning, to_wgs84
from geo.place.gazetteer import CITY, PRECISION_RADIUS_M, kunshan_gazetteer, kunshan_outline, match_places
from geo.place.offline import geocode_offline
from geo.read.register import Register

__all__ = ["locate_parks"]


_DATUM_LABELS = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}


def _found_place(found: pd.DataFrame) -> pd.Series:
    """Gazetteer name of each address :func:`geo.geocode_offline` placed (NA where it did not)."""
    return found["source"].str.removeprefix("gazetteer:").where(found["status"].eq("ok")).astype("string")


def _unswapped(table: pd.DataFrame, has_xy: pd.Series, outline: gpd.GeoDataFrame):
    """The table with lon/lat exchanged where only the exchanged point lies in (or within 3 km of)
    the outline, and the mask of those rows."""
    wide = outline.to_crs("EPSG:32651").buffer(3000).to_crs("EPSG:4326").union_all()
    lon, lat = table["lon"].to_numpy(dtype="float64", na_value=np.nan), table["lat"].to_numpy(dtype="float64",
                                                                                                  na_value=np.nan)
    swapped = (has_xy.to_numpy() & ~shapely.contains_xy(wide, lon, lat) & shapely.contains_xy(wide, lat, lon))
    if not swapped.any():
        return table, pd.Series(swapped, index=table.index)
    table = table.copy()
    table.loc[swapped, ["lon", "lat"]] = np.column_stack([lat[swapped], lon[swapped]])
    return table, pd.Series(swapped, index=table.index)


def _to_wgs84(table: pd.DataFrame) -> pd.DataFrame:
    """Coordinates converted from each row's datum; the given ones kept in lon_input/lat_input/datum_input."""
    declared = table["datum"] if "datum" in table.columns else pd.Series(pd.NA, index=table.index, dtype="string")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DatumWarning)  # such points are outside Kunshan: rejected with their row
        converted = to_wgs84(table.assign(datum=declared.astype(object).where(declared.notna(), None)))
    return converted.assign(datum_input=declared, datum="wgs84")


def locate_parks(register: Register, *, gazetteer: gpd.GeoDataFrame | None = None,
                 outline: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Give every accepted row of a register a point (EPSG:4326) and a precision.

    * ``lon``/``lat`` given: converted from the row's datum (``datum`` column) to WGS-84, then precision
      ``exact`` (or the row's ``precision``, e.g. ``town`` for a geocoded register); a point outside ``outline`` after conversion is rejected. Longitude and latitude given
      the wrong way round (the swapped point is in Kunshan, the given one is not) are swapped, with a warning.
    * else the ``town`` column names a town or zone of the gazetteer: precision ``town`` (or ``zone``
      for a zone covering several towns); an unknown name is rejected.
    * else the ``address`` names one (read by :func:`geo.geocode_offline`): the same; an address naming
      a place outside Kunshan, or several towns, is rejected.
    * else: precision ``city`` at the city seat, with a warning (position within Kunshan unknown).

    Adds columns ``host`` (gazetteer name), ``precision``, ``uncertainty_m`` (display radius, m),
    ``located_by`` (coordinates / town / address / none), ``lon_input``/``lat_input``/``datum_input``
    (coordinates as given); ``lon``/``lat`` become WGS-84 and ``datum`` "wgs84". Rejections and warnings go into
    ``register.report``; the register's table is not changed.
    """
    gazetteer = kunshan_gazetteer() if gazetteer is None else gazetteer
    outline = kunshan_outline() if outline is None else outline.to_crs("EPSG:4326")
    table = register.table
    places = gazetteer.set_index("name")
    has_xy = table["lon"].notna() & table["lat"].notna()
    table, swapped = _unswapped(table, has_xy, outline)
    register.report.add_warnings(pd.DataFrame({
        "row": table.loc[swapped, "row"], "column": register.column_of("lon"),
        "value": table.loc[swapped, "lat"].astype("string") + ", " + table.loc[swapped, "lon"].astype("string"),
        "message": "longitude and latitude were swapped; read the other way round / 经纬度颠倒，已互换"}))
    table = _to_wgs84(table)

    named = match_places(table["town"], gazetteer)
    by_town = geocode_offline(table["town"].where(named.isna()), gazetteer)  # e.g. 昆山市张浦镇 names 张浦镇
    named = named.fillna(_found_place(by_town).where(by_town["precision"].ne("city")))
    by_address = geocode_offline(table["address"].where(~has_xy & table["town"].isna()), gazetteer)
    host = named.fillna(_found_place(by_address))
    located_by = pd.Series(np.select([has_xy, named.notna(), host.notna()], ["coordinates", "town", "address"],
                                     "none"), index=table.index, dtype="string")
    host = host.fillna(CITY).where(~has_xy | host.notna())

    seat = places.loc[host.fillna(CITY).astype(str)]
    x = table["lon"].where(has_xy, seat.geometry.x.to_numpy())
    y = table["lat"].where(has_xy, seat.geometry.y.to_numpy())
    given = table["precision"] if "precision" in table.columns else pd.Series(pd.NA, index=table.index)
    exact = given.fillna("exact").astype("string")  # coordinates are exact unless the file says (geocoded)
    precision = pd.Series(np.where(has_xy, exact, seat["precision"].to_numpy()), index=table.index,
                          dtype="string")
    uncertainty = pd.Series(np.where(has_xy, exact.map(PRECISION_RADIUS_M).astype("float64"),
                                     seat["uncertainty_m"].to_numpy()), index=table.index)

    unknown_town = ~has_xy & table["town"].notna() & named.isna()
    bad_address = by_address["status"].isin(["outside", "ambiguous"]).to_numpy()
    inside = shapely.contains_xy(outline.union_all(), x.to_numpy(), y.to_numpy())
    outside = has_xy & ~inside
    known = ", ".join(gazetteer.loc[gazetteer["kind"] != "city", "name"])
    problems = pd.concat([
        pd.DataFrame({"row": table.loc[unknown_town, "row"], "column": register.column_of("town"),
                      "value": table.loc[unknown_town, "town"],
                      "reason": f"unknown town or zone (known: {known}) / 未知的镇或板块"}),
        pd.DataFrame({"row": table.loc[outside, "row"], "column": register.column_of("lon"),
                      "value": table.loc[outside, "lon_input"].astype("string") + ", "
                      + table.loc[outside, "lat_input"].astype("string"),
                      "reason": ("point outside the Kunshan county outline (lon, lat as given, "
                                 + table.loc[outside, "datum_input"].fillna("wgs84").map(_DATUM_LABELS)
                                 + ") / 坐标不在昆山市范围内")}),
    ], ignore_index=True)
    city_level = ~has_xy & host.eq(CITY) & ~unknown_town & located_by.eq("none") & ~bad_address
    register.report.add_warnings(pd.DataFrame({
        "row": table.loc[city_level, "row"], "column": register.column_of("town"), "value": None,
        "message": "no coordinates, town or address: placed at city level, position within Kunshan unknown "
                   "/ 无坐标、镇或地址：按市级示意定位"}))
    problems = pd.concat([problems, pd.DataFrame({
        "row": table.loc[bad_address, "row"], "column": register.column_of("address"),
        "value": table.loc[bad_address, "address"],
        "reason": by_address.loc[bad_address, "status"].map({
            "outside": "the address names a place outside Kunshan / 地址不在昆山市",
            "ambiguous": "the address names several towns or zones / 地址含多个镇或板块"})
        + " (" + by_address.loc[bad_address, "matched"].fillna("") + ")"})], ignore_index=True)
    register.report.add_rejected(problems)

    parks = gpd.GeoDataFrame(
        table.assign(host=host, precision=precision, uncertainty_m=uncertainty, located_by=located_by),
        geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")
    return parks[~(unknown_town | outside | bad_address)].reset_index(drop=True)
