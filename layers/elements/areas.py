"""Schematic town and zone areas (示意) with their totals in a tooltip."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from folium.map import Layer
from folium.template import Template

from layers.page.format import figure_text
from layers.elements.geojson import compact_geojson
from layers.page.escape import escape_series, script_json

__all__ = ["TownAreas"]


class TownAreas(Layer):
    """Town/zone areas, each with a tooltip: name, parks, investment, floor area and output totals.

    Parameters
    ----------
    areas : GeoDataFrame from :func:`geo.area_totals` (name, name_en, parks, investment, floor_area,
        output and their ``_n`` counts).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            style: function () { return {{ this.style }}; },
            onEachFeature: function (feature, layer) {
                layer.bindTooltip(feature.properties.label, {sticky: true, className: "kh-area-tooltip"});
            }
        });
        {% endmacro %}
    """)

    def __init__(self, areas: gpd.GeoDataFrame, *, name: str = "镇/板块（示意）Town areas (schematic)",
                 show: bool = True, control: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "TownAreas"
        labelled = areas.assign(label=area_labels(areas))
        self.data = script_json(compact_geojson(labelled, ["name", "label"]))
        self.style = script_json({"color": "#555555", "weight": 1, "dashArray": "4 4", "fillColor": "#9ecae1",
                                  "fillOpacity": 0.08, "className": "kh-area"})


def area_labels(areas: pd.DataFrame) -> pd.Series:
    """Escaped tooltip HTML per area: names, '示意 schematic', park count and the figure totals."""
    name = escape_series(areas["name"]) + " " + escape_series(areas["name_en"].fillna(""))
    lines = ("<b>" + name + "</b> <i>(示意 schematic)</i><br>园区 Parks: " + areas["parks"].astype(str))
    for column, label in (("investment", "总投资 Investment"), ("floor_area", "建筑面积 Floor area"),
                          ("output", "预计产值 Output")):
        text = figure_text(areas[column], column)
        counted = areas[f"{column}_n"].astype(str)
        lines = lines + ("<br>" + label + ": " + escape_series(text) + " (" + counted + ")").where(text.notna(), "")
    return lines
