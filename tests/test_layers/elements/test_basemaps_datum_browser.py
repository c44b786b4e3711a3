"""Parks sit on their real plots on every basemap: WGS-84 on OpenStreetMap, GCJ-02 on Gaode tiles."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import open_offline
from geo.place.datum import gcj02_to_wgs84, wgs84_to_gcj02
from layers.cli import main

pytestmark = pytest.mark.browser

# Two parks whose coordinates were picked on Gaode (GCJ-02), in a GBK register
PICKED_GCJ02 = {"张浦测试园": (120.95, 31.29), "花桥测试园": (121.0998, 31.305)}

MARKERS_JS = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const found = [];
    map.eachLayer(layer => {
        if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle)) {
            const box = document.createElement('div');
            box.innerHTML = layer.getPopup().getContent() instanceof Function
                ? layer.getPopup().getContent()(layer) : layer.getPopup().getContent();
            const name = box.querySelector('.kh-card-name').textContent;
            found.push([name, layer.getLatLng().lng, layer.getLatLng().lat]);
        }
    });
    return found;
}"""


@pytest.fixture(scope="module")
def gbk_register(tmp_path_factory):
    buffer = io.StringIO(newline="")
    rows = [["园区名称", "主导产业", "经度", "纬度"]]
    rows += [[name, "智能制造", str(lon), str(lat)] for name, (lon, lat) in PICKED_GCJ02.items()]
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = tmp_path_factory.mktemp("register") / "gaode-picked.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


def markers_on(browser, register, basemap, tmp_path):
    output = tmp_path / f"{basemap}.html"
    assert main(["build", str(register), "--datum", "gcj02", "--basemap", basemap, "--offline",
                 "-o", str(output)]) == 0
    page, remote, errors = open_offline(browser, output)
    page.wait_for_function("document.querySelectorAll('path.kh-park').length === 2")
    found = {name: (lon, lat) for name, lon, lat in page.evaluate(MARKERS_JS)}
    page.close()
    assert errors == []
    return found, remote


def test_on_openstreetmap_parks_sit_at_their_wgs84_truth(browser, gbk_register, tmp_path):
    found, remote = markers_on(browser, gbk_register, "osm", tmp_path)
    assert remote and all(url.startswith("https://tile.openstreetmap.org/") for url in remote)
    for name, (lon, lat) in PICKED_GCJ02.items():
        truth = gcj02_to_wgs84(lon, lat)
        assert found[name] == pytest.approx(truth, abs=1e-5)  # the page keeps 5 decimals (about 1 m)
        assert abs(found[name][0] - lon) > 0.003  # and that is not where it was picked (about 470 m off)


def test_on_gaode_tiles_parks_sit_at_their_gcj02_position(browser, gbk_register, tmp_path):
    found, remote = markers_on(browser, gbk_register, "gaode", tmp_path)
    assert remote and all(url.startswith("https://webrd01.is.autonavi.com/appmaptile?") for url in remote)
    for name, (lon, lat) in PICKED_GCJ02.items():
        assert found[name] == pytest.approx((lon, lat), abs=1e-5)
        assert found[name] == pytest.approx(wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat)), abs=1e-5)
