"""A hint when a register's coordinates look typed in another datum than declared (a Baidu picker's BD-09 declared
WGS-84 lands about 1.1 km north-east; Gaode's GCJ-02 about 470 m): the points fit the county and their own towns
better when read in the other datum. Whole-column: one conversion per datum tried."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.place.datum import DATUMS, DatumWarning, convert_by_datum
from geo.registry import datums

__all__ = ["datum_hints", "MIN_TOWN_POINTS", "TOWN_GAIN", "COUNTY_GAIN"]

#: Points with a town that must be given before their town fit counts, and the share of them that the other datum
#: must add inside their own town's area (0.2 = one point in five) for a hint; points it must bring into the county.
MIN_TOWN_POINTS, TOWN_GAIN, COUNTY_GAIN = 5, 0.2, 2


def _inside_own(lon: np.ndarray, lat: np.ndarray, host: pd.Series, areas: gpd.GeoDataFrame) -> np.ndarray:
    """True where the point lies in the schematic area of its row's host town."""
    shapes = host.map(dict(zip(areas["name"], areas.geometry))).to_numpy(dtype=object)
    known = pd.notna(shapes)
    inside = np.zeros(len(host), dtype=bool)
    inside[known] = shapely.contains_xy(np.array(list(shapes[known])), lon[known], lat[known])
    return inside


def datum_hints(typed: pd.DataFrame, given: pd.Series, host: pd.Series, outline: gpd.GeoDataFrame,
                areas: gpd.GeoDataFrame, column: str) -> pd.DataFrame:
    """File-level warnings (row, column, value, message) naming a datum the given points fit better.

    Parameters
    ----------
    typed : ``lon_input``/``lat_input`` (degrees, as typed) and ``datum_input`` (the declared datum code, NA for
        WGS-84) of every row.
    given : rows whose coordinates were given.
    host : each row's town or zone (gazetteer name; NA when none).
    outline, areas : the county outline and the schematic town areas (EPSG:4326).
    column : the header the coordinates came from, for the message.
    """
    lon, lat = typed["lon_input"].to_numpy(dtype="float64"), typed["lat_input"].to_numpy(dtype="float64")
    declared = typed["datum_input"].fillna("wgs84").astype(str).to_numpy()
    county, with_town = outline.union_all(), given.to_numpy() & host.isin(areas["name"]).to_numpy()
    fits = {}
    for code in DATUMS:
        with warnings.catch_warnings():  # points outside China stay as they are in every datum: no hint from them
            warnings.simplefilter("ignore", DatumWarning)
            x, y = convert_by_datum(lon, lat, pd.Series(code, index=typed.index), "wgs84")
        fits[code] = (shapely.contains_xy(county, x, y) & given.to_numpy(), _inside_own(x, y, host, areas) & with_town)
    chosen = [declared == code for code in DATUMS]
    as_declared = [np.select(chosen, [fits[code][k] for code in DATUMS], False) for k in (0, 1)]
    towns = int(with_town.sum())
    gains = {code: (int(fits[code][0].sum() - as_declared[0].sum()),
                    (fits[code][1].sum() - as_declared[1].sum()) / max(towns, 1))
             for code in DATUMS if not (declared == code).all()}
    fitting = {code: gain for code, gain in gains.items()
               if gain[0] >= COUNTY_GAIN or (towns >= MIN_TOWN_POINTS and gain[1] >= TOWN_GAIN)}
    found = []
    if fitting:  # the one datum that fits best: most points into the county, then into their towns
        code = max(fitting, key=fitting.get)
        found.append(_hint(code, *fitting[code], towns, column))
    return pd.DataFrame(found, columns=["row", "column", "value", "message"])


def _hint(code: str, county_gain: int, town_gain: float, towns: int, column: str) -> dict:
    label, used_by = datums().loc[code, ["label", "used_by"]]
    why = (f"{county_gain} more points would lie inside the county" if county_gain >= COUNTY_GAIN
           else f"{town_gain:.0%} more of the {towns} points with a town would lie in their own town")
    return {"row": None, "column": column, "value": None,
            "message": f"the coordinates fit better as {label} ({used_by.split(';')[0]}): {why}; if they were "
                       f"copied from such a map, run with --datum {code} / 坐标按 {label} 读取更吻合，若取自该地图请用 "
                       f"--datum {code}"}
