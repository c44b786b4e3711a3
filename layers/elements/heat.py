"""Weighted heat layer (Leaflet.heat), written compactly: ``[lat, lon, weight]`` rounded."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from geo.analyse.weights import Weight, heat_weights
from layers.elements.geojson import COORD_DECIMALS
from layers.page.escape import script_json
from layers.publish.assets import asset

__all__ = ["HeatLayer", "heat_points", "heat_rounded"]

def heat_rounded(parks: gpd.GeoDataFrame, weight: Weight = "count") -> np.ndarray:
    """:func:`geo.analyse.weights.heat_weights` rounded as the page writes them (4 decimals; NaN out of the heat)."""
    return heat_weights(parks, weight).round(4)


def heat_points(parks: gpd.GeoDataFrame, weight: Weight = "count") -> np.ndarray:
    """Array of ``[lat, lon, weight]`` for the parks that carry the weight (:func:`geo.analyse.weights.heat_weights`)."""
    values = heat_rounded(parks, weight)
    keep = np.isfinite(values)
    return np.column_stack([parks.geometry.y.to_numpy()[keep].round(COORD_DECIMALS),
                            parks.geometry.x.to_numpy()[keep].round(COORD_DECIMALS),
                            values[keep].round(4)])


class HeatLayer(JSCSSMixin, Layer):
    """Leaflet.heat layer from ``[lat, lon, weight]`` rows.

    Parameters
    ----------
    points : array of shape (n, 3).
    radius : radius of a point in pixels (Leaflet.heat default 25 when None).
    blur : blur in pixels (default 15 when None).
    max_zoom : zoom at which points reach full intensity (Leaflet.heat scales intensity with zoom).
    min_opacity : minimum opacity of the heat.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.heatLayer({{ this.data }}, {{ this.options }});
        {% endmacro %}
    """)
    default_js = [("leaflet_heat", asset("leaflet_heat").url)]

    def __init__(self, points: np.ndarray, *, name: str = "热力 Heat", radius: float | None = 30,
                 blur: float | None = 20, max_zoom: int | None = 11, min_opacity: float | None = 0.3,
                 show: bool = True, control: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "HeatLayer"
        points = np.asarray(points, dtype="float64").reshape(-1, 3)
        self.count = len(points)
        self.data = script_json(points.tolist())
        options = {"radius": radius, "blur": blur, "maxZoom": max_zoom, "minOpacity": min_opacity,
                   "max": float(points[:, 2].max()) if len(points) else 1.0}
        self.options = script_json({k: v for k, v in options.items() if v is not None})
