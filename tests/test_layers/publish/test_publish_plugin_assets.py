"""The files of the folium elements a user adds (plugins, jQuery for a Popup, d3 for a colormap) are pinned like
ours: linked with integrity on a CDN page, inlined from the verified npm tarballs offline; what nobody pins fails
offline naming the address and the element."""

from __future__ import annotations

import base64
import hashlib
import re

import folium
import folium.plugins
import pandas as pd
import pytest
from branca.element import JavascriptLink

import geo
import layers
from layers import AssetError, map_html, park_heatmap
from layers.publish.assets import asset, asset_bytes, assets, inline_links

AREA = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "用户区"},
        "geometry": {"type": "Polygon", "coordinates": [[[120.9, 31.2], [120.94, 31.2], [120.94, 31.23],
                                                         [120.9, 31.2]]]}}]}
#: Each plugin the page must carry, built on a map, and the npm package that pins it.
PLUGINS = {
    "Fullscreen": (lambda m: folium.plugins.Fullscreen(), "leaflet.fullscreen"),
    "MiniMap": (lambda m: folium.plugins.MiniMap(), "leaflet-minimap"),
    "Draw": (lambda m: folium.plugins.Draw(), "leaflet-draw"),
    "MeasureControl": (lambda m: folium.plugins.MeasureControl(), "leaflet-measure"),
    "Search": (lambda m: folium.plugins.Search(folium.GeoJson(AREA).add_to(m), search_label="name"), "leaflet-search"),
}
TAG = re.compile(r'<script src="([^"]+)" integrity="([^"]+)" crossorigin="anonymous"></script>'
                 r'|<link rel="stylesheet" href="([^"]+)" integrity="([^"]+)" crossorigin="anonymous"/>')


@pytest.fixture(scope="module")
def parks():
    parks = geo.kunshan_default().parks
    return parks[parks["sector"].isin(["robotics", "food"])].reset_index(drop=True)


@pytest.fixture(scope="module")
def pinned_cache():
    """The verified npm tarballs of every pinned package (no network: a missing one fails here)."""
    return layers.fetch_assets(npm="/nonexistent/npm-not-used-offline")


def with_plugin(parks, name):
    m = park_heatmap(parks)
    make, _ = PLUGINS[name]
    make(m).add_to(m)
    return m


def links(page):
    """(url, integrity) of every script and stylesheet a CDN page links; fails on one without integrity."""
    found = [(m[1] or m[3], m[2] or m[4]) for m in TAG.finditer(page)]
    assert len(found) == len(re.findall(r"<script\b[^>]*\bsrc=|<link\b[^>]*\bhref=", page)), "a link without SRI"
    return found


