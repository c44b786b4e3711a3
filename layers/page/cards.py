"""Park cards: escaped HTML built from an explicit list of fields, never from all columns."""

from __future__ import annotations

import pandas as pd

from layers.page.format import FIGURE_LABELS, figure_text
from layers.page.escape import escape_series, escape_text, safe_link
from layers.page.app import i18n

__all__ = ["CARD_FIELDS", "TEXT_FIELDS", "TRANSLATED", "card_labels", "card_translations",
           "card_values", "column", "park_cards", "park_tooltips"]

#: Fields a card shows, in order. Each is a row of the card when the park has a value.
CARD_FIELDS = ("sector", "status", "description", "year", "investment", "floor_area", "land", "output", "available",
               "area", "precision", "address", "website", "contact", "source", "source_date")
#: Card fields that are free text from the register (the others are codes, figures and years that the page's app
#: writes in the reader's language from the park facts).
TEXT_FIELDS = ("description", "address", "website", "contact", "source")
#: Free-text fields a register may give in other languages too, as ``<field><suffix>`` columns (the suffix is each
#: language's ``texts`` format in ``layers/i18n.json``: ``_en``, ``_zh_hant``); the page shows the reader's and falls
#: back to the field itself.
TRANSLATED = ("description", "address")
_LABELS = {"sector": "主导产业 Sector", "description": "简介 About", "status": "状态 Status", "year": "年份 Year",
           "area": "所在镇/板块 Town", "precision": "位置 Location", "address": "地址 Address", "website": "网址 Website",
           "source": "来源 Source", "source_date": "资料日期 Source date", "contact": "联系方式 Contact",
           "available": "可用面积 Space available", **{k: f"{v[0]} {v[1]}" for k, v in FIGURE_LABELS.items()}}
_PRECISION = {"exact": "精确坐标 exact coordinates",
              "road": "位置为示意（道路级）approximate: road level",
              "town": "位置为示意（镇/板块级）approximate: town level",
              "zone": "位置为示意（板块级）approximate: zone level",
              "city": "位置不详（市级示意）unknown within Kunshan",
              "region": "位置不详（地区级）unknown: regional level"}


def column(parks: pd.DataFrame, name: str) -> pd.Series:
    """A text column of the parks, all NA where the table (one not read by :func:`geo.read_register`) lacks it."""
    return parks[name] if name in parks.columns else pd.Series(pd.NA, index=parks.index, dtype="string")


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
    text, english = column(parks, field), column(parks, f"{field}_en")
    if field in TRANSLATED and english.notna().any():  # a static card is bilingual: 中文 then English
        english = escape_series(english.where(english.ne(text).fillna(True)))
        return (escape_series(text) + ("<br>" + english).fillna("")).fillna(english)
    return escape_series(text)


def _check(fields: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown:
        raise ValueError(f"unknown card field(s) {', '.join(unknown)}; allowed: {', '.join(CARD_FIELDS)}")


def card_labels(fields: tuple[str, ...] = CARD_FIELDS) -> list[str]:
    """Escaped row labels of the chosen card fields (中文 English)."""
    _check(fields)
    return [escape_text(_LABELS[field]) for field in fields]


def card_values(parks: pd.DataFrame, fields: tuple[str, ...] = CARD_FIELDS) -> pd.DataFrame:
    """Escaped HTML of each card part per park: ``name``, ``name_en`` and one column per field
    (NA where the park has no value, so the card leaves the row out)."""
    _check(fields)
    parts = {"name": escape_series(parks["name"]), "name_en": escape_series(parks["name_en"])}
    parts.update({field: _values(parks, field) for field in fields})
    return pd.DataFrame(parts, index=parks.index)


def card_translations(parks: pd.DataFrame, fields: tuple[str, ...]) -> dict[str, dict[str, pd.Series]]:
    """Escaped HTML of the :data:`TRANSLATED` ``fields`` in the other page languages, where the register has
    them: ``{field: {language: values}}`` (NA where a park has no translation)."""
    suffixes = {language: spec["texts"] for language, spec in i18n()["formats"].items() if spec["texts"]}
    found = {}
    for field in (f for f in fields if f in TRANSLATED):
        languages = {language: escape_series(texts) for language, suffix in suffixes.items()
                     if (texts := column(parks, field + suffix)).notna().any()}
        if languages:
            found[field] = languages
    return found


def park_cards(parks: pd.DataFrame, fields: tuple[str, ...] = CARD_FIELDS) -> pd.Series:
    """Card HTML per park: title (name, English name) and a table of the chosen ``fields``.

    The page composes the same HTML in the browser from :func:`card_values` (see ``layers.elements.markers``).
    """
    values = card_values(parks, fields)
    title = "<b class=\"kh-card-name\">" + values["name"] + "</b>"
    title = title + ("<br><span class=\"kh-card-name-en\">" + values["name_en"] + "</span>").fillna("")
    rows = pd.Series("", index=parks.index, dtype="string")
    for field, label in zip(fields, card_labels(fields)):
        rows = rows + ("<tr><th>" + label + "</th><td>" + values[field] + "</td></tr>").fillna("")
    return "<div class=\"kh-card\">" + title + "<table>" + rows + "</table></div>"


def park_tooltips(parks: pd.DataFrame) -> pd.Series:
    """Short escaped hover text: name and sector."""
    return escape_series(parks["name"]) + " · " + escape_series(parks["sector_zh"].fillna(""))


