"""What a map of the parks draws, computed once for the datum of its basemap.

:func:`map_data` is the one step between the analysis and the drawing: it weighs the parks
(:func:`geo.analyse.weights.heat_weights`), sums the areas (:func:`geo.analyse.join.area_totals`), computes the
density surface (:func:`geo.analyse.density.density_grid`, in WGS-84) and shifts every frame, and the surface's
corners, to the basemap's datum (:func:`geo.place.datum.convert_geometries`). A map element draws what it is
handed and computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from geo.analyse.density import DensityGrid, cell_metres, density_grid
from geo.analyse.join import area_totals
from geo.analyse.schema import complete_parks
from geo.analyse.weights import WEIGHTS, Weight, heat_weights
from geo.place.datum import convert, convert_geometries

__all__ = ["HEAT_WEIGHT", "DensitySurface", "MapData", "datum_bounds", "density_surface", "heat_points", "map_data",
           "to_datum"]

#: Column of :attr:`MapData.parks` holding each park's heat weight (NaN for the parks out of the heat).
HEAT_WEIGHT = "heat_weight"


@dataclass(frozen=True)
class DensitySurface:
    """A density grid placed on a map of one datum.

    Attributes
    ----------
    grid : the surface (WGS-84, :func:`geo.analyse.density.density_grid`).
    bounds : (west, south, east, north) of the grid's corners in the map's datum, degrees.
    widths_m, heights_m : width and height of the cells of each row, north row first, UTM 51N metres
        (:func:`geo.analyse.density.cell_metres`), for a page that recomputes the surface on the same grid.
    """

    grid: DensityGrid
    bounds: tuple[float, float, float, float]
    widths_m: np.ndarray
    heights_m: np.ndarray


@dataclass(frozen=True)
class MapData:
    """Everything a park map draws, in the datum of its basemap (:func:`map_data`).

    Attributes
    ----------
    parks : the parks, shifted to :attr:`datum` (still labelled EPSG:4326: Leaflet draws degrees), with their
        heat weight in :data:`HEAT_WEIGHT`.
    weight : what the heat weighs (one of :data:`geo.analyse.weights.WEIGHTS`).
    datum : the basemap's datum (``wgs84``, ``gcj02``, ``bd09``).
    areas : the areas with their totals (:func:`geo.analyse.join.area_totals`), shifted; None when not given.
    outline : the county outline, shifted; None when not given.
    density : the density surface; None when not asked for, or when no park carries the weight and there is
        no outline to spread an empty surface over.
    """

    parks: gpd.GeoDataFrame
    weight: str
    datum: str
    areas: gpd.GeoDataFrame | None
    outline: gpd.GeoDataFrame | None
    density: DensitySurface | None

    @property
    def heat(self) -> np.ndarray:
        """``[lat, lon, weight]`` of the parks in the heat (degrees in :attr:`datum`; shape (n, 3))."""
        return _points(self.parks, self.parks[HEAT_WEIGHT].to_numpy(dtype="float64"))

    @property
    def located(self) -> int:
        """How many parks are placed better than at city level."""
        return int(self.parks["precision"].ne("city").sum())


def map_data(parks: gpd.GeoDataFrame, *, areas: gpd.GeoDataFrame | None = None,
             outline: gpd.GeoDataFrame | None = None, weight: Weight = "count", datum: str = "wgs84",
             density: bool = True, bandwidth_m: float = 2000.0, cell_m: float = 250.0,
             required: tuple[str, ...] = ("geometry",)) -> MapData:
    """The parks, areas, outline and density surface of a map whose tiles are in ``datum``.

    Parameters
    ----------
    parks : located, joined parks (EPSG:4326, :func:`geo.load_parks`), or any frame with point geometry and a
        ``name``, completed by :func:`geo.analyse.schema.complete_parks` (converted to EPSG:4326, defaults filled).
    areas : schematic town areas (:func:`geo.town_areas`); their totals are summed from ``parks``.
    outline : county outline.
    weight : what the heat weighs: ``count``, ``investment`` (亿元), ``floor_area`` (万㎡) or ``output`` (亿元).
    datum : datum of the basemap's tiles; every geometry is converted to it, here and only here.
    density : compute the density surface (on the WGS-84 parks; only its corners are shifted, see
        :func:`datum_bounds`).
    bandwidth_m, cell_m : kernel bandwidth (Gaussian σ) and grid cell of the density, metres.
    required : the columns ``parks`` must have (a ValueError names the missing ones before any work); a page of
        the parks also needs ``name``.

    Examples
    --------
    >>> parks = gpd.GeoDataFrame({"precision": ["exact"], "investment": [12.5]},
    ...                          geometry=gpd.points_from_xy([120.98], [31.38]), crs="EPSG:4326")
    >>> data = map_data(parks, weight="investment", datum="gcj02", cell_m=500.0)
    >>> data.heat.round(5).tolist(), data.density.grid.shape
    ([[31.37797, 120.98432, 12.5]], (24, 24))
    """
    if weight not in WEIGHTS:
        raise ValueError(f"weight={weight!r} is not one of {', '.join(WEIGHTS)}")
    parks = complete_parks(parks, areas, required=required)  # a user's own frame: defaults where missing
    weighed = parks.assign(**{HEAT_WEIGHT: heat_weights(parks, weight)})
    grid = _grid(weighed, outline, weight, bandwidth_m, cell_m) if density else None
    return MapData(parks=to_datum(weighed, datum), weight=weight, datum=datum,
                   areas=None if areas is None else to_datum(area_totals(parks, areas), datum),
                   outline=None if outline is None else to_datum(outline, datum),
                   density=None if grid is None else density_surface(grid, datum))


def _grid(parks: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None, weight: str, bandwidth_m: float,
          cell_m: float) -> DensityGrid | None:
    """The surface over the parks that carry the weight; over the outline when none does; else None."""
    if np.isfinite(parks[HEAT_WEIGHT].to_numpy(dtype="float64")).any():
        return density_grid(parks, weight, bandwidth_m=bandwidth_m, cell_m=cell_m)
    if outline is None:
        return None
    bounds = tuple(float(b) for b in outline.to_crs("EPSG:4326").total_bounds)
    return density_grid(parks, weight, bandwidth_m=bandwidth_m, cell_m=cell_m, bounds=bounds)


def density_surface(grid: DensityGrid, datum: str = "wgs84") -> DensitySurface:
    """``grid`` placed on a map of ``datum``: its corners shifted (:func:`datum_bounds`) and its cells measured."""
    widths, heights = cell_metres(grid.bounds, grid.shape)
    return DensitySurface(grid, datum_bounds(grid, datum), widths, heights)


def datum_bounds(grid: DensityGrid, datum: str) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the grid's south-west and north-east corners converted from WGS-84
    to ``datum`` (degrees), for an overlay on tiles of that datum.

    The image is then stretched between the two converted corners, i.e. the datum shift is taken as
    uniform (linear) across the grid. GCJ-02 is about 400–440 m east and 190–250 m south of WGS-84 across
    Kunshan; the part of the shift that two corners cannot capture stays within about 35 m over a padded
    county grid, a small fraction of a 250 m cell.
    """
    lon, lat = convert(np.array([grid.west, grid.east]), np.array([grid.south, grid.north]), "wgs84", datum)
    return (float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1]))


