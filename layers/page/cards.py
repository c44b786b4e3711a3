"""What a park card shows: an explicit list of fields, never all columns; the register's texts for the card.

The page's card module (``layers/page/js/card.js``) writes the card in the reader's language; Python hands it the
chosen fields and, raw, the register's free texts of those fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from layers.page.app import i18n

__all__ = ["CARD_FIELDS", "TEXT_FIELDS", "TRANSLATED", "card_texts", "check_fields", "column", "extra_columns"]

#: Fields a card shows, in order. Each is a row of the card when the park has a value.
CARD_FIELDS = ("sector", "status", "description", "year", "investment", "floor_area", "land", "output", "available",
               "area", "precision", "address", "website", "contact", "source", "source_date")
#: Card fields that are free text from the register (the others are codes, figures and years that the page writes
#: in the reader's language from the park facts).
TEXT_FIELDS = ("description", "address", "website", "contact", "source")
#: Free-text fields a register may give in other languages too, as ``<field><suffix>`` columns (the suffix is each
#: language's ``texts`` format in ``layers/page/i18n.json``: ``_en``, ``_zh_hant``); the page shows the reader's
#: and falls back to the field itself.
TRANSLATED = ("description", "address")


def column(parks: pd.DataFrame, name: str) -> pd.Series:
    """A text column of the parks, all NA where the table (one not read by :func:`geo.read_register`) lacks it."""
    return parks[name] if name in parks.columns else pd.Series(pd.NA, index=parks.index, dtype="string")


def check_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    """``fields`` when every one is a :data:`CARD_FIELDS`; else a ValueError naming the others.

    >>> check_fields(("year", "secret"))
    Traceback (most recent call last):
    ...
    ValueError: unknown card field(s) secret; allowed: sector, status, description, year, investment, floor_area, \
land, output, available, area, precision, address, website, contact, source, source_date
    """
    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown:
        raise ValueError(f"unknown card field(s) {', '.join(unknown)}; allowed: {', '.join(CARD_FIELDS)}")
    return tuple(fields)


def card_texts(parks: pd.DataFrame, fields: tuple[str, ...]) -> tuple[dict[str, pd.Series], dict]:
    """The register's free texts of the chosen ``fields`` (raw; NA where a park has none): ``{field: texts}``, and
    those the register gives in the other page languages: ``{field: {language: texts}}``."""
    chosen = [field for field in check_fields(fields) if field in TEXT_FIELDS]
    suffixes = {language: spec["texts"] for language, spec in i18n()["formats"].items() if spec["texts"]}
    translations = {}
    for field in (f for f in chosen if f in TRANSLATED):
        languages = {language: texts for language, suffix in suffixes.items()
                     if (texts := column(parks, field + suffix)).notna().any()}
        if languages:
            translations[field] = languages
    return {field: column(parks, field) for field in chosen}, translations


def extra_columns(parks: pd.DataFrame, extra: Sequence[str] | Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, column) of each further card row: a register column the card fields do not cover (备注, 运营主体),
    shown raw under its label after the chosen fields. ``extra`` lists columns (labelled by their own name) or maps
    label -> column. A column the parks lack is a ValueError naming it and the columns there are.

    >>> extra_columns(pd.DataFrame({"运营主体": ["甲公司"]}), ["运营主体"])
    [('运营主体', '运营主体')]
    """
    pairs = list(extra.items()) if isinstance(extra, Mapping) else [(name, name) for name in extra]
    missing = [column for _, column in pairs if column not in parks.columns]
    if missing:
        raise ValueError(f"card extra column(s) {', '.join(map(repr, missing))} not in the parks; columns: "
                         f"{', '.join(map(str, parks.columns.drop('geometry', errors='ignore')))}")
    return [(str(label), column) for label, column in pairs]
