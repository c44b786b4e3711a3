"""Packaged registries (sectors, statuses, column aliases, units, datums, precisions) and default data, read once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources

import pandas as pd

from geo.errors import RegistryError
from geo.text import fold

__all__ = ["data_path", "load_json", "entries", "sectors", "statuses", "lookup_table", "column_fields", "field_kinds",
           "unit_kinds", "datums", "precisions"]


def data_path(name: str, package: str = "geo.data"):
    """Path-like handle of a packaged data file, ``geo/data/<name>`` unless another ``package`` is named."""
    return resources.files(package) / name


@cache
def load_json(name: str, package: str = "geo.data") -> dict:
    """A packaged JSON registry, read once: ``load_json("sectors.json")``, ``load_json("i18n.json", "layers.page")``."""
    return json.loads(data_path(name, package).read_text(encoding="utf-8"))


def entries(name: str, key: str, fields: Sequence[str], package: str = "geo.data") -> list[dict]:
    """The list ``key`` (a dotted path, such as ``"prefixes.levels"``) of a packaged registry, each entry
    checked to hold every one of ``fields``.

    Raises
    ------
    RegistryError
        Naming, at once, every entry that lacks a field and all the fields it lacks.

    Examples
    --------
    >>> [entry["code"] for entry in entries("datums.json", "datums", ["code", "label", "aliases"])]
    ['wgs84', 'gcj02', 'bd09']
    """
    listed = load_json(name, package)
    for part in key.split("."):
        listed = listed.get(part) if isinstance(listed, dict) else None
    if not isinstance(listed, list):
        raise RegistryError(f"{package}/{name}: no list {key!r}")
    missing = [f"{key}[{position}] ({entry.get(fields[0], '?')}): {', '.join(absent)}"
               for position, entry in enumerate(listed)
               if (absent := [field for field in fields if field not in entry])]
    if missing:
        raise RegistryError(f"{package}/{name}: missing field(s) {'; '.join(missing)}; every entry needs "
                            f"{', '.join(fields)}")
    return listed


def _vocabulary(name: str, key: str, fields: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(entries(name, key, fields)).set_index(fields[0], drop=False)
    if "aliases" in frame:
        frame["aliases"] = frame["aliases"].apply(list)
    return frame


@cache
def sectors() -> pd.DataFrame:
    """Sector registry: index ``code``; columns code, zh, en, colour, aliases, seed."""
    frame = _vocabulary("sectors.json", "sectors", ["code", "zh", "en", "colour", "aliases"])
    frame["seed"] = frame.get("seed", False).fillna(False).astype(bool)
    return frame


@cache
def statuses() -> pd.DataFrame:
    """Status registry: index ``code``; columns code, zh, en, aliases."""
    return _vocabulary("statuses.json", "statuses", ["code", "zh", "en", "aliases"])


def lookup_table(vocabulary: pd.DataFrame) -> dict[str, str]:
    """Folded code / 中文 / English / alias -> code."""
    table: dict[str, str] = {}
    for code, row in vocabulary.iterrows():  # registry of ~20 rows, not data
        for name in [code, row["zh"], row["en"], row.get("zh_hant") or row["zh"], *row["aliases"]]:
            table.setdefault(fold(name), code)
    return table


@cache
def column_fields() -> dict[str, tuple[str, str | None]]:
    """Folded header -> (field, unit fixed by the header or None)."""
    table: dict[str, tuple[str, str | None]] = {}
    for key, spec in load_json("columns.json")["fields"].items():
        if "field" in spec:
            table[fold(key)] = (spec["field"], spec.get("unit"))
            continue
        for alias in [key, *spec["aliases"]]:
            table.setdefault(fold(alias), (key, None))
    return table


@cache
def field_kinds() -> dict[str, str]:
    """Field -> amount kind (money, floor, land) for the fields that hold amounts."""
    fields = load_json("columns.json")["fields"]
    return {key: spec["kind"] for key, spec in fields.items() if "kind" in spec}


@cache
def unit_kinds() -> dict[str, dict]:
    """Amount kind -> {"base", "base_en", "factors" (folded unit -> factor to base)}."""
    kinds = load_json("units.json")["kinds"]
    return {
        kind: {**spec, "factors": {fold(unit): factor for unit, factor in spec["factors"].items()}}
        for kind, spec in kinds.items()
    }


@cache
def datums() -> pd.DataFrame:
    """Datum registry: index ``code`` (wgs84, gcj02, bd09); columns code, label (WGS-84 ...), aliases, used_by."""
    return _vocabulary("datums.json", "datums", ["code", "label", "aliases", "used_by"])


@cache
def precisions() -> pd.DataFrame:
    """Precision levels, finest first: index ``level``; columns level, rank (0 the finest), radius_m (float, m:
    the uncertainty drawn around such a point), expectable (a batch may ask for it), meaning.

    >>> precisions()["radius_m"].to_dict()
    {'exact': 0.0, 'road': 800.0, 'town': 3000.0, 'zone': 6000.0, 'city': 12000.0, 'region': 30000.0}
    """
    frame = _vocabulary("precisions.json", "levels", ["level", "rank", "radius_m", "expectable", "meaning"])
    return frame.astype({"rank": "int64", "radius_m": "float64", "expectable": bool}).sort_values("rank")
