"""Compact GeoJSON for the page: rounded coordinates, chosen properties only."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["compact_geojson", "COORD_DECIMALS"]

#: Decimals of degrees written to the page (5 decimals: about 1 m in Kunshan).
COORD_DECIMALS = 5


def compact_geojson(frame: gpd.GeoDataFrame, properties: list[str] = ()) -> dict:
    """FeatureCollection (EPSG:4326) of ``frame`` with coordinates rounded to :data:`COORD_DECIMALS`
    and only the ``properties`` named (missing values as null)."""
    frame = frame.to_crs("EPSG:4326")
    rounded = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.round(xy, COORD_DECIMALS))
    out = gpd.GeoDataFrame(frame[list(properties)].astype(object), geometry=rounded, crs="EPSG:4326")
    out = out.where(out.notna(), None)
    return out.to_geo_dict(na="null", drop_id=True)
