"""The investor app of the page: three languages, combined filters, permalinks, a page API for portals.

The app is the page's one renderer of text: its scripts (``layers/page/js/``, :data:`SCRIPTS`) write every card,
tooltip, legend, panel and layer name in the reader's language from the registries (``i18n.json``, the sector and
status labels, the gazetteer's place names). Record texts travel raw in one JSON payload, written once by
:func:`layers.page.escape.script_json`, and are escaped once, by the scripts' ``esc``, where they enter the page.

Each script is a module: its first line, ``// Module <name>(<inputs>): ...``, names what it takes (the page's
inputs or what a module before it returned); :func:`modules` reads those lines and ``app.js`` calls the modules in
order, each in a scope of its own. Where folium writes a text itself (a layer's name in the layer control),
:func:`layer_name` takes it from the same registry keys, in the language the page opens in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from geo.place.gazetteer import place_labels
from geo.registry import load_json, sectors, statuses
from layers.page.escape import HTTP_URL, escape_text, script_json
from layers.page.ui import check_ui, ui_rules

__all__ = ["ParkApp", "LANGUAGES", "SCRIPTS", "i18n", "layer_name", "layer_text", "modules", "page_text",
           "sector_keys"]


@cache
def i18n() -> dict:
    """The UI string registry (``layers/page/i18n.json``): default language, languages, formats, strings."""
    return load_json("i18n.json", "layers.page")


LANGUAGES: tuple[str, ...] = tuple(i18n()["languages"])

#: The app's script modules in ``layers/page/js/``; ``app`` wires the others.
SCRIPTS = ("text", "ui", "card", "markers", "filters", "search", "time", "programme", "areas", "density", "legends",
           "api", "panel", "app")
#: The app's inputs read from the payload; the others are the page's Leaflet objects (:class:`ParkApp`).
PAYLOAD = ("config", "parks")
_HEADER = re.compile(r"// Module (\w+)\(([^)]*)\):")


def page_text(key: str, language: str, **fields) -> str:
    """The registry string ``key`` in ``language``, its ``{fields}`` filled in (as the page's ``fill`` does)."""
    template = i18n()["strings"][key][language]
    return re.sub(r"\{(\w+)\}", lambda match: str(fields.get(match[1], "")), template)


def _names(registry: pd.DataFrame, *extra: str) -> dict:
    """code -> {<language>: label, ...} of a registry (sectors, statuses), each language reading the column its
    format names (the 中文 label where that column is empty), plus the ``extra`` columns."""
    labels = {language: registry[spec["labels"]].fillna(registry["zh"]) for language, spec in i18n()["formats"].items()}
    return registry.assign(**labels)[[*labels, *extra]].to_dict("index")


def layer_text(spec: dict, language: str) -> str:
    """The name of a layer in ``language``, as text. ``spec`` says what the layer is, as the page's legends module
    reads it: ``{"key": <i18n key>}``, ``{"sector": code}`` or ``{"density": weight}``.

    >>> layer_text({"density": "investment"}, "en")
    'Investment density (100 million CNY/km²)'
    """
    if "sector" in spec:  # a code the registry does not know is its own name, as in the page
        return _names(sectors()).get(spec["sector"], {}).get(language, str(spec["sector"]))
    if "density" in spec:
        weight = spec["density"]
        title = (page_text("density.title.count", language) if weight == "count" else
                 page_text("density.title.figure", language, figure=page_text(f"field.{weight}", language)))
        return f"{title} ({page_text(f'density.unit.{weight}', language)})"
    return page_text(spec["key"], language)


def layer_name(spec: dict, language: str) -> str:
    """:func:`layer_text` as escaped HTML, for the layer control (Leaflet writes its names as HTML). The page writes
    the same names, a sector's with its colour and count, in the reader's language."""
    return escape_text(layer_text(spec, language))


@cache
def modules() -> dict[str, tuple[str, ...]]:
    """Each script module's inputs, from its first line, in the order of :data:`SCRIPTS`."""
    found = {}
    for name in SCRIPTS:
        match = _HEADER.match(_source(name))
        if match is None or match[1] != name:
            raise ValueError(f"layers/page/js/{name}.js must begin with '// Module {name}(<inputs>): ...'")
        found[name] = tuple(part.strip() for part in match[2].replace("\n//", " ").split(","))
    return found


def _source(name: str) -> str:
    return (resources.files("layers.page") / "js" / f"{name}.js").read_text(encoding="utf-8")


@cache
def _code() -> str:
    """The modules, each a function of its inputs, and the page's entry: ``function (payload, page)``."""
    wrapped = "".join(f"function {name}Module({', '.join(inputs)}) {{\n{_source(name)}}}\n"
                      for name, inputs in modules().items())
    arguments = ", ".join(f"{'payload' if name in PAYLOAD else 'page'}.{name}" for name in modules()["app"])
    return (f'(function () {{\n"use strict";\n{wrapped}'
            f"return function (payload, page) {{ appModule({arguments}); }};\n}})()")


@cache
def _css() -> str:
    return (resources.files("layers.page") / "app.css").read_text(encoding="utf-8")


def _strings_for(strings: dict, names: Sequence[tuple[Element, dict]]) -> dict:
    """The UI strings, with the basemap names only of the basemaps on the page (a page on OSM does not
    name the GCJ-02 tiles it does not offer)."""
    offered = {spec.get("key") for _, spec in names}
    return {key: value for key, value in strings.items() if not key.startswith("basemap.") or key in offered}


def sector_keys(parks: pd.DataFrame) -> pd.Series:
    """The sector each park is shown, filtered and layered under: its registry code, or, for a sector no registry
    entry knows (code ``other``), the register's own word (``sector_label``), which the page shows as its label
    and the filter ``other`` includes."""
    labels = parks["sector_label"] if "sector_label" in parks.columns else pd.Series(pd.NA, index=parks.index)
    return labels.astype("string").fillna(parks["sector"].astype("string"))


def _present(parks: pd.DataFrame) -> dict:
    """The sectors, statuses and towns the filters offer (those of the parks)."""
    towns = parks["area"].fillna(parks["host"]) if "host" in parks.columns else parks["area"]
    return {"sectors": sorted(sector_keys(parks).dropna().unique().tolist()),
            "statuses": sorted(parks["status"].dropna().unique().tolist()),
            "towns": sorted(towns.dropna().unique().tolist())}


def _config(parks: pd.DataFrame, names, language: str, programme, legend_facts, title) -> dict:
    registry = i18n()
    years = parks["year"].dropna()
    return {"default": language, "languages": registry["languages"], "order": list(registry["languages"]),
            "formats": registry["formats"], "strings": _strings_for(registry["strings"], names),
            "places": _names(place_labels()), "sectors": _names(sectors()),
            "statuses": _names(statuses(), "icon", "colour"), "programme": programme, "legend": legend_facts,
            "title": title, "years": [int(years.min()), int(years.max())] if len(years) else None,
            "present": _present(parks), "link": HTTP_URL.pattern}


class ParkApp(MacroElement):
    """Languages (简体中文 default, 繁體中文, English), filters (sector x status x town x investment),
    permalinks in the URL hash, ``window.KunshanHeatmap`` and ``postMessage`` commands; the park markers, their
    cards and tooltips, the legends and the layer names, in the reader's language.

    Add it to the map last (after the layer control and the view), so a permalink's view wins.

    Parameters
    ----------
    markers : the :class:`~layers.elements.markers.ParkMarkers` of the same map: the parks' records and the
        layers their markers are drawn in.
    heat : the heat layer the filters redraw (optional).
    areas : the town-area layer whose tooltips give the totals of the parks shown (optional).
    outline : the county outline, whose attribution follows the language (optional).
    density : the :class:`~layers.elements.density.DensityLayer` the filters recompute on its grid (optional).
    density_legend : its :class:`~layers.elements.density.DensityLegend`, written in the reader's language.
    legend : the map's :class:`~layers.elements.legend.Legend`, written in the reader's language.
    control : the map's layer control, whose names follow the language (optional).
    names : (layer, spec) pairs naming the layers in that control: ``{"key": <i18n key>}``,
        ``{"sector": code, "count": n, "colour": css}`` or ``{"density": weight}`` (see :func:`layer_name`).
    language : language the page opens in (one of :data:`LANGUAGES`).
    programme : the programme's published figures and targets (:func:`geo.programme`), shown in a panel
        beside what the map itself holds; none when None.
    legend_facts : what the map legend says, as data: ``weight``, ``carrying`` (parks in the heat), ``total``,
        ``city`` (parks at city level), ``ramp`` (classic colour ramp shown).
    title : the map's title in every language; None: the registry's, in the reader's language (``title``
        attribute: the one the page opens with).
    ui : accent colour, font, panel parts shown and folding (:func:`layers.page.ui.check_ui`).
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
{{ this.css }}        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var payload = {{ this.payload }};
            var start = {{ this.code }};
            start(payload, {{ this.inputs|tojavascript }});
        })();
        {% endmacro %}
    """)

    def __init__(self, markers, *, heat=None, areas=None, outline=None, density=None, density_legend=None,
                 legend=None, control=None, names: Sequence[tuple[Element, dict]] = (), language: str | None = None,
                 programme: dict | None = None, legend_facts: dict | None = None, title: str | None = None,
                 ui: dict | None = None):
        super().__init__()
        self._name = "ParkApp"
        language = language or i18n()["default"]
        if language not in LANGUAGES:
            raise ValueError(f"language={language!r} is not one of {', '.join(LANGUAGES)}")
        config = _config(markers.parks, names, language, programme, legend_facts, title)
        # What each named layer is travels in the payload (a sector's spec holds the register's own word); the
        # template gets the layers only, never record text (branca renders a rendered script once more).
        config["names"] = [spec for _, spec in names]
        config["ui"], config["uiRules"] = check_ui(ui), ui_rules()
        self.payload = script_json({"config": config, "parks": markers.records})
        self.title = title or page_text("title", language)
        self.code, self.css = _code(), _css()
        self._inputs = {"park_layers": markers, "heat": heat, "town_areas": areas, "outline": outline,
                        "density_layer": density, "density_legend": density_legend, "legend": legend,
                        "control": control, "names": [layer for layer, _ in names]}
        self.inputs = {}

    def render(self, **kwargs):
        self.inputs = {"map": self._parent, **self._inputs}
        super().render(**kwargs)
