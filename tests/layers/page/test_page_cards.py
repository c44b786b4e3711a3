"""layers.page.cards: park cards show the chosen fields only, with units, escaped; and so does the page."""

import csv
import io
import re

import pytest

import geo
from pagedata import page_data, page_parks
import layers
from layers import CARD_FIELDS, park_cards

PAYLOAD_NAME = "<img src=x onerror=alert(1)>${alert(1)}</script><script>alert(2)</script>"
SECRET = "TOPSECRET-42-不应公开"
HEADER = ["园区名称", "英文名称", "主导产业", "细分领域", "所在镇", "状态", "年份", "总投资", "建筑面积", "用地面积",
          "预计产值", "网址", "地址", "来源", "secret"]
ROWS = [
    [PAYLOAD_NAME, "Park `en` ${x}", "生物医药", "小核酸", "陆家镇", "certified", "2023", "3,500万元", "12万平方米",
     "1050", "2.5亿元", "https://example.com/p?a=1&b=2", "昆山市陆家镇某路1号", "report 'x'", SECRET],
    ["乙园", "", "光电", "", "周市镇", "", "", "", "", "", "", "javascript:alert(1)", "", "", SECRET + "-2"],
]


def write_csv(path, rows, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = write_csv(tmp_path_factory.mktemp("cards") / "parks.csv", [HEADER, *ROWS])
    data = geo.load_parks(path)
    assert data.report.parks == 2 and data.report.ok
    return data


@pytest.fixture(scope="module")
def cards(data):
    return park_cards(data.parks).tolist()


@pytest.fixture(scope="module")
def page(data):
    """A page without the app: its cards are the static park cards."""
    return layers.map_html(layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline, app=False))


@pytest.fixture(scope="module")
def app_page(data):
    """The investor page: the app composes the cards; only the register's free texts travel as HTML."""
    return layers.map_html(layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline,
                                               card_fields=("sector", "address", "year", "source")))




def row_labels(card):
    return re.findall(r"<tr><th>(.*?)</th>", card)


def test_card_fields_constant():
    assert CARD_FIELDS == ("sector", "status", "description", "year", "investment", "floor_area", "land", "output",
                           "available", "area", "precision", "address", "website", "contact", "source", "source_date")


def test_card_has_every_field_with_a_value_in_order(cards):
    assert row_labels(cards[0]) == ["主导产业 Sector", "状态 Status", "年份 Year", "总投资 Investment",
                                    "建筑面积 Floor area", "用地面积 Land", "预计产值 Expected output",
                                    "所在镇/板块 Town", "位置 Location", "地址 Address", "网址 Website",
                                    "来源 Source"]
    # fields without a value give no row
    assert row_labels(cards[1]) == ["主导产业 Sector", "所在镇/板块 Town", "位置 Location", "网址 Website"]


def test_card_values_with_units(cards):
    card = cards[0]
    assert "<td>0.35 亿元</td>" in card          # 3,500万元
    assert "<td>12 万㎡</td>" in card            # 12万平方米
    assert "<td>1,050 亩</td>" in card           # 1050 (亩 is the base unit of land)
    assert "<td>2.5 亿元</td>" in card
    assert "<td>生物医药 Biomedicine (小核酸)</td>" in card
    assert "<td>认定园区 Certified park</td>" in card
    assert "<td>2023</td>" in card
    assert "<td>陆家镇</td>" in card
    assert "<td>位置为示意（镇/板块级）approximate: town level</td>" in card


def test_default_register_card_units():
    parks = geo.kunshan_default().parks
    card = park_cards(parks[parks["name"].eq("中德（昆山）国际智能制造产业园")]).iloc[0]
    assert "<tr><th>总投资 Investment</th><td>40 亿元</td></tr>" in card
    assert "<tr><th>建筑面积 Floor area</th><td>40 万㎡</td></tr>" in card
    assert "<tr><th>用地面积 Land</th><td>200 亩</td></tr>" in card
    assert "<tr><th>预计产值 Expected output</th><td>50 亿元</td></tr>" in card


def test_only_chosen_fields_appear(data):
    card = park_cards(data.parks, ("year", "investment")).iloc[0]
    assert row_labels(card) == ["年份 Year", "总投资 Investment"]
    for hidden in ("状态", "Biomedicine", "陆家镇", "example.com", "建筑面积", "万㎡", "亩", "report"):
        assert hidden not in card
    assert park_cards(data.parks, ()).iloc[1] == '<div class="kh-card"><b class="kh-card-name">乙园</b><table></table></div>'


