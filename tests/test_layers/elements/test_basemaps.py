"""Basemaps and their datums: URLs and keys, companions of one datum, overlays converted to the tiles' datum."""

import json
import re

import folium
import numpy as np
import pytest
import shapely
import xyzservices.providers as xyz

import geo
from geo.place import datum
from layers import map_html, park_heatmap
from layers.elements.basemaps import BASEMAPS, Basemap, BasemapError, basemap, companions, tile_layer
from layers.cli import main
from pagedata import page_parks, page_payload

ERROR = "kunshan-heatmap: error: "
KEYS = ("KUNSHAN_TIANDITU_KEY", "KUNSHAN_CARTO_KEY")
ALL_NAMES = ("osm", "carto", "gaode", "gaode-satellite", "tianditu")
HALF_ULP_5 = 0.5e-5 + 1e-9  # the page writes degrees rounded to 5 decimals
TIANDITU_URL = "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk="
# Hosts of tiles drawn in WGS-84 and in GCJ-02: a page must never mix them.
WGS84_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "tianditu.gov.cn")
GCJ02_HOSTS = ("autonavi.com",)


@pytest.fixture(autouse=True)
def no_keys(monkeypatch):
    """Every test starts without basemap keys; the ones that need a key set it."""
    for variable in KEYS:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def all_keys(monkeypatch):
    monkeypatch.setenv("KUNSHAN_TIANDITU_KEY", "tdt-key-123")
    monkeypatch.setenv("KUNSHAN_CARTO_KEY", "carto-key-456")


# ---------------------------------------------------------------- page readers

def tile_urls(page):
    """URL templates of the page's tile layers, in order, as the browser reads the JS strings."""
    return [json.loads(s) for s in re.findall(r'L\.tileLayer\(\s*("(?:[^"\\]|\\.)*")', page)]


def js_values(page, call):
    """The JSON arguments of every ``call(`` in the page (first and, when JSON, second argument)."""
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(re.escape(call) + r"\(", page):
        first, end = decoder.raw_decode(page, match.end())
        rest = page[end:].lstrip()
        second = None
        if rest.startswith(","):
            try:
                second = decoder.raw_decode(rest[1:].lstrip())[0]
            except json.JSONDecodeError:  # a JS object with functions (the town areas' options)
                second = None
        found.append((first, second))
    return found


def outline_geojson(page):
    """The outline's collection: its features carry no property (the areas' carry their name)."""
    layers = [data for data, _ in js_values(page, "L.geoJSON")
              if all(not feature["properties"] for feature in data["features"])]
    assert len(layers) == 1
    return layers[0]


def areas_geojson(page):
    layers = [data for data, _ in js_values(page, "L.geoJSON")
              if data["features"] and all("name" in feature["properties"] for feature in data["features"])]
    assert len(layers) == 1
    return layers[0]


def heat_data(page):
    calls = js_values(page, "L.heatLayer")
    assert len(calls) == 1
    return np.asarray(calls[0][0], dtype="float64").reshape(-1, 3)


def page_coordinates(collection):
    """(n, 2) lon/lat of every vertex of a page FeatureCollection, feature by feature."""
    shapes = [shapely.from_geojson(json.dumps(f["geometry"])) for f in collection["features"]]
    return np.concatenate([shapely.get_coordinates(s) for s in shapes])


def frame_coordinates(frame):
    return np.concatenate([shapely.get_coordinates(g) for g in frame.geometry])


# ---------------------------------------------------------------- basemap()

def test_the_registry_names_every_basemap():
    assert BASEMAPS == ALL_NAMES


def test_osm_url_and_attribution_come_from_xyzservices():
    item = basemap("osm")
    provider = xyz.OpenStreetMap.Mapnik
    assert isinstance(item, Basemap)
    assert (item.name, item.datum) == ("osm", "wgs84")
    assert item.url == provider.build_url(fill_subdomain=False, scale_factor="")
    assert item.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert item.attribution == provider.html_attribution
    assert "OpenStreetMap" in item.attribution and item.attribution.strip()
    assert item.max_zoom == 19


@pytest.mark.parametrize("name, provider", [("gaode", xyz.Gaode.Normal), ("gaode-satellite", xyz.Gaode.Satellite)])
def test_gaode_urls_are_the_xyzservices_templates_over_https(name, provider):
    item = basemap(name)
    template = provider.build_url(fill_subdomain=False, scale_factor="")
    assert template.startswith("http://")  # xyzservices ships them over plain http
    assert item.url == "https://" + template.removeprefix("http://")
    assert item.url.startswith("https://") and "autonavi.com" in item.url
    assert "{x}" in item.url and "{y}" in item.url and "{z}" in item.url
    assert (item.name, item.datum) == (name, "gcj02")
    assert item.attribution == provider.html_attribution
    assert "Gaode" in item.attribution