def sha256_sri(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.mark.parametrize("name", list(PLUGINS))
def test_plugin_files_are_linked_pinned_with_integrity(parks, pinned_cache, name):
    page = map_html(with_plugin(parks, name))
    _, package = PLUGINS[name]
    by_url = {item.url: item for item in assets()}
    found = links(page)
    for url, integrity in found:
        item = by_url[url]  # a pinned file's CDN address, never cdnjs or a GitHub branch
        assert integrity == item.sri == sha256_sri(asset_bytes(item))
    plugin = {by_url[url].path for url, _ in found if by_url[url].package == package}
    assert {path.rsplit(".", 1)[1] for path in plugin} == {"js", "css"}
    element = PLUGINS[name][0](folium.Map())
    declared = [url for _, url in element.default_js + element.default_css]
    assert [url for url in declared if url in page and url not in by_url] == []  # folium's cdnjs/GitHub address replaced


@pytest.mark.parametrize("name", list(PLUGINS))
def test_plugin_files_are_inlined_offline_with_their_images(parks, pinned_cache, name):
    page = map_html(with_plugin(parks, name), offline=True)
    assert not re.search(r"<script\b[^>]*\bsrc=|<link\b[^>]*\bhref=", page)
    _, package = PLUGINS[name]
    for item in assets():
        if item.package == package and item.type == "js":
            assert asset_bytes(item).decode("utf-8")[:300] in page
    styles = "".join(re.findall(r"<style>(.*?)</style>", page, re.S))
    refs = re.findall(r"""url\((['"]?)([^'")]+)\1\)""", styles)
    assert [ref for _, ref in refs if not ref.startswith(("data:", "#default#VML"))] == []
    images = {item.sha256 for item in assets() if item.package == package and item.type == "image"}
    inlined = {hashlib.sha256(base64.b64decode(data)).hexdigest()
               for data in re.findall(r"url\(data:[\w/+.-]+;base64,([A-Za-z0-9+/=]+)\)", styles)}
    assert images <= inlined


def test_every_pinned_stylesheet_refers_only_to_pinned_files(pinned_cache):
    """Each CSS inlines with no relative or remote reference left (an unpinned one would be an AssetError)."""
    for item in assets():
        if item.type == "css":
            page = inline_links(f'<head><link rel="stylesheet" href="{item.url}"/></head>')
            refs = [ref for _, ref in re.findall(r"""url\((['"]?)([^'")]+)\1\)""", page)]
            assert [ref for ref in refs if not ref.startswith(("data:", "#"))] == [], item.name


def test_other_addresses_name_the_same_package_version():
    for item in assets():
        for url in item.urls:
            squeezed = re.sub(r"[^a-z0-9]", "", url.lower())
            assert item.version in url and re.sub(r"[^a-z0-9]", "", item.package) in squeezed, url
            assert url != item.url and url.startswith("https://")


def test_fetch_gets_every_pinned_package(pinned_cache):
    packages = {(item.package, item.version) for item in assets()}
    assert len(pinned_cache) == len(packages) >= 11
    assert {"leaflet.fullscreen-3.0.0.tgz", "leaflet-minimap-3.6.1.tgz", "leaflet-draw-1.0.2.tgz",
            "leaflet-measure-2.1.7.tgz", "leaflet-search-2.9.7.tgz", "jquery-3.7.1.tgz",
            "d3-3.5.5.tgz"} <= {path.name for path in pinned_cache}


def test_jquery_comes_only_with_an_element_that_calls_it(parks, pinned_cache):
    jquery = asset("jquery")
    plain = park_heatmap(parks)
    assert "jquery" not in map_html(plain).lower()
    assert "jQuery" not in map_html(plain, offline=True)
    m = park_heatmap(parks)
    folium.Marker([31.35, 120.98], popup="hello <b>popup</b>").add_to(m)  # folium's Popup parses it with $(...)
    page = map_html(m)
    assert (jquery.url, jquery.sri) in links(page)
    assert page.index(jquery.url) < page.index("$(`<div")  # in the head, before the body's scripts
    assert asset_bytes(jquery).decode("utf-8")[:200] in map_html(m, offline=True)


def test_default_icon_images_are_inlined_offline(parks, pinned_cache):
    m = park_heatmap(parks)
    folium.Marker([31.35, 120.98]).add_to(m)
    page = map_html(m, offline=True)
    options = re.search(r"L\.Icon\.Default\.mergeOptions\((\{.*?\})\);", page)[1]
    for key, name in (("iconUrl", "leaflet_marker_png"), ("iconRetinaUrl", "leaflet_marker_2x_png"),
                      ("shadowUrl", "leaflet_marker_shadow_png")):
        data = re.search(rf'"{key}": "data:image/png;base64,([^"]+)"', options)[1]
        assert hashlib.sha256(base64.b64decode(data)).hexdigest() == asset(name).sha256
    assert 'L.Icon.Default.imagePath = "";' in page


def test_choropleth_legend_gets_pinned_d3(parks, pinned_cache):
    m = park_heatmap(parks)
    area = dict(AREA, features=[dict(AREA["features"][0], id="A")])
    folium.Choropleth(area, data=pd.DataFrame({"k": ["A"], "v": [1.0]}), columns=["k", "v"], key_on="feature.id",
                      name="我的分级").add_to(m)
    d3 = asset("d3")
    assert (d3.url, d3.sri) in links(map_html(m))
    assert "cdnjs.cloudflare.com" not in map_html(m)


def test_unpinned_plugin_fails_offline_naming_the_address_the_element_and_what_to_do(parks, pinned_cache):
    m = park_heatmap(parks)
    folium.plugins.Geocoder().add_to(m)
    with pytest.raises(AssetError) as error:
        map_html(m, offline=True)
    assert str(error.value) == (
        "an offline page cannot load these remote files, which no pinned asset provides:\n"
        "  https://unpkg.com/leaflet-control-geocoder/dist/Control.Geocoder.css (linked by folium.plugins.Geocoder)\n"
        "  https://unpkg.com/leaflet-control-geocoder/dist/Control.Geocoder.js (linked by folium.plugins.Geocoder)\n"
        "Write the page without offline (the CDN page links them), leave that element out of the map, or pin the "
        "file: add its npm package, version, path and sha256 to layers/publish/assets.json (an address it is known "
        "under in `urls`) and run `kunshan-heatmap assets fetch`.")
    assert "https://unpkg.com/leaflet-control-geocoder/dist/Control.Geocoder.js" in map_html(m)  # online: linked


def test_a_link_an_element_adds_itself_is_named_as_such(parks, pinned_cache):
    m = park_heatmap(parks)
    m.get_root().header.add_child(JavascriptLink("https://example.org/own.js"), name="own")
    with pytest.raises(AssetError, match=re.escape("https://example.org/own.js (linked by an element of the map "
                                                   "that adds the link itself)")):
        map_html(m, offline=True)


def test_folium_icon_gets_folium_links_online_and_a_clear_error_offline(parks, pinned_cache):
    m = park_heatmap(parks)
    folium.Marker([31.35, 120.98], icon=folium.Icon(color="red")).add_to(m)
    assert "leaflet.awesome-markers.js" in map_html(m)
    with pytest.raises(AssetError, match=r"Leaflet\.awesome-markers/2\.0\.2/leaflet\.awesome-markers\.js "
                                         r"\(linked by folium\.Icon, folium\.Map\)"):
        map_html(m, offline=True)


def test_a_users_map_gets_the_pinned_leaflet_and_folium_keeps_its_defaults(parks, pinned_cache):
    default_js = list(folium.Map.default_js)
    m = park_heatmap(parks, m=folium.Map(location=[31.35, 120.98], zoom_start=11))
    online = map_html(m)
    assert "leaflet@1.9.3" not in online and asset("leaflet").url in online and asset("leaflet_css").url in online
    assert all(asset(name).url in online for name in ("jquery", "bootstrap", "bootstrap_css"))  # folium's, pinned
    offline = map_html(m, offline=True)  # folium.Icon's unpinned links are left out: no Icon on this map
    assert not re.search(r"<script\b[^>]*\bsrc=|<link\b[^>]*\bhref=", offline)
    assert folium.Map.default_js == default_js and "leaflet@1.9.3" in folium.Map().default_js[0][1]
