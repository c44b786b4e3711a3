"""Escaping for the few texts Python itself writes into a page, and the JSON of the page's payload.

Record texts travel raw in the page's one JSON payload (:func:`script_json`, inert inside ``<script>``) and are
escaped once, by the page's scripts, where they enter the DOM. Python escapes (:func:`escape_text`) only what it
writes as HTML itself: the page's ``<title>`` and the names folium writes into the layer control.
:data:`HTTP_URL` is the rule of which links a page may open; the page's card script applies it.
"""

from __future__ import annotations

import html
import json
import re

__all__ = ["HTTP_URL", "escape_text", "script_json"]

# Template-literal and backslash characters, as HTML entities, so escaped text is inert even if a
# library later places it inside a JavaScript template literal.
_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;",
                        "\u2028": "&#8232;", "\u2029": "&#8233;"})
_SCRIPT_JSON = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})
_TAG = re.compile(r"\{(?=[{%#])")  # a Jinja tag's opening (never JSON's own: an object opens with '"' or '}')
#: An http(s) URL a page may link to: ASCII scheme, no spaces, quotes, angle brackets or control characters.
HTTP_URL = re.compile(r"^[hH][tT][tT][pP][sS]?://[^\s<>\"'\x00-\x1f\x7f-\x9f]+$")


def escape_text(text) -> str:
    """HTML-escape ``text`` (quotes included) and neutralise `` ` $ { } \\ `` and U+2028/9.

    >>> escape_text("<img onerror=x> ${1} `a` C:\\\\path")
    '&lt;img onerror=x&gt; &#36;&#123;1&#125; &#96;a&#96; C:&#92;path'
    """
    return html.escape(str(text), quote=True).translate(_EXTRA)


def script_json(value) -> str:
    """JSON for a ``<script>`` block: sorted keys, compact, ``<``, ``>``, ``&``, U+2028/9 escaped, and a ``{``
    that opens a Jinja tag (``{{``, ``{%``, ``{#``) written ``\\u007b``: branca renders each element's script once
    more as a Jinja template, where a record's ``{{ ... }}`` would run at build time.

    >>> script_json({"name": "</script>{{7*7}}"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u007b{7*7}}"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _TAG.sub(r"\\u007b", text.translate(_SCRIPT_JSON))  # outside strings "{" opens an object: '{"' or '{}'