@pytest.mark.parametrize("name, variable", [("tianditu", "KUNSHAN_TIANDITU_KEY"), ("carto", "KUNSHAN_CARTO_KEY")])
def test_a_basemap_without_its_key_names_the_environment_variable(name, variable):
    with pytest.raises(BasemapError) as caught:
        basemap(name)
    assert str(caught.value) == (f"basemap {name!r} needs a key: set the environment variable {variable} "
                                 f"/ 底图 {name} 需要密钥，请设置环境变量 {variable}")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, geo.HeatmapError)


@pytest.mark.parametrize("name, variable", [("tianditu", "KUNSHAN_TIANDITU_KEY"), ("carto", "KUNSHAN_CARTO_KEY")])
def test_a_blank_key_counts_as_unset(monkeypatch, name, variable):
    monkeypatch.setenv(variable, "   ")
    with pytest.raises(BasemapError, match=variable):
        basemap(name)


def test_tianditu_puts_the_key_into_the_url(monkeypatch):
    monkeypatch.setenv("KUNSHAN_TIANDITU_KEY", " tdt-key-123 ")  # surrounding spaces are not part of the key
    item = basemap("tianditu")
    assert item.url == TIANDITU_URL + "tdt-key-123"
    assert (item.name, item.datum, item.subdomains, item.max_zoom) == ("tianditu", "wgs84", "01234567", 18)
    assert "天地图" in item.attribution and "tianditu.gov.cn" in item.attribution


def test_carto_puts_the_key_into_the_url(monkeypatch):
    monkeypatch.setenv("KUNSHAN_CARTO_KEY", "carto-key-456")
    item = basemap("carto")
    provider = xyz.CartoDB.Positron
    assert item.url == provider(apikey="carto-key-456").build_url(fill_subdomain=False, scale_factor="")
    assert "carto-key-456" in item.url and item.url.startswith("https://")
    assert "<insert your API key here>" not in item.url
    assert (item.datum, item.subdomains) == ("wgs84", provider["subdomains"])
    assert item.attribution == provider.html_attribution and "CARTO" in item.attribution


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_basemap_has_a_non_empty_attribution(all_keys, name):
    item = basemap(name)
    assert item.attribution.strip()
    assert item.datum in geo.DATUMS


@pytest.mark.parametrize("name", ["google", "Gaode", "", "OSM "])
def test_unknown_basemap_lists_the_allowed_names(name):
    with pytest.raises(BasemapError) as caught:
        basemap(name)
    assert str(caught.value) == f"basemap={name!r} is not one of osm, carto, gaode, gaode-satellite, tianditu"


# ---------------------------------------------------------------- companions()

def test_gaode_companions_are_only_gcj02_basemaps(all_keys):
    chosen = companions("gaode")
    assert [b.name for b in chosen] == ["gaode", "gaode-satellite"]
    assert {b.datum for b in chosen} == {"gcj02"}
    assert [b.name for b in companions("gaode-satellite")] == ["gaode-satellite", "gaode"]


def test_osm_companions_without_keys_are_osm_alone():
    assert [b.name for b in companions("osm")] == ["osm"]


def test_osm_companions_include_tianditu_only_when_its_key_is_set(monkeypatch):
    monkeypatch.setenv("KUNSHAN_TIANDITU_KEY", "tdt-key-123")
    chosen = companions("osm")
    assert [b.name for b in chosen] == ["osm", "tianditu"]
    assert chosen[1].url == TIANDITU_URL + "tdt-key-123"


def test_osm_companions_with_every_key_are_the_wgs84_basemaps(all_keys):
    chosen = companions("osm")
    assert [b.name for b in chosen] == ["osm", "carto", "tianditu"]
    assert {b.datum for b in chosen} == {"wgs84"}
    assert [b.name for b in companions("tianditu")] == ["tianditu", "osm", "carto"]


def test_companions_of_a_basemap_without_its_key_raise():
    with pytest.raises(BasemapError, match="KUNSHAN_CARTO_KEY"):
        companions("carto")


# ---------------------------------------------------------------- tile_layer()

def test_tile_layer_carries_url_attribution_name_and_subdomains(monkeypatch):
    monkeypatch.setenv("KUNSHAN_TIANDITU_KEY", "tdt-key-123")
    layer = tile_layer(basemap("tianditu"), name="天地图", show=False)
    assert isinstance(layer, folium.TileLayer)
    assert layer.tiles == TIANDITU_URL + "tdt-key-123"
    assert layer.layer_name == "天地图"
    assert layer.options["attribution"] == basemap("tianditu").attribution
    assert layer.options["subdomains"] == "01234567"
    assert layer.options["max_zoom"] == 18
    assert (layer.overlay, layer.control, layer.show) == (False, True, False)


