"""Read the park data a rendered page embeds, and compose cards and tooltips as its script does."""

from __future__ import annotations

import json
import re


def _at(column: dict, i: int):
    code = column["codes"][i]
    return None if code < 0 else column["values"][code]


def _card(data: dict, i: int) -> str:
    html = '<div class="kh-card"><b class="kh-card-name">' + _at(data["name"], i) + "</b>"
    english = _at(data["name_en"], i)
    if english is not None:
        html += '<br><span class="kh-card-name-en">' + english + "</span>"
    html += "<table>"
    for label, column in zip(data["labels"], data["fields"]):
        value = _at(column, i)
        if value is not None:
            html += "<tr><th>" + label + "</th><td>" + value + "</td></tr>"
    return html + "</table></div>"


def page_data(page: str) -> dict:
    """The JSON object of ``var d = {...};`` in the park-marker script."""
    return json.loads(re.search(r"var d = (\{.*?\});\n", page)[1])


def page_parks(page: str) -> list[dict]:
    """One dict per park: lat, lon, lat0, lon0, radius, sector, precision, colour, card, tooltip."""
    data = page_data(page)
    return [{"lat": data["lat"][i], "lon": data["lon"][i], "lat0": data["lat0"][i], "lon0": data["lon0"][i],
             "radius": data["radius"][i], "sector": _at(data["sector"], i), "precision": _at(data["precision"], i),
             "colour": _at(data["colour"], i), "card": _card(data, i),
             "tooltip": _at(data["name"], i) + " · " + (_at(data["sector_label"], i) or "")}
            for i in range(len(data["lat"]))]
