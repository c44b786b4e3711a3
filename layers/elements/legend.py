"""Map legend: title, what the heat weighs (unit, how many parks carry it), location precision,
schematic areas and sources."""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from layers.page.format import FIGURE_LABELS
from layers.page.escape import escape_text, script_json

__all__ = ["Legend", "weight_description"]

_GRADIENT = "linear-gradient(to right, blue 0%, cyan 40%, lime 60%, yellow 80%, red 100%)"


def weight_description(weight: str, carrying: int, total: int) -> str:
    """Plain text (zh + en) of the heat weight, e.g.
    ``'热力权重：总投资（亿元），27个园区中5个有数据 / Heat weight: investment (100 million CNY), 5 of 27 parks carry a value'``."""
    if weight == "count":
        return (f"热力权重：园区数量，{carrying}个园区参与 / Heat weight: number of parks, "
                f"{carrying} of {total} parks")
    zh, en, unit_zh, unit_en = FIGURE_LABELS[weight]
    return (f"热力权重：{zh}（{unit_zh}），{total}个园区中{carrying}个有数据 / Heat weight: {en.lower()} "
            f"({unit_en}), {carrying} of {total} parks carry a value")


class Legend(MacroElement):
    """A Leaflet control (bottom right) holding escaped legend HTML.

    Parameters
    ----------
    title : heading of the map.
    weight_text : from :func:`weight_description`.
    notes : further plain-text lines (escaped).
    ramp : show the classic heat colour ramp (off when the density surface, with its own legend, is shown).
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .kh-legend { background: rgba(255,255,255,0.92); padding: 8px 10px; font: 12px/1.4 sans-serif;
                       max-width: 340px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); border-radius: 4px; }
          .kh-legend h4 { margin: 0 0 4px; font-size: 14px; }
          .kh-legend .kh-ramp { height: 8px; margin: 4px 0; background: {{ this.gradient }}; }
          .kh-legend .kh-sym { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
                               vertical-align: middle; margin-right: 4px; }
          .kh-card table { border-collapse: collapse; font-size: 12px; }
          .kh-card th { text-align: left; padding: 1px 8px 1px 0; color: #555; font-weight: normal; vertical-align: top; }
          .kh-card-name-en { color: #555; }
          .leaflet-top.leaflet-right { z-index: 1001; }  /* the layer list, opened, lies over the legends below */
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "kh-legend");
                div.innerHTML = {{ this.html }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, *, title: str, weight_text: str, notes: list[str] = (), ramp: bool = True):
        super().__init__()
        self._name = "Legend"
        self.gradient = _GRADIENT
        scale = ('<div class="kh-ramp"></div><div>低 low → 高 high</div>' if ramp else
                 "<div>热力图例见密度图例（真实单位）/ heat scale: see the density legend (real units)</div>")
        parts = [f"<h4>{escape_text(title)}</h4>",
                 f'<div class="kh-weight">{escape_text(weight_text)}</div>',
                 scale,
                 '<div><span class="kh-sym" style="background:#1f77b4;border:2px solid #fff"></span>'
                 "精确位置 exact location</div>",
                 '<div><span class="kh-sym" style="background:rgba(31,119,180,0.45);border:2px dashed #1f77b4">'
                 "</span>位置为示意（镇/板块级，虚线圈为范围）approximate: town level, dashed circle = extent</div>",
                 *[f'<div class="kh-note">{escape_text(note)}</div>' for note in notes]]
        self.html = script_json("".join(parts))
