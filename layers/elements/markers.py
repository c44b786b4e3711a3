"""Park markers: the layers the page draws one circle marker per park in (one toggleable layer per sector, or
one cluster group for all), and the parks' records the page draws them from (no Python loop over parks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium import FeatureGroup
from folium.elements import JSCSSMixin
from folium.template import Template

from geo.analyse.mapdata import HEAT_WEIGHT
from layers.elements.geojson import COORD_DECIMALS
from layers.page.app import i18n, layer_name, sector_keys
from layers.page.cards import CARD_FIELDS, card_texts, column, extra_columns
from layers.publish.assets import asset

__all__ = ["CLUSTER_AUTO_MIN", "CLUSTER_OPTIONS", "ParkMarkers", "display_positions", "encoded", "park_facts",
           "park_ids", "park_records"]

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


def park_facts(parks: pd.DataFrame) -> dict:
    """Language-neutral facts of each park for the page: id, codes, figures in base units, year, names (raw) and
    the heat weight (:data:`geo.analyse.mapdata.HEAT_WEIGHT`, rounded to 4 decimals; None when out of the heat)."""
    area = parks["area"].fillna(parks["host"]) if "host" in parks.columns else parks["area"]
    heat = parks[HEAT_WEIGHT].round(4) if HEAT_WEIGHT in parks.columns else pd.Series(np.nan, index=parks.index)
    facts = {
        "id": park_ids(parks).tolist(), "status": encoded(parks["status"]), "area": encoded(area),
        "year": _numbers(parks["year"].astype("Float64")),
        "source_date": encoded(column(parks, "source_date")),  # ISO dates (geo.read.units.parse_dates)
        "name": encoded(parks["name"]), "name_en": encoded(column(parks, "name_en")),
        "name_hant": encoded(column(parks, "name_zh_hant")), "heat": _numbers(heat),
    }
    facts.update({figure: _numbers(parks[figure].round(4)) if figure in parks.columns else [None] * len(parks)
                  for figure in ("investment", "floor_area", "land", "output", "available")})
    return facts


def park_records(parks: gpd.GeoDataFrame, card_fields: tuple[str, ...] = CARD_FIELDS,
                 card_extra: Sequence[str] | Mapping[str, str] = ()) -> dict:
    """The parks as the page reads them: :func:`park_facts`, where each marker is drawn
    (:func:`display_positions`) and the point it stands for, the uncertainty radius (m), the codes the markers
    are styled by, the card's fields and, raw, the register's texts of those fields and the ``card_extra``
    columns (:func:`layers.page.cards.extra_columns`) as ``[label, values]``."""
    lat, lon = display_positions(parks)
    texts, translations = card_texts(parks, card_fields)
    return {
        **park_facts(parks), "lat": lat.tolist(), "lon": lon.tolist(),
        "lat0": parks.geometry.y.round(COORD_DECIMALS).tolist(),
        "lon0": parks.geometry.x.round(COORD_DECIMALS).tolist(),
        "radius": parks["uncertainty_m"].fillna(0).round(1).tolist(),
        "sector": encoded(sector_keys(parks)), "precision": encoded(parks["precision"]),
        "colour": encoded(parks["sector_colour"].fillna("#4d4d4d")), "card": list(card_fields),
        "texts": {field: encoded(values) for field, values in texts.items()},
        "translations": {field: {language: encoded(values) for language, values in languages.items()}
                         for field, languages in translations.items()},
        "extra": [[label, encoded(parks[name].astype("string"))] for label, name in extra_columns(parks, card_extra)],
    }


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
    """The layers of the park markers, one :class:`folium.FeatureGroup` per sector, and the parks' records.

    The page's markers module (``layers/page/js/markers.js``) draws one circle marker per park in its sector's
    layer: exact parks solid; approximate ones dashed and half-transparent, with a dashed uncertainty circle
    (``uncertainty_m``, metres) around their town point; parks known only at city level without a circle (it would
    cover the county), their card saying so. Add a :class:`layers.page.app.ParkApp` to the same map: it draws the
    markers, cards and tooltips from :attr:`records`.

    Parameters
    ----------
    parks : joined parks (see :func:`geo.join_parks`), in the datum of the basemap, with their heat weight
        (:func:`geo.map_data`).
    card_fields : fields shown on each card, from :data:`layers.page.cards.CARD_FIELDS`.
    card_extra : further columns shown raw on each card under their label (:func:`layers.page.cards.extra_columns`).
    cluster : ``True`` puts the shown markers of all sectors in one cluster group (Leaflet.markercluster,
        :data:`CLUSTER_OPTIONS`; the sector layers keep switching their parks on and off), ``False`` draws
        every marker, ``"auto"`` clusters registers of more than :data:`CLUSTER_AUTO_MIN` parks.
    language : the language the page opens in, that of the sector layers' names (the page renames them).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {groups: {{ this.groups|tojavascript }},
            cluster: {% if this.clustered %}L.markerClusterGroup({{ this.cluster_options|tojson }})
                     {%- else %}null{% endif %}};
        {% endmacro %}
    """)

    def __init__(self, parks: gpd.GeoDataFrame, *, card_fields: tuple[str, ...] = CARD_FIELDS,
                 card_extra: Sequence[str] | Mapping[str, str] = (), cluster: bool | str = "auto",
                 language: str | None = None):
        super().__init__()
        self._name = "ParkMarkers"
        if cluster not in (True, False, "auto"):
            raise ValueError(f"cluster={cluster!r} is not one of True, False, 'auto'")
        self.clustered = bool(cluster is True or (cluster == "auto" and len(parks) > CLUSTER_AUTO_MIN))
        self.cluster_options = CLUSTER_OPTIONS
        self.default_js = [("leaflet_markercluster", asset("leaflet_markercluster").url)] if self.clustered else []
        self.default_css = ([(name, asset(name).url) for name in ("leaflet_markercluster_css",
                                                                   "leaflet_markercluster_default_css")]
                            if self.clustered else [])
        self.parks, self.count = parks, len(parks)
        self.records = park_records(parks, card_fields, card_extra)
        language = language or i18n()["default"]
        keys = sector_keys(parks)
        counts = keys.groupby(keys).size()
        colours = parks["sector_colour"].groupby(keys).first()
        self.layers = {code: FeatureGroup(name=layer_name({"sector": code}, language), overlay=True, control=True,
                                          show=True) for code in sorted(counts.index)}
        self.names = [(layer, {"sector": code, "count": int(counts[code]), "colour": str(colours[code])})
                      for code, layer in self.layers.items()]
        # The page finds a park's layer by the index of its sector in the payload (never by the register's word,
        # which would land raw in this template: branca renders it a second time).
        self.groups = [self.layers[key] for key in self.records["sector"]["values"]]

    def add_to(self, parent, name=None, index=None):
        """Add the sector layers to ``parent`` (a map), then the element that hands them to the page."""
        for layer in self.layers.values():
            layer.add_to(parent)
        return super().add_to(parent, name=name, index=index)
