"""geo: read park registers, locate parks in Kunshan, join them with areas and registries.

Never imports folium: rendering lives in :mod:`layers`.
"""

from ._registry import sectors, statuses
from .areas import METRIC_CRS, town_areas
from .convert_file import convert_file
from .density import DensityGrid, density_grid
from .datum import DATUMS, DatumWarning, convert, parse_datum, to_wgs84
from .errors import GazetteerError, GeocodingError, HeatmapError, RegisterError
from .geocode_file import geocode_register
from .geocoding import geocode_addresses, geocode_offline
from .gazetteer import kunshan_gazetteer
from .join import FIGURES, area_totals, join_parks, totals
from .kunshan import Parks, default_register_path, kunshan_default, load_parks, programme
from .locate import kunshan_outline, locate_parks
from .register import FIELDS, Register, read_register
from .report import Report
from .units import base_unit, parse_amounts

__all__ = [
    "DensityGrid", "density_grid", "GeocodingError", "geocode_addresses", "geocode_offline", "geocode_register",
    "DATUMS", "DatumWarning", "convert", "convert_file", "parse_datum", "to_wgs84",
    "FIELDS", "FIGURES", "METRIC_CRS", "GazetteerError", "HeatmapError", "Parks", "Register", "RegisterError",
    "Report", "area_totals", "base_unit", "default_register_path", "join_parks", "kunshan_default",
    "kunshan_gazetteer", "kunshan_outline", "load_parks", "locate_parks", "parse_amounts", "programme",
    "read_register", "sectors", "statuses", "totals", "town_areas",
]
