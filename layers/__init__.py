"""layers: folium rendering of the park heatmap, one module per map element.

Takes GeoDataFrames from :mod:`geo`; never reads register files or geocodes.
"""

from layers.elements.areas import TownAreas
from layers.publish.assets import AssetError, fetch_assets
from layers.page.cards import CARD_FIELDS, park_cards
from geo.analyse.weights import WEIGHTS
from layers.elements.heat import HeatLayer, heat_points
from layers.heatmap import park_heatmap
from layers.elements.legend import Legend
from layers.elements.outline import CountyOutline
from layers.publish.output import atomic_write, map_html, write_map, write_table
from layers.elements.markers import ParkMarkers

__all__ = ["CARD_FIELDS", "WEIGHTS", "AssetError", "CountyOutline", "HeatLayer", "Legend", "ParkMarkers",
           "TownAreas", "atomic_write", "fetch_assets", "heat_points", "map_html", "park_cards", "park_heatmap",
           "write_map", "write_table"]
