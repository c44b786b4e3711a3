"""The command line: kunshan-heatmap demo | build | validate | assets, in-process and as the installed script."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import layers
from pagedata import page_legend, page_parks
from layers.cli import main

SCRIPT = Path(sys.executable).parent / "kunshan-heatmap"
ERROR = "kunshan-heatmap: error: "
HEADER = ["园区名称", "主导产业", "所在镇", "状态", "年份", "总投资（亿元）", "经度", "纬度", "备注"]
# (row as the user sees it: header is row 1)
ROWS = [
    ["甲测试园", "智能机器人", "陆家镇", "镇级园区", "2023", "12.5", "", "", ""],     # 2 park, town level
    ["乙测试园", "生物医药", "", "认定园区", "2024", "8", "120.95", "31.38", ""],     # 3 park, exact
    ["丙测试园", "光电", "周市镇", "", "2022", "", "", "", "无投资数据"],              # 4 park, no investment
    ["上海园", "新材料", "", "", "2023", "3", "121.47", "31.23", ""],                # 5 rejected: Shanghai
    ["坏数园", "光电", "周市镇", "", "2023", "abc", "", "", ""],                     # 6 rejected: not a number
    ["合计", "", "", "", "", "23.5", "", "", ""],                                     # 7 skipped: totals
]
PUBLISHED = ["甲测试园", "乙测试园", "丙测试园"]
OUTSIDE = "point outside the Kunshan county outline (lon, lat as given, WGS-84) / 坐标不在昆山市范围内"
REJECTED_CSV = [["row", "name", "column", "value", "reason"],
                ["5", "上海园", "经度", "121.47, 31.23", OUTSIDE],
                ["6", "坏数园", "总投资（亿元）", "abc", "not a number / 不是数字"]]
# The workbook has a title row above the header: its rows are one further down, as Excel shows them.
REJECTED_XLSX = [REJECTED_CSV[0], ["6", *REJECTED_CSV[1][1:]], ["7", *REJECTED_CSV[2][1:]]]
#: The demo's summary: the two parks of the embedded register with no town are placed at city level.
CITY_LEVEL = ("no coordinates, town or address: placed at city level, position within Kunshan unknown "
              "/ 无坐标、镇或地址：按市级示意定位")
DEMO_SUMMARY = ("汇总 / Summary: 27 个园区已发布 parks published, 0 行拒收 rejected, 0 行跳过 skipped, 2 条警告 "
                "warnings (共读 27 行 / 27 rows read)\n"
                "未使用的列 / Columns not used: confidence (--card-extra 可显示在卡片上 / --card-extra shows them on cards)\n"
                "警告 / Warnings:\n"
                f"  第 5 行 row 5, 列 column 'host_zh', 值 value None: {CITY_LEVEL}\n"
                f"  第 7 行 row 7, 列 column 'host_zh', 值 value None: {CITY_LEVEL}\n")
BUILD_SUMMARY = ("汇总 / Summary: 3 个园区已发布 parks published, 2 行拒收 rejected, 1 行跳过 skipped, 0 条警告 "
                 "warnings (共读 6 行 / 6 rows read)")
EXPECTED_REJECTED = {"gbk_csv": REJECTED_CSV, "xlsx": REJECTED_XLSX}


# ---------------------------------------------------------------- files

def write_csv(path, rows, encoding):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "园区"
    sheet.append(["昆山园区登记表（测试）"])  # a title row above the header
    for row in rows:
        sheet.append([_excel_value(v) for v in row])
    book.create_sheet("说明").append(["本表为测试数据"])
    book.save(path)
    return path


def _excel_value(text):
    """Numbers as numbers, as Excel stores them; empty cells empty."""
    if text == "":
        return None
    try:
        return int(text) if text.isdigit() else float(text)
    except ValueError:
        return text


@pytest.fixture
def gbk_csv(tmp_path):
    path = write_csv(tmp_path / "登记表.csv", [HEADER, *ROWS], "gbk")
    with pytest.raises(UnicodeDecodeError):  # really GBK, not UTF-8
        path.read_bytes().decode("utf-8")
    return path


@pytest.fixture
def xlsx(tmp_path):
    return write_xlsx(tmp_path / "parks.xlsx", [HEADER, *ROWS])


@pytest.fixture
def clean_csv(tmp_path):
    return write_csv(tmp_path / "clean.csv", [HEADER, *ROWS[:3]], "utf-8-sig")


@pytest.fixture
def noname_csv(tmp_path):
    return write_csv(tmp_path / "noname.csv", [["主导产业", "所在镇"], ["光电", "周市镇"]], "utf-8")


@pytest.fixture
def undecodable_csv(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes([0xFF, 0xFE, 0x80, 0x81, 0xFF, 0x30, 0xFE, 0x80]) * 64)
    for encoding in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode(encoding)
    return path


# ---------------------------------------------------------------- page helpers

def page_names(page):
    return [park["name"] for park in page_parks(page)]


def read_rejected(path):
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def run(capsys, *argv):
    code = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- help and arguments

def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kunshan-heatmap")
    for command in ("demo", "build", "validate"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command
        assert f"kunshan-heatmap {command}" in out


@pytest.mark.parametrize("argv, message", [
    ([], "the following arguments are required: COMMAND"),
    (["demo", "--weight", "land"], "invalid choice: 'land'"),
    (["validate"], "the following arguments are required: register"),
])
def test_bad_arguments_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


# ---------------------------------------------------------------- demo

def test_demo_writes_the_page_and_prints_its_absolute_path(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "demo", "-o", "site/map.html")
    page_path = tmp_path / "site" / "map.html"
    assert code == 0
    assert out == f"{page_path.resolve()}\n"
    assert Path(out.strip()).is_absolute()
    assert err == DEMO_SUMMARY
    page = page_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert len(page_names(page)) == 27 and "光电产业园" in page_names(page)
    assert read_rejected(tmp_path / "site" / "map.rejected.csv") == [["row", "name", "column", "value", "reason"]]


def test_demo_default_output_in_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert out == f"{(tmp_path / 'kunshan-heatmap.html').resolve()}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kunshan-heatmap.html", "kunshan-heatmap.rejected.csv"]


def test_demo_offline_inlines_assets(tmp_path, capsys):
    layers.fetch_assets(npm="/nonexistent/npm-not-used-offline")
    code, out, _ = run(capsys, "demo", "--offline", "-o", tmp_path / "offline.html")
    assert code == 0
    page = (tmp_path / "offline.html").read_text(encoding="utf-8")
    assert "<script src=" not in page
    assert "Leaflet 1.9.4" in page
    assert not re.search(r'<link[^>]+href="https?://', page)


# ---------------------------------------------------------------- build

@pytest.mark.parametrize("register", ["gbk_csv", "xlsx"])
def test_build_publishes_parks_and_writes_rejected_rows(request, tmp_path, capsys, register):
    source = request.getfixturevalue(register)
    output = tmp_path / "out" / "map.html"
    code, out, err = run(capsys, "build", source, "-o", output)
    assert code == 0
    assert out == f"{output.resolve()}\n"
    page = output.read_text(encoding="utf-8")
    assert sorted(page_names(page)) == sorted(PUBLISHED)
    assert "上海园" not in page and "坏数园" not in page
    rejected = tmp_path / "out" / "map.rejected.csv"
    assert read_rejected(rejected) == EXPECTED_REJECTED[register]
    sheet = ["工作表 / Sheet read: 园区; 其他工作表 / other sheets: 说明"] if register == "xlsx" else []
    assert err.splitlines() == [BUILD_SUMMARY, *sheet, f"拒收行 / Rejected rows: {rejected.resolve()}"]


def test_build_default_output_is_named_after_the_register(xlsx, tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, _ = run(capsys, "build", xlsx)
    assert code == 0
    assert out == f"{(work / 'parks.html').resolve()}\n"
    assert sorted(p.name for p in work.iterdir()) == ["parks.html", "parks.rejected.csv"]
    assert read_rejected(work / "parks.rejected.csv") == REJECTED_XLSX


def test_build_weight_investment_changes_the_legend(gbk_csv, tmp_path, capsys):
    assert run(capsys, "build", gbk_csv, "-o", tmp_path / "count.html")[0] == 0
    assert run(capsys, "build", gbk_csv, "--weight", "investment", "-o", tmp_path / "inv.html")[0] == 0
    count = page_legend((tmp_path / "count.html").read_text(encoding="utf-8"))
    investment = page_legend((tmp_path / "inv.html").read_text(encoding="utf-8"))
    # the page writes them "热力权重：园区数量，3 / 3 个园区参与" and "…总投资（亿元），3 个园区中 2 个有数据"
    assert count == {"weight": "count", "carrying": 3, "total": 3, "city": 0, "ramp": False}
    assert investment == {"weight": "investment", "carrying": 2, "total": 3, "city": 0, "ramp": False}


def test_build_title_names_the_page_and_the_map(gbk_csv, tmp_path, capsys):
    assert run(capsys, "build", gbk_csv, "--title", "花桥 <招商> 地图", "-o", tmp_path / "t.html")[0] == 0
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert "<title>花桥 &lt;招商&gt; 地图</title>" in page and "<招商>" not in page  # the panel: tests/test_layers/page/test_page_app_browser.py
    assert run(capsys, "build", gbk_csv, "--language", "en", "-o", tmp_path / "en.html")[0] == 0
    assert "<title>Kunshan specialised innovation parks</title>" in (tmp_path / "en.html").read_text(encoding="utf-8")


def test_failed_build_exits_2_and_leaves_earlier_output(clean_csv, noname_csv, tmp_path, capsys):
    output = tmp_path / "map.html"
    assert run(capsys, "build", clean_csv, "-o", output)[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix in (".html", ".csv")}
    code, out, err = run(capsys, "build", noname_csv, "-o", output)
    assert code == 2
    assert out == ""
    assert err.startswith(ERROR)
    assert "no park-name column" in err and "园区名称" in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix in (".html", ".csv")} == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_failed_offline_build_exits_2_and_leaves_earlier_output(clean_csv, tmp_path, monkeypatch, capsys):
    output = tmp_path / "site" / "map.html"
    assert run(capsys, "build", clean_csv, "-o", output)[0] == 0
    before = output.read_bytes()
    cache = tmp_path / "npm"
    cache.mkdir()
    for tarball in layers.fetch_assets(npm="/nonexistent/npm-not-used-offline"):
        shutil.copy(tarball, cache / tarball.name)
    target = cache / "leaflet-1.9.4.tgz"
    data = bytearray(target.read_bytes())
    data[-200] ^= 0x40
    target.write_bytes(bytes(data))
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(cache))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, out, err = run(capsys, "build", clean_csv, "--offline", "-o", output)
    assert code == 2
    assert out == ""
    assert err.startswith(ERROR) and "does not match the pinned integrity" in err
    assert output.read_bytes() == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["map.html", "map.rejected.csv"]


# ---------------------------------------------------------------- validate

@pytest.mark.parametrize("register", ["gbk_csv", "xlsx"])
def test_validate_json_with_rejected_rows_exits_1(request, capsys, register):
    source = request.getfixturevalue(register)
    code, out, err = run(capsys, "validate", "--format", "json", source)
    assert code == 1
    assert err.splitlines()[0] == ("汇总 / Summary: 3 个园区 parks, 2 行拒收 rejected, 1 行跳过 skipped, 0 条警告 "
                                   "warnings (共读 6 行 / 6 rows read)")
    report = json.loads(out)
    assert set(report) == {"rows_read", "parks", "rejected", "skipped", "warnings", "sheet", "other_sheets", "columns"}
    assert report["rows_read"] == report["parks"] + len(report["rejected"]) + len(report["skipped"])
    assert (report["rows_read"], report["parks"]) == (6, 3)
    rejected = [[str(r["row"]), r["name"], r["column"], r["value"], r["reason"]] for r in report["rejected"]]
    assert rejected == EXPECTED_REJECTED[register][1:]  # the park names of rejected rows too
    total_row = 7 if register == "gbk_csv" else 8
    assert report["skipped"] == [{"row": total_row, "reason": "totals row / 合计行"}]


def test_validate_json_clean_register_exits_0(clean_csv, capsys):
    code, out, _ = run(capsys, "validate", "--format", "json", clean_csv)
    assert code == 0
    report = json.loads(out)
    assert report["rows_read"] == report["parks"] == 3
    assert report["rejected"] == [] and report["skipped"] == []
    assert report["rows_read"] == report["parks"] + len(report["rejected"]) + len(report["skipped"])


def test_validate_text_report(gbk_csv, capsys):
    code, out, _ = run(capsys, "validate", gbk_csv)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{gbk_csv}: 6 rows read, 3 parks, 2 rejected, 1 skipped, 0 warnings"
    assert f"  rejected row 5 (上海园), column '经度', value '121.47, 31.23': {OUTSIDE}" in lines
    assert "  rejected row 6 (坏数园), column '总投资（亿元）', value 'abc': not a number / 不是数字" in lines
    assert "  skipped row 7: totals row / 合计行" in lines


@pytest.mark.parametrize("case, fragment", [
    ("undecodable", "cannot decode as UTF-8 or GB18030/GBK"),
    ("missing", "no such file"),
    ("noname", "no park-name column"),
    ("broken_xlsx", "not a readable Excel workbook"),
    ("unknown_type", "unknown file type '.docx'"),
])
def test_validate_unreadable_file_exits_2(request, tmp_path, capsys, case, fragment):
    if case in ("undecodable", "noname"):
        path = request.getfixturevalue(f"{case}_csv")
    elif case == "missing":
        path = tmp_path / "does-not-exist.csv"
    elif case == "broken_xlsx":
        path = tmp_path / "broken.xlsx"
        path.write_bytes(b"PK\x03\x04 not a zip")
    else:
        path = tmp_path / "parks.docx"
        path.write_bytes(b"x")
    code, out, err = run(capsys, "validate", "--format", "json", path)
    assert code == 2
    assert out == ""
    assert err.startswith(ERROR + str(path))
    assert fragment in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_validate_unknown_sheet_exits_2(xlsx, capsys):
    code, _, err = run(capsys, "validate", xlsx, "--sheet", "Sheet9")
    assert code == 2
    assert err == f"{ERROR}{xlsx}: no sheet named 'Sheet9'; sheets: 园区, 说明\n"


# ---------------------------------------------------------------- assets

def test_assets_fetch_verifies_a_configured_cache(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "npm"
    cache.mkdir()
    tarballs = layers.fetch_assets(npm="/nonexistent/npm-not-used-offline")
    for tarball in tarballs:
        shutil.copy(tarball, cache / tarball.name)
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(cache))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, out, _ = run(capsys, "assets", "fetch")
    assert code == 0
    assert out.splitlines()[:3] == [str(cache / "leaflet-1.9.4.tgz"), str(cache / "leaflet.heat-0.2.0.tgz"),
                                    str(cache / "leaflet.markercluster-1.5.3.tgz")]
    assert out.splitlines() == [str(cache / tarball.name) for tarball in tarballs]  # and the folium plugins' packages


def test_assets_fetch_refuses_a_tampered_tarball_without_npm(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "npm"
    cache.mkdir()
    for tarball in layers.fetch_assets(npm="/nonexistent/npm-not-used-offline"):
        shutil.copy(tarball, cache / tarball.name)
    (cache / "leaflet.heat-0.2.0.tgz").write_bytes(b"not the tarball")
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(cache))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, out, err = run(capsys, "assets", "fetch")
    assert code == 2
    assert out == ""
    assert err.startswith(ERROR) and "leaflet.heat@0.2.0" in err and "npm" in err


# ---------------------------------------------------------------- the installed console script

def script(*argv, cwd):
    assert SCRIPT.is_file(), SCRIPT
    return subprocess.run([str(SCRIPT), *map(str, argv)], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_console_script_demo(tmp_path):
    done = script("demo", "-o", "demo.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{(tmp_path / 'demo.html').resolve()}\n"
    assert done.stderr == DEMO_SUMMARY
    assert len(page_names((tmp_path / "demo.html").read_text(encoding="utf-8"))) == 27


def test_console_script_build_gbk(gbk_csv, tmp_path):
    done = script("build", gbk_csv.name, "--weight", "investment", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "登记表.html").read_text(encoding="utf-8")
    assert sorted(page_names(page)) == sorted(PUBLISHED)
    assert (page_legend(page)["weight"], page_legend(page)["carrying"], page_legend(page)["total"]) == (
        "investment", 2, 3)
    assert read_rejected(tmp_path / "登记表.rejected.csv") == REJECTED_CSV


def test_console_script_validate_exit_codes(xlsx, undecodable_csv, tmp_path):
    rejected = script("validate", "--format", "json", xlsx, cwd=tmp_path)
    assert rejected.returncode == 1
    report = json.loads(rejected.stdout)
    assert report["rows_read"] == report["parks"] + len(report["rejected"]) + len(report["skipped"]) == 6
    unreadable = script("validate", undecodable_csv, cwd=tmp_path)
    assert unreadable.returncode == 2
    assert unreadable.stdout == ""
    assert unreadable.stderr.startswith(ERROR)
    assert "Traceback" not in unreadable.stderr
    missing = script("validate", tmp_path / "nope.xlsx", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == f"{ERROR}{tmp_path / 'nope.xlsx'}: no such file / 文件不存在\n"


def test_console_script_help(tmp_path):
    done = script("--help", cwd=tmp_path)
    assert done.returncode == 0
    for command in ("demo", "build", "validate"):
        assert f"kunshan-heatmap {command}" in done.stdout


def test_outside_point_with_a_town_is_kept_at_the_town_unless_outside_reject(tmp_path, capsys):
    register = tmp_path / "outside.csv"
    register.write_text("园区名称,所在镇,经度,纬度\n沪上园,张浦镇,121.47,31.23\n本地园,千灯镇,,\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(register), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["parks"] == 2 and report["rejected"] == []
    assert [(w["row"], w["column"]) for w in report["warnings"]] == [(2, "经度")]
    assert "placed at the register's town 张浦镇" in report["warnings"][0]["message"]
    code, out, err = run(capsys, "validate", str(register), "--format", "json", "--outside", "reject")
    report = json.loads(out)
    assert code == 1 and report["parks"] == 1
    assert [(r["row"], r["column"], r["value"]) for r in report["rejected"]] == [(2, "经度", "121.47, 31.23")]
