"""The investor app in a real browser: filters, languages, permalinks, the page API, postMessage."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

import geo
import layers
from conftest import ARTIFACTS, COUNT, heat_pixels, open_offline
from layers.cli import main
from layers.publish.embed import ALLOW, embed_snippet
from registers import write_csv

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The offline demo served with a host page by a real HTTP server on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("site")
    assert main(["demo", "--offline", "-o", str(folder / "map.html")]) == 0
    host = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>portal</title></head><body>
{embed_snippet("map.html")}
<script>
  window.replies = []; window.events = [];
  window.addEventListener("message", function (e) {{
    if (!e.data || e.data.type !== "kunshan-heatmap") return;
    (e.data.event ? window.events : window.replies).push(e.data);
  }});
  window.send = function (command, args, id) {{
    document.querySelector("iframe").contentWindow.postMessage(
      {{type: "kunshan-heatmap", command: command, args: args, id: id}}, "*");
  }};
</script></body></html>"""
    (folder / "host.html").write_text(host, encoding="utf-8")
    bare = host.replace(f' allow="{ALLOW}"', "")  # a portal that embedded the frame without the permission
    assert bare != host
    (folder / "host-no-clipboard.html").write_text(bare, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def page(browser, site):
    folder, _ = site
    page, _, errors = open_offline(browser, folder / "map.html")
    page.wait_for_function(f"{COUNT} === 27")
    yield page
    assert errors == []
    page.close()


def ids(parks, mask):
    return sorted(geo_ids(parks)[mask].tolist())


def geo_ids(parks):
    return parks["id"].astype(str)


def state(page):
    return page.evaluate("KunshanHeatmap.getState()")


def classic_heat(page):
    """The classic heat's switch in the layer control (the demo opens on the density)."""
    return page.locator(".leaflet-control-layers-overlays label", has_text="热力（经典）").locator("input")


def snapshot(page, name):
    """A screenshot for a person to look at, taken once an open card has faded in (Leaflet animates it)."""
    page.wait_for_function("!document.querySelector('.leaflet-popup')"
                           " || getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.screenshot(path=str(ARTIFACTS / name))


def test_filters_combine_and_state_dom_counts_heat_and_totals_agree(page, parks):
    classic_heat(page).dispatch_event("click")
    before = heat_pixels(page)
    page.locator("details.kh-filter summary").click()
    page.locator("input[data-kind=sectors][value=robotics]").check()
    robotics = parks["sector"].eq("robotics")
    assert sorted(state(page)["visibleParks"]) == ids(parks, robotics)
    assert page.evaluate(COUNT) == int(robotics.sum()) == 2
    assert page.locator(".kh-count").inner_text() == "显示 2 / 27 个园区"
    assert "热力权重：园区数量，2 / 27 个园区参与" in page.locator(".kh-legend").inner_text()
    assert 0 < heat_pixels(page) < before
    lujia = page.evaluate("""() => {
        let text = null;
        Object.values(window).filter(v => v instanceof L.GeoJSON).forEach(g => g.eachLayer(l => {
            if (l.feature.properties.name === '陆家镇') text = l.getTooltip().getContent();
        }));
        return text;
    }""")
    assert "园区: 2" in lujia  # both robotics parks are in 陆家镇; the other four are filtered out

    page.locator("input[data-kind=sectors][value=robotics]").uncheck()
    page.locator("input[data-kind=sectors][value=intelligent_manufacturing]").check()
    page.locator("input[data-kind=statuses][value=groundbreaking]").check()
    both = parks["sector"].eq("intelligent_manufacturing") & parks["status"].eq("groundbreaking")
    assert sorted(state(page)["visibleParks"]) == ids(parks, both) == ["sino-german-im"]
    assert page.evaluate(COUNT) == 1

    page.locator("button[data-kind=reset]").click()
    page.locator("input[data-kind=investment][data-end=min]").fill("20")
    page.locator("input[data-kind=investment][data-end=min]").dispatch_event("change")
    rich = parks["investment"].ge(20)
    assert sorted(state(page)["visibleParks"]) == ids(parks, rich)
    assert page.evaluate(COUNT) == int(rich.sum()) == 2

    page.locator("button[data-kind=reset]").click()
    assert len(state(page)["visibleParks"]) == page.evaluate(COUNT) == 27
    assert heat_pixels(page) == before


def test_api_filters_by_town_and_years(page, parks):
    result = page.evaluate("KunshanHeatmap.setFilter({towns: ['陆家镇'], years: [2023, 2023]})")
    expected = parks["area"].eq("陆家镇") & parks["year"].eq(2023)
    assert sorted(result["visibleParks"]) == ids(parks, expected)
    assert result["filter"]["towns"] == ["陆家镇"] and result["filter"]["years"] == [2023, 2023]
    assert set(result["view"]) == {"lat", "lon", "zoom"} and f"view={result['view']['lat']:.5f}," in result["hash"]
    assert page.evaluate(COUNT) == int(expected.sum())


def test_language_switches_in_place(page, parks):
    page.evaluate("window.sameDocument = true")
    index = int(parks.index[parks["id"].eq("sino-german-im")][0])
    page.locator("select[data-kind=language]").select_option("en")
    assert page.locator(".kh-panel-title").inner_text() == "Kunshan specialised innovation parks"
    assert page.locator(".kh-legend").inner_text().startswith("Kunshan specialised innovation parks\n"
                                                              "Heat weight: number of parks, 25 of 27 parks")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.evaluate("KunshanHeatmap.focusPark('sino-german-im')")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert text.startswith("Sino-German (Kunshan) International Intelligent Manufacturing Park")
    assert "Investment\tCNY 4 billion" in text and "Floor area\t400,000 m²" in text
    assert "Land\t200 mu (13.33 ha)" in text and "Town\tZhangpu" in text
    snapshot(page, "demo-en.png")
    page.locator("select[data-kind=language]").select_option("zh-Hant")
    page.evaluate("KunshanHeatmap.focusPark('sino-german-im')")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert text.startswith("中德（崑山）國際智能製造產業園\nSino-German (Kunshan)")  # the register's name_zh_hant
    assert "總投資\t40 億元" in text and "所在鎮/板塊\t張浦鎮" in text and "狀態\t▲ 集中開工" in text
    assert page.evaluate("KunshanHeatmap.search('國際智能製造')") == ["sino-german-im"]
    snapshot(page, "demo-zh-Hant.png")
    page.locator("select[data-kind=language]").select_option("zh-Hans")
    page.evaluate("KunshanHeatmap.focusPark('sino-german-im')")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert text.startswith("中德（昆山）国际智能制造产业园\nSino-German (Kunshan)") and "总投资\t40 亿元" in text
    snapshot(page, "demo-zh-Hans.png")
    assert page.evaluate("document.title") == "昆山特色专业创新园区热力图"  # the tab follows the language
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert page.evaluate("document.title") == "Kunshan specialised innovation parks"
    page.evaluate("KunshanHeatmap.setLanguage('zh-Hans')")
    assert page.evaluate("window.sameDocument") is True  # no reload
    with pytest.raises(Exception, match="unknown language xx; allowed: zh-Hans, zh-Hant, en"):
        page.evaluate("KunshanHeatmap.setLanguage('xx')")
    assert index >= 0


def test_a_copied_link_reopens_the_same_view(browser, page, site):
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['food', 'robotics'], investment: [null, 50]})")
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['food', 'robotics']})")
    page.evaluate("KunshanHeatmap.focusPark('wilmar-food')")
    page.locator(".leaflet-popup-content a.kh-share").click()
    link = page.locator(".leaflet-popup-content a.kh-share").get_attribute("data-link")
    assert link == page.evaluate("location.href") and "park=wilmar-food" in link and "lang=en" in link
    first = state(page)
    view = page.evaluate("(() => { const m = Object.values(window).find(v => v instanceof L.Map);"
                         " return [m.getCenter().lat, m.getCenter().lng, m.getZoom()]; })()")
    again = browser.new_page(viewport={"width": 1280, "height": 860})
    again.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
    again.goto(link)
    again.wait_for_function("window.KunshanHeatmap !== undefined && document.querySelector('.leaflet-popup')")
    second = state(again)
    assert (second["language"], second["filter"], second["selected"]) == (first["language"], first["filter"],
                                                                        "wilmar-food")
    assert sorted(second["visibleParks"]) == sorted(first["visibleParks"])
    assert again.locator(".leaflet-popup-content .kh-card-name").inner_text() == "Wilmar (Kunshan) Industrial Park"
    view2 = again.evaluate("(() => { const m = Object.values(window).find(v => v instanceof L.Map);"
                           " return [m.getCenter().lat, m.getCenter().lng, m.getZoom()]; })()")
    assert view2 == pytest.approx(view, abs=1e-4)
    again.close()


