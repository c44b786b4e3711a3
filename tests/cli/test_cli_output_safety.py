"""Outputs that never overwrite the input (build, demo, convert; `./`, symlinks and hard links included), map names
that are HTML pages, convert never shifting a point twice (the datum it wrote is marked), a killed build leaving the
earlier map and being swept by the next run, and write failures named in one bilingual line, exit 2."""

import ctypes
import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import openpyxl
import pytest

import geo
import layers.cli.commands
from layers.cli import main
from mounts import PAGE, tmpfs
from registers import write_csv

ERROR = "kunshan-heatmap: error: "
HEADER = ["园区名称", "主导产业", "所在镇", "总投资（亿元）", "经度", "纬度"]
ROWS = [["甲园", "智能机器人", "陆家镇", "12.5", "", ""],
        ["乙园", "生物医药", "", "8", "120.95", "31.38"],
        ["坏数园", "光电", "周市镇", "=1+1", "", ""]]  # rejected: not a number, written back as text
TEMP = re.compile(r"\.(map\.html|map\.rejected\.csv)\.\d+-[0-9a-f]{8}\.tmp")
# GCJ-02 points in Kunshan, as picked on Gaode, and one row without coordinates
PICKED = [["名称", "经度", "纬度"], ["甲", "120.98", "31.38"], ["乙", "", ""], ["丙", "121.0998", "31.3006"]]


def run(capsys, *argv):
    code = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def register(tmp_path):
    return write_csv(tmp_path / "reg.csv", [HEADER, *ROWS])


def refused(output, source):
    return (f"{ERROR}{output}: the output would overwrite the input {source}; write to another file "
            f"/ 输出文件会覆盖输入文件 {source}，请写到另一个文件\n")


# ---------------------------------------------------------------- build and demo never write over the register

def test_build_onto_the_register_is_refused(register, tmp_path, capsys):
    before = register.read_bytes()
    assert run(capsys, "build", register, "-o", register) == (2, "", refused(register, register))
    assert register.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reg.csv"]


