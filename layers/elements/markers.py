"""Park markers: one circle marker per park, one toggleable layer per sector, built in the page from
a single compact array (no Python loop over parks)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium import FeatureGroup
from folium.elements import JSCSSMixin
from folium.template import Template

from layers.elements.geojson import COORD_DECIMALS
from layers.page.escape import escape_series, escape_text, script_json
from layers.publish.assets import asset
from layers.page.cards import CARD_FIELDS, TEXT_FIELDS, card_labels, card_translations, card_values, column

__all__ = ["CLUSTER_AUTO_MIN", "CLUSTER_OPTIONS", "ParkMarkers", "display_positions", "encoded", "park_facts",
           "park_ids", "sector_layer_name"]

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


_SAFE_ID = r"^[A-Za-z0-9_.-]{1,64}$"


def park_ids(parks: pd.DataFrame) -> pd.Series:
    """Stable id per park for links and the page API: the register's ``id`` when every park has a
    distinct one made of letters, digits, ``_ . -``; else ``r<row>`` (the row number in the file)."""
    given = parks["id"].astype("string") if "id" in parks.columns else pd.Series(pd.NA, index=parks.index)
    usable = given.notna().all() and given.is_unique and given.str.fullmatch(_SAFE_ID).all()
    return given if usable else "r" + parks["row"].astype(str)


def _numbers(values: pd.Series) -> list:
    """Floats (or ints) for JSON, None where missing."""
    return [None if v is None or v != v else v for v in values.astype(object).where(values.notna(), None)]


def park_facts(parks: pd.DataFrame, heat: np.ndarray | None = None) -> dict:
    """Language-neutral facts of each park for the page: id, codes, figures in base units, year,
    names in each language (escaped) and the heat weight (None when out of the heat)."""
    area = parks["area"].fillna(parks["host"]) if "host" in parks.columns else parks["area"]
    facts = {
        "id": park_ids(parks).tolist(), "status": encoded(parks["status"]), "area": encoded(area),
        "year": _numbers(parks["year"].astype("Float64")),
        "source_date": encoded(column(parks, "source_date")),  # ISO dates (geo.read.units.parse_dates)
        "name_hant": encoded(escape_series(column(parks, "name_zh_hant"))),
        "heat": _numbers(pd.Series(heat, index=parks.index)) if heat is not None else [None] * len(parks),
    }
    facts.update({figure: _numbers(parks[figure].round(4)) if figure in parks.columns else [None] * len(parks)
                  for figure in ("investment", "floor_area", "land", "output", "available")})
    return facts


def encoded(values: pd.Series) -> dict:
    """Dictionary-encoded column for the page: ``{"codes": [...], "values": [...]}``, code -1 for missing.

    Repeated texts (sector, status, town ...) are written once, so 10^5 parks stay a compact page.
    """
    codes, uniques = pd.factorize(values.astype(object).where(values.notna(), None), use_na_sentinel=True)
    return {"codes": codes.tolist(), "values": [str(value) for value in uniques]}


#: Options of the cluster group (Leaflet.markercluster): clusters within 45 px, none from zoom 15 on.
CLUSTER_OPTIONS = {"maxClusterRadius": 45, "disableClusteringAtZoom": 15, "showCoverageOnHover": False,
                   "spiderfyOnMaxZoom": False, "chunkedLoading": True, "clusterPane": "markerPane"}

#: ``cluster="auto"`` clusters registers of more than this many parks.
CLUSTER_AUTO_MIN = 200


class ParkMarkers(JSCSSMixin, MacroElement):
    """Circle markers with cards, grouped in one :class:`folium.FeatureGroup` per sector.

    Exact parks are solid; approximate ones are dashed, half-transparent markers with a dashed
    uncertainty circle (``uncertainty_m``, metres) around their town point; parks known only at city
    level get no circle (it would cover the county) and say so on their card.

    The page gets whole columns (coordinates rounded, texts escaped and dictionary-encoded); cards
    and tooltips are composed in the browser when opened, as :func:`layers.page.cards.park_cards` does.

    Parameters
    ----------
    parks : joined parks (see :func:`geo.join_parks`).
    card_fields : fields shown on each card, from :data:`layers.page.cards.CARD_FIELDS`.
    heat : heat weight of each park (NaN when out of the heat), for the page's filters.
    cluster : ``True`` puts the shown markers of all sectors in one cluster group (Leaflet.markercluster,
        :data:`CLUSTER_OPTIONS`; the sector layers keep switching their parks on and off), ``False`` draws
        every marker, ``"auto"`` clusters registers of more than :data:`CLUSTER_AUTO_MIN` parks.
    app_cards : an app (:class:`layers.page.app.ParkApp`) composes the cards in the reader's language from the park
        facts: only the free-text fields (:data:`layers.page.cards.TEXT_FIELDS`) are shipped as HTML.
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
            // the page's park registry: an app element (filters, languages, API) takes it from here
            var map = {{ this._parent.get_name() }};
            var cluster = {{ this.cluster_js }};  // one cluster group for every sector, or none
            var kh = window.__kunshanHeatmap = window.__kunshanHeatmap || {};
            var inCluster = new Uint8Array(d.lat.length);
            kh.parks = {data: d, groups: groups, markers: [], circles: [], at: at, cluster: cluster,
                        passes: function () { return true; }, sync: sync};
            for (var i = 0; i < d.lat.length; i++) {
                var precision = at(d.precision, i), colour = at(d.colour, i), group = groups[at(d.sector, i)];
                var exact = precision === "exact";
                var circle = null;
                if (!exact && precision !== "city" && d.radius[i] > 0) {
                    circle = L.circle([d.lat0[i], d.lon0[i]], {radius: d.radius[i], color: colour, weight: 1,
                        dashArray: "2 6", fillOpacity: 0.04, interactive: false,
                        className: "kh-uncertainty"}).addTo(group);
                }
                var marker = L.circleMarker([d.lat[i], d.lon[i]], {radius: exact ? 8 : 7,
                        color: exact ? "#ffffff" : colour, weight: 2, dashArray: exact ? null : "3 3",
                        fillColor: colour, fillOpacity: exact ? 0.95 : 0.45,
                        className: "kh-park kh-precision-" + precision})
                    .bindPopup((function (i) { return function () { return kh.card ? kh.card(i) : card(i); }; })(i),
                               {maxWidth: 360})
                    .bindTooltip((function (i) { return function () {
                        return kh.tooltip ? kh.tooltip(i) : tooltip(i); }; })(i));
                if (!cluster) { marker.addTo(group); }
                marker.parkIndex = i;
                kh.parks.markers.push(marker);
                kh.parks.circles.push(circle);
            }
            // A park is shown when its sector layer is on and it passes the page's filter (kh.parks.passes):
            // without clusters the sector layer holds its markers; with them the cluster group holds the
            // shown markers of every sector, so the clusters count exactly the parks shown.
            function sync() {
                var add = [], remove = [];
                for (var i = 0; i < d.lat.length; i++) {
                    var group = groups[at(d.sector, i)], ok = kh.parks.passes(i);
                    var holders = [[kh.parks.circles[i], group, ok]];
                    if (cluster) {
                        var want = ok && map.hasLayer(group);
                        if (want !== (inCluster[i] === 1)) { (want ? add : remove).push(kh.parks.markers[i]); }
                        inCluster[i] = want ? 1 : 0;
                    } else {
                        holders.push([kh.parks.markers[i], group, ok]);
                    }
                    holders.forEach(function (h) {
                        if (h[0] === null) { return; }
                        if (h[2] && !h[1].hasLayer(h[0])) { h[1].addLayer(h[0]); }
                        if (!h[2] && h[1].hasLayer(h[0])) { h[1].removeLayer(h[0]); }
                    });
                }
                if (remove.length) { cluster.removeLayers(remove); }
                if (add.length) { cluster.addLayers(add); }
            }
            if (cluster) {
                cluster.addTo(map);
                map.on("overlayadd overlayremove", sync);
                sync();
            }
        })();
        {% endmacro %}
    """)

    def __init__(self, parks: gpd.GeoDataFrame, *, card_fields: tuple[str, ...] = CARD_FIELDS,
                 heat: np.ndarray | None = None, cluster: bool | str = "auto", app_cards: bool = False):
        super().__init__()
        self._name = "ParkMarkers"
        if cluster not in (True, False, "auto"):
            raise ValueError(f"cluster={cluster!r} is not one of True, False, 'auto'")
        self.clustered = bool(cluster is True or (cluster == "auto" and len(parks) > CLUSTER_AUTO_MIN))
        self.cluster_js = f"L.markerClusterGroup({script_json(CLUSTER_OPTIONS)})" if self.clustered else "null"
        self.default_js = [("leaflet_markercluster", asset("leaflet_markercluster").url)] if self.clustered else []
        self.default_css = ([(name, asset(name).url) for name in ("leaflet_markercluster_css",
                                                                   "leaflet_markercluster_default_css")]
                            if self.clustered else [])
        lat, lon = display_positions(parks)
        # with an app the page composes the cards from the facts: only the register's free texts travel as HTML
        card_labels(card_fields)  # refuses unknown fields, shipped or not
        shipped = tuple(f for f in card_fields if f in TEXT_FIELDS) if app_cards else card_fields
        values = card_values(parks, shipped)
        self.count = len(parks)
        self.data = script_json({
            **park_facts(parks, heat),
            "lat": lat.tolist(), "lon": lon.tolist(),
            "lat0": parks.geometry.y.round(COORD_DECIMALS).tolist(),
            "lon0": parks.geometry.x.round(COORD_DECIMALS).tolist(),
            "radius": parks["uncertainty_m"].fillna(0).round(1).tolist(),
            "sector": encoded(parks["sector"]), "precision": encoded(parks["precision"]),
            "colour": encoded(parks["sector_colour"].fillna("#4d4d4d")),
            "sector_label": encoded(escape_series(parks["sector_zh"])) if not app_cards else encoded(
                pd.Series(pd.NA, index=parks.index)),
            "name": encoded(values["name"]), "name_en": encoded(values["name_en"]),
            "card": list(card_fields), "field_names": list(shipped),
            "labels": card_labels(shipped), "fields": [encoded(values[field]) for field in shipped],
            "translations": {field: {language: encoded(texts) for language, texts in languages.items()}
                             for field, languages in card_translations(parks, shipped if app_cards else ()).items()},
        })
        counts = parks.groupby("sector").size()
        registry = parks.drop_duplicates("sector").set_index("sector")
        self.layers = {
            code: FeatureGroup(name=sector_layer_name(registry.at[code, "sector_zh"], registry.at[code, "sector_en"],
                                                      registry.at[code, "sector_colour"], int(counts[code])),
                               overlay=True, control=True, show=True)
            for code in sorted(counts.index)
        }
        self.names = [(layer, {"sector": code, "count": int(counts[code]),
                               "colour": str(registry.at[code, "sector_colour"])})
                      for code, layer in self.layers.items()]
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