def to_datum(frame: gpd.GeoDataFrame, datum: str) -> gpd.GeoDataFrame:
    """A copy of ``frame`` (WGS-84) with every coordinate converted to ``datum`` for display.

    The copy keeps the EPSG:4326 label (Leaflet draws degrees); it is only meant for a map whose
    tiles are in ``datum``. WGS-84 returns ``frame`` itself.
    """
    if datum == "wgs84":
        return frame
    shifted = frame.copy()
    shifted.geometry = gpd.GeoSeries(convert_geometries(frame.geometry.to_numpy(), "wgs84", datum),
                                     index=frame.index, crs=frame.crs)
    return shifted


def heat_points(parks: gpd.GeoDataFrame, weight: Weight = "count") -> np.ndarray:
    """``[lat, lon, weight]`` (degrees, the weight in its base unit) of the parks that carry ``weight``
    (:func:`geo.analyse.weights.heat_weights`), in the parks' order; shape (n, 3).

    >>> parks = gpd.GeoDataFrame({"precision": ["exact", "city"]}, geometry=gpd.points_from_xy([120.9, 121.0],
    ...                          [31.3, 31.4]), crs="EPSG:4326")
    >>> heat_points(parks).tolist()
    [[31.3, 120.9, 1.0]]
    """
    return _points(parks, heat_weights(parks, weight))


def _points(parks: gpd.GeoDataFrame, weights: np.ndarray) -> np.ndarray:
    keep = np.isfinite(weights)
    return np.column_stack([parks.geometry.y.to_numpy()[keep], parks.geometry.x.to_numpy()[keep], weights[keep]])
