"""Robustness against broken files: random bytes and truncated real files never crash, hang or
leave half-written output; builds are reproducible byte for byte.

* every corpus file: ``read_register`` raises RegisterError or returns a consistent report, and
  ``kunshan-heatmap validate FILE`` exits 1 or 2 without a traceback (in-process, with a hang guard;
  and the whole corpus once more in a fresh interpreter under ``subprocess.run(..., timeout=60)``);
* a failing ``build`` leaves the earlier map and rejected-rows table byte-identical and no temp file;
* two builds of the same register (also ``--offline``, also in another process with another hash
  seed) give identical HTML and rejected-rows tables.
"""

from __future__ import annotations

import csv
import faulthandler
import io
import json
import os
import random
import subprocess
import sys
import time
import warnings
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo import read_register
from geo.errors import RegisterError
from layers.publish.assets import cache_dir
from layers.cli import main

ERROR = "kunshan-heatmap: error: "
LIMIT_S = 60
HEADER = ["园区名称", "主导产业", "所在镇", "状态", "年份", "总投资（亿元）", "经度", "纬度", "备注"]
ROWS = [
    ["甲测试园", "智能机器人", "陆家镇", "镇级园区", "2023", "12.5", "", "", ""],        # park, town level
    ["乙测试园", "生物医药", "", "认定园区", "2024", "8", "120.95", "31.38", ""],        # park, exact
    ["丙测试园", "光电", "周市镇", "", "2022", "", "", "", "无投资数据"],                 # park
    ["上海园", "新材料", "", "", "2023", "3", "121.47", "31.23", ""],                   # rejected: Shanghai
    ["坏数园", "光电", "周市镇", "", "2023", "abc", "", "", ""],                        # rejected: not a number
    ["合计", "", "", "", "", "23.5", "", "", ""],                                        # skipped: totals
]


# ------------------------------------------------------------------------------------------------
# Corpus


def csv_text(rows=None, header=HEADER) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *(ROWS if rows is None else rows)])
    return buffer.getvalue()


