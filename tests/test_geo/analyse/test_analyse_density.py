"""geo.analyse.density: the kernel density surface in real units (integral, peak, bandwidth, units, who is left out)."""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer

import geo.analyse.density
from geo.analyse.density import DENSITY_UNITS, DensityError, DENSITY_WEIGHTS, MAX_CELLS, DensityGrid, density_grid
from registers import park_frame

GEOD = Geod(ellps="WGS84")
NAN = float("nan")


PARKS = park_frame([
    (120.95, 31.38, "exact", 12.5, NAN, 3.0),     # 0
    (121.00, 31.30, "town", NAN, 8.0, NAN),       # 1
    (121.05, 31.32, "zone", 2.0, 1.5, 7.25),      # 2
    (120.98, 31.39, "city", 40.0, 40.0, 40.0),    # 3: city level, never in the surface
    (120.90, 31.25, "town", 0.0, NAN, NAN),       # 4: zero investment carries no weight
])
ONE = park_frame([(120.98, 31.38, "exact", 12.5, NAN, NAN)])
WIDE = (120.6, 31.0, 121.4, 31.7)  # degrees, well beyond three bandwidths of every park above


def cell_areas_km2(grid: DensityGrid) -> np.ndarray:
    """Geodesic area (km²) of one cell of each row, north row first, as a column to broadcast over the grid."""
    rows, columns = grid.shape
    edges = np.linspace(grid.north, grid.south, rows + 1)
    width = (grid.east - grid.west) / columns
    areas = [abs(GEOD.polygon_area_perimeter([grid.west, grid.west + width, grid.west + width, grid.west],
                                             [north, north, south, south])[0])
             for north, south in zip(edges[:-1], edges[1:])]
    return np.array(areas)[:, None] / 1e6


def integral(grid: DensityGrid) -> float:
    """Σ value × cell area: the weight the surface holds."""
    return float((grid.values * cell_areas_km2(grid)).sum())


def cell_of(grid: DensityGrid, lon: float, lat: float) -> tuple[int, int]:
    """(row, column) of the cell holding a point (north row first)."""
    rows, columns = grid.shape
    return (int((grid.north - lat) / (grid.north - grid.south) * rows),
            int((lon - grid.west) / (grid.east - grid.west) * columns))


# --- calibration -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("weight, total", [("count", 4.0), ("investment", 14.5), ("floor_area", 9.5),
                                           ("output", 10.25)])
def test_the_surface_integrates_to_the_total_weight(weight, total):
    grid = density_grid(PARKS, weight)  # default bounds: padded by three bandwidths
    assert integral(grid) == pytest.approx(total, rel=0.02)


def test_the_integral_holds_for_other_bandwidths_and_cells():
    grid = density_grid(PARKS, "investment", bandwidth_m=800.0, cell_m=100.0, bounds=WIDE)
    assert integral(grid) == pytest.approx(14.5, rel=0.02)


def cell_centre(grid: DensityGrid, row: int, column: int) -> tuple[float, float]:
    """(lon, lat) of a cell centre, degrees."""
    rows, columns = grid.shape
    return (grid.west + (column + 0.5) * (grid.east - grid.west) / columns,
            grid.north - (row + 0.5) * (grid.north - grid.south) / rows)


@pytest.mark.parametrize("bounds", [None, WIDE])
@pytest.mark.parametrize("bandwidth_m", [1000.0, 2000.0, 3000.0])
def test_a_single_park_peaks_at_its_cell_with_w_over_two_pi_sigma_squared(bandwidth_m, bounds):
    grid = density_grid(ONE, "investment", bandwidth_m=bandwidth_m, bounds=bounds)
    sigma_km = bandwidth_m / 1000
    peak = np.unravel_index(np.argmax(grid.values), grid.shape)
    if bounds is not None:  # the park lies inside a cell (by default it sits on a corner of four)
        assert peak == cell_of(grid, 120.98, 31.38)
    half_diagonal = math.hypot(*grid.cell_size_m) / 2
    assert GEOD.inv(120.98, 31.38, *cell_centre(grid, *peak))[2] <= half_diagonal + 1.0
    assert grid.values[peak] == pytest.approx(12.5 / (2 * math.pi * sigma_km**2), rel=0.02)


