"""geo.analyse.mapdata: what a map draws, computed once and shifted to the basemap's datum."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

import geo
from geo.analyse.density import cell_metres, density_grid
from geo.analyse.mapdata import HEAT_WEIGHT, datum_bounds, density_surface, heat_points, map_data, to_datum
from geo.place import datum
from registers import park_frame

NAN = float("nan")
PARKS = park_frame([
    (120.95, 31.38, "exact", 12.5, NAN, 3.0),
    (121.00, 31.30, "town", NAN, 8.0, NAN),
    (121.05, 31.32, "zone", 2.0, 1.5, 7.25),
    (120.98, 31.39, "city", 40.0, 40.0, 40.0),  # city level: never in the heat
])


def coordinates(frame):
    return np.concatenate([shapely.get_coordinates(g) for g in frame.geometry])


@pytest.fixture(scope="module")
def default():
    return geo.kunshan_default()


def test_to_datum_wgs84_is_the_frame_itself():
    frame = gpd.GeoDataFrame({"n": [1]}, geometry=gpd.points_from_xy([120.98], [31.38]), crs="EPSG:4326")
    assert to_datum(frame, "wgs84") is frame


@pytest.mark.parametrize("target, forward", [("gcj02", datum.wgs84_to_gcj02), ("bd09", datum.wgs84_to_bd09)])
def test_to_datum_converts_every_vertex_and_leaves_the_input(target, forward):
    line = shapely.LineString([(120.90, 31.30), (121.00, 31.40), (121.05, 31.25)])
    points = [shapely.Point(120.98, 31.38), line]
    frame = gpd.GeoDataFrame({"n": [1, 2]}, geometry=points, crs="EPSG:4326", index=[7, 9])
    shifted = to_datum(frame, target)
    assert shifted is not frame
    assert list(shifted.index) == [7, 9] and list(shifted["n"]) == [1, 2]
    assert shifted.crs.to_epsg() == 4326
    lon, lat = forward(np.array([120.98, 120.90, 121.00, 121.05]), np.array([31.38, 31.30, 31.40, 31.25]))
    np.testing.assert_allclose(coordinates(shifted), np.column_stack([lon, lat]), rtol=0, atol=1e-9)
    assert shifted.geometry.iloc[1].geom_type == "LineString"
    assert frame.geometry.iloc[0].equals(shapely.Point(120.98, 31.38))  # the input is untouched
    assert frame.geometry.iloc[1].equals(line)


@pytest.mark.parametrize("weight, expected", [
    ("count", [[31.38, 120.95, 1.0], [31.3, 121.0, 1.0], [31.32, 121.05, 1.0]]),
    ("investment", [[31.38, 120.95, 12.5], [31.32, 121.05, 2.0]]),
    ("output", [[31.38, 120.95, 3.0], [31.32, 121.05, 7.25]]),
])
def test_heat_points_are_the_parks_that_carry_the_weight(weight, expected):
    assert heat_points(PARKS, weight).tolist() == expected
    assert map_data(PARKS, weight=weight, density=False).heat.tolist() == expected


def test_map_data_weighs_and_shifts_the_parks_and_keeps_the_input(default):
    before = coordinates(default.parks).copy()
    data = map_data(default.parks, areas=default.areas, outline=default.outline, weight="investment", datum="gcj02")
    assert (data.weight, data.datum) == ("investment", "gcj02")
    np.testing.assert_array_equal(coordinates(default.parks), before)  # the caller's frame is untouched
    lon, lat = datum.wgs84_to_gcj02(before[:, 0], before[:, 1])
    np.testing.assert_allclose(coordinates(data.parks), np.column_stack([lon, lat]), rtol=0, atol=1e-9)
    weights = data.parks[HEAT_WEIGHT]
    assert weights.dropna().tolist() == geo.heat_weights(default.parks, "investment")[weights.notna()].tolist()
    assert sorted(data.heat[:, 2].tolist()) == [3.6, 14.3, 30.0, 40.0]
    assert data.located == int(default.parks["precision"].ne("city").sum()) == 25
    np.testing.assert_allclose(data.heat[:, :2], np.column_stack([lat, lon])[weights.notna().to_numpy()],
                               rtol=0, atol=1e-9)


def test_map_data_sums_and_shifts_the_areas_and_the_outline(default):
    data = map_data(default.parks, areas=default.areas, outline=default.outline, datum="gcj02")
    totals = geo.area_totals(default.parks, default.areas)
    assert data.areas.drop(columns="geometry").equals(totals.drop(columns="geometry"))
    given = coordinates(totals)
    np.testing.assert_allclose(coordinates(data.areas), np.column_stack(datum.wgs84_to_gcj02(given[:, 0], given[:, 1])),
                               rtol=0, atol=1e-9)
    given = coordinates(default.outline)
    np.testing.assert_allclose(coordinates(data.outline),
                               np.column_stack(datum.wgs84_to_gcj02(given[:, 0], given[:, 1])), rtol=0, atol=1e-9)
    plain = map_data(default.parks)
    assert plain.areas is None and plain.outline is None and plain.parks.geometry.equals(default.parks.geometry)


def test_the_density_is_computed_in_wgs84_and_placed_in_the_datum(default):
    data = map_data(default.parks, outline=default.outline, datum="gcj02", bandwidth_m=1500.0, cell_m=300.0)
    expected = density_grid(default.parks, "count", bandwidth_m=1500.0, cell_m=300.0)
    surface = data.density
    np.testing.assert_array_equal(surface.grid.values, expected.values)
    assert surface.grid.bounds == expected.bounds
    assert surface.bounds == datum_bounds(expected, "gcj02") != expected.bounds
    widths, heights = cell_metres(expected.bounds, expected.shape)
    np.testing.assert_array_equal(surface.widths_m, widths)
    np.testing.assert_array_equal(surface.heights_m, heights)
    assert map_data(default.parks, density=False).density is None


def test_without_a_weighed_park_the_density_spreads_over_the_outline_or_is_none(default):
    city = default.parks[default.parks["precision"].eq("city")]
    assert len(city) == 2
    over = map_data(city, outline=default.outline, weight="investment").density
    assert over.grid.n_used == 0 and not over.grid.values.any()
    assert over.grid.bounds == tuple(float(b) for b in default.outline.total_bounds)
    assert map_data(city, weight="investment").density is None


def test_gcj02_bounds_are_the_corners_converted(default):
    grid = density_grid(default.parks, "count", cell_m=500.0)
    (west, east), (south, north) = datum.wgs84_to_gcj02(np.array([grid.west, grid.east]),
                                                        np.array([grid.south, grid.north]))
    assert datum_bounds(grid, "gcj02") == (west, south, east, north)
    assert datum_bounds(grid, "wgs84") == grid.bounds
    assert density_surface(grid).bounds == grid.bounds
    assert west - grid.west > 0.003 and south - grid.south < -0.001  # about 400 m east, 200 m south


def test_bad_weight_and_crs_are_refused(default):
    with pytest.raises(ValueError, match="weight='land' is not one of count, investment, floor_area, output"):
        map_data(default.parks, weight="land")
    with pytest.raises(ValueError, match="EPSG:4326"):
        map_data(default.parks.to_crs("EPSG:32651"))
