"""Compose the park heatmap on a folium map: basemaps, areas, outline, heat, sector layers, legends, view, app."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import folium
import geopandas as gpd
from branca.element import Element
from folium.template import Template

from geo.analyse.mapdata import MapData, map_data
from geo.analyse.weights import Weight
from layers.elements.areas import TownAreas
from layers.elements.basemaps import basemap as find_basemap
from layers.elements.basemaps import companions, tile_layer
from layers.elements.density import RAMP, DensityLayer, DensityLegend
from layers.elements.ramp import check_ramp, css_gradient, density_ramp, heat_gradient
from layers.elements.heat import HeatLayer
from layers.elements.legend import Legend
from layers.elements.markers import ParkMarkers
from layers.elements.outline import CountyOutline
from layers.page.app import LANGUAGES, ParkApp, i18n, layer_name, layer_text, page_text
from layers.page.cards import CARD_FIELDS, check_fields
from layers.page.escape import escape_text
from layers.publish.assets import asset

__all__ = ["park_heatmap", "HEATS"]

#: Heat styles: Leaflet.heat (pixels), the kernel density in real units, or both (density shown).
HEATS: tuple[str, ...] = ("classic", "density", "both")


def _pinned_map(**kwargs) -> folium.Map:
    """A folium map whose own page assets are the pinned Leaflet JS and CSS (no jQuery, Bootstrap, Font Awesome or
    branch-hosted files); the page adds jQuery where a folium element's script calls it (a Popup), see
    :func:`layers.publish.assets.pin_links`."""
    m = folium.Map(tiles=None, control_scale=True, **kwargs)
    m.default_js = [("leaflet", asset("leaflet").url)]
    m.default_css = [("leaflet_css", asset("leaflet_css").url)]
    return _controls_last(m)


def _adopt(m: folium.Map) -> folium.Map:
    """A user's map, with folium's Leaflet links replaced by the pinned ones (so no second Leaflet loads)."""
    pins = {"leaflet": asset("leaflet").url, "leaflet_css": asset("leaflet_css").url}
    m.default_js = [(name, pins.get(name, url)) for name, url in m.default_js]  # new lists: folium's are shared
    m.default_css = [(name, pins.get(name, url)) for name, url in m.default_css]
    return _controls_last(m)


class _ControlsLast(Element):
    """Renders first in the map's figure and moves the map's layer controls and the app after its other elements, so
    a layer added after :func:`park_heatmap` exists when the control lists it. Writes nothing."""

    _template = Template("")

    def __init__(self, m: folium.Map):
        super().__init__()
        self._name = "ControlsLast"
        self.map = m

    def render(self, **kwargs) -> str:
        children = self.map._children
        for key in [key for key, child in children.items() if isinstance(child, (folium.LayerControl, ParkApp))]:
            children.move_to_end(key)
        return ""


def _controls_last(m: folium.Map) -> folium.Map:
    figure = m.get_root()
    if not any(isinstance(child, _ControlsLast) and child.map is m for child in figure._children.values()):
        figure.add_child(_ControlsLast(m), index=0)  # the figure renders its children in order, before its page
    return m


def park_heatmap(parks: gpd.GeoDataFrame, *, areas: gpd.GeoDataFrame | None = None,
                 outline: gpd.GeoDataFrame | None = None, weight: Weight = "count", basemap: str = "osm",
                 m: folium.Map | None = None, title: str | None = None,
                 card_fields: tuple[str, ...] = CARD_FIELDS, card_extra: Sequence[str] | Mapping[str, str] = (),
                 language: str | None = None,
                 heat: Literal["classic", "density", "both"] = "both", bandwidth_m: float = 2000.0,
                 cell_m: float = 250.0, cluster: bool | str = "auto", programme: dict | None = None,
                 ui: dict | None = None, heat_ramp: Sequence[str] | None = None) -> folium.Map:
    """The 园区热力图 of located, joined parks, with the investor app (:class:`layers.page.app.ParkApp`): languages,
    filters, search, permalinks, ``window.KunshanHeatmap``; every text in the reader's language.

    Parameters
    ----------
    parks : GeoDataFrame from :func:`geo.load_parks` (EPSG:4326, joined), or any frame with point geometry and a
        ``name`` column: every other column of :data:`geo.analyse.schema.PARK_COLUMNS` is optional and takes
        its default (a ValueError names missing required columns; a :class:`~geo.analyse.schema.SchemaWarning`
        says when no sector, status, year or figure column is there).
    areas : schematic town areas (:func:`geo.town_areas`); drawn with their totals when given.
    outline : county outline; drawn with its attribution when given.
    weight : what the heat weighs: ``count``, ``investment`` (亿元), ``floor_area`` (万㎡) or ``output`` (亿元).
    basemap : one of :data:`layers.elements.basemaps.BASEMAPS`. Every overlay is converted to the basemap's
        datum (GCJ-02 for Gaode) by :func:`geo.map_data`; the page also offers the other basemaps of that datum.
    m : an existing map to draw on (its tiles must be in the datum of ``basemap``); a new one when None. Its
        Leaflet links are replaced by the pinned Leaflet (folium's default is another version), so the page loads one
        Leaflet; its other links stay, pinned ones linked with integrity or inlined offline (folium.Icon's, which
        nothing pins, are left out offline when no folium.Icon is on the map). Layers, controls and plugins added to
        the map before or after this call are kept: the layer control lists every named layer.
    title : heading of the map, its panel and the page's ``<title>``, the same in every language; None: the
        registry's title in the reader's language.
    card_fields : fields of each park card, in order (the page composes the card in the reader's language).
    card_extra : further columns of ``parks`` shown on each card after the fields, raw, under their own name (a
        list) or a label (a mapping label -> column): a register's 备注 or 运营主体. An unknown column is a ValueError.
    language : language the page opens in: ``zh-Hans`` (default), ``zh-Hant`` or ``en``.
    heat : ``classic`` (Leaflet.heat: radius in pixels, no value scale), ``density`` (a kernel density
        computed in UTM 51N metres, legend in parks/km² or 亿元/km², the same at every zoom) or ``both``
        (density shown, classic offered in the layer control).
    bandwidth_m, cell_m : kernel bandwidth (Gaussian σ) and grid cell of the density, in metres.
    cluster : cluster the markers: ``True``, ``False`` or ``"auto"`` (more than
        :data:`layers.elements.markers.CLUSTER_AUTO_MIN` parks); see :class:`~layers.elements.markers.ParkMarkers`.
    programme : published programme figures and targets (:func:`geo.programme`) for the page's panel.
    ui : how the page looks: ``{"accent": "#c0392b", "font": "'Noto Sans SC', sans-serif", "panels": ["search",
        "filters", "legends"], "folded": True}`` (:func:`layers.page.ui.check_ui`; every key optional; the page API's
        ``setUi`` and links' ``#accent=...&panels=...&folded=1`` take the same keys).
    heat_ramp : the heat's colours, 2 to 8 ``#rrggbb`` from light (few parks) to dark (many), for the density
        surface, the classic heat and both legends (:mod:`layers.elements.ramp`); the built-in ramps when None.

    Returns
    -------
    folium.Map, its view fitted to the parks (or the outline when there are fewer than two parks).
    """
    language = _check(heat, language, card_fields)
    item = find_basemap(basemap)
    data = map_data(parks, areas=areas, outline=outline, weight=weight, datum=item.datum, density=heat != "classic",
                    bandwidth_m=bandwidth_m, cell_m=cell_m, required=("geometry", "name"))  # cards need the names
    names = []  # (layer, what it is): named in the page's opening language here, in the reader's by the page
    if m is not None:
        m = _adopt(m)
    else:
        m = _pinned_map()
        for index, other in enumerate(companions(basemap)):
            names.append(_named(m, lambda name: tile_layer(other, name=name, show=index == 0),
                                {"key": f"basemap.{other.name}"}, language))
    ramp = None if heat_ramp is None else check_ramp(heat_ramp)
    layers = _overlays(m, data, heat, language, names, ramp)
    markers = ParkMarkers(data.parks, card_fields=card_fields, card_extra=card_extra, cluster=cluster,
                          language=language).add_to(m)
    names.extend(markers.names)
    if not m.get_root().title:  # the page's <title>: the browser tab, bookmarks, shared links, screen readers
        m.get_root().title = escape_text(title or page_text("title", language))
    legend = Legend(None if ramp is None else css_gradient(ramp)).add_to(m)
    control = folium.LayerControl(collapsed=True).add_to(m)
    _fit(m, data)
    ParkApp(markers, **layers, legend=legend, control=control, names=names, language=language, programme=programme,
            legend_facts=_legend_facts(data), title=title, ui=ui).add_to(m)  # last: a permalink's view wins
    return m


def _check(heat: str, language: str | None, card_fields: tuple[str, ...]) -> str:
    """The page's opening language, once ``heat``, ``language`` and ``card_fields`` are known to be allowed."""
    if heat not in HEATS:
        raise ValueError(f"heat={heat!r} is not one of {', '.join(HEATS)}")
    language = language or i18n()["default"]
    if language not in LANGUAGES:
        raise ValueError(f"language={language!r} is not one of {', '.join(LANGUAGES)}")
    check_fields(card_fields)
    return language


def _named(m: folium.Map, make, spec: dict, language: str) -> tuple:
    """(layer, spec): the layer ``make(name)`` gives, named by ``spec`` in ``language``, added to ``m``."""
    return make(layer_name(spec, language)).add_to(m), spec


def _overlays(m: folium.Map, data: MapData, heat: str, language: str, names: list,
              ramp: tuple[str, ...] | None = None) -> dict:
    """Areas, outline, classic heat and density surface (each when there is one, the heat in ``ramp``'s colours
    when given), added to ``m`` and named in ``names``: the :class:`~layers.page.app.ParkApp` inputs they are."""
    found = {"areas": None, "outline": None, "heat": None, "density": None, "density_legend": None}
    if data.areas is not None:
        names.append(_named(m, lambda name: TownAreas(data.areas, name=name), {"key": "layer.areas"}, language))
        found["areas"] = names[-1][0]
    if data.outline is not None:
        names.append(_named(m, lambda name: CountyOutline(data.outline, name=name), {"key": "layer.outline"},
                            language))
        found["outline"] = names[-1][0]
    if heat != "density":
        gradient = None if ramp is None else heat_gradient(ramp)
        names.append(_named(m, lambda name: HeatLayer(data.heat, name=name, show=heat == "classic",
                                                      gradient=gradient), {"key": "layer.heat"}, language))
        found["heat"] = names[-1][0]
    if data.density is not None:
        spec = {"density": data.weight}
        alt = layer_text(spec, language)
        surface = RAMP if ramp is None else density_ramp(ramp)
        names.append(_named(m, lambda name: DensityLayer(data.density, name=name, alt=alt, ramp=surface), spec,
                            language))
        found["density"] = names[-1][0]
        found["density_legend"] = DensityLegend(found["density"]).add_to(m)
    return found


def _legend_facts(data: MapData) -> dict:
    """What the map legend says, as data: the weight, parks in the heat, parks in all, parks at city level, and
    whether the classic heat's colour ramp is shown (no density surface)."""
    return {"weight": data.weight, "carrying": len(data.heat), "total": len(data.parks),
            "city": len(data.parks) - data.located, "ramp": data.density is None}


def _fit(m: folium.Map, data: MapData) -> None:
    frame = data.parks if len(data.parks) >= 2 or data.outline is None else data.outline
    if len(frame) == 0:
        return
    west, south, east, north = frame.to_crs("EPSG:4326").total_bounds
    m.fit_bounds([[float(south), float(west)], [float(north), float(east)]], padding=(30, 30))
