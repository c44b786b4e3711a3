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
from ._html import escape_series, escape_text, script_json
from .cards import CARD_FIELDS, card_labels, card_values

__all__ = ["ParkMarkers", "display_positions", "encoded", "sector_layer_name"]

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


def encoded(values: pd.Series) -> dict:
    """Dictionary-encoded column for the page: ``{"codes": [...], "values": [...]}``, code -1 for missing.

    Repeated texts (sector, status, town ...) are written once, so 10^5 parks stay a compact page.
    """
    codes, uniques = pd.factorize(values.astype(object).where(values.notna(), None), use_na_sentinel=True)
    return {"codes": codes.tolist(), "values": [str(value) for value in uniques]}


class ParkMarkers(MacroElement):
    """Circle markers with cards, grouped in one :class:`folium.FeatureGroup` per sector.

    Exact parks are solid; approximate ones are dashed, half-transparent markers with a dashed
    uncertainty circle (``uncertainty_m``, metres) around their town point; parks known only at city
    level get no circle (it would cover the county) and say so on their card.

    The page gets whole columns (coordinates rounded, texts escaped and dictionary-encoded); cards
    and tooltips are composed in the browser when opened, as :func:`layers.cards.park_cards` does.

    Parameters
    ----------
    parks : joined parks (see :func:`geo.join_parks`).
    card_fields : fields shown on each card, from :data:`layers.cards.CARD_FIELDS`.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var groups = {{ this.groups }};
            var d = {{ this.data }};
            function at(column, i) { var c = column.codes[i]; return c < 0 ? null : column.values[c]; }
            function card(i) {
                var html = '<div class="kh-card"><b class="kh-card-name">' + at(d.name, i) + '</b>';
                var english = at(d.name_en, i);
                if (english !== null) { html += '<br><span class="kh-card-name-en">' + english + '</span>'; }
                html += '<table>';
                d.labels.forEach(function (label, k) {
                    var value = at(d.fields[k], i);
                    if (value !== null) { html += '<tr><th>' + label + '</th><td>' + value + '</td></tr>'; }
                });
                return html + '</table></div>';
            }
            function tooltip(i) { return at(d.name, i) + ' · ' + (at(d.sector_label, i) || ''); }
            for (var i = 0; i < d.lat.length; i++) {
                var precision = at(d.precision, i), colour = at(d.colour, i), group = groups[at(d.sector, i)];
                var exact = precision === "exact";
                if (!exact && precision !== "city" && d.radius[i] > 0) {
                    L.circle([d.lat0[i], d.lon0[i]], {radius: d.radius[i], color: colour, weight: 1,
                        dashArray: "2 6", fillOpacity: 0.04, interactive: false,
                        className: "kh-uncertainty"}).addTo(group);
                }
                L.circleMarker([d.lat[i], d.lon[i]], {radius: exact ? 8 : 7, color: exact ? "#ffffff" : colour,
                        weight: 2, dashArray: exact ? null : "3 3", fillColor: colour,
                        fillOpacity: exact ? 0.95 : 0.45, className: "kh-park kh-precision-" + precision})
                    .bindPopup(card.bind(null, i), {maxWidth: 360})
                    .bindTooltip(tooltip.bind(null, i))
                    .addTo(group);
            }
        })();
        {% endmacro %}
    """)

    def __init__(self, parks: gpd.GeoDataFrame, *, card_fields: tuple[str, ...] = CARD_FIELDS):
        super().__init__()
        self._name = "ParkMarkers"
        lat, lon = display_positions(parks)
        values = card_values(parks, card_fields)
        self.count = len(parks)
        self.data = script_json({
            "lat": lat.tolist(), "lon": lon.tolist(),
            "lat0": parks.geometry.y.round(COORD_DECIMALS).tolist(),
            "lon0": parks.geometry.x.round(COORD_DECIMALS).tolist(),
            "radius": parks["uncertainty_m"].fillna(0).round(1).tolist(),
            "sector": encoded(parks["sector"]), "precision": encoded(parks["precision"]),
            "colour": encoded(parks["sector_colour"].fillna("#4d4d4d")),
            "sector_label": encoded(escape_series(parks["sector_zh"])),
            "name": encoded(values["name"]), "name_en": encoded(values["name_en"]),
            "labels": card_labels(card_fields),
            "fields": [encoded(values[field]) for field in card_fields],
        })
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
