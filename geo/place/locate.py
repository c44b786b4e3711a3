"""Park records to points in the county: given coordinates, else the host town or zone, with a precision."""

from __future__ import annotations

import copy
import warnings
from typing import Literal, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analyse.areas import town_areas
from geo.place.datum import DatumWarning, to_wgs84
from geo.place.datum_hint import datum_hints
from geo.place.gazetteer import CITY, kunshan_gazetteer, kunshan_outline, match_places
from geo.place.offline import geocode_offline
from geo.read.register import Register
from geo.read.report import Report
from geo.registry import datums, load_json, precisions

__all__ = ["locate_parks", "Located", "OUTSIDE_POLICIES"]

#: What :func:`locate_parks` does with a point outside the county outline when the row names a town:
#: ``town`` keeps the park at its town (town precision) with a warning, ``reject`` rejects the row.
OUTSIDE_POLICIES = ("town", "reject")

_SWAPPED = "longitude and latitude were swapped; read the other way round / 经纬度颠倒，已互换"


class Located(NamedTuple):
    """What :func:`locate_parks` gives: the located parks, and the register's report with what locating found."""

    parks: gpd.GeoDataFrame
    report: Report


def locate_parks(register: Register, *, gazetteer: gpd.GeoDataFrame | None = None,
                 outline: gpd.GeoDataFrame | None = None, areas: gpd.GeoDataFrame | None = None,
                 outside: Literal["town", "reject"] = "town") -> Located:
    """Give every accepted row of a register a point (EPSG:4326) and a precision.

    * ``lon``/``lat`` given: converted from the row's datum (``datum`` column) to WGS-84, then precision
      ``exact`` (or the row's ``precision``, e.g. ``town`` for a geocoded register). Longitude and latitude
      given the wrong way round (the swapped point is in the county, the given one is not) are swapped, with
      a warning. When the ``town`` column names a town or zone, that stays the park's ``host`` (the town of
      card, filter and totals); a point in another town's schematic area (``areas``) is kept where it is, with
      a warning naming both (a zone and a town it covers or lies in are no conflict).
    * a point outside ``outline`` after conversion is rejected, unless the row names a town and ``outside``
      is ``"town"``: then the park is placed at its town like a park without coordinates, with a warning.
    * else the ``town`` column names a town or zone of the gazetteer: precision ``town`` (or ``zone``
      for a zone covering several towns); an unknown name is rejected.
    * else the ``address`` names one (read by :func:`geo.geocode_offline`): the same; an address naming
      a place outside the county, or several towns, is rejected.
    * else: precision ``city`` at the city seat, with a warning (position within the county unknown).

    Parameters
    ----------
    register : the register read by :func:`geo.read_register`; not changed.
    gazetteer, outline, areas : the places, the county outline and the schematic town areas
        (:func:`geo.kunshan_gazetteer`, :func:`geo.kunshan_outline`, :func:`geo.town_areas` when None).
    outside : failure policy for a point outside the outline in a row that names a town, one of
        :data:`OUTSIDE_POLICIES`: ``"town"`` (keep the park at its town, warn) or ``"reject"``.

    Returns
    -------
    Located
        ``parks``: the accepted rows, with columns ``host`` (gazetteer name), ``precision``, ``uncertainty_m``
        (display radius, m), ``located_by`` (coordinates / town / address / none), ``lon_input``/``lat_input``/
        ``datum_input`` (coordinates as given); ``lon``/``lat`` in WGS-84 (empty for a park placed at its
        town) and ``datum`` "wgs84".
        ``report``: a copy of ``register.report`` with the rows rejected and the warnings found here.
        The register itself (table and report) is not changed.
    """
    if outside not in OUTSIDE_POLICIES:
        raise ValueError(f"outside={outside!r} is not one of {', '.join(map(repr, OUTSIDE_POLICIES))}")
    gazetteer = kunshan_gazetteer() if gazetteer is None else gazetteer
    outline = kunshan_outline() if outline is None else outline.to_crs("EPSG:4326")
    has_xy = given = register.table["lon"].notna() & register.table["lat"].notna()
    table, swapped = _unswapped(register.table, has_xy, outline)
    table = _to_wgs84(table)
    host, located_by, by_address = _hosts(table, has_xy, gazetteer)
    points = _points(table, has_xy, host, gazetteer)
    beyond = has_xy & ~shapely.contains_xy(outline.union_all(), points["lon"].to_numpy(), points["lat"].to_numpy())
    moved = beyond & host.notna() & host.ne(CITY) & (outside == "town")
    if moved.any():  # placed at the town the row names, like a park without coordinates
        table, has_xy = table.assign(lon=table["lon"].mask(moved), lat=table["lat"].mask(moved)), has_xy & ~moved
        located_by, points = located_by.mask(moved, "town"), _points(table, has_xy, host, gazetteer)
    areas = town_areas(gazetteer, outline) if areas is None else areas
    unknown_town = ~has_xy & ~moved & table["town"].notna() & located_by.ne("town")
    bad_address = by_address["status"].isin(["outside", "ambiguous"])
    flags = pd.DataFrame({
        "swapped": swapped, "unknown_town": unknown_town, "outside": beyond & ~moved, "moved": moved,
        "bad_address": bad_address,
        "city_level": ~has_xy & host.eq(CITY) & ~unknown_town & located_by.eq("none") & ~bad_address,
    })
    parks = gpd.GeoDataFrame(
        table.assign(host=host, precision=points["precision"], uncertainty_m=points["uncertainty_m"],
                     located_by=located_by),
        geometry=gpd.points_from_xy(points["lon"], points["lat"]), crs="EPSG:4326")
    cell = _other_cell(parks, has_xy & host.notna() & host.ne(CITY), areas, gazetteer)
    report = _report(register, table.assign(host=host), flags, by_address, gazetteer)
    report.add_warnings(_town_kept(register, table, host, cell))
    if given.any():
        report.add_warnings(datum_hints(table, given, host, outline, areas, register.column_of("lon")))
    return Located(parks[~(unknown_town | flags["outside"] | bad_address)].reset_index(drop=True), report)


