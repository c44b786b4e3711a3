"""Map legend: a Leaflet control that the page's legends module fills, in the reader's language, with the title,
what the heat weighs (unit, how many parks carry it), location precision, schematic areas and notes."""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

__all__ = ["Legend"]

_GRADIENT = "linear-gradient(to right, blue 0%, cyan 40%, lime 60%, yellow 80%, red 100%)"


class Legend(MacroElement):
    """A Leaflet control (bottom right) holding the map legend, written by :class:`layers.page.app.ParkApp`."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .kh-legend { background: rgba(255,255,255,0.92); padding: 8px 10px; font: 12px/1.4 sans-serif;
                       max-width: 340px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); border-radius: 4px; }
          .kh-legend h4 { margin: 0 0 4px; font-size: 14px; }
          .kh-legend .kh-ramp { height: 8px; margin: 4px 0; background: {{ this.gradient }}; }
          .kh-legend .kh-sym { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
                               vertical-align: middle; margin-right: 4px; }
          .leaflet-top.leaflet-right { z-index: 1001; }  /* the layer list, opened, lies over the legends below */
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "kh-legend");
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, gradient: str | None = None):
        super().__init__()
        self._name = "Legend"
        self.gradient = gradient or _GRADIENT  # the classic heat's ramp (a CSS gradient)
