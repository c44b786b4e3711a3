"""Calibrated heat: a Gaussian kernel density surface of the parks in real units per km².

The classic heat layer (Leaflet.heat) has a radius in screen pixels and no value scale, so it looks
different at every zoom. :func:`density_grid` instead estimates, in metres, how much of a weight
(parks, 亿元 of investment or output, 万㎡ of floor area) lies around each place, per km², on a regular
grid that a map can draw as one image at every zoom.

- The kernel is a 2-D Gaussian with standard deviation ``bandwidth_m`` (σ, metres), with distances in
  UTM zone 51N metres (:data:`geo.analyse.areas.METRIC_CRS`, :func:`cell_metres`); each park spreads its weight
  ``w`` as ``w / (2π σ²) · exp(-d² / (2 σ²))``, so the surface integrates to the total weight. Each
  park's kernel is evaluated exactly at every cell centre (no binning), as a product of a column and a
  row factor, so 10^5 parks on a county grid take about a second; the page repeats the same sum for the
  parks a filter leaves (``layers/js/density.js``), on the same grid.
- The grid is regular in longitude and latitude (degrees, WGS-84), with cells of about ``cell_m``
  metres at the grid's middle latitude, so that a Leaflet image overlay with lat/lon bounds lines up
  with it. Leaflet stretches such an image linearly in Web Mercator, whose y is not linear in
  latitude: within a county this displaces the middle rows by ``R tan(φ) Δφ² / 8`` on the ground,
  under 65 m for a grid 70 km tall at 31°N (a quarter of a 250 m cell, 3 % of a 2 km bandwidth),
  which is negligible at the scale of the surface.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real
from typing import Literal

import geopandas as gpd
import numpy as np
from pyproj import Transformer

from geo.analyse.weights import WEIGHTS, heat_weights, point_xy
from geo.analyse.areas import METRIC_CRS
from geo.errors import HeatmapError

__all__ = ["DensityError", "DensityGrid", "DensityWeight", "DENSITY_WEIGHTS", "DENSITY_UNITS", "MAX_CELLS", "cell_metres",
           "density_grid", "grid_positions"]

DensityWeight = Literal["count", "investment", "floor_area", "output"]
DENSITY_WEIGHTS: tuple[str, ...] = WEIGHTS

#: Weight -> (unit 中文, unit English) of its density surface.
DENSITY_UNITS: dict[str, tuple[str, str]] = {
    "count": ("园区/km²", "parks/km²"),
    "investment": ("亿元/km²", "100 million CNY/km²"),
    "floor_area": ("万㎡/km²", "10,000 m²/km²"),
    "output": ("亿元/km²", "100 million CNY/km²"),
}

#: Largest number of grid cells :func:`density_grid` computes (the surface becomes one image in the page).
MAX_CELLS = 1_000_000

class DensityError(HeatmapError, ValueError):
    """A density surface cannot be computed or drawn as asked (bad argument, no park to place it)."""


_PADDING_BANDWIDTHS = 3.0  # default bounds: the parks' bounds padded by this many bandwidths
_CHUNK_ELEMENTS = 1 << 22  # cells × parks evaluated at once (about 32 MB of float64 per temporary)
_BOUNDS_DECIMALS = 5  # default bounds are rounded outwards to 1e-5 degree (about 1 m)

# WGS-84 ellipsoid, for the length of a degree at a latitude.
_A = 6378137.0
_E2 = 6.69437999014e-3


@dataclass(frozen=True)
class DensityGrid:
    """A density surface on a regular longitude/latitude grid.

    Attributes
    ----------
    values : numpy.ndarray of float64, shape (rows, columns)
        Density at the centre of each cell in :attr:`unit` (per km²), the **north row first** and the
        west column first (the order of an image).
    west, south, east, north : float
        Outer edges of the grid in degrees (WGS-84).
    unit : str
        Unit of the values, zh and en, e.g. ``"园区/km² parks/km²"``.
    weight : str
        What the surface weighs: ``count``, ``investment`` (亿元), ``floor_area`` (万㎡) or ``output`` (亿元).
    bandwidth_m : float
        Standard deviation σ of the Gaussian kernel, metres.
    cell_m : float
        Requested cell size, metres (the cells are about this size, see :attr:`cell_size_m`).
    n_used : int
        Parks in the surface (located better than city level, carrying a positive weight).
    n_total : int
        Parks given.
    """

    values: np.ndarray = field(repr=False)
    west: float
    south: float
    east: float
    north: float
    unit: str
    weight: str
    bandwidth_m: float
    cell_m: float
    n_used: int
    n_total: int

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of :attr:`values`."""
        return self.values.shape

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        return (self.west, self.south, self.east, self.north)

    @property
    def unit_short(self) -> str:
        """The Chinese unit alone (``"园区/km²"``), for tick labels."""
        return DENSITY_UNITS[self.weight][0]

    @property
    def cell_size_m(self) -> tuple[float, float]:
        """(width, height) of a cell in metres at the grid's middle latitude."""
        rows, columns = self.shape
        per_lon, per_lat = _metres_per_degree((self.south + self.north) / 2)
        return (float((self.east - self.west) / columns * per_lon), float((self.north - self.south) / rows * per_lat))


