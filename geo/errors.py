"""The exception family of the project.

Every error a user can cause is a :class:`RegisterError` (also a ``ValueError``) whose message names
the file, row, column and value where it can.
"""

__all__ = ["HeatmapError", "RegisterError", "RegistryError", "GazetteerError", "GeocodingError", "GeocodeCacheError"]


class HeatmapError(Exception):
    """Base class of every error raised on purpose by ``geo`` and ``layers``."""


class RegisterError(HeatmapError, ValueError):
    """A register (park table) cannot be read or used as given."""


class RegistryError(HeatmapError, ValueError):
    """A packaged registry (a data file of geo/data or a region's data pack) lacks fields or holds unknown values."""


class GazetteerError(HeatmapError, LookupError):
    """A place name cannot be found in the gazetteer."""


class GeocodingError(HeatmapError):
    """A geocoder cannot be used as asked (unknown provider, missing key, bad option)."""


class GeocodeCacheError(GeocodingError):
    """The geocoding cache file cannot be used (damaged, not a cache, locked); the message names it and the ways out."""
