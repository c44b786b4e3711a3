"""The published GCJ-02 and BD-09 formulas over float64 arrays of degrees, longitude first.

- WGS-84 -> GCJ-02: the widely published formula (Krasovsky 1940 ellipsoid, ``a = 6378245.0``,
  ``ee = 0.00669342162296594323``), as in eviltransform and coordtransform.
- GCJ-02 -> BD-09: the published formula with ``x_pi = pi * 3000 / 180``.
- The inverses are solved by iteration until the forward formula gives back the input to better than
  1e-12 degree (about 0.1 µm), never by the one-step approximations (up to a few metres off).

The formulas hold for mainland China only, by the usual rough box (lon 72.004..137.8347, lat 0.8293..55.8271):
:func:`shift_in_place` converts the points inside it and counts the others. Checked input, scalars and the
warning are :mod:`geo.place.datum`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

__all__ = ["Datum", "DATUMS", "STEPS", "gcj_offset", "wgs_to_gcj", "gcj_to_wgs", "gcj_to_bd", "bd_to_gcj", "bd_to_gcj_closed", "solve",
           "in_china", "shift_in_place"]

Datum = Literal["wgs84", "gcj02", "bd09"]
#: The datums these formulas convert between; their names and labels are data (:func:`geo.registry.datums`).
DATUMS: tuple[Datum, ...] = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

# The usual rough box of mainland China (degrees) outside which GCJ-02 and BD-09 equal WGS-84.
_LON_MIN, _LON_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271

_TOLERANCE = 1e-12  # degree, largest residual |forward(inverse(q)) - q| the inverses accept
_MAX_ITERATIONS = 30


def gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS-84 at a WGS-84 point, in degrees (the published transformlat/transformlon)."""
    x = lon - 105.0
    y = lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += common
    d_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += common
    d_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 -> GCJ-02, the published forward formula."""
    d_lon, d_lat = gcj_offset(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> BD-09, the published forward formula."""
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd_to_gcj_closed(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The published one-step BD-09 -> GCJ-02 formula (up to about 2e-6 degree, 0.2 m, from the inverse)."""
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def solve(forward: Callable, lon: np.ndarray, lat: np.ndarray,
           start: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Points p with forward(p) == (lon, lat), by fixed-point iteration p -= forward(p) - (lon, lat).

    Each forward formula is the identity plus a small, slowly varying offset, so every step shrinks the error
    by a factor of about 100 or more; stops when the largest residual is below 1e-12 degree (or after 30 steps).
    """
    x, y = start[0].copy(), start[1].copy()
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        rx, ry = fx - lon, fy - lat
        x -= rx
        y -= ry
        if max(np.max(np.abs(rx), initial=0.0), np.max(np.abs(ry), initial=0.0)) < _TOLERANCE:
            break
    return x, y


def gcj_to_wgs(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> WGS-84: the forward formula solved from the GCJ-02 point."""
    return solve(wgs_to_gcj, lon, lat, start=(lon, lat))


def bd_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> GCJ-02: the forward formula solved from the one-step inverse."""
    return solve(gcj_to_bd, lon, lat, start=bd_to_gcj_closed(lon, lat))


#: (source, target) -> the formulas applied in turn.
STEPS: dict[tuple[str, str], tuple[Callable, ...]] = {
    ("wgs84", "gcj02"): (wgs_to_gcj,),
    ("gcj02", "wgs84"): (gcj_to_wgs,),
    ("gcj02", "bd09"): (gcj_to_bd,),
    ("bd09", "gcj02"): (bd_to_gcj,),
    ("wgs84", "bd09"): (wgs_to_gcj, gcj_to_bd),
    ("bd09", "wgs84"): (bd_to_gcj, gcj_to_wgs),
}


# --- the out-of-China rule -------------------------------------------------------------------------------------


def in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True for the points inside the rough box of mainland China (False for NaN)."""
    return (lon >= _LON_MIN) & (lon <= _LON_MAX) & (lat >= _LAT_MIN) & (lat <= _LAT_MAX)


def shift_in_place(lon: np.ndarray, lat: np.ndarray, source: Datum, target: Datum) -> int:
    """Convert ``lon``/``lat`` (float64 arrays, degrees) in place from ``source`` to ``target`` where they lie
    inside China; return how many given points (no NaN) lie outside and are left as they are."""
    inside = in_china(lon, lat)  # False for NaN
    outside = int(np.count_nonzero(~inside & ~np.isnan(lon) & ~np.isnan(lat)))
    if source != target and inside.any():
        x, y = lon[inside], lat[inside]
        for step in STEPS[(source, target)]:
            x, y = step(x, y)
        lon[inside], lat[inside] = x, y
    return outside

