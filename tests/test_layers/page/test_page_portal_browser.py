"""The portal contract, from a portal on another 127.0.0.1 origin embedding the sandboxed map: every reply has one
shape, bad input is an error naming the value and the allowed ones, setFilter replaces and updateFilter merges,
focusPark says when it cleared a filter, and a portal can tell the map's messages by ``event.source``."""

from __future__ import annotations

import pytest

from layers.cli import main
from layers.publish.embed import embed_snippet
from servers import serve

pytestmark = pytest.mark.browser

REPLY_KEYS = {"type", "id", "command", "ok", "state", "result"}


@pytest.fixture(scope="module")
def portal(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("portal")
    assert main(["demo", "--offline", "-o", str(folder / "map.html")]) == 0
    (map_server, map_base), (host_server, host_base) = serve(folder), serve(folder)
    (folder / "host.html").write_text(f"""<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
{embed_snippet(f"{map_base}/map.html")}
<script>
  var frame = document.querySelector("iframe"), pending = {{}};
  window.foreign = 0;
  window.addEventListener("message", function (e) {{
    if (e.source !== frame.contentWindow) {{ window.foreign += 1; return; }}  // the check the README asks for
    if (e.data && e.data.type === "kunshan-heatmap" && e.data.id in pending) {{
      pending[e.data.id](Object.assign({{origin: e.origin}}, e.data)); delete pending[e.data.id];
    }}
  }});
  var next = 0;
  window.ask = function (command, args) {{
    return new Promise(function (resolve) {{
      var id = "q" + (next += 1);
      pending[id] = resolve;
      frame.contentWindow.postMessage({{type: "kunshan-heatmap", command: command, args: args, id: id}}, "*");
    }});
  }};
  window.ready = new Promise(function (resolve) {{
    window.addEventListener("message", function (e) {{ if (e.data && e.data.event === "ready") resolve(e.origin); }});
  }});
  window.postMessage({{type: "kunshan-heatmap", event: "spoofed"}}, "*");  // not from the frame: ignored
</script></body></html>""", encoding="utf-8")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    page.goto(f"{host_base}/host.html")
    assert page.evaluate("window.ready") == "null"  # the sandboxed frame's origin: check event.source instead
    yield page, errors
    page.close()
    map_server.shutdown()
    host_server.shutdown()


def ask(page, command, *args):
    return page.evaluate("([command, args]) => window.ask(command, args)", [command, list(args)])


@pytest.mark.parametrize("args, error", [
    ([{"sectors": ["nonexistent"]}], "unknown sector nonexistent; allowed: advanced_computing, biomedicine"),
    ([{"sectors": "food"}], 'sectors must be a list, e.g. sectors: ["food"]'),
    ([{"hub": "hongqiao"}], "unknown filter key hub; allowed: sectors, statuses, towns, investment, years, "
                            "opportunities"),
    ([{"investment": ["a", 5]}], 'investment must be [min, max] (numbers or null), not ["a",5]'),
    ([{"towns": ["火星镇"]}], "unknown town 火星镇; allowed: 千灯镇, 周市镇"),
    ([["food"]], 'a filter is an object such as {sectors: [\'food\']}, not ["food"]'),
])
def test_a_bad_filter_is_an_error_reply_naming_it_and_changes_nothing(portal, args, error):
    page, errors = portal
    ask(page, "setFilter", {})
    reply = ask(page, "setFilter", *args)
    assert set(reply) == REPLY_KEYS | {"error", "origin"} and reply["ok"] is False
    assert reply["error"].startswith(error)
    assert len(reply["state"]["visibleParks"]) == 27 and errors == []


def test_set_replaces_update_merges_and_every_reply_has_one_shape(portal):
    page, _ = portal
    food = ask(page, "setFilter", {"sectors": ["food"], "statuses": ["certified"]})
    assert food["ok"] is True and food["result"] is None and set(food) == REPLY_KEYS | {"origin"}
    merged = ask(page, "updateFilter", {"statuses": []})
    assert merged["state"]["filter"]["sectors"] == ["food"] and merged["state"]["filter"]["statuses"] == []
    assert len(merged["state"]["visibleParks"]) == 2
    replaced = ask(page, "setFilter", {"statuses": ["certified"]})
    assert replaced["state"]["filter"]["sectors"] == []  # what setFilter leaves out is cleared
    found = ask(page, "search", "中德")
    assert found["ok"] is True and found["result"] == ["sino-german-im"]
    assert set(found["state"]) >= {"language", "filter", "visibleParks", "selected", "view", "hash"}


def test_focus_park_reports_a_cleared_filter(portal):
    page, _ = portal
    ask(page, "setFilter", {"sectors": ["food"]})
    shown = ask(page, "focusPark", "wilmar-food")
    assert shown["result"] == {"filterCleared": False} and shown["state"]["filter"]["sectors"] == ["food"]
    hidden = ask(page, "focusPark", "sino-german-im")
    assert hidden["result"] == {"filterCleared": True} and hidden["state"]["filter"]["sectors"] == []
    assert hidden["state"]["selected"] == "sino-german-im"
    missing = ask(page, "focusPark", "nosuch")
    assert (missing["ok"], missing["error"]) == (False, "no park with id nosuch")


def test_messages_not_from_the_frame_are_told_apart(portal):
    page, _ = portal
    assert page.evaluate("window.foreign") >= 1


@pytest.fixture(scope="module")
def share_portal(tmp_path_factory):
    """The map on one origin; a portal on another embedding it with ``share_base`` (its own address)."""
    folder = tmp_path_factory.mktemp("share")
    assert main(["demo", "--offline", "-o", str(folder / "map.html")]) == 0
    (map_server, map_base), (host_server, host_base) = serve(folder), serve(folder)
    portal_url = f"{host_base}/invest.html"
    (folder / "invest.html").write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f'{embed_snippet(f"{map_base}/map.html", share_base=portal_url)}</body></html>', encoding="utf-8")
    yield portal_url
    map_server.shutdown()
    host_server.shutdown()


def test_links_carry_the_portal_address_and_the_portal_opens_them(browser, share_portal):
    page = browser.new_page()
    page.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    try:
        page.goto(f"{share_portal}#lang=en&park=wilmar-food")
        frame = page.frame_locator("iframe")
        frame.locator(".leaflet-popup-content .kh-card-name").wait_for()
        assert frame.locator(".leaflet-popup-content .kh-card-name").inner_text() == "Wilmar (Kunshan) Industrial Park"
        frame.locator(".leaflet-popup-content a.kh-share").click()
        link = frame.locator(".leaflet-popup-content a.kh-share").get_attribute("data-link")
        assert link.startswith(f"{share_portal}#lang=en&") and "park=wilmar-food" in link
    finally:
        page.close()
