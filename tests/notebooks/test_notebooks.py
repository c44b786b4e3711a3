"""Every notebook runs top to bottom in a fresh kernel, and shows what it says it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["explore.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, executed):
    notebook = executed[path.name]
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.output_type == "error"]
    text = "\n".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    html = "\n".join(out.get("data", {}).get("text/html", "") for out in outputs if "data" in out)
    assert "27 rows read, 27 parks, 0 rejected" in text
    assert "investment: 4 parks in the heat" in text
    assert html.count("<iframe") >= 3  # the folium maps display in Jupyter
    assert "σ = 2000 m: peak" in text and "园区/km², grid" in text and "25 of 27 parks" in text
    assert "&lt;title&gt;Kunshan specialised innovation parks&lt;/title&gt;" in html  # the English page
    assert "中德（昆山）国际智能制造产业园" in html