def test_the_values_along_the_row_of_a_park_follow_the_gaussian_in_ground_metres():
    grid = density_grid(ONE, "count", bounds=WIDE)
    rows, columns = grid.shape
    row, column = cell_of(grid, 120.98, 31.38)
    lon = grid.west + (np.arange(columns) + 0.5) * (grid.east - grid.west) / columns
    lat = grid.north - (row + 0.5) * (grid.north - grid.south) / rows
    distance_km = GEOD.inv(np.full(columns, 120.98), np.full(columns, 31.38), lon, np.full(columns, lat))[2] / 1000
    expected = np.exp(-distance_km**2 / 8.0) / (8 * math.pi)
    near = distance_km < 8  # within four bandwidths
    np.testing.assert_allclose(grid.values[row, near], expected[near], rtol=0.01)


def test_doubling_the_bandwidth_quarters_the_peak():
    narrow = density_grid(PARKS.iloc[[0]], "count", bandwidth_m=1000.0, bounds=WIDE)
    wide = density_grid(PARKS.iloc[[0]], "count", bandwidth_m=2000.0, bounds=WIDE)
    assert wide.values.max() / narrow.values.max() == pytest.approx(0.25, rel=0.02)


def test_weights_scale_the_surface_linearly():
    count = density_grid(ONE, "count", bounds=WIDE)
    investment = density_grid(ONE, "investment", bounds=WIDE)
    np.testing.assert_allclose(investment.values, 12.5 * count.values, rtol=1e-12)


def test_chunks_of_parks_give_the_same_surface(monkeypatch):
    whole = density_grid(PARKS, "count", bounds=WIDE)
    monkeypatch.setattr(geo.analyse.density, "_CHUNK_ELEMENTS", 1)  # one park per chunk
    chunked = density_grid(PARKS, "count", bounds=WIDE)
    np.testing.assert_allclose(chunked.values, whole.values, rtol=1e-12, atol=0)


def exact_kernel_sum(grid: DensityGrid, lon, lat, w) -> np.ndarray:
    """The surface by brute force: every park against every cell centre, 2-D distances in UTM 51N."""
    rows, columns = grid.shape
    centre_lon = grid.west + (np.arange(columns) + 0.5) * (grid.east - grid.west) / columns
    centre_lat = grid.north - (np.arange(rows) + 0.5) * (grid.north - grid.south) / rows
    to_utm = Transformer.from_crs(4326, 32651, always_xy=True)
    cx, cy = to_utm.transform(*np.meshgrid(centre_lon, centre_lat))
    px, py = to_utm.transform(np.asarray(lon), np.asarray(lat))
    squared = (cx[..., None] - px) ** 2 + (cy[..., None] - py) ** 2
    sigma = grid.bandwidth_m
    return np.exp(-squared / (2 * sigma**2)) @ np.asarray(w) * 1e6 / (2 * math.pi * sigma**2)


