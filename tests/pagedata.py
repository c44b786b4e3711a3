"""Read the one JSON payload a rendered page embeds (the app's configuration and the parks' records)."""

from __future__ import annotations

import json
import re


def _at(column: dict, i: int):
    code = column["codes"][i]
    return None if code < 0 else column["values"][code]


def page_payload(page: str) -> dict:
    """The JSON object of ``var payload = {...};`` in the app's script: ``config`` and ``parks``."""
    (found,) = re.findall(r"var payload = (\{.*?\});\n", page)
    return json.loads(found)


def page_data(page: str) -> dict:
    """The parks' records of the payload (columns, the repeated texts dictionary-encoded)."""
    return page_payload(page)["parks"]


def page_parks(page: str) -> list[dict]:
    """One dict per park: id, name, name_en, lat, lon, lat0, lon0, radius, sector, precision, colour, heat."""
    data = page_data(page)
    return [{"id": data["id"][i], "name": _at(data["name"], i), "name_en": _at(data["name_en"], i),
             "lat": data["lat"][i], "lon": data["lon"][i], "lat0": data["lat0"][i], "lon0": data["lon0"][i],
             "radius": data["radius"][i], "sector": _at(data["sector"], i), "precision": _at(data["precision"], i),
             "colour": _at(data["colour"], i), "heat": data["heat"][i]}
            for i in range(len(data["lat"]))]


def page_legend(page: str) -> dict:
    """What the page's legend says, as data: weight, carrying, total, city, ramp."""
    return page_payload(page)["config"]["legend"]