def test_tile_layer_of_a_basemap_without_subdomains():
    item = basemap("gaode")
    assert item.subdomains is None
    layer = tile_layer(item)
    assert layer.tiles == item.url and "{s}" not in layer.tiles
    assert layer.layer_name == "gaode"  # no name given: the registry's
    assert layer.options["attribution"] == item.attribution
    assert (layer.overlay, layer.control, layer.show) == (False, True, True)


# ---------------------------------------------------------------- park_heatmap(basemap=...)

@pytest.fixture(scope="module")
def default():
    return geo.kunshan_default()


@pytest.fixture(scope="module")
def pages(default):
    return {name: map_html(park_heatmap(default.parks, areas=default.areas, outline=default.outline,
                                        basemap=name))
            for name in ("osm", "gaode", "gaode-satellite")}


def expected_positions(parks, target):
    lon, lat = parks.geometry.x.to_numpy(), parks.geometry.y.to_numpy()
    if target == "gcj02":
        lon, lat = datum.wgs84_to_gcj02(lon, lat)
    return np.asarray(lon), np.asarray(lat)


@pytest.mark.parametrize("name, target", [("osm", "wgs84"), ("gaode", "gcj02"), ("gaode-satellite", "gcj02")])
def test_park_positions_are_in_the_basemap_datum(default, pages, name, target):
    rows = page_parks(pages[name])
    assert len(rows) == len(default.parks) == 27
    lon, lat = expected_positions(default.parks, target)
    np.testing.assert_allclose([r["lon0"] for r in rows], lon, rtol=0, atol=HALF_ULP_5)
    np.testing.assert_allclose([r["lat0"] for r in rows], lat, rtol=0, atol=HALF_ULP_5)


def test_gaode_positions_differ_from_wgs84_by_the_gcj02_offset(pages):
    osm, gaode = page_parks(pages["osm"]), page_parks(pages["gaode"])
    d_lon = np.array([g["lon0"] - o["lon0"] for g, o in zip(gaode, osm)])
    d_lat = np.array([g["lat0"] - o["lat0"] for g, o in zip(gaode, osm)])
    # in Kunshan GCJ-02 lies about 400 m east and 200 m south of WGS-84
    assert np.all((d_lon > 0.003) & (d_lon < 0.006)) and np.all((d_lat < -0.001) & (d_lat > -0.004))
    # ring positions of approximate parks keep their offset from the (converted) point
    for g, o in zip(gaode, osm):
        assert g["lat"] - g["lat0"] == pytest.approx(o["lat"] - o["lat0"], abs=2.1e-5)
        assert g["lon"] - g["lon0"] == pytest.approx(o["lon"] - o["lon0"], abs=2.1e-5)


@pytest.mark.parametrize("name, target", [("osm", "wgs84"), ("gaode", "gcj02")])
def test_heat_points_are_in_the_basemap_datum(default, pages, name, target):
    heat = heat_data(pages[name])
    keep = default.parks["precision"].ne("city").to_numpy()
    lon, lat = expected_positions(default.parks, target)
    assert heat.shape == (int(keep.sum()), 3)
    np.testing.assert_allclose(heat[:, 0], lat[keep], rtol=0, atol=HALF_ULP_5)
    np.testing.assert_allclose(heat[:, 1], lon[keep], rtol=0, atol=HALF_ULP_5)
    assert set(heat[:, 2]) == {1.0}


@pytest.mark.parametrize("name, target", [("osm", "wgs84"), ("gaode", "gcj02")])
def test_outline_and_areas_are_in_the_basemap_datum(default, pages, name, target):
    for collection, frame in ((outline_geojson(pages[name]), default.outline),
                              (areas_geojson(pages[name]), default.areas)):
        given = frame_coordinates(frame)
        expected = given if target == "wgs84" else np.column_stack(datum.wgs84_to_gcj02(given[:, 0], given[:, 1]))
        written = page_coordinates(collection)
        assert written.shape == expected.shape
        np.testing.assert_allclose(written, expected, rtol=0, atol=HALF_ULP_5)


def test_the_parks_frame_is_not_changed_by_a_gaode_map(default):
    before = frame_coordinates(default.parks).copy()
    park_heatmap(default.parks, outline=default.outline, basemap="gaode")
    np.testing.assert_array_equal(frame_coordinates(default.parks), before)