def test_build_onto_the_register_by_another_name_is_refused(register, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    dotted = tmp_path / "sub" / ".." / "." / "reg.csv"
    assert run(capsys, "build", "reg.csv", "-o", dotted) == (2, "", refused(dotted, "reg.csv"))
    (tmp_path / "map.html").symlink_to(register)
    assert run(capsys, "build", register, "-o", tmp_path / "map.html") == (2, "", refused(tmp_path / "map.html",
                                                                                         register))
    os.link(register, tmp_path / "hard.html")
    assert run(capsys, "build", register, "-o", "hard.html") == (2, "", refused("hard.html", register))
    assert register.read_bytes().decode("utf-8").startswith("园区名称")


def test_build_whose_rejected_file_would_be_the_register_is_refused(tmp_path, capsys):
    source = write_csv(tmp_path / "map.rejected.csv", [HEADER, *ROWS])
    before = source.read_bytes()
    assert run(capsys, "build", source, "-o", tmp_path / "map.html") == (2, "", refused(source, source))
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.rejected.csv"]


@pytest.mark.parametrize("command", ["build", "demo"])
@pytest.mark.parametrize("name, shown", [("map.csv", "'.csv'"), ("map", "a name without suffix")])
def test_a_map_name_that_is_not_an_html_page_is_refused(register, tmp_path, capsys, command, name, shown):
    argv = [command, register] if command == "build" else [command]
    output = tmp_path / "out" / name
    assert run(capsys, *argv, "-o", output) == (2, "", f"{ERROR}{output}: a map is an HTML page, so its file name "
                                                       f"must end in .html or .htm, not {shown} / 地图须写成 .html "
                                                       f"或 .htm 文件\n")
    assert not (tmp_path / "out").exists()


def test_htm_in_any_case_is_a_map_name(register, tmp_path, capsys):
    code, out, _ = run(capsys, "build", register, "-o", tmp_path / "MAP.HTM")
    assert (code, out) == (0, f"{(tmp_path / 'MAP.HTM').resolve()}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["MAP.HTM", "MAP.rejected.csv", "reg.csv"]
    assert (tmp_path / "MAP.rejected.csv").read_bytes().decode("utf-8-sig").splitlines()[1] == (
        "4,坏数园,总投资（亿元）,'=1+1,not a number / 不是数字")


# ---------------------------------------------------------------- convert: never in place, never twice

def test_convert_in_place_is_refused_by_any_name(tmp_path, capsys, monkeypatch):
    source = write_csv(tmp_path / "picked.csv", PICKED)
    before = source.read_bytes()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link.csv").symlink_to(source)
    os.link(source, tmp_path / "hard.csv")
    for output in ("picked.csv", "./picked.csv", tmp_path / "link.csv", "hard.csv"):
        argv = ["convert", "picked.csv", "--from", "gcj02", "--to", "wgs84", "-o", output]
        assert run(capsys, *argv) == (2, "", refused(output if output != "./picked.csv" else "picked.csv",
                                                     "picked.csv")), output
    assert source.read_bytes() == before


def convert(capsys, source, output):
    code, out, err = run(capsys, "convert", source, "--from", "gcj02", "--to", "wgs84", "-o", output)
    assert code == 0, err
    return err


def test_convert_marks_the_datum_and_a_second_run_is_a_no_op_csv(tmp_path, capsys):
    source = write_csv(tmp_path / "a.csv", PICKED)
    convert(capsys, source, tmp_path / "b.csv")
    rows = (tmp_path / "b.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "名称,经度,纬度,坐标系"  # appended, in the header's language
    assert [row.split(",")[3:] for row in rows[1:]] == [["wgs84"], [], ["wgs84"]]
    x, y = geo.place.datum.gcj02_to_wgs84(120.98, 31.38)
    assert rows[1] == f"甲,{float(x)!r},{float(y)!r},wgs84"
    convert(capsys, tmp_path / "b.csv", tmp_path / "c.csv")  # the same command on the converted file
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    # and the reader places the converted file's parks where it placed the picked ones
    b = geo.place.datum.to_wgs84(geo.read_register(tmp_path / "b.csv").table)
    a = geo.place.datum.to_wgs84(geo.read_register(source, datum="gcj02").table)
    np.testing.assert_array_equal(b[["lon", "lat"]].to_numpy(), a[["lon", "lat"]].to_numpy())
    assert b["lon"].notna().tolist() == [True, False, True]


def test_convert_marks_the_datum_and_a_second_run_is_a_no_op_english_header(tmp_path, capsys):
    source = write_csv(tmp_path / "a.csv", [["name", "lon", "lat", ""], ["a", "120.98", "31.38", "", "extra"]])
    convert(capsys, source, tmp_path / "b.csv")
    rows = (tmp_path / "b.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "name,lon,lat,,,datum"  # right of every used cell, the row's extra one included
    assert rows[1].endswith(",,extra,wgs84")
    convert(capsys, tmp_path / "b.csv", tmp_path / "c.csv")
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_convert_marks_the_datum_and_a_second_run_is_a_no_op_xlsx(tmp_path, capsys):
    book = openpyxl.Workbook()
    for row in PICKED:
        book.active.append([float(c) if c[:1].isdigit() else (c or None) for c in row])
    book.active["A1"].font = openpyxl.styles.Font(bold=True)
    book.active["C1"].font = openpyxl.styles.Font(bold=True, color="FFC00000")
    book.save(tmp_path / "a.xlsx")
    convert(capsys, tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    convert(capsys, tmp_path / "b.xlsx", tmp_path / "c.xlsx")
    b, c = (openpyxl.load_workbook(tmp_path / name).active for name in ("b.xlsx", "c.xlsx"))
    values = [[cell.value for cell in row] for row in b.iter_rows()]
    x, y = geo.place.datum.gcj02_to_wgs84(120.98, 31.38)
    assert values[0] == ["名称", "经度", "纬度", "坐标系"]
    assert values[1] == ["甲", pytest.approx(x, abs=1e-12), pytest.approx(y, abs=1e-12), "wgs84"]  # XLSX: 16 digits
    assert values[2] == ["乙", None, None, None]
    assert [[cell.value for cell in row] for row in c.iter_rows()] == values
    assert b["D1"].font.color.rgb == "FFC00000" and b["D1"].font.bold  # styled like the header's last cell


def test_convert_marks_the_datum_and_a_second_run_is_a_no_op_geojson(tmp_path, capsys):
    features = [{"type": "Feature", "properties": {"name": "甲"}, "geometry": {"type": "Point",
                                                                              "coordinates": [120.98, 31.38]}},
                {"type": "Feature", "properties": None, "geometry": {"type": "Point",
                                                                     "coordinates": [121.0998, 31.3006]}},
                {"type": "Feature", "properties": {"name": "无"}, "geometry": None}]
    (tmp_path / "a.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                        encoding="utf-8")
    convert(capsys, tmp_path / "a.geojson", tmp_path / "b.geojson")
    b = json.loads((tmp_path / "b.geojson").read_text(encoding="utf-8"))
    assert [f["properties"] for f in b["features"]] == [{"name": "甲", "datum": "wgs84"}, {"datum": "wgs84"},
                                                        {"name": "无"}]
    convert(capsys, tmp_path / "b.geojson", tmp_path / "c.geojson")
    assert (tmp_path / "c.geojson").read_bytes() == (tmp_path / "b.geojson").read_bytes()


def test_convert_that_moves_nothing_adds_no_column(tmp_path, capsys):
    source = write_csv(tmp_path / "a.csv", PICKED)
    assert run(capsys, "convert", source, "--from", "wgs84", "--to", "wgs84", "-o", tmp_path / "b.csv")[0] == 0
    assert (tmp_path / "b.csv").read_bytes() == source.read_bytes()


# ---------------------------------------------------------------- write failures: one line naming the path, exit 2

def test_a_folder_in_place_of_the_map(register, tmp_path, capsys):
    folder = tmp_path / "map.html"
    folder.mkdir()
    assert run(capsys, "build", register, "-o", folder) == (
        2, "", f"{ERROR}cannot write {folder}: Is a directory (a folder has that name) / 无法写入 {folder}："
               f"该路径是一个文件夹\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html", "reg.csv"]


def test_disk_full_names_the_map(tmp_path, capsys):
    with tmpfs(tmp_path / "disk", size=16 * PAGE) as disk:  # 64 KiB: the rejected file fits, the map does not
        path = disk / "map.html"
        assert run(capsys, "demo", "-o", path) == (
            2, "", f"{ERROR}cannot write {path}: No space left on device (the disk is full) / 无法写入 {path}："
                   f"磁盘已满\n")
        assert list(disk.iterdir()) == []


def test_read_only_file_system_names_the_file(tmp_path, capsys):
    with tmpfs(tmp_path / "ro", readonly=True) as folder:
        rejected = folder / "map.rejected.csv"  # the first file of the publish
        assert run(capsys, "demo", "-o", folder / "map.html") == (
            2, "", f"{ERROR}cannot write {rejected}: Read-only file system / 无法写入 {rejected}：文件系统为只读\n")


CLI = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"


def _without_dac_override():
    """In the child, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so root obeys permission bits."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) refused")


def test_a_folder_without_write_permission(register, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        done = subprocess.run([sys.executable, "-c", CLI, "build", str(register), "-o", str(folder / "map.html")],
                              capture_output=True, text=True, timeout=120,
                              preexec_fn=_without_dac_override if os.geteuid() == 0 else None)
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop root's permission override here: {error}")
    finally:
        folder.chmod(0o755)
    rejected = folder / "map.rejected.csv"
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{ERROR}cannot write {rejected}: Permission denied / 无法写入 {rejected}：没有权限\n"
    assert list(folder.iterdir()) == []


def test_another_os_error_is_one_line_naming_its_file(register, tmp_path, capsys, monkeypatch):
    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(register))

    monkeypatch.setattr(layers.cli.commands.geo, "load_parks", unreadable)
    assert run(capsys, "build", register, "-o", tmp_path / "m.html") == (
        2, "", f"{ERROR}{register}: Permission denied / 没有权限\n")


# ---------------------------------------------------------------- a killed build

#: Runs the CLI with os.replace pausing before its N-th rename (N from the environment), to be killed there.
DRIVER = """
import os, sys, time
from layers.cli import main
real, calls = os.replace, []
def replace(src, dst):
    calls.append(dst)
    if len(calls) == int(os.environ["PAUSE_BEFORE_RENAME"]):
        print("paused before", os.path.basename(dst), flush=True)
        time.sleep(600)
    return real(src, dst)
os.replace = replace
sys.exit(main(sys.argv[1:]))
"""


def killed_build(register, output, rename):
    """Start a build, SIGKILL it just before its ``rename``-th rename; return what it said."""
    child = subprocess.Popen([sys.executable, "-c", DRIVER, "build", str(register), "-o", str(output)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PAUSE_BEFORE_RENAME": str(rename)})
    try:
        said = child.stdout.readline()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read()
    return said


def files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("rename, paused, published", [(1, "map.rejected.csv", []),
                                                       (2, "map.html", ["map.rejected.csv"])])
def test_a_killed_build_keeps_the_earlier_map_and_the_next_runs_sweep_its_temps(register, tmp_path, capsys, rename,
                                                                                paused, published):
    site = tmp_path / "site"
    output = site / "map.html"
    assert run(capsys, "build", register, "-o", output)[0] == 0
    earlier = files(site)
    write_csv(register, [HEADER, *ROWS, ["丁园", "光电", "周市镇", "abc", "", ""]])  # one more rejected row
    assert killed_build(register, output, rename) == f"paused before {paused}\n"
    left = files(site)
    assert left["map.html"] == earlier["map.html"]  # the map is the earlier one, byte for byte
    assert (left["map.rejected.csv"] == earlier["map.rejected.csv"]) == (published == [])
    temps = sorted(name for name in left if TEMP.fullmatch(name))
    assert temps and sorted(left) == sorted(["map.html", "map.rejected.csv", *temps])
    # the killed run's process is gone: the next normal build sweeps its temps at once, however young
    assert run(capsys, "build", register, "-o", output)[0] == 0
    now = files(site)
    assert sorted(now) == ["map.html", "map.rejected.csv"]
    assert now["map.rejected.csv"].decode("utf-8-sig").splitlines()[-1] == "5,丁园,总投资（亿元）,abc,not a number / 不是数字"
