"""Weighted heat layer (Leaflet.heat), written compactly: ``[lat, lon, weight]`` rounded."""

from __future__ import annotations

import numpy as np
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from layers.elements.geojson import COORD_DECIMALS
from layers.page.escape import script_json
from layers.publish.assets import asset

__all__ = ["HeatLayer", "WEIGHT_DECIMALS"]

#: Decimals of the heat weights written to the page.
WEIGHT_DECIMALS = 4


class HeatLayer(JSCSSMixin, Layer):
    """Leaflet.heat layer from ``[lat, lon, weight]`` rows (:attr:`geo.MapData.heat`), written with
    :data:`~layers.elements.geojson.COORD_DECIMALS` decimals of degrees and :data:`WEIGHT_DECIMALS` of weight.

    Parameters
    ----------
    points : array of shape (n, 3).
    name : name in the layer control (HTML; see :func:`layers.page.app.layer_name`); the layer's id when None.
    radius : radius of a point in pixels (Leaflet.heat default 25 when None).
    blur : blur in pixels (default 15 when None).
    max_zoom : zoom at which points reach full intensity (Leaflet.heat scales intensity with zoom).
    min_opacity : minimum opacity of the heat.
    show, control : shown when the page opens; listed in the layer control.
    gradient : position 0..1 -> colour (Leaflet.heat's default blue-cyan-lime-yellow-red when None).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.heatLayer({{ this.data }}, {{ this.options|tojavascript }});
        {% endmacro %}
    """)
    default_js = [("leaflet_heat", asset("leaflet_heat").url)]

    def __init__(self, points: np.ndarray, *, name: str | None = None, radius: float | None = 30,
                 blur: float | None = 20, max_zoom: int | None = 11, min_opacity: float | None = 0.3,
                 show: bool = True, control: bool = True, gradient: dict[float, str] | None = None):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "HeatLayer"
        points = np.asarray(points, dtype="float64").reshape(-1, 3)
        points = np.column_stack([points[:, :2].round(COORD_DECIMALS), points[:, 2].round(WEIGHT_DECIMALS)])
        self.count = len(points)
        self.data = script_json(points.tolist())
        options = {"radius": radius, "blur": blur, "max_zoom": max_zoom, "min_opacity": min_opacity,
                   "max": float(points[:, 2].max()) if len(points) else 1.0, "gradient": gradient}
        self.options = {k: v for k, v in options.items() if v is not None}