def test_host_page_drives_the_map_through_postmessage(browser, site, parks):
    _, base = site
    host = browser.new_page(viewport={"width": 1000, "height": 800})
    host.route(lambda url: not url.startswith(base), lambda route: route.abort())
    errors = []
    host.on("pageerror", lambda error: errors.append(str(error)))
    host.goto(f"{base}/host.html")
    frame = host.frame_locator("iframe")
    host.wait_for_function("window.events.some(e => e.event === 'ready')")  # all a cross-origin portal can see
    ready = host.evaluate("window.events.find(e => e.event === 'ready').state")
    assert (ready["language"], ready["visibleCount"], ready["selected"]) == ("zh-Hans", 27, None)
    assert ready["hash"].startswith("#lang=zh-Hans&view=") and set(ready["view"]) == {"lat", "lon", "zoom"}
    host.evaluate("send('setFilter', [{sectors: ['food']}], 1)")
    host.wait_for_function("window.replies.length === 1")
    reply = host.evaluate("window.replies[0]")
    assert reply["id"] == 1 and reply["command"] == "setFilter" and "error" not in reply
    assert sorted(reply["state"]["visibleParks"]) == ids(parks, parks["sector"].eq("food"))
    assert frame.locator("path.kh-park").count() == 2
    changed = host.evaluate("window.events.filter(e => e.event === 'stateChanged').pop().state")
    assert changed["filter"]["sectors"] == ["food"] and changed["visibleCount"] == 2
    assert changed["hash"].startswith("#lang=zh-Hans&sectors=food&view=")
    host.evaluate("send('setLanguage', ['en'], 2)")
    host.evaluate("send('focusPark', ['wilmar-food'], 3)")
    host.wait_for_function("window.events.some(e => e.event === 'parkSelected')")
    event = host.evaluate("window.events.filter(e => e.event === 'parkSelected').pop()")
    assert event["park"]["id"] == "wilmar-food" and event["park"]["name"] == "益海嘉里（昆山）产业园"
    frame.locator("details.kh-filter summary").click()  # the reader filters inside the frame: the host hears it
    frame.locator("input[data-kind=sectors][value=robotics]").check()
    host.wait_for_function("window.events.filter(e => e.event === 'stateChanged').pop().state.filter.sectors"
                           ".includes('robotics')")
    changed = host.evaluate("window.events.filter(e => e.event === 'stateChanged').pop().state")
    assert changed["language"] == "en" and sorted(changed["filter"]["sectors"]) == ["food", "robotics"]
    assert changed["visibleCount"] == int(parks["sector"].isin(["food", "robotics"]).sum())
    host.evaluate("send('dance', [], 4)")
    host.wait_for_function("window.replies.some(r => r.id === 4)")
    assert host.evaluate("window.replies.find(r => r.id === 4).error") == (
        "unknown command dance; allowed: setFilter, updateFilter, setLanguage, focusPark, getState, resetFilter, search, "
        "setShareBase, openLink, setUi")
    assert errors == []
    host.screenshot(path=str(ARTIFACTS / "portal-host.png"))
    host.close()