def test_a_gaode_page_offers_only_gcj02_tiles(default, all_keys):
    page = map_html(park_heatmap(default.parks, outline=default.outline, basemap="gaode"))
    assert tile_urls(page) == [basemap("gaode").url, basemap("gaode-satellite").url]
    for host in WGS84_HOSTS:
        assert host not in page
    assert "tdt-key-123" not in page and "carto-key-456" not in page


def test_an_osm_page_offers_only_wgs84_tiles(default, all_keys):
    page = map_html(park_heatmap(default.parks, outline=default.outline, basemap="osm"))
    assert tile_urls(page) == [basemap("osm").url, basemap("carto").url, basemap("tianditu").url]
    for host in GCJ02_HOSTS:
        assert host not in page
    assert "Gaode (street)" not in page and "Gaode (satellite)" not in page


def control_names(page, kind):
    """The names folium writes into the layer control's ``base_layers`` or ``overlays``, in order."""
    block = re.search(kind + r" : \s*\{\n(.*?)\n\s*\},", page, re.S)[1]
    return [json.loads(label) for label in re.findall(r'^\s*(".*") : \w+,$', block, re.M)]


def test_the_basemaps_are_named_from_the_registry_in_the_language_the_page_opens_in(default, all_keys):
    zh = map_html(park_heatmap(default.parks, basemap="gaode"))
    en = map_html(park_heatmap(default.parks, basemap="gaode", language="en"))
    assert control_names(zh, "base_layers") == ["高德地图（街道）", "高德地图（卫星）"]
    assert control_names(en, "base_layers") == ["Gaode (street)", "Gaode (satellite)"]
    strings = page_payload(en)["config"]["strings"]  # the page renames them from the same keys
    names = [strings[f"basemap.{name}"]["en"] for name in ("gaode", "gaode-satellite")]
    assert names == control_names(en, "base_layers")
    osm = map_html(park_heatmap(default.parks, basemap="osm", language="zh-Hant"))
    assert control_names(osm, "base_layers") == ["OpenStreetMap", "CARTO 淺色", "天地圖"]


def test_an_osm_page_without_keys_has_the_osm_tiles_alone(pages):
    assert tile_urls(pages["osm"]) == ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]


def test_park_heatmap_with_an_unknown_basemap_raises(default):
    with pytest.raises(BasemapError) as caught:
        park_heatmap(default.parks, basemap="bing")
    assert str(caught.value) == "basemap='bing' is not one of osm, carto, gaode, gaode-satellite, tianditu"


def test_park_heatmap_with_tianditu_without_key_raises(default):
    with pytest.raises(BasemapError, match="KUNSHAN_TIANDITU_KEY"):
        park_heatmap(default.parks, basemap="tianditu")


# ---------------------------------------------------------------- CLI --basemap

def test_cli_demo_tianditu_without_key_exits_2_and_writes_nothing(tmp_path, capsys):
    output = tmp_path / "map.html"
    assert main(["demo", "--basemap", "tianditu", "-o", str(output)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(ERROR)
    assert "KUNSHAN_TIANDITU_KEY" in captured.err
    assert captured.err == (ERROR + "basemap 'tianditu' needs a key: set the environment variable "
                            "KUNSHAN_TIANDITU_KEY / 底图 tianditu 需要密钥，请设置环境变量 KUNSHAN_TIANDITU_KEY\n")
    assert list(tmp_path.iterdir()) == []


def test_cli_demo_tianditu_with_key_writes_its_tiles(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KUNSHAN_TIANDITU_KEY", "tdt-key-123")
    output = tmp_path / "map.html"
    assert main(["demo", "--basemap", "tianditu", "-o", str(output)]) == 0
    assert capsys.readouterr().out == f"{output.resolve()}\n"
    page = output.read_text(encoding="utf-8")
    assert tile_urls(page) == [TIANDITU_URL + "tdt-key-123", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"]


def test_cli_demo_gaode_writes_gcj02_positions(default, tmp_path, capsys):
    output = tmp_path / "map.html"
    assert main(["demo", "--basemap", "gaode", "-o", str(output)]) == 0
    capsys.readouterr()
    page = output.read_text(encoding="utf-8")
    rows = page_parks(page)
    lon, lat = expected_positions(default.parks, "gcj02")
    np.testing.assert_allclose([r["lon0"] for r in rows], lon, rtol=0, atol=HALF_ULP_5)
    np.testing.assert_allclose([r["lat0"] for r in rows], lat, rtol=0, atol=HALF_ULP_5)
    assert tile_urls(page) == [basemap("gaode").url, basemap("gaode-satellite").url]


def test_cli_unknown_basemap_is_an_argument_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--basemap", "bing", "-o", str(tmp_path / "m.html")])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'bing'" in err
    for name in ALL_NAMES:
        assert name in err
    assert list(tmp_path.iterdir()) == []