def density_grid(parks: gpd.GeoDataFrame, weight: DensityWeight = "count", *, bandwidth_m: float = 2000.0,
                 cell_m: float = 250.0, bounds: tuple[float, float, float, float] | None = None) -> DensityGrid:
    """Gaussian kernel density of the parks, in units per km², on a regular lon/lat grid.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks in EPSG:4326 with a ``precision`` column and, for a figure weight, that figure's column.
        Parks known only at city level (``precision == "city"``), without a positive value of the weight or
        without a point are left out and counted (:attr:`DensityGrid.n_used` of :attr:`DensityGrid.n_total`).
    weight : {"count", "investment", "floor_area", "output"}
        ``count`` weighs every park 1 (parks/km²); ``investment`` and ``output`` weigh by 亿元 (亿元/km²),
        ``floor_area`` by 万㎡ (万㎡/km²).
    bandwidth_m : float
        Standard deviation σ of the Gaussian kernel, metres (> 0).
    cell_m : float
        Size of a grid cell, metres (> 0 and at most half of ``bandwidth_m``, or the kernel is undersampled).
        The grid divides the bounds into whole cells, so the cells are about this size.
    bounds : (west, south, east, north) in degrees, optional
        Extent of the grid. By default the bounds of the parks used, padded by three bandwidths (then the
        surface holds 99 % of the weight) and rounded outwards to 1e-5 degree. Parks outside given bounds
        still contribute their kernel's tail inside them.

    Returns
    -------
    DensityGrid
        Values at the cell centres, north row first. ``values.sum() × cell area (km²)`` is the total weight
        of the parks used, less what falls outside the bounds.

    Raises
    ------
    DensityError (a ValueError)
        For a bad argument, missing columns, or no park to compute default bounds from.

    Notes
    -----
    Distances are UTM 51N metres (scale error under 2e-4 in Kunshan). The grid is regular in degrees so that
    an image overlay with lat/lon bounds lines up; Leaflet stretches the image linearly in Web Mercator,
    which moves the middle rows by ``R tan(φ) Δφ² / 8`` on the ground: under 65 m for a 70 km tall grid at
    31°N, negligible against a 2 km bandwidth.

    Examples
    --------
    >>> import geopandas as gpd
    >>> parks = gpd.GeoDataFrame({"precision": ["exact"]}, geometry=gpd.points_from_xy([120.98], [31.38]),
    ...                          crs="EPSG:4326")
    >>> grid = density_grid(parks, bandwidth_m=1000.0, cell_m=100.0)
    >>> grid.unit, grid.shape, grid.n_used
    ('园区/km² parks/km²', (60, 60), 1)
    >>> print(f"{grid.values.max():.3f}")  # about 1 / (2π × 1 km²) parks/km²
    0.159
    """
    _check_arguments(parks, weight, bandwidth_m, cell_m, bounds)
    lon, lat, w = _carried(parks, weight)
    if bounds is None:
        bounds = _default_bounds(lon, lat, float(bandwidth_m), len(parks))
    bounds = tuple(float(b) for b in bounds)
    values = _kernel_sum(bounds, _grid_shape(*bounds, float(cell_m)), lon, lat, w, float(bandwidth_m))
    return DensityGrid(values, *bounds, " ".join(DENSITY_UNITS[weight]), weight, float(bandwidth_m), float(cell_m),
                       int(w.size), len(parks))