def test_heat_layer_toggles_off_and_on_under_a_filter(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    heat = classic_heat(page)
    heat.dispatch_event("click")  # on
    assert heat_pixels(page) > 0
    heat.dispatch_event("click")  # off
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['food']})")
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0
    heat.dispatch_event("click")
    assert heat_pixels(page) > 0
    assert errors == []


def test_density_heat_draws_in_real_units(browser, tmp_path):
    output = tmp_path / "density.html"
    assert main(["demo", "--heat", "density", "--weight", "investment", "--offline", "-o", str(output)]) == 0
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 27")
    overlay = page.locator("img.leaflet-image-layer")
    assert overlay.count() == 1 and overlay.get_attribute("src").startswith("data:image/png;base64,")
    legend = page.locator(".kh-density-control").inner_text()
    assert "亿元/km²" in legend and "带宽 2 km" in legend and "27 个园区中 4 个有总投资数据" in legend
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0  # density only
    main_legend = page.locator(".kh-legend").inner_text()
    assert "热力图例见密度图例（真实单位）" in main_legend and "低 → 高" not in main_legend
    page.screenshot(path=str(ARTIFACTS / "demo-density.png"))
    assert errors == []
    page.close()


def test_search_in_any_language_focuses_the_park(page, parks):
    for query, expected in (("robot", {"huacheng-robotics", "haimei-robotics"}), ("益海嘉里", {"wilmar-food"}),
                            ("SINO-GERMAN", {"sino-german-im"})):
        assert set(page.evaluate(f"KunshanHeatmap.search({query!r})")) == expected
    page.locator(".kh-search").fill("Wilmar")
    result = page.locator(".kh-results button")
    assert result.count() == 1 and result.inner_text() == "益海嘉里（昆山）产业园"
    result.click()
    assert page.locator(".leaflet-popup-content .kh-card-name").inner_text() == "益海嘉里（昆山）产业园"
    assert state(page)["selected"] == "wilmar-food"
    page.locator(".kh-search").fill("不存在的园区")
    assert page.locator(".kh-results").inner_text() == "没有匹配的园区"
    page.locator(".kh-search").press("Enter")  # nothing to open: nothing happens
    assert state(page)["selected"] == "wilmar-food"
    page.locator(".kh-search").fill("sino-german")
    page.locator(".kh-search").press("Enter")  # from the keyboard: the first match opens
    assert card_text(page).startswith("中德（昆山）国际智能制造产业园") and state(page)["selected"] == "sino-german-im"


