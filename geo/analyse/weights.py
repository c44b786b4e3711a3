"""The heat-weight rule, written once: which parks weigh in a heat or density, and by how much."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["WEIGHTS", "Weight", "heat_weights", "point_xy"]

Weight = Literal["count", "investment", "floor_area", "output"]
#: What a heat can weigh: the number of parks, or a figure in its base unit (亿元, 万㎡, 亿元).
WEIGHTS: tuple[str, ...] = ("count", "investment", "floor_area", "output")


def heat_weights(parks: gpd.GeoDataFrame, weight: Weight = "count") -> np.ndarray:
    """Weight per park (float64, NaN for the parks left out of the heat).

    ``count`` weighs every park 1; a figure weighs a park by its value (亿元 / 万㎡), parks without a
    positive, finite value are left out. Parks known only at city level are left out (their position says
    nothing), and so are parks without a point.

    >>> import pandas as pd
    >>> parks = gpd.GeoDataFrame({"precision": ["exact", "city", "town"], "investment": [12.5, 3.0, None]},
    ...                          geometry=gpd.points_from_xy([120.9, 121.0, 120.95], [31.3, 31.4, 31.35]))
    >>> heat_weights(parks, "investment").tolist(), heat_weights(parks).tolist()
    ([12.5, nan, nan], [1.0, nan, 1.0])
    """
    if weight not in WEIGHTS:
        raise ValueError(f"weight={weight!r} is not one of {', '.join(WEIGHTS)}")
    values = np.ones(len(parks)) if weight == "count" else parks[weight].to_numpy(dtype="float64", na_value=np.nan)
    x, y = point_xy(parks.geometry)
    located = parks["precision"].ne("city").fillna(True).to_numpy(dtype=bool)
    keep = np.isfinite(values) & (values > 0) & located & np.isfinite(x) & np.isfinite(y)
    return np.where(keep, values, np.nan)


def point_xy(points: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """x and y of point geometries as float64 (NaN for missing or empty points)."""
    geometry = points.to_numpy()
    has = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    x, y = np.full(len(geometry), np.nan), np.full(len(geometry), np.nan)
    x[has], y[has] = shapely.get_x(geometry[has]), shapely.get_y(geometry[has])
    return x, y
