"""A user's own folium layers, markers and plugins on our map, before and after park_heatmap, in real Chromium:
offline (every non-file request refused) and online (the CDN played by the verified npm files)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import folium.plugins
import pandas as pd
import pytest

import geo
import layers
from conftest import COUNT, open_offline
from layers import park_heatmap, write_map
from layers.publish.assets import asset, asset_bytes, assets

pytestmark = pytest.mark.browser

#: Names of the user's layers, as the layer control must show them.
USER_LAYERS = ("我的区域", "我的组", "我的分级")
USER_BASEMAP = "我的底图"
#: The plugins' controls in the DOM.
CONTROLS = {"Fullscreen": ".leaflet-control-zoom-fullscreen", "MiniMap": ".leaflet-control-minimap",
            "Draw": ".leaflet-draw-toolbar", "MeasureControl": ".leaflet-control-measure",
            "Search": ".leaflet-control-search"}
TILE_HOSTS = {"tile.openstreetmap.org"}
#: What folium's own map links for folium.Icon: a user's CDN page keeps it (nothing pins it; offline it is left out).
ICON_LINKS = {url for need in json.loads((Path(layers.__file__).parent / "publish" / "assets.json").read_text(
    encoding="utf-8"))["needs"]["list"] if need["by"] == "folium.Icon" for _, url in need["links"]}
AREA = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "A", "properties": {"name": "User area"},
        "geometry": {"type": "Polygon", "coordinates": [[[120.90, 31.20], [120.94, 31.20], [120.94, 31.23],
                                                         [120.90, 31.20]]]}}]}


def add_users_things(m: folium.Map) -> folium.Map:
    """What a user adds with folium: named layers, a marker with a popup and the five plugins."""
    area = folium.GeoJson(AREA, name=USER_LAYERS[0]).add_to(m)
    group = folium.FeatureGroup(name=USER_LAYERS[1]).add_to(m)
    folium.CircleMarker([31.22, 121.05], radius=6, color="#444").add_to(group)
    folium.Choropleth(AREA, data=pd.DataFrame({"k": ["A"], "v": [1.0]}), columns=["k", "v"], key_on="feature.id",
                      name=USER_LAYERS[2], legend_name="值").add_to(m)
    folium.Marker([31.35, 120.98], popup="hello <b>popup</b>", tooltip="tip").add_to(m)
    folium.TileLayer("OpenStreetMap", name=USER_BASEMAP, show=False).add_to(m)
    for plugin in (folium.plugins.Fullscreen(), folium.plugins.MiniMap(), folium.plugins.Draw(),
                   folium.plugins.MeasureControl(), folium.plugins.Search(area, search_label="name")):
        plugin.add_to(m)
    return m


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Our map with the user's things added after park_heatmap, and a user's own map (things added before), each
    written offline and online."""
    data = geo.kunshan_default()
    ours = add_users_things(park_heatmap(data.parks, areas=data.areas, outline=data.outline))
    own = folium.Map(location=[31.35, 120.98], zoom_start=11)
    own = park_heatmap(data.parks, areas=data.areas, outline=data.outline, m=add_users_things(own))
    folder = tmp_path_factory.mktemp("foreign")
    return {(name, offline): write_map(m, folder / f"{name}-{'offline' if offline else 'cdn'}.html", offline=offline)
            for name, m in (("ours", ours), ("own", own)) for offline in (True, False)}


def open_online(browser, path):
    """Open a CDN page with each pinned file served from its verified npm tarball (as jsDelivr would, CORS and
    all, so Chromium checks the integrity) and every other non-file request refused."""
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    served = {item.url: item for item in assets()}
    refused, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: url in served, lambda route: route.fulfill(
        body=asset_bytes(served[route.request.url]), headers={"Access-Control-Allow-Origin": "*"},
        content_type=_content_type(route.request.url)))
    page.route(lambda url: not url.startswith(("file:", "data:")) and url not in served,
               lambda route: (refused.append(route.request.url), route.abort()))
    page.goto(path.as_uri())
    page.wait_for_function("typeof L !== 'undefined' && document.querySelector('.leaflet-container') !== null")
    return page, refused, errors


def _content_type(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1]
    return {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml", "gif": "image/gif"}.get(
        suffix, "image/png")


@pytest.fixture(params=[("ours", True), ("own", True), ("ours", False), ("own", False)],
                ids=["ours-offline", "own-offline", "ours-cdn", "own-cdn"])