def _check_arguments(parks, weight, bandwidth_m, cell_m, bounds) -> None:
    """Raise one DensityError naming the argument, echoing its value and saying what is allowed."""
    if not isinstance(parks, gpd.GeoDataFrame):
        raise DensityError(f"parks must be a GeoDataFrame, got {type(parks).__name__}")
    if parks.crs is None or parks.crs.to_epsg() != 4326:
        raise DensityError(f"parks must be in EPSG:4326, got {parks.crs}")
    kinds = parks.geom_type.dropna()
    other = kinds.index[kinds.ne("Point").to_numpy()]
    if len(other):
        raise DensityError(f"parks must have point geometries, got {kinds[other[0]]} at index "
                         f"{', '.join(map(repr, other[:5].tolist()))}{' ...' if len(other) > 5 else ''}")
    if weight not in DENSITY_WEIGHTS:
        raise DensityError(f"weight={weight!r} is not one of {', '.join(DENSITY_WEIGHTS)}")
    missing = [c for c in ("precision", *([] if weight == "count" else [weight])) if c not in parks.columns]
    if missing:
        raise DensityError(f"parks has no column {', '.join(map(repr, missing))} (needed for weight={weight!r})")
    if not _is_number(bandwidth_m) or not bandwidth_m > 0:
        raise DensityError(f"bandwidth_m={bandwidth_m!r} is not allowed: give a number of metres > 0")
    if not _is_number(cell_m) or not 0 < cell_m <= bandwidth_m / 2:
        raise DensityError(f"cell_m={cell_m!r} is not allowed: give a number of metres > 0 and at most half of "
                         f"bandwidth_m ({bandwidth_m / 2:g})")
    if bounds is not None:
        _check_bounds(bounds)


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_bounds(bounds) -> None:
    ok = (isinstance(bounds, (tuple, list, np.ndarray)) and len(bounds) == 4 and all(map(_is_number, bounds)))
    if ok:
        west, south, east, north = bounds
        ok = -180 <= west < east <= 180 and -90 <= south < north <= 90
    if not ok:
        raise DensityError(f"bounds={bounds!r} is not allowed: give (west, south, east, north) in degrees with "
                         f"-180 <= west < east <= 180 and -90 <= south < north <= 90, or None")


def _carried(parks: gpd.GeoDataFrame, weight: str) -> tuple[np.ndarray, ...]:
    """lon, lat (degrees) and weight of the parks that carry it (:func:`geo.analyse.weights.heat_weights`)."""
    values = heat_weights(parks, weight)
    lon, lat = point_xy(parks.geometry)
    keep = np.isfinite(values)
    return lon[keep], lat[keep], values[keep]


def _default_bounds(lon: np.ndarray, lat: np.ndarray, bandwidth_m: float, n_total: int) -> tuple[float, ...]:
    """The bounds of the parks used (degrees) padded by three bandwidths, rounded outwards to 1e-5 degree."""
    if lon.size == 0:
        raise DensityError(f"no park carries the weight (0 of {n_total} parks): give bounds=(west, south, east, "
                         f"north) in degrees to get an empty surface")
    per_lon, per_lat = _metres_per_degree((lat.min() + lat.max()) / 2)
    pad = _PADDING_BANDWIDTHS * bandwidth_m
    pad_degrees = pad / np.array([per_lon, per_lat])
    step = 10.0**_BOUNDS_DECIMALS  # rounded outwards
    west, south = np.floor((np.array([lon.min(), lat.min()]) - pad_degrees) * step) / step
    east, north = np.ceil((np.array([lon.max(), lat.max()]) + pad_degrees) * step) / step
    return (max(float(west), -180.0), max(float(south), -90.0), min(float(east), 180.0), min(float(north), 90.0))


