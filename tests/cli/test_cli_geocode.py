"""`kunshan-heatmap geocode`: offline by default, online through a fake AMap on 127.0.0.1, resumable."""

from __future__ import annotations

import csv
import io
import sqlite3

import pandas as pd
import pytest

from fake_geocoders import FakeGeocoders, amap_ok, Reply
from pagedata import page_data
from geo.place.datum import gcj02_to_wgs84
from layers.cli import main

ROWS = [["园区名称", "地址", "所在镇", "经度", "纬度"],
        ["张浦园", "昆山市张浦镇振新路88号", "", "", ""],
        ["花桥园", "", "花桥", "", ""],
        ["坐标园", "", "", "120.98", "31.38"],
        ["上海园", "上海市徐汇区漕溪北路1号", "", "", ""],
        ["无址园", "", "", "", ""]]


def write_csv(path, rows, encoding="gbk"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def register(tmp_path):
    return write_csv(tmp_path / "parks.csv", ROWS)


def test_offline_geocode_writes_coordinates_precision_source_and_status(register, tmp_path, capsys):
    output = tmp_path / "located.csv"
    assert main(["geocode", str(register), "-o", str(output), "--cache", str(tmp_path / "c.sqlite")]) == 0
    out, err = capsys.readouterr()
    assert out == f"{output.resolve()}\n"
    assert err.splitlines()[-3:] == ["定位结果 / Results: given 1, not_found 1, ok 2, outside 1",
                                     "精度 / Precision: exact 1, town 2 (粗于地址级 coarser than an address: 2)",
                                     "待复核 / To review: 1"]
    data = output.read_bytes()  # a copy of the user's GBK file: same encoding, their cells first on every line
    assert data.startswith("园区名称,地址,所在镇,经度,纬度,坐标系,精度,定位来源,定位状态,需复核,定位说明\n".encode("gbk"))
    assert "\n坐标园,,,120.98,31.38,wgs84,exact,register,given,否,\n".encode("gbk") in data
    table = pd.read_csv(output, encoding="gb18030", dtype=str).set_index("园区名称")
    assert table.loc["张浦园", ["经度", "纬度", "精度", "定位来源", "定位状态"]].tolist() == [
        "120.945", "31.285", "town", "gazetteer:张浦镇", "ok"]
    assert table.loc["花桥园", ["精度", "定位来源"]].tolist() == ["town", "gazetteer:花桥镇"]
    assert table.loc["上海园", ["定位状态", "需复核"]].tolist() == ["outside", "是"]
    assert table.loc["无址园", ["定位状态", "定位说明"]].tolist() == ["not_found", "no address or town to geocode / 没有地址或镇名"]
    assert list(table.index) == ["张浦园", "花桥园", "坐标园", "上海园", "无址园"]  # row order kept


def test_geocoded_register_builds_with_town_precision(register, tmp_path, capsys):
    located = tmp_path / "located.csv"
    assert main(["geocode", str(register), "-o", str(located), "--cache", str(tmp_path / "c.sqlite")]) == 0
    page = tmp_path / "map.html"
    assert main(["build", str(located), "-o", str(page)]) == 0
    err = capsys.readouterr().err
    assert "1 行拒收 rejected" in err and f"拒收行 / Rejected rows: {(tmp_path / 'map.rejected.csv').resolve()}" in err
    rejected = pd.read_csv(tmp_path / "map.rejected.csv", encoding="utf-8-sig")
    assert rejected["value"].tolist() == ["上海市徐汇区漕溪北路1号"]  # the address outside Kunshan
    html = page.read_text(encoding="utf-8")
    assert "kh-uncertainty" in html and "town" in page_data(html)["precision"]["values"]


def test_online_batch_converts_once_and_resumes_after_failures(register, tmp_path, monkeypatch, capsys):
    picked = (120.95, 31.29)  # GCJ-02, as AMap answers
    with FakeGeocoders() as fake:
        fake.script("amap", "昆山市张浦镇振新路88号", amap_ok(*picked))
        fake.script("amap", "花桥", Reply({"status": "0", "info": "SERVICE_NOT_AVAILABLE", "infocode": "10003"},
                                         status=500))
        fake.script("amap", "上海市徐汇区漕溪北路1号", amap_ok(121.43, 31.19))
        monkeypatch.setenv("KUNSHAN_AMAP_KEY", "test-key")
        monkeypatch.setenv("KUNSHAN_AMAP_URL", fake.base_url)
        cache = tmp_path / "c.sqlite"
        output = tmp_path / "located.csv"
        argv = ["geocode", str(register), "--provider", "amap", "-o", str(output), "--cache", str(cache),
                "--no-progress"]
        assert main(argv) == 0
        table = pd.read_csv(output, encoding="gb18030").set_index("园区名称")
        assert (table.loc["张浦园", "经度"], table.loc["张浦园", "纬度"]) == pytest.approx(gcj02_to_wgs84(*picked),
                                                                                          abs=1e-9)
        assert table.loc["张浦园", ["坐标系", "定位来源"]].tolist() == ["wgs84", "amap"]
        assert table.loc["花桥园", "定位状态"] == "failed"  # never recorded as not_found
        assert table.loc["上海园", "定位状态"] == "outside"
        first = {a: fake.count("amap", a) for a in ("昆山市张浦镇振新路88号", "花桥", "上海市徐汇区漕溪北路1号")}
        assert first["昆山市张浦镇振新路88号"] == 1 and first["花桥"] > 1  # retried

        fake.script("amap", "花桥", amap_ok(121.1, 31.30, level="乡镇"))
        assert main(argv) == 0
        assert fake.count("amap", "昆山市张浦镇振新路88号") == 1  # served from the cache
        assert fake.count("amap", "上海市徐汇区漕溪北路1号") == 1
        assert fake.count("amap", "花桥") == first["花桥"] + 1  # only the failure is asked again
        again = pd.read_csv(output, encoding="gb18030").set_index("园区名称")
        assert (again.loc["张浦园", "经度"], again.loc["张浦园", "纬度"]) == (table.loc["张浦园", "经度"],
                                                                           table.loc["张浦园", "纬度"])
        assert again.loc["花桥园", ["定位状态", "精度"]].tolist() == ["ok", "town"]
    with sqlite3.connect(cache) as db:
        assert db.execute("select count(*) from geocode").fetchone()[0] == 3
