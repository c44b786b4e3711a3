"""Texts as compared here: one normal form for names, codes, headers, amounts and addresses.

The form is NFKC (full-width digits and letters read as ASCII, compatibility forms unified), case-folded,
without white space. :func:`fold` gives it for one text, :func:`fold_column` for a whole column; the
address form (:func:`geo.place.addresses.normalise_addresses`) is built on :func:`fold_column`.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = ["fold", "fold_column"]


def fold(text: object, also: str = "") -> str:
    """Key of one text: NFKC, case-folded, without white space and without the characters of ``also``.

    >>> fold(" ＧＣＪ－０２ "), fold("GCJ-02", also="-_")
    ('gcj-02', 'gcj02')
    """
    folded = "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())
    return folded.translate({ord(character): None for character in also}) if also else folded


def fold_column(values: pd.Series, also: str = "") -> pd.Series:
    """:func:`fold` over a whole column: ``string`` dtype, index kept; missing and blank values as NA.

    >>> fold_column(pd.Series(["３,500 万元", "  ", None]), also=",").tolist()
    ['3500万元', <NA>, <NA>]
    """
    removed = "[" + r"\s" + re.escape(also) + "]" if also else r"\s"
    text = values.astype("string").str.normalize("NFKC").str.casefold().str.replace(removed, "", regex=True)
    return text.mask(text == "")
