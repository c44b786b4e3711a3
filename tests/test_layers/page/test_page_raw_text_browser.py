"""One escaping path, in a real browser: a record's text travels raw, enters the page as text (never as markup)
and reaches a portal on another origin, the page's own scripts and every API reply exactly as the register gives it."""

from __future__ import annotations

import pytest

import geo
import layers
from conftest import open_offline
from layers.publish.embed import embed_snippet
from servers import serve
from registers import write_csv

pytestmark = pytest.mark.browser

MARKUP = "A&B <b>园</b>"
NAMES = {"markup": MARKUP, "script": "</script><script>window.__pwned=1</script>", "template": "${1}",
         "backtick": "`+(window.__pwned=1)+` `x`", "entity": "&amp; &lt;b&gt;", "jinja": "{{7*7}} {% raw %}"}
ENGLISH = "A&B <i>en</i> park"
TITLE = "Parks <b>&</b> ${space} `2025`"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The map served on one 127.0.0.1 origin and a portal embedding it on another."""
    folder = tmp_path_factory.mktemp("raw")
    rows = [["id", "园区名称", "英文名称", "主导产业", "所在镇", "网址"]]
    rows += [[key, name, ENGLISH if key == "markup" else "", "机器人", "张浦镇", "javascript:window.__pwned=1"]
             for key, name in NAMES.items()]
    parks = geo.load_parks(write_csv(folder / "parks.csv", rows)).parks
    layers.write_map(layers.park_heatmap(parks, title=TITLE), folder / "map.html", offline=True)
    servers = [serve(folder), serve(folder)]
    map_url = f"{servers[0][1]}/map.html"
    (folder / "host.html").write_text(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>portal</title></head>
<body>{embed_snippet(map_url)}
<script>
  window.events = [];
  window.addEventListener("message", function (e) {{
    if (e.data && e.data.type === "kunshan-heatmap") {{ window.events.push({{origin: e.origin, data: e.data}}); }}
  }});
  window.send = function (command, args, id) {{
    document.querySelector("iframe").contentWindow.postMessage(
      {{type: "kunshan-heatmap", command: command, args: args, id: id}}, "*");
  }};
</script></body></html>""", encoding="utf-8")
    yield folder, map_url, f"{servers[1][1]}/host.html"
    for server, _ in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def page(browser, site):
    folder, _, _ = site
    page, _, errors = open_offline(browser, folder / "map.html")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.wait_for_function(f"document.querySelectorAll('path.kh-park').length === {len(NAMES)}")
    yield page
    assert errors == [] and dialogs == [] and page.evaluate("window.__pwned") is None
    page.close()


def injected(page) -> int:
    """Elements the record texts would have made, had they entered the page as markup."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('b, i, script')).filter(node =>
        ['园', '&', 'en'].includes(node.textContent) || node.textContent.startsWith('window.__pwned')).length""")


def test_a_portal_on_another_origin_hears_the_name_exactly(browser, site):
    _, map_url, host_url = site
    host = browser.new_page()
    host.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
    host.goto(host_url)
    host.wait_for_function("window.events.some(e => e.data.event === 'ready')")
    assert host.evaluate("location.origin") != map_url.rsplit("/", 1)[0]  # two origins
    for key, name in NAMES.items():
        host.evaluate(f"send('focusPark', [{key!r}], {key!r})")
        selected = f"e => e.data.event === 'parkSelected' && e.data.park.id === {key!r}"
        host.wait_for_function(f"window.events.some({selected})")
        event = host.evaluate(f"window.events.find({selected})")
        assert event["data"]["park"] == {"id": key, "name": name, "name_en": ENGLISH if key == "markup" else None}
        assert event["origin"] == "null"  # the sandboxed frame has an opaque origin
    host.evaluate("send('search', ['A&B <b>'], 's')")
    host.wait_for_function("window.events.some(e => e.data.id === 's')")
    reply = host.evaluate("window.events.find(e => e.data.id === 's').data")
    assert (reply["ok"], reply["result"], reply["state"]["language"]) == (True, ["markup"], "zh-Hans")
    assert host.evaluate("window.__pwned") is None
    host.close()


def test_the_pages_own_scripts_hear_the_name_exactly(page):
    page.evaluate("""() => { window.heard = [];
        window.addEventListener('kunshan-heatmap:parkSelected', e => window.heard.push(e.detail.park)); }""")
    for key, name in NAMES.items():
        page.evaluate("id => KunshanHeatmap.focusPark(id)", key)
    heard = page.evaluate("window.heard")
    assert [(park["id"], park["name"]) for park in heard] == list(NAMES.items())
    assert heard[0]["name_en"] == ENGLISH


@pytest.mark.parametrize("key", list(NAMES))
def test_card_tooltip_and_search_show_the_name_as_text(page, key):
    name = NAMES[key]
    page.evaluate("id => KunshanHeatmap.focusPark(id)", key)
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    card = page.locator(".leaflet-popup-content .kh-card")
    assert card.locator(".kh-card-name").evaluate("node => node.textContent") == name
    assert card.locator(".kh-card-name").evaluate("node => node.children.length") == 0
    assert card.locator("td a").count() == 0  # javascript: never links
    marker = page.evaluate("""id => { const map = Object.values(window).find(v => v instanceof L.Map);
        let found = null; map.eachLayer(l => { if (l.parkIndex !== undefined && l.getPopup().isOpen()) found = l; });
        const box = document.createElement('div'); box.innerHTML = found.getTooltip()._content(found);
        return box.textContent; }""", key)
    assert marker == f"{name} · 智能机器人"
    query = name[:6]
    assert key in page.evaluate("q => KunshanHeatmap.search(q)", query)
    page.locator(".kh-search").fill(query)
    results = page.locator(".kh-results button")
    texts = results.evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert name in texts and results.evaluate_all("nodes => nodes.every(n => n.children.length === 0)")
    page.locator(".kh-search").fill("")
    assert injected(page) == 0


def test_a_chosen_title_shows_as_text_in_panel_legend_and_tab(page):
    for language in ("zh-Hans", "en"):
        page.evaluate("code => KunshanHeatmap.setLanguage(code)", language)
        assert page.evaluate("document.title") == TITLE
        assert page.locator(".kh-panel-title").evaluate("node => node.textContent") == TITLE
        assert page.locator(".kh-legend h4").evaluate("node => node.textContent") == TITLE
        assert page.locator(".kh-panel").get_attribute("aria-label") == TITLE
    labels = page.locator(".leaflet-control-layers label").evaluate_all("nodes => nodes.map(n => n.textContent.trim())")
    assert labels == ["OpenStreetMap", "Heat (classic)", "Park density (parks/km²)", "● Intelligent robotics (6)"]
    assert injected(page) == 0


def test_no_module_leaves_a_window_global(page):
    assert page.evaluate("""() => [window.__kunshanHeatmap, window.esc, window.textModule, window.cfg, window.parks,
                                   window.state, window.plain].every(v => v === undefined)""")
    assert sorted(page.evaluate("Object.keys(window.KunshanHeatmap)")) == sorted(
        ["setFilter", "updateFilter", "setLanguage", "focusPark", "getState", "resetFilter", "search", "setShareBase",
         "openLink", "setUi", "languages"])
