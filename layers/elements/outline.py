"""The county outline as a non-interactive line layer (its source is credited by the page, in the reader's
language, while the layer is on the map)."""

from __future__ import annotations

import geopandas as gpd
from folium.map import Layer
from folium.template import Template

from layers.elements.geojson import compact_geojson
from layers.page.escape import script_json

__all__ = ["CountyOutline"]


class CountyOutline(Layer):
    """County outline drawn as a line.

    Parameters
    ----------
    outline : GeoDataFrame of the outline polygon(s), in the datum of the basemap (:func:`geo.map_data`).
    name : name in the layer control (HTML; see :func:`layers.page.app.layer_name`); the layer's id when None.
    colour : CSS colour of the line.
    weight : line width in pixels.
    attribution : HTML shown in the map's attribution control while the layer is on the map; none when None
        (the investor app credits the registry's ``attribution.outline`` in the reader's language).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {{ this.options|tojavascript }});
        {% endmacro %}
    """)

    def __init__(self, outline: gpd.GeoDataFrame, *, name: str | None = None, colour: str = "#222222",
                 weight: float = 2.5, attribution: str | None = None, control: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "CountyOutline"
        self.data = script_json(compact_geojson(outline))
        options = {"interactive": False, "attribution": attribution,
                   "style": {"color": colour, "weight": weight, "fill": False}}
        self.options = {key: value for key, value in options.items() if value is not None}
