"""Park markers: one circle marker per park, one toggleable layer per sector, built in the page from
a single compact array (no Python loop over parks)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium import FeatureGroup
from folium.template import Template

from ._geojson import COORD_DECIMALS
from ._html import escape_text, script_json
from .cards import CARD_FIELDS, park_cards, park_tooltips

__all__ = ["ParkMarkers", "display_positions", "sector_layer_name"]

_METRES_PER_DEGREE = 111_320.0


def display_positions(parks: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) where each marker is drawn.

    Parks with exact coordinates stay where they are. Approximate parks that share a point (same
    host town) are spread on a ring around it (radius 600 m + 150 m per park, at most 80 % of the
    uncertainty radius), so each stays clickable and inside its circle; the card says the position
    is approximate.
    """
    lat, lon = parks.geometry.y.to_numpy(), parks.geometry.x.to_numpy()
    approximate = parks["precision"].ne("exact").to_numpy()
    key = pd.Series(np.round(lat, 6).astype(str), index=parks.index) + "," + np.round(lon, 6).astype(str)
    key = key.where(approximate)
    order = key.groupby(key).cumcount().reindex(key.index).fillna(0).to_numpy(dtype="float64")
    size = key.map(key.value_counts()).fillna(1).to_numpy()
    ring_m = np.minimum(600 + 150 * size, 0.8 * parks["uncertainty_m"].fillna(0).to_numpy(dtype="float64"))
    radius_m = np.where(approximate & (size > 1), ring_m, 0.0)
    angle = 2 * np.pi * order / np.maximum(size, 1)
    dlat = radius_m * np.cos(angle) / _METRES_PER_DEGREE
    dlon = radius_m * np.sin(angle) / (_METRES_PER_DEGREE * np.cos(np.radians(lat)))
    return (lat + dlat).round(COORD_DECIMALS), (lon + dlon).round(COORD_DECIMALS)


def sector_layer_name(zh: str, en: str, colour: str, count: int) -> str:
    """Escaped HTML label of a sector layer in the layer control (a colour dot, names, count)."""
    return (f'<span class="kh-dot" style="color:{escape_text(colour)}">&#9679;</span> '
            f"{escape_text(zh)} {escape_text(en)} ({count})")


class ParkMarkers(MacroElement):
    """Circle markers with cards, grouped in one :class:`folium.FeatureGroup` per sector.

    Exact parks are solid; approximate ones are dashed, half-transparent markers with a dashed
    uncertainty circle (``uncertainty_m``, metres) around their town point; parks known only at city
    level get no circle (it would cover the county) and say so on their card.

    Parameters
    ----------
    parks : joined parks (see :func:`geo.join_parks`).
    card_fields : fields shown on each card, from :data:`layers.cards.CARD_FIELDS`.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var groups = {{ this.groups }};
            var parks = {{ this.data }};
            var columns = {{ this.columns }};
            parks.forEach(function (row) {
                var p = {};
                columns.forEach(function (name, i) { p[name] = row[i]; });
                var group = groups[p.sector];
                var exact = p.precision === "exact";
                if (p.precision !== "exact" && p.precision !== "city" && p.radius > 0) {
                    L.circle([p.lat0, p.lon0], {radius: p.radius, color: p.colour, weight: 1,
                        dashArray: "2 6", fillOpacity: 0.04, interactive: false,
                        className: "kh-uncertainty"}).addTo(group);
                }
                L.circleMarker([p.lat, p.lon], {radius: exact ? 8 : 7, color: exact ? "#ffffff" : p.colour,
                        weight: 2, dashArray: exact ? null : "3 3", fillColor: p.colour,
                        fillOpacity: exact ? 0.95 : 0.45,
                        className: "kh-park kh-precision-" + p.precision})
                    .bindPopup(p.card, {maxWidth: 360})
                    .bindTooltip(p.tooltip)
                    .addTo(group);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, parks: gpd.GeoDataFrame, *, card_fields: tuple[str, ...] = CARD_FIELDS):
        super().__init__()
        self._name = "ParkMarkers"
        lat, lon = display_positions(parks)
        table = pd.DataFrame({
            "lat": lat, "lon": lon,
            "lat0": parks.geometry.y.round(COORD_DECIMALS).to_numpy(),
            "lon0": parks.geometry.x.round(COORD_DECIMALS).to_numpy(),
            "sector": parks["sector"].astype(str).to_numpy(),
            "precision": parks["precision"].astype(str).to_numpy(),
            "radius": parks["uncertainty_m"].fillna(0).to_numpy(dtype="float64"),
            "colour": parks["sector_colour"].fillna("#4d4d4d").to_numpy(),
            "card": park_cards(parks, card_fields).to_numpy(dtype=object),
            "tooltip": park_tooltips(parks).to_numpy(dtype=object),
        })
        self.count = len(table)
        self.columns = script_json(list(table.columns))
        self.data = script_json(table.to_numpy(dtype=object).tolist())
        counts = parks.groupby("sector").size()
        registry = parks.drop_duplicates("sector").set_index("sector")
        self.layers = {
            code: FeatureGroup(name=sector_layer_name(registry.at[code, "sector_zh"], registry.at[code, "sector_en"],
                                                      registry.at[code, "sector_colour"], int(counts[code])),
                               overlay=True, control=True, show=True)
            for code in sorted(counts.index)
        }
        self.groups = "{}"

    def add_to(self, parent, name=None, index=None):
        """Add the sector layers to ``parent`` (a map), then the markers that fill them."""
        for layer in self.layers.values():
            layer.add_to(parent)
        return super().add_to(parent, name=name, index=index)

    def render(self, **kwargs):
        self.groups = "{" + ",".join(f"{script_json(code)}:{layer.get_name()}"
                                     for code, layer in self.layers.items()) + "}"
        super().render(**kwargs)