@cache
def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "园区"
    sheet.append(["昆山园区登记表（测试）"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([float(v) if v.replace(".", "", 1).isdigit() else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_with(member: str, content: bytes | None) -> bytes:
    """The valid workbook with one zip member replaced (or removed when ``content`` is None)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item, source.read(item))
            elif content is not None:
                target.writestr(item, content)
    return out.getvalue()


@cache
def geojson_bytes() -> bytes:
    features = [{"type": "Feature", "properties": {"名称": name, "所在镇": town, "总投资（亿元）": money},
                 "geometry": {"type": "Point", "coordinates": [120.95 + i / 100, 31.38]} if i % 2 else None}
                for i, (name, _, town, _, _, money, *_) in enumerate(ROWS)]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


@cache
def parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame([dict(zip(HEADER, row)) for row in ROWS]).to_parquet(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook / 不是工作簿")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return out.getvalue()


def mid_character_cuts(data: bytes, encoding: str) -> list[int]:
    """Byte offsets that fall inside a multibyte character of ``data`` (first, middle and last one)."""
    text = data.decode(encoding)
    offsets, position = [], 0
    for char in text:
        width = len(char.encode(encoding))
        if width > 1:
            offsets.append(position + 1)
        position += width
    return sorted({offsets[0], offsets[len(offsets) // 2], offsets[-1]})


def randbytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)  # the same bytes on every OS and Python >= 3.9


def _corpus() -> dict[str, tuple[str, bytes]]:
    """id -> (file name, content)."""
    cases: dict[str, tuple[str, bytes]] = {}
    for suffix in (".csv", ".xlsx", ".geojson", ".parquet"):
        kind = suffix[1:]
        for seed, size in [(0, 1), (1, 7), (2, 100), (3, 4096), (4, 70_000)]:
            cases[f"random-{size}-{kind}"] = (f"random{suffix}", randbytes(seed, size))
        cases[f"empty-{kind}"] = (f"empty{suffix}", b"")
        cases[f"nul-{kind}"] = (f"nul{suffix}", b"\0" * 4096)
        cases[f"zip-{kind}"] = (f"archive{suffix}", zip_bytes())
    # random bytes behind the magic numbers / prefixes that send them further into each reader
    cases["random-after-utf8-bom-csv"] = ("bom.csv", b"\xef\xbb\xbf" + randbytes(5, 2000))
    cases["random-after-utf16-bom-csv"] = ("bom16.csv", b"\xff\xfe" + randbytes(6, 2001))
    cases["random-after-header-csv"] = ("header.csv", "园区名称,经度,纬度\n".encode() + randbytes(7, 2000))
    cases["random-after-gbk-header-csv"] = ("header.csv", "园区名称,经度,纬度\r\n".encode("gbk") + randbytes(8, 500))
    cases["random-in-zip-xlsx"] = ("zipped.xlsx", b"PK\x03\x04" + randbytes(9, 5000))
    cases["random-after-par1-parquet"] = ("magic.parquet", b"PAR1" + randbytes(10, 5000) + b"PAR1")
    cases["random-in-geojson"] = ("features.geojson", b'{"type": "FeatureCollection", "features": ['
                                  + randbytes(11, 2000))
    # truncated real files
    full = xlsx_bytes()
    for cut in sorted({1, 4, 30, 100, len(full) // 4, len(full) // 2, 3 * len(full) // 4, len(full) - 23,
                       len(full) - 1}):
        cases[f"xlsx-cut-{cut}"] = ("parks.xlsx", full[:cut])
    cases["xlsx-sheet-garbage"] = ("parks.xlsx", xlsx_with("xl/worksheets/sheet1.xml", randbytes(12, 3000)))
    sheet = zipfile.ZipFile(io.BytesIO(full)).read("xl/worksheets/sheet1.xml")
    cases["xlsx-sheet-cut"] = ("parks.xlsx", xlsx_with("xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2]))
    cases["xlsx-no-content-types"] = ("parks.xlsx", xlsx_with("[Content_Types].xml", None))
    cases["xlsx-no-workbook"] = ("parks.xlsx", xlsx_with("xl/workbook.xml", None))
    geojson = geojson_bytes()
    for cut in sorted({1, len(geojson) // 3, len(geojson) // 2, len(geojson) - 1,
                       *mid_character_cuts(geojson, "utf-8")}):
        cases[f"geojson-cut-{cut}"] = ("parks.geojson", geojson[:cut])
    gbk = csv_text().encode("gbk")
    for cut in mid_character_cuts(gbk, "gbk"):
        cases[f"gbk-csv-cut-{cut}"] = ("parks.csv", gbk[:cut])
    text = csv_text()
    cut = text.index("坏数园") + 2  # a file cut short at a character boundary: the rows before it are read
    cases["gbk-csv-cut-in-a-row"] = ("parks.csv", text[:cut].encode("gbk"))
    cases["utf8-csv-cut-in-a-row"] = ("parks.csv", text[:cut].encode("utf-8"))
    utf8 = csv_text().encode("utf-8")
    for cut in mid_character_cuts(utf8, "utf-8"):
        cases[f"utf8-csv-cut-{cut}"] = ("parks.csv", utf8[:cut])
    parquet = parquet_bytes()
    for cut in sorted({4, len(parquet) // 2, len(parquet) - 8, len(parquet) - 1}):
        cases[f"parquet-cut-{cut}"] = ("parks.parquet", parquet[:cut])
    return cases


CORPUS = _corpus()


def write_case(folder: Path, case: str) -> Path:
    name, data = CORPUS[case]
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture
def hang_guard():
    """A hang ends the test run with every thread's traceback, instead of blocking it."""
    faulthandler.dump_traceback_later(LIMIT_S, file=sys.__stderr__, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_consistent(report) -> None:
    assert report.rows_read == report.parks + len(report.rejected) + len(report.skipped), report.to_dict()
    for entry in report.rejected:
        assert {"row", "column", "value", "reason"} <= set(entry) and entry["reason"], entry


# ------------------------------------------------------------------------------------------------
# Broken files


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_broken_file_is_refused_cleanly(case, tmp_path, capsys, hang_guard):
    path = write_case(tmp_path, case)
    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            register = read_register(path)
        except RegisterError as error:
            register, message = None, str(error)
            assert message
    assert time.monotonic() - started < LIMIT_S
    if register is not None:
        assert_consistent(register.report)

    code, out, err = run(capsys, "validate", path)
    assert "Traceback" not in err
    assert code in (1, 2), (code, out, err)
    if code == 2:
        assert err.startswith(ERROR), err
        assert register is None, "the register was read, but validate says it cannot be"
        assert out == ""
    else:
        assert register is not None
        assert out.startswith(f"{path}: ") and " rejected" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # validate writes nothing


def _gbk_register_with_english_header() -> bytes:
    return csv_text([["测试园区", "陆家镇"]] * 3, header=["name", "town"]).encode("gbk")


@pytest.mark.parametrize("damage", ["cut-inside-last-character", "lone-lead-byte-inside"])
def test_damaged_gbk_csv_is_not_read_as_mojibake(damage, tmp_path):
    """A GBK register with English headers and one broken character: the cells must not come back
    in some other codepage (e.g. Thai cp874 picked by the detector) as if they were fine."""
    data = _gbk_register_with_english_header()
    if damage == "cut-inside-last-character":
        data = data[:-3]  # "...陆家" + the first byte of 镇
    else:
        first_row = data.index(b"\r\n") + 2
        data = data[:first_row] + b"\xb2,x\r\n" + data[first_row:]  # a lead byte followed by ASCII
    path = tmp_path / "parks.csv"
    path.write_bytes(data)
    try:
        register = read_register(path)
    except RegisterError:
        return
    names = set(register.table["name"].dropna())
    assert names <= {"测试园区"}, names


def test_the_whole_corpus_in_a_fresh_interpreter_within_the_time_limit(tmp_path):
    """The corpus through ``validate`` in a new process: finishes within the limit, never a traceback."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = []
    for case in sorted(CORPUS):
        (folder / case).mkdir()
        files.append(str(write_case(folder / case, case)))
    script = (
        "import contextlib, io, json, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from layers.cli import main\n"
        "results = {}\n"
        "for path in sys.argv[1:]:\n"
        "    err = io.StringIO()\n"
        "    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
        "        code = main(['validate', path])\n"
        "    results[path] = [code, err.getvalue()]\n"
        "print(json.dumps(results))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *files], capture_output=True, text=True,
                          timeout=LIMIT_S, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    results = json.loads(done.stdout)
    assert sorted(results) == sorted(files)
    for path, (code, err) in results.items():
        assert code in (1, 2), (path, code, err)
        assert "Traceback" not in err, (path, err)
        if code == 2:
            assert err.startswith(ERROR), (path, err)


def _feature_collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


# Well-formed files with an unusual shape: each is read, or refused with a RegisterError; validate
# answers 0, 1 or 2 with no traceback.
ODD_FILES = {
    "geojson-properties-list": ("odd.geojson", lambda: _feature_collection(
        {"type": "Feature", "properties": ["名称"], "geometry": None})),
    "geojson-properties-string": ("odd.geojson", lambda: _feature_collection(
        {"type": "Feature", "properties": "名称", "geometry": None})),
    "geojson-property-named-row": ("odd.geojson", lambda: _feature_collection(
        {"type": "Feature", "properties": {"名称": "甲测试园", "所在镇": "陆家镇", "row": 1}, "geometry": None})),
    "geojson-huge-integer": ("odd.geojson", lambda: b'{"type": "FeatureCollection", "features": '
                             b'[{"properties": {"name": ' + b"1" * 5000 + b"}}]}"),
    "json-deep-nesting": ("odd.geojson", lambda: b"[" * 100_000 + b"]" * 100_000),
    "geojson-features-not-objects": ("odd.geojson", lambda: _feature_collection("x", 1, None, [])),
    "geojson-geometry-not-an-object": ("odd.geojson", lambda: _feature_collection(
        {"type": "Feature", "properties": {"名称": "甲测试园"}, "geometry": "POINT (120.95 31.38)"})),
    "geojson-infinite-coordinates": ("odd.geojson", lambda: b'{"type": "FeatureCollection", "features": [{"type": '
                                     b'"Feature", "properties": {"name": "a"}, "geometry": {"type": "Point", '
                                     b'"coordinates": [1e400, NaN]}}]}'),
    "parquet-list-column": ("odd.parquet", lambda: _parquet(pd.DataFrame(
        {"name": ["甲测试园", "乙测试园"], "town": ["陆家镇", "周市镇"], "tags": [["a", "b"], ["c"]]}))),
    "parquet-struct-column": ("odd.parquet", lambda: _parquet(pd.DataFrame(
        {"name": ["甲测试园"], "town": ["陆家镇"], "extra": [{"a": 1}]}))),
    "csv-field-over-csv-limit": ("odd.csv", lambda: ('园区名称,备注\n甲测试园,"' + "长" * 200_000 + '"\n').encode()),
    "csv-unterminated-quote": ("odd.csv", lambda: '园区名称,所在镇\n"甲测试园,陆家镇\n乙测试园,周市镇\n'.encode()),
    "csv-nul-in-cells": ("odd.csv", lambda: "园区名称,所在镇\n甲\0园,陆家镇\n".encode()),
    "csv-only-header": ("odd.csv", lambda: "园区名称,所在镇\n".encode()),
    "csv-utf16": ("odd.csv", lambda: csv_text().encode("utf-16")),
    "csv-big5": ("odd.csv", lambda: "園區名稱,所在鎮\n甲測試園,陸家鎮\n".encode("big5")),
}


@pytest.mark.parametrize("case", sorted(ODD_FILES))
def test_odd_but_well_formed_file_is_read_or_refused_cleanly(case, tmp_path, capsys, hang_guard):
    name, make = ODD_FILES[case]
    path = tmp_path / name
    path.write_bytes(make())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            register = read_register(path)
        except RegisterError as error:
            register = None
            assert str(error)
    if register is not None:
        assert_consistent(register.report)
    code, out, err = run(capsys, "validate", path)
    assert "Traceback" not in err
    assert code == (2 if register is None else (1 if register.report.rejected else code)), (code, err)
    assert code in (0, 1, 2)
    if code == 2:
        assert err.startswith(ERROR), err


# ------------------------------------------------------------------------------------------------
# A failing build changes nothing


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def published(tmp_path, capsys):
    """A folder holding a map built from the good register: (register, output, files before)."""
    register = tmp_path / "parks.csv"
    register.write_bytes(csv_text().encode("gbk"))
    site = tmp_path / "site"
    output = site / "map.html"
    code, _, err = run(capsys, "build", register, "-o", output)
    assert code == 0, err
    before = snapshot(site)
    assert sorted(before) == ["map.html", "map.rejected.csv"]
    return register, output, before


def assert_untouched(output: Path, before: dict[str, bytes]) -> None:
    after = snapshot(output.parent)
    assert sorted(after) == sorted(before), f"files left behind: {sorted(set(after) - set(before))}"
    for name in before:
        assert after[name] == before[name], f"{name} changed"


@pytest.mark.parametrize("case", ["xlsx-cut-half", "random-csv", "no-name-column", "unknown-unit"])
def test_a_build_that_cannot_read_its_register_changes_nothing(case, published, tmp_path, capsys, hang_guard):
    _, output, before = published
    broken = tmp_path / "broken"
    broken.mkdir()
    if case == "xlsx-cut-half":
        path = broken / "parks.xlsx"
        path.write_bytes(xlsx_bytes()[: len(xlsx_bytes()) // 2])
    elif case == "random-csv":
        path = broken / "parks.csv"
        path.write_bytes(randbytes(13, 3000))
    elif case == "no-name-column":
        path = broken / "parks.csv"
        path.write_text("所在镇,经度,纬度\n陆家镇,120.95,31.38\n", encoding="utf-8")
    else:
        path = broken / "parks.csv"
        path.write_text("园区名称,总投资（美元）\n甲测试园,3\n", encoding="utf-8")
    code, out, err = run(capsys, "build", path, "-o", output)
    assert code == 2, (out, err)
    assert err.startswith(ERROR) and "Traceback" not in err
    assert out == ""
    assert_untouched(output, before)


def test_a_build_that_fails_while_rendering_changes_nothing(published, tmp_path, capsys, monkeypatch):
    """The register is fine but the page cannot be made: a basemap without its key, a corrupt
    offline asset cache."""
    register, output, before = published
    monkeypatch.delenv("KUNSHAN_CARTO_KEY", raising=False)
    code, out, err = run(capsys, "build", register, "-o", output, "--basemap", "carto")
    assert code == 2 and err.startswith(ERROR) and "KUNSHAN_CARTO_KEY" in err, err
    assert_untouched(output, before)

    corrupt = tmp_path / "corrupt-assets"
    corrupt.mkdir()
    for tarball in cache_dir_default().glob("*.tgz"):
        (corrupt / tarball.name).write_bytes(tarball.read_bytes()[:1000])
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(corrupt))
    code, out, err = run(capsys, "build", register, "-o", output, "--offline")
    assert code == 2 and err.startswith(ERROR) and "Traceback" not in err, err
    assert_untouched(output, before)


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_build_that_fails_while_writing_leaves_no_temp_file(failing, published, capsys, monkeypatch):
    """The disk fails (no space) when the map is synced or renamed into place: the old map stays,
    the temp file is removed, the user gets an error line."""
    register, output, before = published

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, no_space)
    code, out, err = run(capsys, "build", register, "-o", output, "--weight", "investment")
    monkeypatch.undo()
    assert code == 2, (out, err)
    assert err.startswith(ERROR) and "No space left on device" in err and "Traceback" not in err, err
    assert_untouched(output, before)


# ------------------------------------------------------------------------------------------------
# Reproducible builds


def cache_dir_default() -> Path:
    """The npm tarballs fetched once (``assets fetch``); the offline build needs them."""
    folder = cache_dir()
    tarballs = sorted(folder.glob("*.tgz"))
    if not tarballs:
        pytest.fail(f"no cached npm assets in {folder}: run `kunshan-heatmap assets fetch` once")
    return folder


@pytest.fixture
def register_csv(tmp_path):
    path = tmp_path / "登记表.csv"
    path.write_bytes(csv_text().encode("utf-8-sig"))
    return path


@pytest.mark.parametrize("offline", [False, True], ids=["cdn", "offline"])
def test_two_builds_of_a_register_are_byte_identical(offline, register_csv, tmp_path, capsys):
    if offline:
        cache_dir_default()
    extra = ["--offline"] if offline else []
    outputs = []
    for folder in ("first", "second"):
        output = tmp_path / folder / "map.html"
        code, _, err = run(capsys, "build", register_csv, "-o", output, *extra)
        assert code == 0, err
        assert "汇总 / Summary: 3 个园区已发布 parks published, 2 行拒收 rejected, 1 行跳过 skipped" in err
        outputs.append(output)
    # once more over the first output (an existing file is replaced by the same bytes)
    code, _, err = run(capsys, "build", register_csv, "-o", outputs[0], *extra)
    assert code == 0, err
    first, second = (snapshot(o.parent) for o in outputs)
    assert sorted(first) == sorted(second) == ["map.html", "map.rejected.csv"]
    assert first["map.html"] == second["map.html"]
    assert first["map.rejected.csv"] == second["map.rejected.csv"]
    rejected = list(csv.reader(io.StringIO(first["map.rejected.csv"].decode("utf-8-sig"))))
    assert [[r[0], r[2]] for r in rejected] == [["row", "column"], ["5", "经度"], ["6", "总投资（亿元）"]]
    page = first["map.html"].decode("utf-8")
    if offline:
        assert '<script src="http' not in page and '<link rel="stylesheet" href="http' not in page
    else:
        assert 'integrity="sha256-' in page


def test_builds_in_separate_processes_are_byte_identical(register_csv, tmp_path, capsys):
    """Another interpreter with another hash seed (set and dict orders of strings differ) writes
    the same bytes as this one, online and offline."""
    cache_dir_default()
    here = {}
    for mode, extra in (("cdn", []), ("offline", ["--offline"])):
        output = tmp_path / "here" / mode / "map.html"
        code, _, err = run(capsys, "build", register_csv, "-o", output, *extra)
        assert code == 0, err
        here[mode] = snapshot(output.parent)
    script = (
        "import sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from layers.cli import main\n"
        "register, folder = sys.argv[1:]\n"
        "for mode, extra in (('cdn', []), ('offline', ['--offline'])):\n"
        "    code = main(['build', register, '-o', f'{folder}/{mode}/map.html', *extra])\n"
        "    assert code == 0, code\n"
    )
    for seed in ("1", "2"):
        folder = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(register_csv), str(folder)], capture_output=True,
                              text=True, timeout=LIMIT_S, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
        for mode in ("cdn", "offline"):
            there = snapshot(folder / mode)
            assert sorted(there) == sorted(here[mode])
            for name in there:
                assert there[name] == here[mode][name], f"{mode}/{name} differs with PYTHONHASHSEED={seed}"