def _report(register: Register, table: pd.DataFrame, flags: pd.DataFrame, by_address: pd.DataFrame,
            gazetteer: gpd.GeoDataFrame) -> Report:
    """A copy of the register's report with the warnings and rejections that ``flags`` mark (a mask per case)."""
    city = gazetteer.loc[gazetteer["kind"].eq("city")].iloc[0]
    column = register.column_of
    report = copy.deepcopy(register.report)
    report.add_warnings(pd.concat([
        _entries(table, flags["swapped"], column("lon"),
                 table["lat_input"].astype("string") + ", " + table["lon_input"].astype("string"), _SWAPPED, "message"),
        _entries(table, flags["moved"], column("lon"), _given_point(table),
                 _moved_message(table, city), "message"),
        _entries(table, flags["city_level"], column("town"), None,
                 "no coordinates, town or address: placed at city level, position within "
                 f"{city['name_en']} unknown / 无坐标、镇或地址：按市级示意定位", "message"),
    ], ignore_index=True))
    known = ", ".join(gazetteer.loc[gazetteer["kind"] != "city", "name"])
    report.add_rejected(pd.concat([
        _entries(table, flags["unknown_town"], column("town"), table["town"],
                 f"unknown town or zone (known: {known}) / 未知的镇或板块", "reason"),
        _entries(table, flags["outside"], column("lon"), _given_point(table), _outside_reason(table, city),
                 "reason"),
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


def _given_point(table: pd.DataFrame) -> pd.Series:
    """``lon, lat`` as the register gives them (before any datum conversion)."""
    return table["lon_input"].astype("string") + ", " + table["lat_input"].astype("string")


def _outside_reason(table: pd.DataFrame, city: pd.Series) -> pd.Series:
    labels = datums()["label"]
    return (f"point outside the {city['name_en']} county outline (lon, lat as given, "
            + table["datum_input"].fillna("wgs84").map(labels) + f") / 坐标不在{city['name']}范围内")


def _moved_message(table: pd.DataFrame, city: pd.Series) -> pd.Series:
    """Warning of a park placed at its town because its point lies outside the outline."""
    host = table["host"].astype("string")
    labels = datums()["label"]
    return ("point " + _given_point(table) + " (lon, lat as given, " + table["datum_input"].fillna("wgs84").map(labels)
            + f") lies outside the {city['name_en']} county outline; the park is placed at the register's town "
            + host + ", as a park without coordinates / 坐标" + _given_point(table) + f"不在{city['name']}范围内，按登记的"
            + host + "示意定位")


def _address_reason(by_address: pd.DataFrame, city: pd.Series) -> pd.Series:
    return by_address["status"].map({
        "outside": f"the address names a place outside {city['name_en']} / 地址不在{city['name']}",
        "ambiguous": "the address names several towns or zones / 地址含多个镇或板块",
    }) + " (" + by_address["matched"].fillna("") + ")"


def _other_cell(parks: gpd.GeoDataFrame, named: pd.Series, areas: gpd.GeoDataFrame,
                gazetteer: gpd.GeoDataFrame) -> pd.Series:
    """The schematic area a park's point lies in, where that is another town than the ``host`` the register
    names (``named``: rows with coordinates and a named town); NA elsewhere. A zone and a town it covers or
    lies in are no conflict (昆山旅游度假区 and 锦溪镇; 昆山高新区 and 玉山镇)."""
    cells = areas[["name", "geometry"]].rename(columns={"name": "cell"}).to_crs(parks.crs)
    found = gpd.sjoin(parks.loc[named, ["host", "geometry"]], cells, how="left", predicate="within")
    found = found[~found.index.duplicated(keep="first")]
    pairs = _same_place_pairs(gazetteer)
    same = pd.MultiIndex.from_arrays([found["host"].astype(str), found["cell"].astype(str)]).isin(pairs)
    clash = found["cell"].notna() & found["cell"].ne(found["host"]) & ~same
    return found["cell"].where(clash).astype("string").reindex(parks.index)


def _same_place_pairs(gazetteer: gpd.GeoDataFrame) -> pd.MultiIndex:
    """(host, cell) pairs that name one place: a zone and each town it covers (gazetteer ``covers``) or lies in
    (``within`` of the zone registry, kunshan_zones.json), both ways round."""
    covers = gazetteer[["name", "covers"]].explode("covers").dropna()
    within = pd.DataFrame([(z["name"], z["within"]) for z in load_json("kunshan_zones.json")["zones"]
                           if z.get("within")], columns=["name", "covers"])
    pairs = pd.concat([covers, within], ignore_index=True).astype(str)
    both = pd.concat([pairs, pairs.rename(columns={"name": "covers", "covers": "name"})])
    return pd.MultiIndex.from_frame(both[["name", "covers"]])


def _town_kept(register: Register, table: pd.DataFrame, host: pd.Series, cell: pd.Series) -> pd.DataFrame:
    """Warnings of the parks whose point lies in another town's schematic area than the register's town."""
    return _entries(table, cell.notna(), register.column_of("town"), table["town"],
                    "point lies in " + cell + "'s schematic area; the register's town " + host.astype("string")
                    + " is kept / 坐标位于" + cell + "示意范围内，保留登记的" + host.astype("string"), "message")


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
