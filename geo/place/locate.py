"""Park records to points in the county: given coordinates, else the host town or zone, with a precision."""

from __future__ import annotations

import copy
import warnings
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.place.datum import DatumWarning, to_wgs84
from geo.place.gazetteer import CITY, kunshan_gazetteer, kunshan_outline, match_places
from geo.place.offline import geocode_offline
from geo.read.register import Register
from geo.read.report import Report
from geo.registry import datums, precisions

__all__ = ["locate_parks", "Located"]

_SWAPPED = "longitude and latitude were swapped; read the other way round / 经纬度颠倒，已互换"


class Located(NamedTuple):
    """What :func:`locate_parks` gives: the located parks, and the register's report with what locating found."""

    parks: gpd.GeoDataFrame
    report: Report


def locate_parks(register: Register, *, gazetteer: gpd.GeoDataFrame | None = None,
                 outline: gpd.GeoDataFrame | None = None) -> Located:
    """Give every accepted row of a register a point (EPSG:4326) and a precision.

    * ``lon``/``lat`` given: converted from the row's datum (``datum`` column) to WGS-84, then precision
      ``exact`` (or the row's ``precision``, e.g. ``town`` for a geocoded register); a point outside ``outline``
      after conversion is rejected. Longitude and latitude given the wrong way round (the swapped point is in
      the county, the given one is not) are swapped, with a warning.
    * else the ``town`` column names a town or zone of the gazetteer: precision ``town`` (or ``zone``
      for a zone covering several towns); an unknown name is rejected.
    * else the ``address`` names one (read by :func:`geo.geocode_offline`): the same; an address naming
      a place outside the county, or several towns, is rejected.
    * else: precision ``city`` at the city seat, with a warning (position within the county unknown).

    Returns
    -------
    Located
        ``parks``: the accepted rows, with columns ``host`` (gazetteer name), ``precision``, ``uncertainty_m``
        (display radius, m), ``located_by`` (coordinates / town / address / none), ``lon_input``/``lat_input``/
        ``datum_input`` (coordinates as given); ``lon``/``lat`` in WGS-84 and ``datum`` "wgs84".
        ``report``: a copy of ``register.report`` with the rows rejected and the warnings found here.
        The register itself (table and report) is not changed.
    """
    gazetteer = kunshan_gazetteer() if gazetteer is None else gazetteer
    outline = kunshan_outline() if outline is None else outline.to_crs("EPSG:4326")
    has_xy = register.table["lon"].notna() & register.table["lat"].notna()
    table, swapped = _unswapped(register.table, has_xy, outline)
    table = _to_wgs84(table)
    host, located_by, by_address = _hosts(table, has_xy, gazetteer)
    points = _points(table, has_xy, host, gazetteer)
    outside = has_xy & ~shapely.contains_xy(outline.union_all(), points["lon"].to_numpy(), points["lat"].to_numpy())
    unknown_town = ~has_xy & table["town"].notna() & located_by.ne("town")
    bad_address = by_address["status"].isin(["outside", "ambiguous"])
    flags = pd.DataFrame({
        "swapped": swapped, "unknown_town": unknown_town, "outside": outside, "bad_address": bad_address,
        "city_level": ~has_xy & host.eq(CITY) & ~unknown_town & located_by.eq("none") & ~bad_address,
    })
    parks = gpd.GeoDataFrame(
        table.assign(host=host, precision=points["precision"], uncertainty_m=points["uncertainty_m"],
                     located_by=located_by),
        geometry=gpd.points_from_xy(points["lon"], points["lat"]), crs="EPSG:4326")
    return Located(parks[~(unknown_town | outside | bad_address)].reset_index(drop=True),
                   _report(register, table, flags, by_address, gazetteer))


def _report(register: Register, table: pd.DataFrame, flags: pd.DataFrame, by_address: pd.DataFrame,
            gazetteer: gpd.GeoDataFrame) -> Report:
    """A copy of the register's report with the warnings and rejections that ``flags`` mark (a mask per case)."""
    city = gazetteer.loc[gazetteer["kind"].eq("city")].iloc[0]
    column = register.column_of
    report = copy.deepcopy(register.report)
    report.add_warnings(pd.concat([
        _entries(table, flags["swapped"], column("lon"),
                 table["lat_input"].astype("string") + ", " + table["lon_input"].astype("string"), _SWAPPED, "message"),
        _entries(table, flags["city_level"], column("town"), None,
                 "no coordinates, town or address: placed at city level, position within "
                 f"{city['name_en']} unknown / 无坐标、镇或地址：按市级示意定位", "message"),
    ], ignore_index=True))
    known = ", ".join(gazetteer.loc[gazetteer["kind"] != "city", "name"])
    report.add_rejected(pd.concat([
        _entries(table, flags["unknown_town"], column("town"), table["town"],
                 f"unknown town or zone (known: {known}) / 未知的镇或板块", "reason"),
        _entries(table, flags["outside"], column("lon"),
                 table["lon_input"].astype("string") + ", " + table["lat_input"].astype("string"),
                 _outside_reason(table, city), "reason"),
        _entries(table, flags["bad_address"], column("address"), table["address"],
                 _address_reason(by_address, city), "reason"),
    ], ignore_index=True))
    return report


