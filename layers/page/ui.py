"""How the page looks without forking it: accent colour, font, which panel parts show, whether the panel starts
folded. Build options (``park_heatmap(ui=...)``, ``build --accent/--font/--panels/--folded``), the page API
(``setUi``) and link parameters (``#accent=...&panels=...&folded=1``) all take the same keys."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["PANELS", "UI_KEYS", "check_ui", "CSS_PROPERTIES", "ui_rules"]

#: The panel parts a page may show, in the order they are drawn.
PANELS = ("search", "time", "language", "filters", "count", "towns", "programme", "legends")
UI_KEYS = ("accent", "font", "panels", "folded")
#: The CSS custom properties of the page (set them in a host's own copy of the page, or through ``ui``).
CSS_PROPERTIES = {"--kh-accent": "accent colour: buttons, links, focus ring, the panel's edge",
                  "--kh-font": "font family of the panel, cards and legends",
                  "--kh-panel-bg": "background of the panel and legends", "--kh-text": "text colour"}
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|hsl)a?\([0-9.,%\s]{5,40}\))$")
_FONT = re.compile(r"^[\w\s,\"'\-\u3400-\u9fff]{1,120}$")


def check_ui(ui: Mapping | None) -> dict:
    """``ui`` with every key checked (ValueError naming a bad key or value): ``accent`` a CSS colour, ``font`` a
    font-family list, ``panels`` a subset of :data:`PANELS` (None: all), ``folded`` True, False or None (folded
    on frames narrower than 700 px and when a card opens there).

    >>> check_ui({"accent": "#c0392b", "panels": ["search", "filters"]})
    {'accent': '#c0392b', 'font': None, 'panels': ['search', 'filters'], 'folded': None}
    """
    ui = dict(ui or {})
    unknown = sorted(set(ui) - set(UI_KEYS))
    if unknown:
        raise ValueError(f"unknown ui key(s) {', '.join(unknown)}; allowed: {', '.join(UI_KEYS)}")
    accent, font, panels, folded = (ui.get(key) for key in UI_KEYS)
    if accent is not None and not _COLOUR.match(str(accent)):
        raise ValueError(f"accent={accent!r} is not a CSS colour (#c0392b, teal, rgb(...))")
    if font is not None and not _FONT.match(str(font)):
        raise ValueError(f"font={font!r} is not a font-family list such as 'Noto Sans SC', sans-serif")
    if panels is not None:
        bad = [p for p in panels if p not in PANELS]
        if isinstance(panels, str) or bad:
            raise ValueError(f"panels={panels!r}: unknown {', '.join(map(str, bad)) or 'a text'}; "
                             f"a list of: {', '.join(PANELS)}")
        panels = list(panels)
    if folded not in (None, True, False):
        raise ValueError(f"folded={folded!r} must be True, False or None")
    return {"accent": accent, "font": font, "panels": panels, "folded": folded}


def ui_rules() -> dict:
    """The same rules for the page's ``ui`` module (``config.uiRules``): patterns of a colour and a font list, the
    panel parts, the keys."""
    return {"colour": _COLOUR.pattern, "font": _FONT.pattern, "panels": list(PANELS), "keys": list(UI_KEYS)}
