"""layers: folium rendering of the park heatmap, one module per map element.

Takes GeoDataFrames from :mod:`geo`; never reads register files or geocodes.
"""

from .areas import TownAreas
from .assets import AssetError, fetch_assets
from .cards import CARD_FIELDS, park_cards
from .heat import WEIGHTS, HeatLayer, heat_points
from .heatmap import park_heatmap
from .legend import Legend
from .outline import CountyOutline
from .output import atomic_write, map_html, write_map, write_table
from .parks import ParkMarkers

__all__ = ["CARD_FIELDS", "WEIGHTS", "AssetError", "CountyOutline", "HeatLayer", "Legend", "ParkMarkers",
           "TownAreas", "atomic_write", "fetch_assets", "heat_points", "map_html", "park_cards", "park_heatmap",
           "write_map", "write_table"]