def opened(request, browser, pages):
    """(page, key) of a loaded page; after the test: no page error and no request but map tiles."""
    name, offline = request.param
    path = pages[(name, offline)]
    page, refused, errors = (open_offline if offline else open_online)(browser, path)
    page.wait_for_function(f"typeof KunshanHeatmap !== 'undefined' && {COUNT} === 27")
    yield page, request.param
    assert errors == []
    allowed = ICON_LINKS if request.param == ("own", False) else set()
    assert {url.split("/")[2] for url in refused if url not in allowed} <= TILE_HOSTS, refused
    page.close()


def layer_names(page) -> list[str]:
    return [name.strip() for name in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]


def users(names: list[str]) -> list[str]:
    return [name for name in names if name in USER_LAYERS]


def test_users_layers_are_in_the_layer_control_and_ours_still_follow_the_language(opened):
    page, (name, _) = opened
    names = layer_names(page)
    assert users(names) == list(USER_LAYERS)
    assert (names[-3:] if name == "ours" else names[:3]) == list(USER_LAYERS)  # added after us, or before
    assert "县界" in names and "镇/板块（示意）" in names
    page.evaluate("KunshanHeatmap.setLanguage('en')")  # walks the control's layers, the user's among ours
    names = layer_names(page)
    assert users(names) == list(USER_LAYERS) and "County outline" in names and "县界" not in names
    bases = page.locator(".leaflet-control-layers-base label").all_inner_texts()
    assert USER_BASEMAP in [base.strip() for base in bases]
    for name in USER_LAYERS:  # each switches its layer off and on
        box = page.locator(".leaflet-control-layers-overlays label", has_text=name).locator("input")
        assert box.is_checked()
        box.dispatch_event("click")
        assert not box.is_checked()


def test_users_marker_opens_its_popup_and_shows_its_default_icon(opened):
    page, (_, offline) = opened
    icons = page.evaluate("""() => [...document.querySelectorAll('img.leaflet-marker-icon, img.leaflet-marker-shadow')]
        .map(img => ({ok: img.complete && img.naturalWidth > 0, src: img.src.slice(0, 22)}))""")
    assert len(icons) == 2 and all(icon["ok"] for icon in icons), icons
    if offline:
        assert {icon["src"] for icon in icons} == {"data:image/png;base64,"}
    page.locator("img.leaflet-marker-icon").click()
    page.wait_for_selector(".leaflet-popup-content b")
    assert page.locator(".leaflet-popup-content").inner_html().strip().endswith("hello <b>popup</b></div>")
    assert page.evaluate("KunshanHeatmap.getState().selected") is None  # not a park


def test_plugins_are_on_the_page(opened):
    page, _ = opened
    for plugin, selector in CONTROLS.items():
        assert page.locator(selector).count() >= 1, plugin
    assert page.evaluate("L.version") == "1.9.4"
    page.locator(".leaflet-control-search .search-button").click()
    page.locator(".leaflet-control-search input").press_sequentially("User")
    page.wait_for_selector(".leaflet-control-search .search-tip")
    assert "User area" in page.locator(".leaflet-control-search .search-tooltip").inner_text()


def test_our_app_still_searches_and_filters(opened, parks):
    page, _ = opened
    found = page.evaluate("KunshanHeatmap.search('中德')")
    page.evaluate("id => KunshanHeatmap.focusPark(id)", found[0])
    page.wait_for_selector(".leaflet-popup-content .kh-card-name")
    assert "中德" in page.locator(".leaflet-popup-content .kh-card-name").inner_text()
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['robotics']})")
    assert page.evaluate(COUNT) == int(parks["sector"].eq("robotics").sum()) == 2
    page.evaluate("KunshanHeatmap.setFilter({})")
    assert page.evaluate(COUNT) == 27


def test_users_map_loads_one_leaflet(pages):
    """folium's default Leaflet (1.9.3) is replaced by the pinned one, linked or inlined once."""
    leaflet = asset("leaflet")
    online = pages[("own", False)].read_text(encoding="utf-8")
    assert re.findall(r'<script src="([^"]*leaflet(?:@[^/]+)?/dist/leaflet\.js)"', online) == [leaflet.url]
    offline = pages[("own", True)].read_text(encoding="utf-8")
    assert offline.count(asset_bytes(leaflet).decode("utf-8")[:2000]) == 1
    assert "1.9.3" not in online and "1.9.3" not in offline
