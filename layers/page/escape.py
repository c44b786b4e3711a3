"""The one escaping path for text that comes from data and reaches HTML or JavaScript."""

from __future__ import annotations

import html
import json
import re

import pandas as pd

__all__ = ["escape_text", "escape_series", "script_json", "safe_link"]

# Template-literal and backslash characters, as HTML entities, so escaped text is inert even if a
# library later places it inside a JavaScript template literal.
_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;",
                        "\u2028": "&#8232;", "\u2029": "&#8233;"})
_SCRIPT_JSON = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})
_HTTP = re.compile(r"^[hH][tT][tT][pP][sS]?://[^\s<>\"'\x00-\x1f\x7f-\x9f]+$")  # ASCII scheme; no spaces or controls


def escape_text(text) -> str:
    """HTML-escape ``text`` (quotes included) and neutralise `` ` $ { } \\ `` and U+2028/9.

    >>> escape_text("<img onerror=x> ${1} `a` C:\\\\path")
    '&lt;img onerror=x&gt; &#36;&#123;1&#125; &#96;a&#96; C:&#92;path'
    """
    return html.escape(str(text), quote=True).translate(_EXTRA)


_REPLACEMENTS = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"),
                 *((char, entity) for char, entity in ((chr(k), v) for k, v in _EXTRA.items())))


def escape_series(values: pd.Series) -> pd.Series:
    """:func:`escape_text` over a whole column (vectorised string replacement); missing stays missing."""
    text = values.astype("string")
    for char, entity in _REPLACEMENTS:  # "&" first, so entities are not escaped twice
        text = text.str.replace(char, entity, regex=False)
    return text


def script_json(value) -> str:
    """JSON for a ``<script>`` block: sorted keys, compact, ``<``, ``>``, ``&``, U+2028/9 escaped."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.translate(_SCRIPT_JSON)


def safe_link(url, text=None) -> str:
    """An escaped ``<a>`` for an http(s) URL (new tab, ``rel="noopener noreferrer"``); other schemes
    give the escaped text only, never a link.

    >>> safe_link("javascript:alert(1)")
    'javascript:alert(1)'
    """
    label = escape_text(url if text is None else text)
    if url is None or not _HTTP.match(str(url).strip()):
        return label
    return (f'<a href="{escape_text(str(url).strip())}" target="_blank" '
            f'rel="noopener noreferrer">{label}</a>')
