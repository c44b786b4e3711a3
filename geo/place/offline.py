"""Addresses read offline: the Kunshan town, zone or city an address names, from the gazetteer. No network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.place.addresses import (city_keys, first_match, gazetteer_keys, normalise_addresses, outside_names,
                                 place_pattern, split_addresses)
from geo.place.gazetteer import CITY, kunshan_gazetteer

__all__ = ["geocode_offline", "check_addresses", "OFFLINE_COLUMNS"]

#: Columns of :func:`geocode_offline`, in order.
OFFLINE_COLUMNS = ["lon", "lat", "precision", "source", "status", "matched"]


def geocode_offline(addresses: pd.Series, gazetteer: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Find the Kunshan town, zone or city each address names, and its gazetteer point.

    The address is normalised (NFKC, no spaces, without a leading 中国/江苏省/苏州市) and, when it has a
    road (``昆山市张浦镇xx路88号``), the part before the road is read first, so a road named after a place
    (周庄路, 千灯中路) does not count as that place. Names, aliases, short names and English names of the
    gazetteer are found (``花桥经济开发区`` -> 花桥镇, ``昆山经济技术开发区`` -> 昆山开发区, ``高新区`` ->
    昆山高新区); a zone covering a town named in the same address gives way to the town.

    Parameters
    ----------
    addresses : pandas.Series
        Address texts, any index.
    gazetteer : geopandas.GeoDataFrame, optional
        Places as :func:`geo.place.gazetteer.kunshan_gazetteer` returns them (the default).

    Returns
    -------
    pandas.DataFrame
        Index of ``addresses``; columns ``lon``, ``lat`` (WGS-84 degrees; NaN without a point), ``precision``
        (the place's: ``town``, ``zone`` or ``city``), ``source`` (``gazetteer:<place>``), ``status``
        (``ok``; ``not_found``; ``ambiguous`` when two different places are named, e.g. 张浦镇 and 千灯镇;
        ``outside`` when a place outside Kunshan is named before any Kunshan place, e.g. 上海市, 太仓市) and
        ``matched`` (the name found in the address; several joined by ``|``).

    Examples
    --------
    >>> found = geocode_offline(pd.Series(["昆山市张浦镇xx路88号", "上海市黄浦区南京东路1号"]))
    >>> found[["precision", "source", "status", "matched"]].to_dict("records")[0]
    {'precision': 'town', 'source': 'gazetteer:张浦镇', 'status': 'ok', 'matched': '张浦镇'}
    >>> found.loc[1, ["status", "matched"]].tolist()
    ['outside', '上海市']
    """
    check_addresses(addresses, "geocode_offline")
    gazetteer = kunshan_gazetteer() if gazetteer is None else gazetteer
    keys = gazetteer_keys(gazetteer)
    inside, outside = place_pattern(keys), place_pattern(outside_names())
    text = _search_text(normalise_addresses(addresses).reset_index(drop=True), inside, outside)

    named = _places_named(text, inside, keys, gazetteer)
    city = first_match(text, place_pattern(city_keys(keys)))["name"]
    first_in, first_out = first_match(text, inside), first_match(text, outside)
    is_outside = (first_out["name"].notna()
                  & (first_in["position"].isna() | (first_out["position"] < first_in["position"])).fillna(False))

    count = named["count"]
    status = pd.Series(np.select(
        [text.isna().to_numpy(), is_outside.to_numpy(), (count >= 2).to_numpy(), (count == 1).to_numpy(),
         city.notna().to_numpy()],
        ["not_found", "outside", "ambiguous", "ok", "ok"], "not_found"), dtype="string")
    place = named["places"].where(count == 1, CITY).where(status == "ok")
    matched = (named["matched"].where(count >= 1, city).where(status.isin(["ok", "ambiguous"]))
               .fillna(first_out["name"].where(status == "outside")))
    return _found(place, status, matched, gazetteer).set_axis(addresses.index)


def _found(place: pd.Series, status: pd.Series, matched: pd.Series, gazetteer: gpd.GeoDataFrame) -> pd.DataFrame:
    """The :data:`OFFLINE_COLUMNS` of each address from the place it names (NA: none), its status and match."""
    points = gazetteer.set_index("name")
    return pd.DataFrame({
        "lon": place.map(points.geometry.x).astype("float64"),
        "lat": place.map(points.geometry.y).astype("float64"),
        "precision": place.map(points["precision"]).astype("string"),
        "source": ("gazetteer:" + place).fillna(pd.Series("gazetteer", index=place.index)
                                                .where(status.isin(["outside", "ambiguous"]))).astype("string"),
        "status": status,
        "matched": matched.astype("string"),
    })[OFFLINE_COLUMNS]


def _search_text(text: pd.Series, inside: str, outside: str) -> pd.Series:
    """The part of each address to search: before the road when a place is named there, else all of it."""
    region = split_addresses(text)["region"]
    names_place = region.str.contains(inside).fillna(False) | region.str.contains(outside).fillna(False)
    return region.where(names_place, text)


def _places_named(text: pd.Series, pattern: str, keys: dict[str, str], gazetteer: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per address (by position): how many distinct non-city places it names, which, and the text found."""
    hits = text.str.findall(pattern).explode().dropna()
    found = pd.DataFrame({"row": hits.index.to_numpy(), "key": hits.to_numpy(dtype=object)})
    found["place"] = found["key"].map(keys)
    found = found[found["place"].ne(CITY)].drop_duplicates(["row", "place"])
    # A zone that covers a town named in the same address gives way to the town (旅游度假区 + 锦溪镇 -> 锦溪镇).
    covers = gazetteer[["name", "covers"]].explode("covers").dropna().rename(columns={"name": "place",
                                                                                     "covers": "town"})
    covered = found.merge(covers, on="place").merge(found[["row", "place"]].rename(columns={"place": "town"}),
                                                    on=["row", "town"])
    found = found[~pd.MultiIndex.from_frame(found[["row", "place"]]).isin(
        pd.MultiIndex.from_frame(covered[["row", "place"]]))]
    grouped = found.groupby("row", sort=True)
    index = pd.RangeIndex(len(text))
    return pd.DataFrame({
        "count": grouped.size().reindex(index, fill_value=0),
        "places": grouped["place"].agg("|".join).reindex(index).astype("string"),
        "matched": grouped["key"].agg("|".join).reindex(index).astype("string"),
    }, index=index)


def check_addresses(addresses: object, function: str) -> None:
    """Refuse anything but a pandas Series of addresses, naming the function called."""
    if not isinstance(addresses, pd.Series):
        raise TypeError(f"{function}: addresses must be a pandas Series of texts, got {type(addresses).__name__}")