def test_year_slider_shows_parks_as_they_were(page, parks):
    page.locator("input[data-kind=year]").fill("2022")
    page.locator("input[data-kind=year]").dispatch_event("change")
    expected = parks["year"].le(2022).fillna(False)
    assert sorted(state(page)["visibleParks"]) == ids(parks, expected)
    assert page.evaluate(COUNT) == int(expected.sum()) == 4
    assert page.locator(".kh-year").inner_text() == "截至 2022 年"
    page.locator("input[data-kind=year]").fill("2024")
    page.locator("input[data-kind=year]").dispatch_event("change")
    assert page.evaluate(COUNT) == 27 and page.locator(".kh-year").inner_text() == "全部年份"


def test_programme_panel_sets_the_published_figures_beside_the_register(page, parks):
    page.locator("details.kh-programme summary").click()
    rows = page.locator(".kh-programme tr").all_inner_texts()
    assert rows[0] == "\t公布（2023-02-08）\t本图"
    statuses = parks["status"].value_counts()
    assert rows[1] == ("特色专业创新园区\t40 个（20 认定 + 20 培育），2025 年目标 50+ 个\t27 个：认定园区 "
                       f"{statuses['certified']}，培育园区 {statuses['cultivation']}，集中开工 {statuses['groundbreaking']}，"
                       f"规划 {statuses['planned']}，镇级园区 {statuses['town_park']}")
    ground = parks.loc[parks["status"].eq("groundbreaking"), "investment"]
    assert rows[2] == (f"集中开工\t14 个园区，总投资 292.6 亿元，建筑面积 291 万㎡\t{len(ground)} 个园区，"
                       f"{ground.sum():g} 亿元（{ground.notna().sum()} 个有数据）")
    output, investment = parks["output"], parks["investment"]
    assert rows[3] == f"2025 年产值目标\t超过 5,000 亿元\t预计产值 {output.sum():g} 亿元（{output.notna().sum()} 个有数据）"
    assert rows[4] == f"总投资\t–\t{investment.sum():g} 亿元（{investment.notna().sum()} 个有数据）"
    assert rows[5] == "招引运营方的园区\t11\t0" and rows[6] == "新增高新技术企业目标\t1,000+\t–"
    assert rows[7] == "2025 年其他目标\t新增专精特新 500+、瞪羚 200+、独角兽 20+、上市 25+ 家\t–"
    assert "zuojing.com/bagua/20230209/73337.html" in page.locator(".kh-programme .kh-source").inner_text()
    page.evaluate("KunshanHeatmap.setLanguage('en')")  # the panel stays open, in English
    rows = page.locator(".kh-programme tr").all_inner_texts()
    assert rows[1].startswith("Specialised innovation parks\t40 (20 certified + 20 in cultivation); 2025 target 50+\t27: ")
    assert rows[3] == ("2025 output target\tover CNY 500 billion\texpected output CNY 19 billion "
                       "(4 parks carry a figure)")
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['food']})")  # the register's sums, whatever the filter
    assert page.locator(".kh-programme tr").all_inner_texts() == rows


