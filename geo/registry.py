"""Packaged registries (sectors, statuses, column aliases, units) and default data, read once."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources

import pandas as pd

__all__ = ["data_path", "load_json", "sectors", "statuses", "column_fields", "unit_kinds", "fold"]


def data_path(name: str, package: str = "geo.data"):
    """Path-like handle of a packaged data file, ``geo/data/<name>`` unless another ``package`` is named."""
    return resources.files(package) / name


@cache
def load_json(name: str, package: str = "geo.data") -> dict:
    """A packaged JSON registry, read once: ``load_json("sectors.json")``, ``load_json("i18n.json", "layers.page")``."""
    return json.loads(data_path(name, package).read_text(encoding="utf-8"))


def fold(text: str) -> str:
    """Key used to compare names: NFKC, case-folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def _vocabulary(entries: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(entries).set_index("code", drop=False)
    frame["aliases"] = frame["aliases"].apply(list)
    return frame


@cache
def sectors() -> pd.DataFrame:
    """Sector registry: index ``code``; columns code, zh, en, colour, aliases, seed."""
    frame = _vocabulary(load_json("sectors.json")["sectors"])
    frame["seed"] = frame.get("seed", False).fillna(False).astype(bool)
    return frame


@cache
def statuses() -> pd.DataFrame:
    """Status registry: index ``code``; columns code, zh, en, aliases."""
    return _vocabulary(load_json("statuses.json")["statuses"])


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
