"""One list of colours themes the heat: the density surface's pixels and legend, the classic heat's gradient and its
legend bar (park_heatmap(heat_ramp=...), build --heat-ramp)."""

from __future__ import annotations

import numpy as np
import pytest

import geo
from layers.cli import main
from layers.elements.density import RAMP, density_rgba
from layers.elements.ramp import check_ramp, density_ramp
from layers.heatmap import park_heatmap
from pagedata import page_payload

COLOURS = ["#fff5eb", "#fd8d3c", "#7f2704"]


def test_the_density_pixels_follow_the_ramp_from_transparent_light_to_opaque_dark():
    ramp = density_ramp(COLOURS)
    rgba = density_rgba(np.array([[0.0, 1.0, 100.0]]), [1.0, 2.0], ramp)
    assert rgba[0, 0].tolist() == [0, 0, 0, 0]  # nothing there: transparent
    assert rgba[0, 2].tolist() == [0x7F, 0x27, 0x04, 255]  # above the top level: the darkest colour, opaque
    assert density_rgba(np.array([[100.0]]), [1.0, 2.0])[0, 0].tolist() == list(RAMP[-1][1])  # default unchanged


def test_the_page_carries_the_ramp_in_every_place_it_draws_heat():
    data = geo.kunshan_default()
    page = park_heatmap(data.parks, areas=data.areas, outline=data.outline, heat_ramp=COLOURS).get_root().render()
    assert '"gradient":{0.4:"#fff5eb",0.7:"#fd8d3c",1.0:"#7f2704",}' in "".join(page.split())  # Leaflet.heat option
    assert "background: linear-gradient(to right, #fff5eb 0%, #fd8d3c 50%, #7f2704 100%)" in page  # classic legend
    kernel = page.split(".khDensity = ", 1)[1].split(";\n", 1)[0]
    assert '"ramp":[[0.0,[255,245,235,0]],[0.5,[253,141,60,180]],[1.0,[127,39,4,255]]]' in kernel  # page recompute


@pytest.mark.parametrize("colours, message", [(["#fff"], "give 2 to 8 colours written #rrggbb"),
                                              (["#fff5eb", "red"], "(not 'red')")])
def test_a_bad_ramp_names_the_rule(colours, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_ramp(colours)


def test_build_takes_the_ramp(tmp_path):
    output = tmp_path / "m.html"
    assert main(["demo", "--heat-ramp", ",".join(COLOURS), "-o", str(output)]) == 0
    assert page_payload(output.read_text(encoding="utf-8"))["config"]["legend"]["weight"] == "count"
    assert '"gradient":{0.4:"#fff5eb",' in "".join(output.read_text(encoding="utf-8").split())
