"""Compose the park heatmap on a folium map: areas, outline, heat, sector layers, legend, view."""

from __future__ import annotations

from typing import Literal

import folium
import geopandas as gpd
import numpy as np

from geo.analyse.density import density_grid
from geo.analyse.join import area_totals
from layers.elements.areas import TownAreas
from layers.publish.assets import asset
from layers.elements.basemaps import basemap as find_basemap
from layers.elements.basemaps import companions, tile_layer, to_datum
from layers.page.cards import CARD_FIELDS
from layers.elements.density import DensityLegend, density_layer_for_datum
from layers.page.app import ParkApp
from layers.page.escape import escape_text
from geo.analyse.weights import WEIGHTS, Weight
from layers.elements.heat import HeatLayer, heat_points, heat_rounded
from layers.elements.legend import Legend, weight_description
from layers.elements.outline import CountyOutline
from layers.elements.markers import ParkMarkers

__all__ = ["park_heatmap", "TITLE", "HEATS"]

#: Heat styles: Leaflet.heat (pixels), the kernel density in real units, or both (density shown).
HEATS: tuple[str, ...] = ("classic", "density", "both")

TITLE = "昆山特色专业创新园区热力图 Kunshan specialised innovation parks"


def _pinned_map(**kwargs) -> folium.Map:
    """A folium map whose only page assets are the pinned Leaflet JS and CSS (no jQuery, Bootstrap,
    Font Awesome or branch-hosted files)."""
    m = folium.Map(tiles=None, control_scale=True, **kwargs)
    m.default_js = [("leaflet", asset("leaflet").url)]
    m.default_css = [("leaflet_css", asset("leaflet_css").url)]
    return m


