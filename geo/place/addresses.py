"""Addresses in the county as text: normalise, split off the road, find the places they name, inside or outside.

Everything here works on whole columns (pandas string methods with one regular expression each); the
only loops are over the few dozen place names when the expressions are built.
"""

from __future__ import annotations

import re
from functools import cache

import geopandas as gpd
import pandas as pd

from geo.place.gazetteer import CITY, match_places
from geo.registry import entries
from geo.text import fold, fold_column

__all__ = ["normalise_addresses", "split_addresses", "gazetteer_keys", "place_pattern", "first_match", "city_keys",
           "outside_names"]

# A place name followed by one of these is the name of a road (周庄路, 淀山湖大道), not the place itself.
_ROAD_SUFFIX = r"(?:路|大道|大街|街(?!道)|公路|巷|弄)"
_GUARD = rf"(?!{_ROAD_SUFFIX})"

# 昆山市 … 镇/区 … 路 … 号: the administrative part, the road and the house number. A road name holds no
# 省/市/县/区/镇 and ends with one of the road words; the administrative part is everything before it.
_SPLIT = re.compile(
    rf"^(?P<region>.*?)(?P<road>[^省市县区镇路街巷弄号]{{1,15}}?{_ROAD_SUFFIX})"
    r"(?P<number>[0-9]+(?:[-—][0-9]+)?号)?"
)


@cache
def outside_names() -> tuple[str, ...]:
    """Places outside the county that addresses commonly name (geo/data/kunshan_addresses.json), folded."""
    groups = entries("kunshan_addresses.json", "outside.groups", ["group", "names"])
    return tuple(fold(name) for group in groups for name in group["names"])


@cache
def _prefix() -> re.Pattern:
    """The leading parts (country, province, prefecture) that name no place inside the county, as one
    expression: each level optional, its longer names first, a short name not where a longer one stands."""
    levels = entries("kunshan_addresses.json", "prefixes.levels", ["level", "names"])
    parts = []
    for level in levels:  # three levels of a registry
        names = sorted(map(fold, level["names"]), key=len, reverse=True)
        alternatives = [re.escape(name) + _not_followed_by(longer[len(name):] for longer in names
                                                           if longer != name and longer.startswith(name))
                        for name in names]
        unless = _not_followed_by(map(fold, level.get("unless_followed_by", [])))
        parts.append(f"(?:(?:{'|'.join(alternatives)}){unless})?")
    return re.compile("^" + "".join(parts))


def _not_followed_by(texts) -> str:
    texts = [re.escape(text) for text in texts]
    return f"(?!{'|'.join(texts)})" if texts else ""


def normalise_addresses(addresses: pd.Series) -> pd.Series:
    """Addresses as compared here: folded (:func:`geo.text.fold_column`), without the leading parts that name
    no place inside the county (中国/江苏省/苏州市, geo/data/kunshan_addresses.json).

    Parameters
    ----------
    addresses : pandas.Series
        Address texts; missing values stay missing, an empty text becomes missing.

    Returns
    -------
    pandas.Series
        ``string`` dtype, index kept.

    Examples
    --------
    >>> normalise_addresses(pd.Series(["江苏省 苏州市 昆山市张浦镇ＸＸ路８８号", "苏州市工业园区星湖街"])).tolist()
    ['昆山市张浦镇xx路88号', '苏州市工业园区星湖街']
    """
    text = fold_column(addresses).str.replace(_prefix(), "", regex=True)
    return text.mask(text == "")


def split_addresses(text: pd.Series) -> pd.DataFrame:
    """Split normalised addresses into the administrative part, the road and the house number.

    Parameters
    ----------
    text : pandas.Series
        Addresses as :func:`normalise_addresses` returns them.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (what comes before the road: ``昆山市张浦镇``), ``road`` (``xx路``) and ``number``
        (``88号``), ``string`` dtype, NA where the address has no road; index kept.

    Examples
    --------
    >>> split_addresses(pd.Series(["昆山市张浦镇xx路88号"])).iloc[0].tolist()
    ['昆山市张浦镇', 'xx路', '88号']
    """
    parts = text.str.extract(_SPLIT).astype("string")
    return parts.mask(parts == "")


def gazetteer_keys(gazetteer: gpd.GeoDataFrame) -> dict[str, str]:
    """Folded names by which addresses name the places of a gazetteer -> canonical name.

    The candidates are each place's name, aliases, English name and short name (without 镇/区); a
    candidate is kept when :func:`geo.place.gazetteer.match_places` resolves it, and to what it resolves.
    """
    candidates = pd.concat([
        gazetteer["name"], gazetteer["aliases"].explode(), gazetteer["name_en"],
        gazetteer["name"].str.replace(r"(镇|区)$", "", regex=True),
    ], ignore_index=True).dropna().astype("string")
    folded = normalise_addresses(candidates)
    places = match_places(candidates, gazetteer)
    keep = folded.notna() & places.notna() & (folded.str.len() >= 2)
    return dict(zip(folded[keep], places[keep]))


def place_pattern(names) -> str:
    """One regular expression matching any of ``names``, longest first, not when a road word follows."""
    ordered = sorted(set(names), key=lambda name: (-len(name), name))
    return "(?:" + "|".join(map(re.escape, ordered)) + ")" + _GUARD


def first_match(text: pd.Series, pattern: str) -> pd.DataFrame:
    """The first name that ``pattern`` finds in each text and where: columns ``name`` and ``position``.

    Examples
    --------
    >>> found = first_match(pd.Series(["昆山市张浦镇", "上海市"]), place_pattern(["张浦镇"]))
    >>> print(found.loc[0, "name"], found.loc[0, "position"], found.loc[1, "name"])
    张浦镇 3 <NA>
    """
    found = text.str.extract(f"^(?P<before>.*?)(?P<name>{pattern})").astype("string")
    return pd.DataFrame({"name": found["name"], "position": found["before"].str.len().astype("Int64")},
                        index=text.index)


def city_keys(keys: dict[str, str]) -> set[str]:
    """The keys that name the city itself (昆山市, 昆山, kunshan)."""
    return {key for key, place in keys.items() if place == CITY}