def _entries(table: pd.DataFrame, mask: pd.Series, column: str, value, text, key: str) -> pd.DataFrame:
    """Report entries (row, column, value, ``key``) of the rows in ``mask``; ``value`` and ``text`` are
    Series indexed like ``table`` or one value for every row."""
    def chosen(item):
        return item[mask] if isinstance(item, pd.Series) else item

    return pd.DataFrame({"row": table.loc[mask, "row"], "column": column, "value": chosen(value),
                         key: chosen(text)})


def _outside_reason(table: pd.DataFrame, city: pd.Series) -> pd.Series:
    labels = datums()["label"]
    return (f"point outside the {city['name_en']} county outline (lon, lat as given, "
            + table["datum_input"].fillna("wgs84").map(labels) + f") / 坐标不在{city['name']}范围内")


def _address_reason(by_address: pd.DataFrame, city: pd.Series) -> pd.Series:
    return by_address["status"].map({
        "outside": f"the address names a place outside {city['name_en']} / 地址不在{city['name']}",
        "ambiguous": "the address names several towns or zones / 地址含多个镇或板块",
    }) + " (" + by_address["matched"].fillna("") + ")"


def _found_place(found: pd.DataFrame) -> pd.Series:
    """Gazetteer name of each address :func:`geo.geocode_offline` placed (NA where it did not)."""
    return found["source"].str.removeprefix("gazetteer:").where(found["status"].eq("ok")).astype("string")


def _hosts(table: pd.DataFrame, has_xy: pd.Series, gazetteer: gpd.GeoDataFrame):
    """Host place of each row (the city where nothing names one; NA for coordinates outside every place),
    how it was found (coordinates / town / address / none), and what the address reading found."""
    named = match_places(table["town"], gazetteer)
    by_town = geocode_offline(table["town"].where(named.isna()), gazetteer)  # e.g. 昆山市张浦镇 names 张浦镇
    named = named.fillna(_found_place(by_town).where(by_town["precision"].ne("city")))
    by_address = geocode_offline(table["address"].where(~has_xy & table["town"].isna()), gazetteer)
    host = named.fillna(_found_place(by_address))
    located_by = pd.Series(np.select([has_xy, named.notna(), host.notna()], ["coordinates", "town", "address"],
                                     "none"), index=table.index, dtype="string")
    return host.fillna(CITY).where(~has_xy | host.notna()), located_by, by_address


def _points(table: pd.DataFrame, has_xy: pd.Series, host: pd.Series, gazetteer: gpd.GeoDataFrame) -> pd.DataFrame:
    """lon, lat (degrees), precision and uncertainty_m (m) of each row: its coordinates, else its host's seat."""
    seat = gazetteer.set_index("name").loc[host.fillna(CITY).astype(str)]
    given = table["precision"] if "precision" in table.columns else pd.Series(pd.NA, index=table.index)
    exact = given.fillna("exact").astype("string")  # coordinates are exact unless the file says (geocoded)
    return pd.DataFrame({
        "lon": table["lon"].where(has_xy, seat.geometry.x.to_numpy()),
        "lat": table["lat"].where(has_xy, seat.geometry.y.to_numpy()),
        "precision": pd.Series(np.where(has_xy, exact, seat["precision"].to_numpy()), index=table.index,
                               dtype="string"),
        "uncertainty_m": pd.Series(np.where(has_xy, exact.map(precisions()["radius_m"]).astype("float64"),
                                            seat["uncertainty_m"].to_numpy()), index=table.index),
    }, index=table.index)


def _unswapped(table: pd.DataFrame, has_xy: pd.Series, outline: gpd.GeoDataFrame):
    """The table with lon/lat exchanged where only the exchanged point lies in (or within 3 km of)
    the outline, and the mask of those rows."""
    wide = outline.to_crs("EPSG:32651").buffer(3000).to_crs("EPSG:4326").union_all()
    lon = table["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = table["lat"].to_numpy(dtype="float64", na_value=np.nan)
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
        warnings.simplefilter("ignore", DatumWarning)  # such points are outside the county: rejected with their row
        converted = to_wgs84(table.assign(datum=declared.astype(object).where(declared.notna(), None)))
    return converted.assign(datum_input=declared, datum="wgs84")
