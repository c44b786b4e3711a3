"""geo: read park registers, locate parks in Kunshan, join them with areas and registries.

Never imports folium: rendering lives in :mod:`layers`.
"""

from geo.registry import sectors, statuses
from geo.analyse.areas import METRIC_CRS, town_areas
from geo.place.convert import convert_file
from geo.analyse.density import DensityGrid, density_grid
from geo.place.datum import DATUMS, DatumWarning, convert, parse_datum, to_wgs84
from geo.errors import GazetteerError, GeocodingError, HeatmapError, RegisterError, RegistryError
from geo.geocode.register_file import geocode_register
from geo.geocode.batch import geocode_addresses
from geo.place.offline import geocode_offline
from geo.place.gazetteer import kunshan_gazetteer
from geo.analyse.weights import WEIGHTS, heat_weights
from geo.analyse.join import FIGURES, area_totals, join_parks, totals
from geo.analyse.mapdata import MapData, heat_points, map_data
from geo.load import Parks, default_register_path, kunshan_default, load_parks, parks_from_frame, programme
from geo.analyse.schema import PARK_COLUMNS, SchemaWarning, complete_parks
from geo.place.gazetteer import kunshan_outline
from geo.place.locate import Located, locate_parks
from geo.read.register import FIELDS, Register, read_register
from geo.read.report import Report
from geo.read.units import base_unit, parse_amounts

__all__ = [
    "MapData", "heat_points", "map_data", "PARK_COLUMNS", "SchemaWarning", "complete_parks", "parks_from_frame",
    "DensityGrid", "density_grid", "WEIGHTS", "heat_weights", "GeocodingError", "geocode_addresses",
    "geocode_offline", "geocode_register",
    "DATUMS", "DatumWarning", "convert", "convert_file", "parse_datum", "to_wgs84",
    "FIELDS", "FIGURES", "METRIC_CRS", "GazetteerError", "HeatmapError", "Located", "Parks", "Register",
    "RegisterError", "RegistryError",
    "Report", "area_totals", "base_unit", "default_register_path", "join_parks", "kunshan_default",
    "kunshan_gazetteer", "kunshan_outline", "load_parks", "locate_parks", "parse_amounts", "programme",
    "read_register", "sectors", "statuses", "totals", "town_areas",
]
