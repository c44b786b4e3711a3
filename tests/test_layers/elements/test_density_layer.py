"""layers.elements.density: the density surface as an embedded PNG image overlay at its corners on the basemap, the
kernel the page recomputes it with, and the legend's control (its text: test_density_browser.py)."""

import base64
import json
import re
import struct
import zlib

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.analyse.density import cell_metres, density_grid
from geo.analyse.mapdata import datum_bounds, density_surface
from layers.elements.density import RAMP, DensityLayer, DensityLegend, density_levels, density_rgba, png_bytes

NAN = float("nan")


def frame(rows):
    """Parks table: (lon, lat, precision, investment) per row."""
    lon, lat, precision, investment = zip(*rows)
    return gpd.GeoDataFrame({"precision": pd.Series(precision, dtype="string"),
                             "investment": pd.Series(investment, dtype="float64")},
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


PARKS = frame([
    (120.95, 31.38, "exact", 12.5),
    (121.05, 31.32, "zone", 2.0),
    (121.00, 31.30, "town", NAN),     # no investment
    (120.98, 31.39, "city", 40.0),    # city level
    (120.90, 31.25, "town", 3.0),
])
WIDE = (120.6, 31.0, 121.4, 31.7)


@pytest.fixture(scope="module")
def grid():
    return density_grid(PARKS, "investment", cell_m=500.0)


@pytest.fixture(scope="module")
def surface(grid):
    return density_surface(grid)


def read_png(data: bytes) -> tuple[np.ndarray, list[int]]:
    """A minimal PNG reader (8-bit RGBA, non-interlaced; filters None and Up): (pixels, filter byte of each row)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        position += 12 + length
    assert [kind for kind, _ in chunks][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour, compression, filtering, interlace) == (8, 6, 0, 0, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(raw) == height * (1 + 4 * width)
    rows, filters, previous = [], [], bytes(4 * width)
    for r in range(height):
        line = raw[r * (1 + 4 * width):(r + 1) * (1 + 4 * width)]
        filters.append(line[0])
        if line[0] == 0:
            row = bytes(line[1:])
        elif line[0] == 2:
            row = bytes((a + b) & 0xFF for a, b in zip(line[1:], previous))
        else:
            raise AssertionError(f"filter {line[0]} not expected")
        rows.append(row)
        previous = row
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, 4), filters


def render(*elements) -> str:
    m = folium.Map(location=[31.38, 120.98], zoom_start=11, tiles=None)
    for element in elements:
        element.add_to(m)
    return m.get_root().render()


def js_object(text: str):
    """A JavaScript object literal of JSON values, as folium's tojavascript writes it (trailing commas)."""
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def overlay_call(html: str) -> tuple[str, list, dict]:
    """(url, bounds, options) of the one L.imageOverlay call of a page."""
    calls = re.findall(r"L\.imageOverlay\((\"[^\"]*\"), (\[\[.*?\]\]),\s*(\{.*?\})\);", html, re.S)
    assert len(calls) == 1
    url, bounds, options = calls[0]
    return json.loads(url), json.loads(bounds), js_object(options)


def kernel(html: str, layer: DensityLayer) -> dict:
    """The kernel the page recomputes the surface with (``<layer>.khDensity``)."""
    return json.loads(re.search(re.escape(layer.get_name()) + r"\.khDensity = (\{.*?\});\n", html)[1])


# --- PNG ---------------------------------------------------------------------------------------------------

def test_png_decodes_to_the_grid_shape_with_up_filters_and_the_same_pixels(grid, surface):
    layer = DensityLayer(surface)
    pixels, filters = read_png(layer.png)
    assert pixels.shape == (*grid.shape, 4)
    assert struct.unpack(">II", layer.png[16:24]) == (grid.shape[1], grid.shape[0])  # IHDR width, height
    assert set(filters) == {2}
    np.testing.assert_array_equal(pixels, density_rgba(grid.values, layer.levels))


def test_the_peak_cell_is_the_most_opaque_pixel_and_empty_ground_is_transparent(grid, surface):
    pixels, _ = read_png(DensityLayer(surface).png)
    peak = np.unravel_index(np.argmax(grid.values), grid.shape)
    alpha = pixels[..., 3]
    assert alpha[peak] == alpha.max() == 255
    assert tuple(pixels[peak]) == RAMP[-1][1]  # dark red
    assert alpha[0, 0] == alpha[-1, -1] == 0


def test_png_of_a_tiny_image_is_exact():
    rgba = np.array([[[255, 0, 0, 255], [0, 255, 0, 128]], [[0, 0, 255, 0], [10, 20, 30, 40]]], dtype=np.uint8)
    data = png_bytes(rgba)
    pixels, filters = read_png(data)
    np.testing.assert_array_equal(pixels, rgba)
    assert filters == [2, 2]
    assert png_bytes(rgba) == data  # same bytes every time


def test_colours_run_from_transparent_to_dark_red_along_the_levels():
    levels = (0.1, 0.2, 0.5, 1.0, 2.0)
    values = np.array([[0.0, 0.02, 0.03, 0.1, 0.5, 2.0, 50.0, NAN]])
    rgba = density_rgba(values, levels)
    assert rgba[0, :2].tolist() == [[0, 0, 0, 0], [0, 0, 0, 0]]  # at or below a fifth of the first level
    assert 0 < rgba[0, 2, 3] < rgba[0, 3, 3]
    assert rgba[0, 5].tolist() == rgba[0, 6].tolist() == list(RAMP[-1][1])  # the last level and above
    assert rgba[0, 7].tolist() == [0, 0, 0, 0]  # NaN
    alpha = density_rgba(np.linspace(0, 3, 200)[None, :], levels)[0, :, 3]
    assert (np.diff(alpha.astype(int)) >= 0).all()  # more value, never less opaque
    # the levels sit at equal steps of the ramp: 0.5 is at 3/5, between the stops 0.55 and 0.75
    red, green, blue, a = rgba[0, 4]
    expected = [np.interp(0.6, [t for t, _ in RAMP], [c[i] for _, c in RAMP]) for i in range(4)]
    assert [red, green, blue, a] == [round(v) for v in expected]


def test_an_empty_surface_is_transparent():
    assert not density_rgba(np.zeros((3, 4)), ()).any()


@pytest.mark.parametrize("top, expected", [
    (2.3, (0.1, 0.2, 0.5, 1.0, 2.0)),
    (1.0, (0.05, 0.1, 0.2, 0.5, 1.0)),
    (0.0052, (0.0002, 0.0005, 0.001, 0.002, 0.005)),
    (740.0, (20.0, 50.0, 100.0, 200.0, 500.0)),
    (0.0, ()),
])
def test_default_levels_are_the_largest_1_2_5_values_up_to_the_maximum(top, expected):
    assert density_levels(np.array([[0.0, top]])) == expected


# --- the layer in the page ---------------------------------------------------------------------------------

def test_map_has_an_image_overlay_at_the_grids_bounds_and_its_kernel(grid, surface):
    layer = DensityLayer(surface, name="总投资密度 (亿元/km²)", alt="总投资密度 (亿元/km²)")
    html = render(layer, DensityLegend(layer))
    url, bounds, options = overlay_call(html)
    assert bounds == [[grid.south, grid.west], [grid.north, grid.east]]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == layer.png
    assert layer.layer_name == "总投资密度 (亿元/km²)"
    assert options == {"alt": "总投资密度 (亿元/km²)", "className": "kh-density", "interactive": False, "opacity": 0.7,
                       "pane": "khDensity"}
    found = kernel(html, layer)
    widths, heights = cell_metres(grid.bounds, grid.shape)
    assert found["widths"] == widths.tolist() and found["heights"] == heights.tolist()
    assert (found["rows"], found["columns"]) == grid.shape and found["bounds"] == bounds
    assert found["levels"] == [0.01, 0.02, 0.05, 0.1, 0.2]  # peak 12.5 / (2π × 4) = 0.497
    assert (found["bandwidth_m"], found["cell_m"], found["weight"]) == (2000.0, 500.0, "investment")
    assert (found["n_used"], found["n_total"], found["threshold"]) == (3, 5, 0.2)
    assert found["ramp"] == [[t, list(colour)] for t, colour in RAMP]


def test_the_image_lies_in_its_own_pane_under_vectors_and_markers(surface):
    layer = DensityLayer(surface)
    html = render(layer)
    assert (f'{layer.get_name()}.beforeAdd = function (map) {{\n'
            f'            if (!map.getPane("khDensity")) {{\n'
            f'                map.createPane("khDensity").style.zIndex = 350;') in html
    assert "alt" not in overlay_call(html)[2]  # none given: none written


def test_the_legend_follows_its_layer(surface):
    layer = DensityLayer(surface, show=False)
    legend = DensityLegend(layer, position="topleft")
    html = render(layer, legend)
    name, map_name = legend.get_name(), legend._parent.get_name()
    assert f'{layer.get_name()}.on("add", function () {{\n            {name}.addTo({map_name});\n        }});' in html
    assert f'{layer.get_name()}.on("remove", function () {{ {name}.remove(); }});' in html
    assert f'var {name} = L.control({{position: "topleft"}});' in html
    assert f"{layer.get_name()}.addTo(" not in html  # hidden at first: the legend waits for the layer


def test_levels_and_opacity_given():
    grid = density_grid(PARKS, "count", bandwidth_m=1500.0, bounds=WIDE)
    layer = DensityLayer(density_surface(grid), levels=[0.05, 0.1, 0.15], opacity=0.5)
    html = render(layer, DensityLegend(layer))
    assert kernel(html, layer)["levels"] == [0.05, 0.1, 0.15] and kernel(html, layer)["bandwidth_m"] == 1500.0
    assert overlay_call(html)[2]["opacity"] == 0.5
    assert overlay_call(html)[1] == [[31.0, 120.6], [31.7, 121.4]]


def test_an_empty_surface_is_a_transparent_image_without_levels():
    grid = density_grid(PARKS.iloc[[2, 3]], "investment", bounds=WIDE)
    layer = DensityLayer(density_surface(grid))
    assert layer.levels == ()
    assert not read_png(layer.png)[0].any()
    assert kernel(render(layer), layer)["levels"] == [] and kernel(render(layer), layer)["n_total"] == 2


def test_text_reaches_the_page_inert(surface):
    payload = '<img src=x onerror=alert(1)> ${x} `y` </script>'
    layer = DensityLayer(surface, name="&lt;b&gt;", alt=payload)
    html = render(layer, folium.LayerControl())
    assert "<img src=x" not in html and "</script> " not in html
    assert overlay_call(html)[2]["alt"] == payload  # the image's alt is set as text, never parsed as HTML
    assert layer.layer_name == "&lt;b&gt;"  # the layer control writes names as HTML: the caller escapes


def test_the_same_grid_gives_the_same_image(surface):
    assert DensityLayer(surface).png == DensityLayer(surface).png


def test_fit_bounds_sees_the_image(grid, surface):
    assert DensityLayer(surface)._get_self_bounds() == [[grid.south, grid.west], [grid.north, grid.east]]


# --- datum -------------------------------------------------------------------------------------------------

def test_on_gcj02_tiles_the_image_lies_between_the_converted_corners(grid):
    west, south, east, north = datum_bounds(grid, "gcj02")
    html = render(DensityLayer(density_surface(grid, "gcj02")))
    assert overlay_call(html)[1] == [[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]]
    assert overlay_call(html)[1] != overlay_call(render(DensityLayer(density_surface(grid))))[1]


# --- arguments ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"opacity": 1.5}, "opacity=1.5 is not allowed: give a number from 0 to 1"),
    ({"opacity": True}, "opacity=True is not allowed: give a number from 0 to 1"),
    ({"levels": [2.0, 1.0]}, "levels=[2.0, 1.0] is not allowed: give increasing numbers > 0 in 亿元/km², or None"),
    ({"levels": []}, "levels=[] is not allowed: give increasing numbers > 0 in 亿元/km², or None"),
    ({"levels": [0.0, 1.0]}, "levels=[0.0, 1.0] is not allowed: give increasing numbers > 0 in 亿元/km², or None"),
    ({"levels": "1 2"}, "levels='1 2' is not allowed: give increasing numbers > 0 in 亿元/km², or None"),
])
def test_invalid_layer_arguments(surface, kwargs, message):
    with pytest.raises(ValueError) as error:
        DensityLayer(surface, **kwargs)
    assert str(error.value) == message


def test_invalid_surface_and_legend_arguments(grid, surface):
    with pytest.raises(ValueError) as error:
        DensityLayer(grid)
    assert str(error.value) == ("surface must be a DensitySurface from geo.map_data or "
                                "geo.analyse.mapdata.density_surface, got DensityGrid")
    with pytest.raises(ValueError) as error:
        DensityLegend(DensityLayer(surface), position="middle")
    assert str(error.value) == "position='middle' is not one of topleft, topright, bottomleft, bottomright"
    with pytest.raises(ValueError) as error:
        DensityLegend(surface)
    assert str(error.value) == "layer must be a DensityLayer, got DensitySurface"
