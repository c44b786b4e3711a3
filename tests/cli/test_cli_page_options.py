"""Page options of build: --card-extra (columns the map does not use, shown on every card as written) and the
page look (--accent, --panels, --folded)."""

from __future__ import annotations

import openpyxl
import pytest

import geo
from layers.cli import main
from layers.heatmap import park_heatmap
from pagedata import page_payload


@pytest.fixture
def register(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["园区名称", "所在镇", "备注", "运营主体", "名称"])  # 名称: a second name column, renamed
    book.active.append(["甲园", "陆家镇", "重点园区", "某集团", "x"])
    book.active.append(["乙园", "张浦镇", None, "<b>某公司</b>", "y"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    return path


def test_the_columns_travel_raw_under_their_headers_in_the_order_asked(register, tmp_path, capsys):
    output = tmp_path / "m.html"
    assert main(["build", str(register), "--card-extra", "运营主体，备注", "-o", str(output)]) == 0
    extra = page_payload(output.read_text(encoding="utf-8"))["parks"]["extra"]
    assert [label for label, _ in extra] == ["运营主体", "备注"]
    values = [[column["values"][c] if c >= 0 else None for c in column["codes"]] for _, column in extra]
    assert values == [["某集团", "<b>某公司</b>"], ["重点园区", None]]
    assert "未使用的列 / Columns not used: 运营主体, 名称" in capsys.readouterr().err


def test_an_unknown_column_ends_with_the_register_columns(register, tmp_path, capsys):
    assert main(["build", str(register), "--card-extra", "联系人", "-o", str(tmp_path / "m.html")]) == 2
    assert capsys.readouterr().err == ("kunshan-heatmap: error: --card-extra: no column '联系人' in the register; its "
                                       "columns: 园区名称, 所在镇, 备注, 运营主体, 名称 / 登记表中没有该列\n")
    assert not (tmp_path / "m.html").exists()


def test_python_names_the_missing_column(register):
    data = geo.load_parks(register)
    with pytest.raises(ValueError, match=r"card extra column\(s\) '联系人' not in the parks; columns: row, id, name"):
        park_heatmap(data.parks, card_extra=["联系人"])
    page = park_heatmap(data.parks, card_extra={"Operator": "运营主体"}).get_root().render()
    assert page_payload(page)["parks"]["extra"][0][0] == "Operator"


def test_build_takes_the_page_look_as_options(register, tmp_path):
    output = tmp_path / "m.html"
    assert main(["build", str(register), "--accent", "#c0392b", "--panels", "search,filters", "--folded",
                 "-o", str(output)]) == 0
    ui = page_payload(output.read_text(encoding="utf-8"))["config"]["ui"]
    assert ui == {"accent": "#c0392b", "font": None, "panels": ["search", "filters"], "folded": True}


def test_a_bad_look_option_is_one_line(register, tmp_path, capsys):
    assert main(["build", str(register), "--panels", "search,chat", "-o", str(tmp_path / "m.html")]) == 2
    assert capsys.readouterr().err.startswith("kunshan-heatmap: error: panels=['search', 'chat']: unknown chat")