def test_the_surface_equals_the_brute_force_utm_kernel_sum():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(120.85, 121.10, 60), rng.uniform(31.20, 31.45, 60)
    w = rng.uniform(0.5, 30, 60)
    parks = gpd.GeoDataFrame({"precision": pd.Series(["exact"] * 60, dtype="string"), "investment": w},
                             geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    grid = density_grid(parks, "investment", bandwidth_m=1500.0, cell_m=300.0, bounds=WIDE)
    expected = exact_kernel_sum(grid, lon, lat, w)
    # the product form takes the park's row for the cell size and the grid's axes at right angles in UTM
    np.testing.assert_allclose(grid.values, expected, rtol=0, atol=3e-4 * expected.max())  # measured: 9.4e-5


# --- the grid ----------------------------------------------------------------------------------------------

def test_grid_cells_are_about_cell_m_and_the_bounds_are_kept():
    grid = density_grid(PARKS, "count", cell_m=500.0, bounds=WIDE)
    assert grid.bounds == WIDE
    width, height = grid.cell_size_m
    assert width == pytest.approx(500.0, rel=0.01) and height == pytest.approx(500.0, rel=0.01)
    assert grid.values.dtype == np.float64 and grid.values.ndim == 2


def test_the_north_row_comes_first():
    north = park_frame([(120.98, 31.60, "exact", NAN, NAN, NAN)])
    grid = density_grid(north, "count", bounds=WIDE)
    row, column = np.unravel_index(np.argmax(grid.values), grid.shape)
    assert row < grid.shape[0] / 3
    assert (row, column) == cell_of(grid, 120.98, 31.60)


def test_default_bounds_pad_the_parks_used_by_three_bandwidths():
    grid = density_grid(PARKS, "investment", bandwidth_m=1000.0)  # parks 0 and 2
    west, south, east, north = grid.bounds
    assert GEOD.inv(west, 31.38, 120.95, 31.38)[2] == pytest.approx(3000.0, abs=2.0)
    assert GEOD.inv(121.05, 31.32, east, 31.32)[2] == pytest.approx(3000.0, abs=2.0)
    assert GEOD.inv(121.05, south, 121.05, 31.32)[2] == pytest.approx(3000.0, abs=2.0)
    assert GEOD.inv(120.95, 31.38, 120.95, north)[2] == pytest.approx(3000.0, abs=2.0)
    assert all(round(b, 5) == b for b in grid.bounds)


@pytest.mark.parametrize("weight", DENSITY_WEIGHTS)
def test_units_per_weight(weight):
    expected = {"count": "园区/km² parks/km²", "investment": "亿元/km² 100 million CNY/km²",
                "floor_area": "万㎡/km² 10,000 m²/km²", "output": "亿元/km² 100 million CNY/km²"}[weight]
    grid = density_grid(PARKS, weight, bounds=WIDE)
    assert grid.unit == expected
    assert grid.unit_short == DENSITY_UNITS[weight][0] == expected.split(" ")[0]
    assert (grid.weight, grid.bandwidth_m, grid.cell_m) == (weight, 2000.0, 250.0)


# --- who is in the surface ---------------------------------------------------------------------------------

@pytest.mark.parametrize("weight, used", [("count", [0, 1, 2, 4]), ("investment", [0, 2]),
                                          ("floor_area", [1, 2]), ("output", [0, 2])])
def test_parks_without_the_weight_and_city_parks_are_left_out_and_counted(weight, used):
    grid = density_grid(PARKS, weight, bounds=WIDE)
    assert (grid.n_used, grid.n_total) == (len(used), 5)
    only_used = density_grid(PARKS.iloc[used], weight, bounds=WIDE)
    np.testing.assert_array_equal(grid.values, only_used.values)


def test_parks_without_a_point_are_left_out():
    parks = PARKS.copy()
    parks.geometry = gpd.GeoSeries([PARKS.geometry.iloc[0], None, shapely.Point(), *PARKS.geometry.iloc[3:]],
                                   index=PARKS.index, crs="EPSG:4326")
    grid = density_grid(parks, "count", bounds=WIDE)
    assert (grid.n_used, grid.n_total) == (2, 5)


def test_nullable_floats_and_missing_precision_are_read():
    parks = park_frame([(120.95, 31.38, "exact", 12.5, pd.NA, 3.0), (121.0, 31.3, pd.NA, 4.0, 8.0, pd.NA)],
                  dtype="Float64")
    grid = density_grid(parks, "investment", bounds=WIDE)
    assert (grid.n_used, grid.n_total) == (2, 2)
    assert integral(grid) == pytest.approx(16.5, rel=0.02)


def test_no_park_with_given_bounds_gives_an_empty_surface():
    grid = density_grid(PARKS.iloc[[3, 4]], "investment", bounds=WIDE)
    assert (grid.n_used, grid.n_total) == (0, 2)
    assert not grid.values.any()


# --- arguments ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"weight": "land"}, "weight='land' is not one of count, investment, floor_area, output"),
    ({"bandwidth_m": 0}, "bandwidth_m=0 is not allowed: give a number of metres > 0"),
    ({"bandwidth_m": -5.0}, "bandwidth_m=-5.0 is not allowed: give a number of metres > 0"),
    ({"bandwidth_m": NAN}, "bandwidth_m=nan is not allowed: give a number of metres > 0"),
    ({"bandwidth_m": "2000"}, "bandwidth_m='2000' is not allowed: give a number of metres > 0"),
    ({"bandwidth_m": True}, "bandwidth_m=True is not allowed: give a number of metres > 0"),
    ({"cell_m": 0.0}, "cell_m=0.0 is not allowed: give a number of metres > 0 and at most half of "
                      "bandwidth_m (1000)"),
    ({"cell_m": 1500.0}, "cell_m=1500.0 is not allowed: give a number of metres > 0 and at most half of "
                         "bandwidth_m (1000)"),
    ({"bounds": (121.4, 31.0, 120.6, 31.7)},
     "bounds=(121.4, 31.0, 120.6, 31.7) is not allowed: give (west, south, east, north) in degrees with "
     "-180 <= west < east <= 180 and -90 <= south < north <= 90, or None"),
    ({"bounds": (120.6, 31.0, 121.4)},
     "bounds=(120.6, 31.0, 121.4) is not allowed: give (west, south, east, north) in degrees with "
     "-180 <= west < east <= 180 and -90 <= south < north <= 90, or None"),
    ({"bounds": (120.6, 31.0, 121.4, 95.0)},
     "bounds=(120.6, 31.0, 121.4, 95.0) is not allowed: give (west, south, east, north) in degrees with "
     "-180 <= west < east <= 180 and -90 <= south < north <= 90, or None"),
    ({"bounds": (100.0, 20.0, 130.0, 40.0), "cell_m": 250.0},
     "bounds and cell_m=250.0 give 8868 × 11578 = 102,673,704 cells, more than the 1,000,000 allowed: "
     "give a larger cell_m or smaller bounds"),
])
def test_invalid_arguments_raise_value_error_with_the_value_and_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError) as error:
        density_grid(PARKS, **kwargs)
    assert str(error.value) == message