def _metres_per_degree(lat: float | np.ndarray) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Length of one degree of longitude and of latitude (m) on the WGS-84 ellipsoid at ``lat`` (degrees)."""
    sin2 = np.sin(np.radians(lat)) ** 2
    per_radian = np.pi / 180
    lon = _A * np.cos(np.radians(lat)) / np.sqrt(1 - _E2 * sin2) * per_radian
    lat_ = _A * (1 - _E2) / (1 - _E2 * sin2) ** 1.5 * per_radian
    return lon, lat_


def _grid_shape(west: float, south: float, east: float, north: float, cell_m: float) -> tuple[int, int]:
    """(rows, columns): whole cells of about ``cell_m`` metres (at the middle latitude) over the bounds."""
    per_lon, per_lat = _metres_per_degree((south + north) / 2)
    columns = max(1, round((east - west) * per_lon / cell_m))
    rows = max(1, round((north - south) * per_lat / cell_m))
    if rows * columns > MAX_CELLS:
        raise DensityError(f"bounds and cell_m={cell_m!r} give {rows} × {columns} = {rows * columns:,} cells, "
                         f"more than the {MAX_CELLS:,} allowed: give a larger cell_m or smaller bounds")
    return rows, columns


def cell_metres(bounds: tuple[float, float, float, float], shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Width and height of the cells of each row (north row first), UTM 51N metres.

    Measured between the edges of the middle column's cell in :data:`geo.analyse.areas.METRIC_CRS`. UTM is
    conformal, so the grid's columns and rows stay at right angles there and a distance on the grid is
    ``hypot(Δcolumn × width, Δrow × height)``; across a county the widths change with latitude by under
    1 % and with longitude by under 1e-4, so the row of a park gives its kernel's scale.
    """
    west, south, east, north = bounds
    rows, columns = shape
    d_lon, d_lat = (east - west) / columns, (north - south) / rows
    lat = north - (np.arange(rows) + 0.5) * d_lat
    lon = np.full(rows, west + (columns // 2 + 0.5) * d_lon)
    to_metric = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    (x0, x1), (y0, y1) = to_metric.transform(np.stack([lon - d_lon / 2, lon + d_lon / 2]), np.stack([lat, lat]))
    (u0, u1), (v0, v1) = to_metric.transform(np.stack([lon, lon]), np.stack([lat - d_lat / 2, lat + d_lat / 2]))
    return np.hypot(x1 - x0, y1 - y0), np.hypot(u1 - u0, v1 - v0)


def grid_positions(lon: np.ndarray, lat: np.ndarray, bounds: tuple[float, float, float, float],
                   shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(column, row) of points on the grid in cell units, 0 at the centre of the west column and of the
    north row (fractional; outside ``0 .. columns - 1`` for points beyond the bounds)."""
    west, south, east, north = bounds
    rows, columns = shape
    return (lon - west) / (east - west) * columns - 0.5, (north - lat) / (north - south) * rows - 0.5


def _kernel_sum(bounds: tuple[float, float, float, float], shape: tuple[int, int], lon: np.ndarray,
                lat: np.ndarray, w: np.ndarray, bandwidth_m: float) -> np.ndarray:
    """Σ w · exp(-d²/2σ²) / (2πσ²) per km² at every cell centre (rows north first).

    ``d`` is the UTM distance on the grid (:func:`cell_metres` at the park's row), so the Gaussian
    splits into a column factor and a row factor per park: the surface is ``Gᵧᵀ · diag(w) · Gₓ``, one
    matrix product per chunk of parks (no binning of the parks to cells).
    """
    rows, columns = shape
    widths, heights = cell_metres(bounds, shape)
    column, row = grid_positions(lon, lat, bounds, shape)
    at_row = np.clip(np.floor(row + 0.5), 0, rows - 1).astype(int)  # halves up, as the page's Math.round
    total = np.zeros(shape)
    chunk = max(1, _CHUNK_ELEMENTS // (rows + columns))
    for start in range(0, w.size, chunk):
        part = slice(start, start + chunk)
        dx = (np.arange(columns) - column[part, None]) * (widths[at_row[part]] / bandwidth_m)[:, None]
        dy = (np.arange(rows) - row[part, None]) * (heights[at_row[part]] / bandwidth_m)[:, None]
        total += (np.exp(-0.5 * dy**2) * w[part, None]).T @ np.exp(-0.5 * dx**2)
    return total * 1e6 / (2 * np.pi * bandwidth_m**2)
