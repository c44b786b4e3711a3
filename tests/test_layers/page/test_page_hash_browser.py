"""Links carry the state in the URL hash: a malformed or crafted one is ignored with a console warning, never a
broken map; a staff sector word with % and a comma survives the round trip."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import open_offline
from layers.cli import main

WORD = "5G+50%,测试"  # a register's own sector word, as typed: no registry entry knows it


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hash")
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([
        ["园区名称", "主导产业", "所在镇"], ["甲园", WORD, "张浦镇"], ["乙园", "光电", "陆家镇"], ["丙园", "光电", "千灯镇"]])
    (folder / "r.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert main(["build", str(folder / "r.csv"), "--offline", "-o", str(folder / "m.html")]) == 0
    return folder / "m.html"


def opened(browser, path, hash_=""):
    page, _, errors = open_offline(browser, path)
    warnings = []
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    if hash_:
        page.goto(path.as_uri() + hash_)
        page.wait_for_function("typeof KunshanHeatmap !== 'undefined'")
    page.wait_for_function("document.querySelectorAll('path.kh-park').length > 0")
    return page, errors, warnings


@pytest.mark.parametrize("hash_, dropped", [
    ("#view=1e9,5,99999", "view"), ("#view=31.3,120.9,NaN", "view"), ("#park=%E0%A4%A", "park"),
    ("#park=nosuch&view=31.3,121,12", "park"),
])
def test_a_malformed_link_is_ignored_with_a_warning(browser, page_file, hash_, dropped):
    page, errors, warnings = opened(browser, page_file, hash_)
    try:
        assert errors == []
        assert page.locator("path.kh-park").count() == 3 and page.locator(".kh-panel").count() == 1
        assert f"kunshan-heatmap: ignored what the link's {dropped} holds" in warnings
    finally:
        page.close()


def test_a_malformed_sector_item_is_left_out_and_the_rest_applies(browser, page_file):
    page, errors, _ = opened(browser, page_file, "#sectors=%E0%A4%A,optoelectronics")
    try:
        assert errors == [] and page.evaluate("KunshanHeatmap.getState().filter.sectors") == ["optoelectronics"]
        assert page.evaluate("KunshanHeatmap.getState().visibleParks.length") == 2
    finally:
        page.close()


def test_a_sector_word_with_percent_and_comma_survives_the_link(browser, page_file):
    page, errors, _ = opened(browser, page_file)
    try:
        state = page.evaluate("word => KunshanHeatmap.setFilter({sectors: [word]})", WORD)
        assert len(state["visibleParks"]) == 1
        page2, errors2, _ = opened(browser, page_file, state["hash"])
        try:
            assert page2.evaluate("KunshanHeatmap.getState().filter.sectors") == [WORD]
            assert page2.evaluate("KunshanHeatmap.getState().visibleParks.length") == 1 and errors2 == []
        finally:
            page2.close()
        assert errors == []
    finally:
        page.close()