def test_errors_belong_to_the_family():
    with pytest.raises(DensityError) as error:
        density_grid(PARKS, "land")
    assert isinstance(error.value, geo.HeatmapError) and isinstance(error.value, ValueError)


def test_max_cells_constant():
    assert MAX_CELLS == 1_000_000


def test_parks_must_be_a_geodataframe_in_wgs84_with_points_and_the_columns():
    with pytest.raises(ValueError) as error:
        density_grid(pd.DataFrame(PARKS))
    assert str(error.value) == "parks must be a GeoDataFrame, got DataFrame"
    with pytest.raises(ValueError) as error:
        density_grid(PARKS.to_crs("EPSG:32651"))
    assert str(error.value).startswith("parks must be in EPSG:4326, got EPSG:32651")
    with pytest.raises(ValueError) as error:
        density_grid(PARKS.drop(columns=["precision", "output"]), "output")
    assert str(error.value) == "parks has no column 'precision', 'output' (needed for weight='output')"
    polygons = PARKS.copy()
    polygons.geometry = shapely.box(PARKS.geometry.x - 0.01, PARKS.geometry.y - 0.01, PARKS.geometry.x,
                                    PARKS.geometry.y)
    with pytest.raises(ValueError) as error:
        density_grid(polygons)
    assert str(error.value) == "parks must have point geometries, got Polygon at index 0, 1, 2, 3, 4"


def test_no_park_carrying_the_weight_needs_bounds():
    with pytest.raises(ValueError) as error:
        density_grid(PARKS.iloc[[3, 4]], "investment")
    assert str(error.value) == ("no park carries the weight (0 of 2 parks): give bounds=(west, south, east, "
                                "north) in degrees to get an empty surface")


def test_unknown_keywords_are_rejected():
    with pytest.raises(TypeError):
        density_grid(PARKS, bandwidth=2000.0)


def test_kunshan_default_surfaces():
    parks = geo.kunshan_default().parks
    grid = density_grid(parks, "count")
    assert (grid.n_used, grid.n_total) == (int(parks["precision"].ne("city").sum()), len(parks))
    assert integral(grid) == pytest.approx(grid.n_used, rel=0.02)
