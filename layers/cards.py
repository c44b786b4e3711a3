"""Park cards: escaped HTML built from an explicit list of fields, never from all columns."""

from __future__ import annotations

import pandas as pd

from ._format import FIGURE_LABELS, figure_text
from ._html import escape_series, escape_text, safe_link

__all__ = ["CARD_FIELDS", "park_cards", "park_tooltips"]

#: Fields a card shows, in order. Each is a row of the card when the park has a value.
CARD_FIELDS = ("sector", "status", "year", "investment", "floor_area", "land", "output", "area",
               "precision", "address", "website", "source")
_LABELS = {"sector": "主导产业 Sector", "status": "状态 Status", "year": "年份 Year", "area": "所在镇/板块 Town",
           "precision": "位置 Location", "address": "地址 Address", "website": "网址 Website",
           "source": "来源 Source", **{k: f"{v[0]} {v[1]}" for k, v in FIGURE_LABELS.items()}}
_PRECISION = {"exact": "精确坐标 exact coordinates",
              "town": "位置为示意（镇/板块级）approximate: town level",
              "zone": "位置为示意（板块级）approximate: zone level",
              "city": "位置不详（市级示意）unknown within Kunshan"}


def _pair(zh: pd.Series, en: pd.Series) -> pd.Series:
    return (zh.fillna("") + " " + en.fillna("")).str.strip().replace("", pd.NA).astype("string")


def _values(parks: pd.DataFrame, field: str) -> pd.Series:
    """Escaped HTML of one card field per park (NA where the park has no value)."""
    if field == "sector":
        detail = parks["sector_detail"].where(parks["sector_detail"].ne(parks["sector_zh"]))
        text = _pair(parks["sector_zh"], parks["sector_en"])
        return escape_series(text) + escape_series(" (" + detail + ")").fillna("")
    if field == "status":
        return escape_series(_pair(parks["status_zh"], parks["status_en"]))
    if field == "year":
        return escape_series(parks["year"].astype("string"))
    if field in FIGURE_LABELS:
        return escape_series(figure_text(parks[field], field))
    if field == "area":
        host = parks["area"].fillna(parks["host"])
        return escape_series(host)
    if field == "precision":
        return escape_series(parks["precision"].map(_PRECISION).astype("string"))
    if field == "website":
        return parks["website"].map(safe_link, na_action="ignore").astype("string")
    return escape_series(parks[field])


def park_cards(parks: pd.DataFrame, fields: tuple[str, ...] = CARD_FIELDS) -> pd.Series:
    """Card HTML per park: title (name, English name) and a table of the chosen ``fields``."""
    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown:
        raise ValueError(f"unknown card field(s) {', '.join(unknown)}; allowed: {', '.join(CARD_FIELDS)}")
    title = "<b class=\"kh-card-name\">" + escape_series(parks["name"]) + "</b>"
    title = title + ("<br><span class=\"kh-card-name-en\">" + escape_series(parks["name_en"]) + "</span>").fillna("")
    rows = pd.Series("", index=parks.index, dtype="string")
    for field in fields:
        cell = "<tr><th>" + escape_text(_LABELS[field]) + "</th><td>" + _values(parks, field) + "</td></tr>"
        rows = rows + cell.fillna("")
    return "<div class=\"kh-card\">" + title + "<table>" + rows + "</table></div>"


def park_tooltips(parks: pd.DataFrame) -> pd.Series:
    """Short escaped hover text: name and sector."""
    return escape_series(parks["name"]) + " · " + escape_series(parks["sector_zh"].fillna(""))


