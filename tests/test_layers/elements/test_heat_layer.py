"""heat_points (geo.analyse.mapdata: which parks, which weight) and the HeatLayer data in the page (rounded)."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import geo
import layers
from layers import WEIGHTS, HeatLayer, heat_points
from registers import park_frame


NAN = float("nan")
PARKS = park_frame([
    (120.95, 31.38, "exact", 12.5, NAN, 3.0),     # 0
    (121.00, 31.30, "town", NAN, 8.0, NAN),       # 1
    (121.05, 31.32, "zone", 2.0, 1.5, 7.25),      # 2
    (120.98, 31.39, "city", 40.0, 40.0, 40.0),    # 3: city level, never in the heat
    (120.90, 31.25, "town", 0.0, NAN, NAN),       # 4: zero investment carries no weight
])


@pytest.fixture(scope="module")
def default():
    return geo.kunshan_default()


def test_weights_constant():
    assert WEIGHTS == ("count", "investment", "floor_area", "output")


def test_count_weighs_every_located_park_one():
    points = heat_points(PARKS, "count")
    assert points.shape == (4, 3)
    assert points.tolist() == [[31.38, 120.95, 1.0], [31.3, 121.0, 1.0], [31.32, 121.05, 1.0],
                               [31.25, 120.9, 1.0]]


def test_default_weight_is_count():
    assert heat_points(PARKS).tolist() == heat_points(PARKS, "count").tolist()


@pytest.mark.parametrize("weight, expected", [
    ("investment", [[31.38, 120.95, 12.5], [31.32, 121.05, 2.0]]),
    ("floor_area", [[31.3, 121.0, 8.0], [31.32, 121.05, 1.5]]),
    ("output", [[31.38, 120.95, 3.0], [31.32, 121.05, 7.25]]),
])
def test_figure_weights_leave_out_parks_without_the_value_and_city_parks(weight, expected):
    assert heat_points(PARKS, weight).tolist() == expected


def test_nullable_float_columns_are_read_like_float_columns():
    nullable = park_frame([(120.95, 31.38, "exact", 12.5, pd.NA, 3.0), (121.0, 31.3, "town", pd.NA, 8.0, pd.NA)],
                     dtype="Float64")
    assert heat_points(nullable, "investment").tolist() == [[31.38, 120.95, 12.5]]
    assert heat_points(nullable, "floor_area").tolist() == [[31.3, 121.0, 8.0]]


def test_the_layer_writes_five_decimals_of_degrees_and_four_of_weight():
    parks = park_frame([(120.123456789, 31.987654321, "exact", 1.234567, NAN, NAN),
                        (121.000004999, 31.000005001, "town", 2.0, NAN, NAN)])
    points = heat_points(parks, "investment")
    assert points[:, 0].tolist() == [31.987654321, 31.000005001]  # geo keeps the coordinates as they are
    written = json.loads(HeatLayer(points).data)
    assert written == [[31.98765, 120.12346, 1.2346], [31.00001, 121.0, 2.0]]


def test_bad_weight_lists_the_allowed_weights():
    with pytest.raises(ValueError) as error:
        heat_points(PARKS, "land")
    assert "'land'" in str(error.value)
    assert "count, investment, floor_area, output" in str(error.value)


def test_no_parks_gives_an_empty_table_of_three_columns():
    assert heat_points(PARKS.iloc[:0], "investment").shape == (0, 3)
    assert heat_points(PARKS[PARKS["precision"] == "city"], "count").shape == (0, 3)


def test_default_register_weights(default):
    parks = default.parks
    located = parks["precision"].ne("city")
    assert len(heat_points(parks, "count")) == int(located.sum())
    for weight in ("investment", "floor_area", "output"):
        expected = parks.loc[located & parks[weight].gt(0), weight].tolist()
        assert heat_points(parks, weight)[:, 2].tolist() == expected
    # the city-level park 昆太协同数字经济产业园 has 10 亿元 but is not in the heat
    city = parks.loc[parks["name"].eq("昆太协同数字经济产业园")].iloc[0]
    assert city["precision"] == "city" and city["investment"] == 10
    assert sorted(heat_points(parks, "investment")[:, 2].tolist()) == [3.6, 14.3, 30.0, 40.0]


def _heat_in_page(page):
    match = re.search(r"L\.heatLayer\((\[.*?\]), (\{.*?\})\);", page, re.S)
    assert match, "no heat layer in the page"
    return json.loads(match[1]), json.loads(re.sub(r",(\s*\})", r"\1", match[2]))


@pytest.mark.parametrize("weight", WEIGHTS)
def test_page_heat_data_is_heat_points(default, weight):
    m = layers.park_heatmap(default.parks, weight=weight)
    data, options = _heat_in_page(layers.map_html(m))
    points = heat_points(default.parks, weight)
    assert data == np.column_stack([points[:, :2].round(5), points[:, 2].round(4)]).tolist()
    assert options["max"] == float(points[:, 2].max())
    assert options == {"blur": 20, "max": options["max"], "maxZoom": 11, "minOpacity": 0.3, "radius": 30}


def test_heat_layer_options_and_empty_data():
    layer = HeatLayer(np.empty((0, 3)), radius=None, blur=5)
    assert layer.count == 0
    assert json.loads(layer.data) == []
    assert layer.options == {"blur": 5, "max": 1.0, "max_zoom": 11, "min_opacity": 0.3}  # folium camelizes them
    page = layers.map_html(folium_map(layer))
    assert _heat_in_page(page) == ([], {"blur": 5, "max": 1.0, "maxZoom": 11, "minOpacity": 0.3})


def folium_map(*elements):
    import folium

    m = folium.Map(tiles=None)
    for element in elements:
        element.add_to(m)
    return m