def test_opportunities_view_and_contact_on_the_card(browser, tmp_path):
    register = tmp_path / "opportunities.csv"
    register.write_text("园区名称,所在镇,状态,可用面积,联系方式\n"
                        "甲园,陆家镇,招引运营方,,张先生 0512-1234\n"
                        "乙园,张浦镇,认定园区,2万平方米,\"<b>李</b> li@example.org\"\n"
                        "丙园,千灯镇,认定园区,,\n", encoding="utf-8")
    output = tmp_path / "opportunities.html"
    assert main(["build", str(register), "--offline", "-o", str(output)]) == 0
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 3")
    page.locator("details.kh-filter summary").click()
    page.locator("input[data-kind=opportunities]").check()
    assert sorted(state(page)["visibleParks"]) == ["r2", "r3"] and page.evaluate(COUNT) == 2
    assert "opportunities=1" in page.evaluate("location.hash")
    page.evaluate("KunshanHeatmap.focusPark('r3')")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "可用面积\t2 万㎡" in text and "联系方式\t<b>李</b> li@example.org" in text
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    page.evaluate("KunshanHeatmap.focusPark('r3')")
    assert "Space available\t20,000 m²" in page.locator(".leaflet-popup-content").inner_text()
    assert errors == []
    page.close()


def test_status_has_its_registry_symbol_and_colour(page):
    page.evaluate("KunshanHeatmap.focusPark('sino-german-im')")
    badge = page.locator(".leaflet-popup-content .kh-status")
    assert badge.inner_text() == "▲"
    assert badge.evaluate("node => getComputedStyle(node).color") == "rgb(244, 109, 67)"  # groundbreaking #f46d43
    page.locator("details.kh-filter summary").click()
    label = page.locator("label", has=page.locator("input[data-kind=statuses][value=certified]"))
    assert label.inner_text().strip() == "★ 认定园区"


def test_the_app_card_shows_the_chosen_fields_in_their_order(browser, tmp_path, parks):
    import layers

    data = geo.kunshan_default()
    m = layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline, card_fields=("year", "sector", "source"))
    output = layers.write_map(m, tmp_path / "card.html", offline=True)
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 27")
    page.evaluate("KunshanHeatmap.focusPark('wilmar-food')")
    rows = page.locator(".leaflet-popup-content .kh-card th").all_inner_texts()
    assert rows == ["年份", "主导产业", "来源"]  # wilmar-food has a year (2024) and a source
    state = page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert state["selected"] == "wilmar-food"  # the open card stays open, now in English
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    rows = page.locator(".leaflet-popup-content .kh-card th").all_inner_texts()
    assert rows == ["Year", "Sector", "Source"]
    assert errors == []
    page.close()


def card_text(page):
    """Text of the open card, once a card closed just before has faded out (Leaflet keeps it 200 ms)."""
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    return page.locator(".leaflet-popup-content").inner_text()


def test_card_shows_the_source_date_in_the_readers_language(browser, tmp_path):
    register = write_csv(tmp_path / "dated.csv", [
        ["id", "园区名称", "所在镇", "来源", "资料日期"],
        ["dated", "甲园", "陆家镇", "ks.gov.cn/report", "2024年11月7日"],
        ["month", "乙园", "张浦镇", "ks.gov.cn/plan", "2023/2"],
    ])
    output = tmp_path / "dated.html"
    assert main(["build", str(register), "--offline", "-o", str(output)]) == 0
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 2")
    page.evaluate("KunshanHeatmap.focusPark('dated')")
    assert "来源\tks.gov.cn/report\n资料日期\t2024年11月7日" in card_text(page)
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert "Source date\t7 Nov 2024" in card_text(page)
    page.evaluate("KunshanHeatmap.focusPark('month')")
    assert "Source date\tFeb 2023" in card_text(page)
    page.evaluate("KunshanHeatmap.setLanguage('zh-Hant')")
    assert "資料日期\t2023年2月" in card_text(page)
    assert errors == []
    page.close()


