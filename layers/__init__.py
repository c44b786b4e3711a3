"""layers: folium rendering of the park heatmap, one module per map element, and the page's investor app.

Draws what :func:`geo.map_data` hands it; never reads register files, geocodes or computes.
"""

from geo.analyse.mapdata import heat_points
from geo.analyse.weights import WEIGHTS
from layers.elements.areas import TownAreas
from layers.elements.heat import HeatLayer
from layers.elements.legend import Legend
from layers.elements.markers import ParkMarkers
from layers.elements.outline import CountyOutline
from layers.heatmap import park_heatmap
from layers.page.cards import CARD_FIELDS
from layers.publish.assets import AssetError, fetch_assets
from layers.publish.output import atomic_write, map_html, write_map, write_table

__all__ = ["CARD_FIELDS", "WEIGHTS", "AssetError", "CountyOutline", "HeatLayer", "Legend", "ParkMarkers",
           "TownAreas", "atomic_write", "fetch_assets", "heat_points", "map_html", "park_heatmap",
           "write_map", "write_table"]