def test_extra_columns_never_reach_cards_or_page(data, cards, page):
    assert data.parks["secret"].tolist() == [SECRET, SECRET + "-2"]  # the column is read...
    for card in cards:
        assert "TOPSECRET" not in card
    assert "TOPSECRET" not in page                                    # ...but never published
    assert "secret" not in page.lower()


def test_unknown_card_field_is_refused(data):
    with pytest.raises(ValueError) as error:
        park_cards(data.parks, ("year", "secret", "note"))
    message = str(error.value)
    assert "note, secret" in message
    assert "allowed: " + ", ".join(CARD_FIELDS) in message
    with pytest.raises(ValueError):
        layers.park_heatmap(data.parks, card_fields=("secret",))


def test_card_escapes_payload_name(cards):
    card = cards[0]
    assert ('<b class="kh-card-name">&lt;img src=x onerror=alert(1)&gt;&#36;&#123;alert(1)&#125;'
            "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</b>") in card
    assert '<span class="kh-card-name-en">Park &#96;en&#96; &#36;&#123;x&#125;</span>' in card
    assert "<td>report &#x27;x&#x27;</td>" in card


def test_card_links_http_websites_only(cards):
    assert ('<td><a href="https://example.com/p?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">'
            "https://example.com/p?a=1&amp;b=2</a></td>") in cards[0]
    assert "<td>javascript:alert(1)</td>" in cards[1]
    assert "<a " not in cards[1]


def test_payload_name_is_escaped_in_the_page(page):
    assert PAYLOAD_NAME not in page
    for raw in ("<img src=x", "onerror=alert(1)>", "${alert(1)}", "<script>alert(2)", "Park `en`"):
        assert raw not in page
    # only the page's own scripts (leaflet.js, folium's settings, leaflet-heat.js, the map): none injected
    assert page.count("<script") == page.count("</script>") == 4
    parks = page_parks(page)
    assert [p["tooltip"] for p in parks] == [
        "&lt;img src=x onerror=alert(1)&gt;&#36;&#123;alert(1)&#125;&lt;/script&gt;&lt;script&gt;alert(2)"
        "&lt;/script&gt; · 生物医药",
        "乙园 · 光电"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in parks[0]["card"]
    assert "<img" not in parks[0]["card"]


def test_page_cards_are_the_park_cards(data, page, cards):
    assert [p["card"] for p in page_parks(page)] == cards


def test_an_app_page_ships_the_chosen_fields_and_only_their_free_texts(app_page):
    data = page_data(app_page)
    assert data["card"] == ["sector", "address", "year", "source"]  # the card's rows, in this order
    assert data["field_names"] == ["address", "source"] and len(data["fields"]) == 2
    assert data["sector_label"]["values"] == []  # the app names sectors in the reader's language
    for raw in ("<img src=x", "onerror=alert(1)>", "${alert(1)}", "<script>alert(2)", "Park `en`"):
        assert raw not in app_page


def test_static_card_gives_translated_texts_after_the_chinese(tmp_path):
    path = tmp_path / "about.csv"
    path.write_text("园区名称,所在镇,简介,英文简介,地址,英文地址\n"
                    "甲园,陆家镇,机器人<整机>,Robots & parts,昆山市陆家镇1号,1 Lujia Rd\n"
                    "乙园,张浦镇,,Only English,昆山市张浦镇2号,昆山市张浦镇2号\n", encoding="utf-8")
    parks = geo.load_parks(path).parks
    cards = park_cards(parks, ("description", "address")).set_axis(parks["name"])
    assert "<tr><th>简介 About</th><td>机器人&lt;整机&gt;<br>Robots &amp; parts</td></tr>" in cards["甲园"]
    assert "<td>Only English</td>" in cards["乙园"]
    assert "<td>昆山市张浦镇2号</td>" in cards["乙园"]  # the same text in both columns: shown once


def test_a_parks_table_without_the_text_columns_still_gets_cards(data):
    """A joined table made outside geo.read_register may lack text fields: their card rows are left out."""
    parks = data.parks.drop(columns=["description", "address", "source_date", "contact"])
    cards = park_cards(parks).tolist()
    assert all("简介 About" not in card and "地址 Address" not in card for card in cards)
    shipped = page_data(layers.map_html(layers.park_heatmap(parks)))
    missing = [shipped["fields"][shipped["field_names"].index(name)] for name in ("description", "address", "contact")]
    assert all(column["values"] == [] and set(column["codes"]) == {-1} for column in missing)