@pytest.mark.parametrize("viewport", [(1280, 860), (1000, 700)])
def test_panel_legends_and_layer_control_never_cover_each_other(browser, site, viewport):
    folder, _ = site
    page, _, errors = open_offline(browser, folder / "map.html", viewport=viewport)
    page.wait_for_function(f"{COUNT} === 27")
    page.locator("details.kh-filter summary").click()  # the tallest state of the panel (it stays open; the layer
                                                        # control's list opens over the map only while hovered)
    boxes = {selector: page.locator(selector).bounding_box()
             for selector in (".kh-panel", ".kh-density-control", ".kh-legend", ".leaflet-control-layers")}
    assert all(box is not None and box["height"] > 0 for box in boxes.values())
    for a, first in boxes.items():
        for b, second in boxes.items():
            overlap = (min(first["x"] + first["width"], second["x"] + second["width"]) > max(first["x"], second["x"])
                       and min(first["y"] + first["height"], second["y"] + second["height"]) > max(first["y"], second["y"]))
            assert a == b or not overlap, (a, b, first, second)
    page.locator(".leaflet-control-layers").hover()  # the opened list lies over the legends: every entry clickable
    covered = page.evaluate("""() => Array.from(document.querySelectorAll('.leaflet-control-layers label'))
        .filter(label => { const r = label.getBoundingClientRect();
                           const hit = document.elementFromPoint(r.x + 8, r.y + r.height / 2);
                           return r.bottom <= innerHeight && !(hit && label.closest('.leaflet-control-layers').contains(hit)); })
        .map(label => label.textContent.trim())""")
    assert covered == []
    assert errors == []
    page.close()


def test_legends_fold_to_their_titles_on_a_phone_and_unfold_on_a_click(browser, site):
    folder, _ = site
    page, _, errors = open_offline(browser, folder / "map.html", viewport=(390, 844))
    page.wait_for_function(f"{COUNT} === 27")
    assert page.locator(".kh-legend").inner_text() == "昆山特色专业创新园区热力图"
    density = page.locator(".kh-density-control").inner_text()
    assert density.startswith("园区密度\n") and "园区/km²" in density and "核密度" not in density  # the scale stays
    boxes = [page.locator(s).bounding_box() for s in (".kh-panel", ".kh-legend", ".kh-density-control")]
    assert boxes[0]["y"] + boxes[0]["height"] < boxes[1]["y"] < boxes[2]["y"]  # nothing covers the panel
    page.locator(".kh-legend h4").click()
    assert "热力权重：园区数量，25 / 27 个园区参与" in page.locator(".kh-legend").inner_text()
    assert "核密度，带宽 2 km" in page.locator(".kh-density-control").inner_text()
    page.evaluate("KunshanHeatmap.setLanguage('en')")  # a re-render keeps the reader's choice
    assert "Heat weight: number of parks" in page.locator(".kh-legend").inner_text()
    page.locator(".kh-density-title").click()
    assert page.locator(".kh-legend").inner_text() == "Kunshan specialised innovation parks"
    assert errors == []
    page.close()
    page, _, _ = open_offline(browser, folder / "map.html", viewport=(1280, 860))  # a desktop opens them unfolded
    page.wait_for_function(f"{COUNT} === 27")
    assert "热力权重" in page.locator(".kh-legend").inner_text()
    page.close()


