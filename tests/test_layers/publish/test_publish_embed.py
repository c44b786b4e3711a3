"""The iframe snippet: sandboxed without allow-same-origin, escaped, only http(s) or relative URLs."""

import pytest

from layers.cli import main
from layers.publish.embed import ALLOW, SANDBOX, embed_snippet


def test_snippet_is_sandboxed_and_responsive():
    snippet = embed_snippet("https://maps.example.org/kunshan.html", aspect="16/9", language="en")
    assert 'src="https://maps.example.org/kunshan.html#lang=en"' in snippet
    assert f'sandbox="{SANDBOX}"' in snippet and "allow-same-origin" not in snippet
    assert "aspect-ratio:16/9" in snippet and 'referrerpolicy="no-referrer"' in snippet
    assert f'allow="{ALLOW}"' in snippet and ALLOW == "clipboard-write"  # write only: the map never reads it


def test_the_default_title_is_the_page_title_in_the_language_it_opens_in():
    assert 'title="昆山特色专业创新园区热力图"' in embed_snippet("k.html")
    assert 'title="崑山特色專業創新園區熱力圖"' in embed_snippet("k.html", language="zh-Hant")
    assert 'title="Kunshan specialised innovation parks"' in embed_snippet("k.html", language="en")


def test_title_and_url_are_escaped():
    snippet = embed_snippet("maps/k.html?a=1&b=2", title='"><script>alert(1)</script>')
    assert 'src="maps/k.html?a=1&amp;b=2"' in snippet
    assert "<script>" not in snippet and "&quot;&gt;&lt;script&gt;" in snippet


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "https://x.org/\"onload=1", ""])
def test_other_urls_are_refused(url, capsys):
    with pytest.raises(ValueError, match="must be an http\\(s\\) URL or a relative path"):
        embed_snippet(url)
    assert main(["embed", url]) == 2
    assert capsys.readouterr().err.startswith("kunshan-heatmap: error: url=")


def test_cli_prints_the_snippet(capsys):
    assert main(["embed", "https://maps.example.org/k.html"]) == 0
    assert capsys.readouterr().out == embed_snippet("https://maps.example.org/k.html") + "\n"
