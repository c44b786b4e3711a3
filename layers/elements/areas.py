"""Schematic town and zone areas (示意), each with a tooltip the page fills with the totals of the parks shown."""

from __future__ import annotations

import geopandas as gpd
from folium.map import Layer
from folium.template import Template

from layers.elements.geojson import compact_geojson
from layers.page.escape import script_json

__all__ = ["TownAreas"]


class TownAreas(Layer):
    """Town/zone areas as dashed outlines, each with a tooltip that the page's areas module writes (name, parks
    shown, their investment) in the reader's language.

    Parameters
    ----------
    areas : GeoDataFrame of the areas (``name``: the gazetteer's name, the key of its labels), in the datum of
        the basemap (:func:`geo.map_data`).
    name : name in the layer control (HTML; see :func:`layers.page.app.layer_name`); the layer's id when None.
    show, control : shown when the page opens; listed in the layer control.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            style: function () { return {{ this.style|tojavascript }}; },
            onEachFeature: function (feature, layer) {
                layer.bindTooltip("", {sticky: true, className: "kh-area-tooltip"});
            }
        });
        {% endmacro %}
    """)

    def __init__(self, areas: gpd.GeoDataFrame, *, name: str | None = None, show: bool = True, control: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "TownAreas"
        self.data = script_json(compact_geojson(areas, ["name"]))
        self.style = {"color": "#555555", "weight": 1, "dash_array": "4 4", "fill_color": "#9ecae1",
                      "fill_opacity": 0.08, "class_name": "kh-area"}
