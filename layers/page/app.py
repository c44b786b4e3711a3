"""The investor app of the page: three languages, combined filters, permalinks, a page API for portals.

The behaviour lives in the scripts of ``layers/js/`` (package data, :data:`SCRIPTS`); data arrive escaped from
Python, and the scripts only join strings that are already safe HTML or escape what they compose themselves.
This element hands them the registries (UI strings, sector and status names, place names) and the names of the
layers they drive. Park data come from :class:`layers.elements.markers.ParkMarkers`, which must be on the same map, added
before this element.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from geo.place.gazetteer import place_labels
from geo.registry import load_json, sectors, statuses
from layers.page.escape import escape_text, script_json

__all__ = ["ParkApp", "LANGUAGES", "SCRIPTS", "i18n"]


@cache
def i18n() -> dict:
    """The UI string registry (``layers/page/i18n.json``): default language, languages, formats, strings."""
    return load_json("i18n.json", "layers.page")


LANGUAGES: tuple[str, ...] = tuple(i18n()["languages"])


#: The app's scripts in ``layers/js/``, in the order they run, all in one function scope (the page's
#: configuration, map and layers are its arguments).
SCRIPTS = ("text", "filters", "search", "density", "legends", "panel", "api")


@cache
def _code() -> str:
    folder = resources.files("layers.page") / "js"
    body = "".join((folder / f"{name}.js").read_text(encoding="utf-8") for name in SCRIPTS)
    return f"(function (cfg, map, heat, areas, densityLayer, control, names) {{\n{body}}})"


def _names(registry: pd.DataFrame, *extra: str) -> dict:
    """code -> {<language>: label, ...} of a registry (sectors, statuses), each language reading the column its
    format names (the 中文 label where that column is empty), plus the ``extra`` columns."""
    labels = {language: registry[spec["labels"]].fillna(registry["zh"]) for language, spec in i18n()["formats"].items()}
    return registry.assign(**labels)[[*labels, *extra]].to_dict("index")


def _strings_for(strings: dict, names: Sequence[tuple[Element, dict]]) -> dict:
    """The UI strings, with the basemap names only of the basemaps on the page (a page on OSM does not
    name the GCJ-02 tiles it does not offer)."""
    offered = {spec.get("key") for _, spec in names}
    return {key: value for key, value in strings.items() if not key.startswith("basemap.") or key in offered}


class ParkApp(MacroElement):
    """Languages (简体中文 default, 繁體中文, English), filters (sector x status x town x investment),
    permalinks in the URL hash, ``window.KunshanHeatmap`` and ``postMessage`` commands.

    Parameters
    ----------
    parks : the parks drawn by the :class:`~layers.elements.markers.ParkMarkers` of the same map (for the lists of
        sectors, statuses and towns the filters offer).
    heat : the heat layer the filters redraw (optional).
    areas : the town-area layer whose totals the filters recompute (optional).
    density : the :class:`~layers.elements.density.DensityLayer` the filters recompute on its grid, with its legend
        written in the reader's language (optional).
    control : the map's layer control, whose names follow the language (optional).
    names : (layer, spec) pairs naming the layers in that control: ``{"key": <i18n key>}``,
        ``{"sector": code, "count": n, "colour": css}`` or ``{"density": weight}``.
    language : language the page opens in (one of :data:`LANGUAGES`).
    programme : the programme's published figures and targets (:func:`geo.programme`), shown in a panel
        beside what the map itself holds; none when None.
    legend : what the map legend says, as data, so it follows the language: ``weight``, ``carrying``
        (parks in the heat), ``total``, ``city`` (parks at city level), ``ramp`` (classic colour ramp shown).
    title : the map's title in every language; None: the registry's, in the reader's language (``title``
        attribute: the one the page opens with).
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .kh-panel { background: rgba(255,255,255,0.95); padding: 6px 10px; font: 13px/1.4 sans-serif;
                      max-width: 300px; max-height: 70vh; overflow: auto; border-radius: 4px;
                      box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
          .kh-panel-title { font-weight: bold; margin-bottom: 4px; }
          .kh-panel fieldset { border: 0; padding: 0; margin: 4px 0; }
          .kh-panel legend { font-weight: bold; padding: 0; }
          .kh-panel label { display: block; }
          .kh-panel input[type=number] { width: 6em; }
          .kh-count { margin-top: 4px; color: #333; }
          .kh-share { display: inline-block; margin-top: 4px; }
          .kh-live { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
          .kh-share-link { display: block; width: 100%; box-sizing: border-box; margin-top: 2px; font-size: 11px; }
          .kh-search { width: 100%; box-sizing: border-box; margin: 2px 0; }
          .kh-result { display: block; width: 100%; text-align: left; margin: 1px 0; }
          .kh-totals table { font-size: 12px; border-collapse: collapse; }
          .kh-totals th, .kh-totals td { text-align: left; padding: 1px 8px 1px 0; }
          .kh-panel:has(.kh-programme[open]) { max-width: min(520px, calc(100vw - 40px)); }
          .kh-programme table { font-size: 12px; border-collapse: collapse; }
          .kh-programme th, .kh-programme td { text-align: left; padding: 1px 6px 1px 0; vertical-align: top; }
          .kh-programme th { font-weight: normal; color: #555; }
          .kh-programme tr:first-child th { font-weight: bold; }
          .kh-source { font-size: 11px; color: #666; }
          .kh-legend h4, .kh-density-title { cursor: pointer; }
          .kh-legend h4::after, .kh-density-title::after { content: " ▾"; color: #888; }
          .kh-folded .kh-legend h4::after, .kh-folded .kh-density-title::after { content: " ▸"; }
          .kh-folded .kh-legend h4 { margin: 0; }
          .kh-density-legend { min-width: 220px; }
          .kh-folded .kh-legend > :not(h4),
          .kh-folded .kh-density-legend > :not(.kh-density-title):not(.kh-density-bar):not(.kh-density-ticks):not(.kh-density-unit) {
              display: none; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        ({{ this.code }})({{ this.config }}, {{ this._parent.get_name() }}, {{ this.heat_name }},
                          {{ this.areas_name }}, {{ this.density_name }}, {{ this.control_name }},
                          {{ this.names_js }});
        {% endmacro %}
    """)

    def __init__(self, parks: pd.DataFrame, *, heat=None, areas=None, density=None, control=None,
                 names: Sequence[tuple[Element, dict]] = (), language: str | None = None,
                 programme: dict | None = None, legend: dict | None = None, title: str | None = None):
        super().__init__()
        self._name = "ParkApp"
        registry = i18n()
        language = language or registry["default"]
        if language not in LANGUAGES:
            raise ValueError(f"language={language!r} is not one of {', '.join(LANGUAGES)}")
        towns = parks["area"].fillna(parks["host"]) if "host" in parks.columns else parks["area"]
        self.config = script_json({
            "default": language, "languages": registry["languages"], "order": list(registry["languages"]),
            "formats": registry["formats"],
            "strings": _strings_for(registry["strings"], names),
            "places": _names(place_labels()), "sectors": _names(sectors()), "statuses": _names(statuses(), "icon", "colour"),
            "programme": programme, "legend": legend, "title": None if title is None else escape_text(title),
            "years": ([int(years.min()), int(years.max())] if len(years := parks["year"].dropna()) else None),
            "present": {"sectors": sorted(parks["sector"].dropna().unique().tolist()),
                        "statuses": sorted(parks["status"].dropna().unique().tolist()),
                        "towns": sorted(towns.dropna().unique().tolist())},
        })
        self.title = title or registry["strings"]["title"][language]
        self.code = _code()
        self._layers = {"heat": heat, "areas": areas, "density": density, "control": control}
        self._names = list(names)
        self.heat_name = self.areas_name = self.density_name = self.control_name = "null"
        self.names_js = "[]"

    def render(self, **kwargs):
        for role, layer in self._layers.items():
            setattr(self, f"{role}_name", layer.get_name() if layer is not None else "null")
        self.names_js = "[" + ",".join(f"[{layer.get_name()},{script_json(spec)}]" for layer, spec in self._names) + "]"
        super().render(**kwargs)