def park_heatmap(parks: gpd.GeoDataFrame, *, areas: gpd.GeoDataFrame | None = None,
                 outline: gpd.GeoDataFrame | None = None, weight: Weight = "count", basemap: str = "osm",
                 m: folium.Map | None = None, title: str | None = None,
                 card_fields: tuple[str, ...] = CARD_FIELDS, app: bool = True,
                 language: str | None = None, heat: Literal["classic", "density", "both"] = "both",
                 bandwidth_m: float = 2000.0, cell_m: float = 250.0, cluster: bool | str = "auto",
                 programme: dict | None = None) -> folium.Map:
    """The 园区热力图 of located, joined parks.

    Parameters
    ----------
    parks : GeoDataFrame from :func:`geo.load_parks` (EPSG:4326, joined).
    areas : schematic town areas (:func:`geo.town_areas`); drawn with their totals when given.
    outline : county outline; drawn with its attribution when given.
    weight : what the heat weighs: ``count``, ``investment`` (亿元), ``floor_area`` (万㎡) or ``output`` (亿元).
    basemap : one of :data:`layers.elements.basemaps.BASEMAPS`. Every overlay is converted to the basemap's
        datum (GCJ-02 for Gaode), here and only here; the page also offers the other basemaps of that datum.
    m : an existing map to draw on (its tiles must be in the datum of ``basemap``); a new one when None.
    title : heading of the map, its panel and the page's ``<title>``, the same in every language; None: the
        registry's title in the reader's language (:data:`TITLE` where there is no app).
    card_fields : fields of each park card, in order (with ``app`` the page composes the card in the reader's
        language from these fields).
    app : add the investor app: languages, filters, permalinks, ``window.KunshanHeatmap`` (see :mod:`layers.page.app`).
    language : language the page opens in: ``zh-Hans`` (default), ``zh-Hant`` or ``en``.
    heat : ``classic`` (Leaflet.heat: radius in pixels, no value scale), ``density`` (a kernel density
        computed in UTM 51N metres, legend in parks/km² or 亿元/km², the same at every zoom) or ``both``
        (density shown, classic offered in the layer control).
    bandwidth_m, cell_m : kernel bandwidth (Gaussian σ) and grid cell of the density, in metres.
    cluster : cluster the markers: ``True``, ``False`` or ``"auto"`` (more than
        :data:`layers.elements.markers.CLUSTER_AUTO_MIN` parks); see :class:`~layers.elements.markers.ParkMarkers`.
    programme : published programme figures and targets (:func:`geo.programme`) for the page's panel.

    Returns
    -------
    folium.Map, its view fitted to the parks (or the outline when there are fewer than two parks).
    """
    if weight not in WEIGHTS:
        raise ValueError(f"weight={weight!r} is not one of {', '.join(WEIGHTS)}")
    if parks.crs is None or parks.crs.to_epsg() != 4326:
        raise ValueError(f"parks must be in EPSG:4326, got {parks.crs}")
    if heat not in HEATS:
        raise ValueError(f"heat={heat!r} is not one of {', '.join(HEATS)}")
    grid = None
    if heat != "classic":  # from the WGS-84 parks: the density layer shifts its own bounds to the basemap
        carrying = bool(np.isfinite(heat_rounded(parks, weight)).any())
        bounds = None if carrying or outline is None else tuple(float(b) for b in outline.total_bounds)
        if carrying or bounds is not None:
            grid = density_grid(parks, weight, bandwidth_m=bandwidth_m, cell_m=cell_m, bounds=bounds)
    datum = find_basemap(basemap).datum
    names = []  # (layer, what it is): the app names them in the reader's language
    if m is None:
        m = _pinned_map()
        for index, item in enumerate(companions(basemap)):
            names.append((tile_layer(item, show=index == 0).add_to(m), {"key": f"basemap.{item.name}"}))
    area_layer = None
    if areas is not None:
        area_layer = TownAreas(to_datum(area_totals(parks, areas), datum)).add_to(m)
        names.append((area_layer, {"key": "layer.areas"}))
    if outline is not None:
        outline = to_datum(outline, datum)
        names.append((CountyOutline(outline).add_to(m), {"key": "layer.outline"}))
    parks = to_datum(parks, datum)
    points = heat_points(parks, weight)
    heat_layer = HeatLayer(points, show=heat == "classic").add_to(m) if heat != "density" else None
    if heat_layer is not None:
        names.append((heat_layer, {"key": "layer.heat"}))
    density_layer = None
    if grid is not None:
        density_layer = density_layer_for_datum(grid, datum).add_to(m)
        DensityLegend(density_layer).add_to(m)
        names.append((density_layer, {"density": weight}))
    markers = ParkMarkers(parks, card_fields=card_fields, heat=heat_rounded(parks, weight), cluster=cluster,
                          app_cards=app)
    markers.add_to(m)
    names.extend(markers.names)
    located = int(parks["precision"].ne("city").sum())
    legend = {"weight": weight, "carrying": len(points), "total": len(parks), "city": len(parks) - located,
              "ramp": grid is None}
    control = folium.LayerControl(collapsed=True)
    app_element = ParkApp(parks, heat=heat_layer, areas=area_layer, density=density_layer, control=control,
                          names=names, language=language, programme=programme, legend=legend,
                          title=title) if app else None
    notes = ["镇/板块范围为示意，非法定边界 / Town areas are schematic, not legal boundaries"]
    if located < len(parks):
        notes.append(f"{len(parks) - located}个园区仅知在昆山市内，不计入热力 / {len(parks) - located} parks "
                     f"known only at city level are not in the heat")
    if len(parks) == 0:
        notes.append("没有园区数据 / No park data")
    heading = title or (app_element.title if app_element is not None else TITLE)
    if not m.get_root().title:  # the page's <title>: the browser tab, bookmarks, shared links, screen readers
        m.get_root().title = escape_text(heading)
    Legend(title=heading, weight_text=weight_description(weight, len(points), len(parks)), notes=notes,
           ramp=grid is None).add_to(m)
    control.add_to(m)
    _fit(m, parks, outline)
    if app_element is not None:  # last: a permalink's view wins over the fitted one
        app_element.add_to(m)
    return m


def _fit(m: folium.Map, parks: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None) -> None:
    frame = parks if len(parks) >= 2 or outline is None else outline
    if len(frame) == 0:
        return
    west, south, east, north = frame.to_crs("EPSG:4326").total_bounds
    m.fit_bounds([[float(south), float(west)], [float(north), float(east)]], padding=(30, 30))