def open_host(browser, base, page_name, *, clipboard):
    """A portal page on 127.0.0.1 with the map in its frame, the card of wilmar-food open: (context, page, frame)."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    if clipboard:  # the person allowed the clipboard for the portal (playwright's stand-in for the prompt)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    host = context.new_page()
    host.route(lambda url: not url.startswith(base), lambda route: route.abort())
    host.goto(f"{base}/{page_name}")
    host.frame_locator("iframe").locator("path.kh-park").first.wait_for(state="attached")
    frame = host.frames[1]
    frame.evaluate("KunshanHeatmap.focusPark('wilmar-food')")
    return context, host, frame


def test_copy_link_in_a_portal_frame_writes_the_parks_link_to_the_clipboard(browser, site):
    _, base = site
    context, host, frame = open_host(browser, base, "host.html", clipboard=True)
    frame.locator("a.kh-share").click()
    frame.wait_for_function("document.querySelector('a.kh-share').textContent === '已复制'")
    link = frame.locator("a.kh-share").get_attribute("data-link")
    assert link.startswith(f"{base}/map.html#lang=zh-Hans") and "park=wilmar-food" in link
    assert host.evaluate("navigator.clipboard.readText()") == link
    assert frame.locator(".kh-share-link").count() == 0
    context.close()


def test_copy_link_without_the_clipboard_shows_the_link_to_copy_by_hand(browser, site):
    _, base = site
    context, host, frame = open_host(browser, base, "host-no-clipboard.html", clipboard=True)
    frame.locator("a.kh-share").click()
    box = frame.locator(".leaflet-popup-content input.kh-share-link")
    box.wait_for()
    assert frame.locator("a.kh-share").inner_text() == "浏览器不允许自动复制，请手动复制此链接"  # never "已复制"
    assert box.input_value() == frame.evaluate("location.href") and "park=wilmar-food" in box.input_value()
    assert frame.evaluate("document.activeElement.className") == "kh-share-link"  # selected, ready to copy
    context.close()


def test_card_texts_follow_the_language_where_the_register_translates_them(browser, tmp_path):
    register = write_csv(tmp_path / "about.csv", [
        ["id", "园区名称", "所在镇", "园区简介", "英文简介", "繁体简介", "地址", "英文地址"],
        ["both", "甲园", "陆家镇", "机器人整机与零部件", "Robots & their parts", "機器人整機與零部件", "昆山市陆家镇1号",
         "1 Lujia Road"],
        ["zh-only", "乙园", "张浦镇", "精密模具", None, None, "昆山市张浦镇2号", None],
    ])
    output = tmp_path / "about.html"
    assert main(["build", str(register), "--offline", "-o", str(output)]) == 0
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 2")
    page.evaluate("KunshanHeatmap.focusPark('both')")
    assert "简介\t机器人整机与零部件" in card_text(page) and "地址\t昆山市陆家镇1号" in card_text(page)
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert "About\tRobots & their parts" in card_text(page) and "Address\t1 Lujia Road" in card_text(page)
    page.evaluate("KunshanHeatmap.setLanguage('zh-Hant')")
    assert "簡介\t機器人整機與零部件" in card_text(page)
    assert "地址\t昆山市陆家镇1号" in card_text(page)  # no 繁體 address: the register's own
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    page.evaluate("KunshanHeatmap.focusPark('zh-only')")
    assert "About\t精密模具" in card_text(page)  # no English text: the register's own, never an empty row
    assert errors == []
    page.close()


def test_a_chosen_title_shows_literally_in_every_language(browser, tmp_path, parks):
    data = geo.kunshan_default()
    chosen = "<b>Invest</b> in ${Kunshan} & `parks`"
    output = tmp_path / "titled.html"
    layers.write_map(layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline, title=chosen),
                     output, offline=True)
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 27")
    for language in ("zh-Hans", "en", "zh-Hant"):
        page.evaluate(f"KunshanHeatmap.setLanguage('{language}')")
        assert page.evaluate("document.title") == chosen
        assert page.locator(".kh-panel-title").inner_text() == chosen
        assert page.locator(".kh-legend h4").inner_text() == chosen
    assert page.locator(".kh-panel-title b, .kh-legend h4 b").count() == 0 and errors == []
    page.close()


def test_totals_by_town_follow_the_filter(page, parks):
    page.locator("details.kh-totals summary").click()

    def expected(shown):
        towns = shown.groupby(shown["area"].fillna(shown["host"]).rename("area"))["investment"]  # city level: 昆山市
        table = towns.agg(["size", "sum", "count"]).reset_index().sort_values(["size", "area"], ascending=[False, True])
        return ["镇/板块\t园区\t总投资"] + [
            f"{town}\t{size}\t" + (f"{total:g} 亿元（{count} 个有数据）" if count else "–")
            for town, size, total, count in table[["area", "size", "sum", "count"]].itertuples(index=False)]

    assert page.locator(".kh-totals tr").all_inner_texts() == expected(parks)
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['robotics', 'food']})")
    shown = parks[parks["sector"].isin(["robotics", "food"])]
    assert page.locator(".kh-totals tr").all_inner_texts() == expected(shown)
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert page.locator(".kh-totals tr").first.inner_text() == "Town\tParks\tInvestment"
    page.evaluate("KunshanHeatmap.setFilter({investment: [1e9, null]})")
    assert page.locator(".kh-totals").count() == 0  # no park shown, no table


def test_english_readers_type_the_investment_range_in_cny_billion(page, parks):
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    page.locator("details.kh-filter summary").click()
    assert "Investment (CNY billion)" in page.locator(".kh-filter").inner_text()
    low = page.locator("input[data-kind=investment][data-end=min]")
    low.fill("2.5")
    low.dispatch_event("change")
    assert state(page)["filter"]["investment"] == [25, None]  # the API and the link keep 亿元
    assert sorted(state(page)["visibleParks"]) == ids(parks, parks["investment"].ge(25))
    assert "investment=25," in page.evaluate("location.hash")
    page.evaluate("KunshanHeatmap.setLanguage('zh-Hans')")
    assert page.locator("input[data-kind=investment][data-end=min]").input_value() == "25"
    page.evaluate("KunshanHeatmap.setLanguage('en')")
    assert page.locator("input[data-kind=investment][data-end=min]").input_value() == "2.5"


def test_the_panel_works_from_the_keyboard_and_names_its_controls(page, parks):
    assert page.get_by_role("searchbox", name="搜索园区名称").count() == 1
    assert page.get_by_role("slider", name="时间").count() == 1
    assert page.get_by_role("region", name="昆山特色专业创新园区热力图").count() == 1
    page.locator("details.kh-filter summary").click()
    assert page.get_by_role("spinbutton", name="总投资（亿元） 最小").count() == 1
    robotics = page.locator("input[data-kind=sectors][value=robotics]")
    robotics.focus()
    page.keyboard.press("Space")  # the panel is drawn anew: the focus stays on the box just ticked
    assert state(page)["filter"]["sectors"] == ["robotics"]
    assert page.evaluate("document.activeElement.value") == "robotics" and robotics.is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the next sector, from where the reader was
    following = page.evaluate("document.activeElement.value")
    assert state(page)["filter"]["sectors"] == ["robotics", following] and following != "robotics"
    shown = len(state(page)["visibleParks"])
    assert page.get_by_role("status").inner_text() == f"显示 {shown} / 27 个园区"  # heard by screen readers
    page.locator(".kh-search").fill("robot")
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['food']})")  # a change from elsewhere keeps what was typed
    assert page.locator(".kh-search").input_value() == "robot" and page.locator(".kh-results button").count() == 2


def test_a_language_added_to_the_registry_works_with_no_code(browser, tmp_path, monkeypatch):
    """Languages are data: a fourth one, added only to the registry, drives the whole page."""
    import copy

    import layers.page.app

    registry = copy.deepcopy(layers.page.app.i18n())
    registry["languages"]["xx"] = "Test language"
    registry["formats"]["xx"] = {**registry["formats"]["zh-Hant"], "locale": "de-DE", "typed_yi": 1}
    for entry in registry["strings"].values():
        entry["xx"] = "⟦" + entry["zh-Hant"] + "⟧"
    monkeypatch.setattr(layers.page.app, "i18n", lambda: registry)
    data = geo.kunshan_default()
    output = tmp_path / "xx.html"
    layers.write_map(layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline,
                                         programme=geo.programme()), output, offline=True)
    page, _, errors = open_offline(browser, output)
    page.wait_for_function(f"{COUNT} === 27")
    page.locator("select[data-kind=language]").select_option("xx")
    assert page.locator(".kh-panel-title").inner_text() == "⟦崑山特色專業創新園區熱力圖⟧"
    assert page.evaluate("document.title") == "⟦崑山特色專業創新園區熱力圖⟧"
    page.evaluate("KunshanHeatmap.focusPark('sino-german-im')")
    card = card_text(page)
    assert card.startswith("中德（崑山）國際智能製造產業園")  # the name column its format names
    assert "⟦總投資⟧\t⟦40 億元⟧" in card and "⟦主導產業⟧\t智能製造" in card  # labels from the zh_hant column
    assert "⟦顯示 27 / 27 個園區⟧" == page.locator(".kh-count").inner_text()
    assert errors == []
    page.close()


def test_playback_steps_through_the_years_pauses_and_resumes(page, parks):
    first, last = int(parks["year"].min()), int(parks["year"].max())
    button = page.locator("button[data-kind=play]")
    button.click()
    assert state(page)["filter"]["years"] == [None, first] and button.inner_text() == "暂停"
    assert page.evaluate(COUNT) == int(parks["year"].le(first).sum())
    page.wait_for_function(f"KunshanHeatmap.getState().filter.years[1] === {first + 1}", timeout=5000)
    button.click()  # pause
    assert state(page)["filter"]["years"] == [None, first + 1] and button.inner_text() == "播放"
    page.wait_for_timeout(1500)
    assert state(page)["filter"]["years"] == [None, first + 1]  # paused: nothing moves
    assert page.locator(".kh-year").inner_text() == f"截至 {first + 1} 年"
    button.click()  # resumes from the paused year, to all parks
    assert state(page)["filter"]["years"] == [None, first + 1]
    page.wait_for_function("KunshanHeatmap.getState().filter.years === null", timeout=(last - first) * 1500 + 2000)
    assert page.evaluate(COUNT) == 27 and button.inner_text() == "播放"
    button.click()
    page.evaluate("KunshanHeatmap.setFilter({sectors: ['food']})")  # the reader's (or host's) choice stops it
    page.wait_for_timeout(1500)
    assert state(page)["filter"]["years"] is None and button.inner_text() == "播放"
