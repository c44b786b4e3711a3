"""layers.page.escape: the page payload's JSON (script_json), the few texts Python writes as HTML (escape_text)
and the rule of which links a page may open (HTTP_URL)."""

import html
import json
import random

import pytest

from layers.page.escape import HTTP_URL, escape_text, script_json

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`${document.cookie}`",
    "</script><script>alert(1)</script>",
    "C:\\path\\2019",
    "\"double\" and 'single' quotes",
    "line\u2028separator\u2029paragraph",
    "emoji 😀🏭 园区",
    "{{7*7}}",
    "a & b &amp; &#60; &lt;",
    "<!-- --> <![CDATA[ ]]>",
    "javascript:alert(1)",
]
DANGEROUS = ["<", ">", "`", "$", "{", "}", "\\", '"', "'", "\u2028", "\u2029"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_text_leaves_no_dangerous_character(payload):
    out = escape_text(payload)
    for char in DANGEROUS:
        assert char not in out, (payload, char, out)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_text_round_trips_through_html_unescape(payload):
    assert html.unescape(escape_text(payload)) == payload


def test_escape_text_exact_entities():
    assert escape_text("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"
    assert escape_text("${x}`\\") == "&#36;&#123;x&#125;&#96;&#92;"
    assert escape_text("\u2028\u2029") == "&#8232;&#8233;"
    assert escape_text('"&') == "&quot;&amp;"
    # text that is not a str is turned into text first
    assert escape_text(12.5) == "12.5"
    # ordinary Chinese text and emoji are kept as they are
    assert escape_text("昆山开发区 😀") == "昆山开发区 😀"


# Characters that matter to HTML/JS parsers, plus ordinary text, mixed at random (seeded, so the same
# strings every run).
_POOL = list("<>&;#\"'`${}\\/=:() \t\n\rax0昆山😀") + ["\u2028", "\u2029", "&amp;", "&#", "&lt;", "\x00"]
RANDOM_TEXTS = ["".join(random.Random(seed).choices(_POOL, k=random.Random(seed).randint(0, 40)))
                for seed in range(300)]


def test_escape_text_round_trip_on_random_mixtures():
    for text in RANDOM_TEXTS:
        out = escape_text(text)
        assert html.unescape(out) == text
        for char in DANGEROUS:
            assert char not in out


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_json_has_no_raw_html_specials_and_parses_back(payload):
    value = {"name": payload, "list": [payload, 1, 2.5, None, True], "nested": {"k": payload}}
    text = script_json(value)
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        assert char not in text
    assert json.loads(text) == value


def test_script_json_escapes_script_end_and_is_compact_and_sorted():
    assert script_json({"b": "</script>", "a": "&"}) == '{"a":"\\u0026","b":"\\u003c/script\\u003e"}'
    assert script_json(["\u2028"]) == '["\\u2028"]'
    # Chinese text stays readable (not \\u-escaped)
    assert script_json("昆山") == '"昆山"'


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), [1.0, float("-inf")]])
def test_script_json_refuses_values_that_are_not_json(bad):
    with pytest.raises(ValueError):
        script_json(bad)


def test_script_json_round_trip_on_random_mixtures():
    value = {text: [text, {"k": text}] for text in RANDOM_TEXTS}
    text = script_json(value)
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        assert char not in text
    assert json.loads(text) == value


@pytest.mark.parametrize("url", [
    "http://example.com/",
    "https://www.ks.gov.cn/kss/xwfb/202212/58e.shtml",
    "HTTPS://EXAMPLE.COM/Path",
])
def test_http_urls_may_be_linked(url):
    assert HTTP_URL.match(url)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "ftp://example.com/",
    'http://x.example/" onmouseover="alert(1)',
    "http://x.example/<script>",
    "http://a b.example/",
])
def test_other_schemes_and_broken_urls_are_never_linked(url):
    assert HTTP_URL.match(url) is None


@pytest.mark.parametrize("text", ["{{7*7}}", "{% raw %}", "{# c", "{{ ''.__class__ }}", "{{{%", "a{b}c", "{}"])
def test_script_json_survives_the_second_jinja_rendering(text):
    """branca renders each element's script once more as a Jinja template: a record's tags must come out as text."""
    from branca.element import Element

    out = script_json({"name": text, "nested": [{"a": {}}, {}]})
    assert Element(out).render() == out
    assert json.loads(out) == {"name": text, "nested": [{"a": {}}, {}]}
