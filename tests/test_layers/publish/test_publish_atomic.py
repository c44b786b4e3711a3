"""publish_map: the map and its rejected rows published together (rejected file renamed first, map last), both or
neither on any failure, no temp file left, stale temps of a killed run swept; failures name the user's path and
the reason (disk full on a real small tmpfs, read-only file system, a folder in the way)."""

import errno
import os
import subprocess
import sys
import time

import pandas as pd
import pytest

import geo
import geo.write.atomic
from geo import HeatmapError
from geo.write.atomic import STALE_TEMP_S, WriteError, atomic_write, atomic_write_all, sweep_temps
from geo.write.tables import table_bytes
from layers import park_heatmap
from layers.publish.output import map_html, publish_map, rejected_path
from mounts import PAGE, tmpfs

OLD_MAP = "<!DOCTYPE html><p>earlier map 旧地图</p>\n".encode("utf-8")
OLD_REJECTED = "\ufeffrow,name,column,value,reason\n9,旧园,经度,x,old\n".encode("utf-8")
REJECTED = pd.DataFrame({"row": [5], "name": ["上海园"], "column": ["经度"], "value": ["=1+1"], "reason": ["outside"]})
NEW_REJECTED = "\ufeffrow,name,column,value,reason\n5,上海园,经度,'=1+1,outside\n".encode("utf-8")


@pytest.fixture(scope="module")
def small_map():
    parks = geo.kunshan_default().parks
    return park_heatmap(parks[parks["sector"].isin(["robotics", "food"])].reset_index(drop=True))


@pytest.fixture
def site(tmp_path):
    """A folder holding an earlier map and its rejected rows."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "map.html").write_bytes(OLD_MAP)
    (folder / "map.rejected.csv").write_bytes(OLD_REJECTED)
    return folder


def contents(folder):
    return {p.name: p.read_bytes() if p.is_file() else "folder" for p in folder.iterdir()}


EARLIER = {"map.html": OLD_MAP, "map.rejected.csv": OLD_REJECTED}


def failing_replace_of(name, code=errno.EIO):
    """os.replace that fails (``code``) when it would replace the file called ``name``, and works otherwise."""
    real = os.replace

    def replace(src, dst):
        if os.path.basename(dst) == name:
            raise OSError(code, os.strerror(code))
        return real(src, dst)

    return replace


# ---------------------------------------------------------------- both, in order

def test_publish_writes_both_renaming_the_rejected_file_first(site, small_map, monkeypatch):
    order, real = [], os.replace
    monkeypatch.setattr(geo.write.atomic.os, "replace", lambda src, dst: (order.append(os.path.basename(dst)),
                                                                           real(src, dst))[1])
    assert publish_map(small_map, site / "map.html", REJECTED) == (site / "map.html", site / "map.rejected.csv")
    assert order == ["map.rejected.csv", "map.html"]
    assert contents(site) == {"map.html": map_html(small_map).encode("utf-8"), "map.rejected.csv": NEW_REJECTED}


def test_publish_into_a_new_folder(tmp_path, small_map):
    path, rejected = publish_map(small_map, tmp_path / "new" / "deep" / "Map.HTM", REJECTED.iloc[:0])
    assert rejected == tmp_path / "new" / "deep" / "Map.rejected.csv" == rejected_path(path)
    assert sorted(contents(path.parent)) == ["Map.HTM", "Map.rejected.csv"]
    assert rejected.read_bytes() == "\ufeffrow,name,column,value,reason\n".encode("utf-8")


@pytest.mark.parametrize("name, shown", [("map.csv", "'.csv'"), ("map", "a name without suffix"),
                                         ("map.html.bak", "'.bak'")])
def test_publish_refuses_a_name_that_is_not_an_html_page(tmp_path, small_map, name, shown):
    with pytest.raises(ValueError) as error:
        publish_map(small_map, tmp_path / name, REJECTED)
    assert str(error.value) == (f"{tmp_path / name}: a map is an HTML page, so its file name must end in .html or "
                                f".htm, not {shown} / 地图须写成 .html 或 .htm 文件")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- or neither

def test_failing_map_rename_puts_the_earlier_rejected_file_back(site, small_map, monkeypatch):
    monkeypatch.setattr(geo.write.atomic.os, "replace", failing_replace_of("map.html"))
    with pytest.raises(WriteError) as error:
        publish_map(small_map, site / "map.html", REJECTED)
    assert str(error.value) == (f"cannot write {site / 'map.html'}: Input/output error / 无法写入 "
                                f"{site / 'map.html'}：系统错误")
    assert contents(site) == EARLIER  # byte-identical, and no temp file or backup link left


def test_failing_map_rename_with_no_earlier_files_leaves_neither(tmp_path, small_map, monkeypatch):
    monkeypatch.setattr(geo.write.atomic.os, "replace", failing_replace_of("map.html"))
    with pytest.raises(WriteError, match="Input/output error"):
        publish_map(small_map, tmp_path / "map.html", REJECTED)
    assert contents(tmp_path) == {}


def test_failing_rejected_rename_leaves_both_earlier_files(site, small_map, monkeypatch):
    monkeypatch.setattr(geo.write.atomic.os, "replace", failing_replace_of("map.rejected.csv", errno.EACCES))
    with pytest.raises(WriteError) as error:
        publish_map(small_map, site / "map.html", REJECTED)
    rejected = site / "map.rejected.csv"
    assert str(error.value) == f"cannot write {rejected}: Permission denied / 无法写入 {rejected}：没有权限"
    assert error.value.errno == errno.EACCES
    assert contents(site) == EARLIER


def test_a_folder_in_place_of_the_rejected_file(site, small_map):
    rejected = site / "map.rejected.csv"
    rejected.unlink()
    rejected.mkdir()
    with pytest.raises(WriteError) as error:
        publish_map(small_map, site / "map.html", REJECTED)
    assert str(error.value) == (f"cannot write {rejected}: Is a directory (a folder has that name) / 无法写入 "
                                f"{rejected}：该路径是一个文件夹")
    assert contents(site) == {"map.html": OLD_MAP, "map.rejected.csv": "folder"}
    assert list(rejected.iterdir()) == []


def test_a_failing_second_write_names_the_map_and_leaves_both(site, small_map, monkeypatch):
    calls, real = [], os.fsync

    def fsync(fd):  # the first fsync is the rejected temp's, the second the map temp's
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(geo.write.atomic.os, "fsync", fsync)
    with pytest.raises(WriteError) as error:
        publish_map(small_map, site / "map.html", REJECTED)
    map_path = site / "map.html"
    assert str(error.value) == (f"cannot write {map_path}: No space left on device (the disk is full) / 无法写入 "
                                f"{map_path}：磁盘已满")
    assert len(calls) == 2
    assert contents(site) == EARLIER


def test_write_error_is_an_os_error_of_the_family(tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(WriteError) as error:
        atomic_write(tmp_path / "x", b"data")
    assert isinstance(error.value, OSError) and isinstance(error.value, HeatmapError)
    assert error.value.errno == errno.EISDIR
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(WriteError) as error:
        atomic_write(tmp_path / "f" / "z.csv", b"data")
    path = tmp_path / "f" / "z.csv"
    assert str(error.value) == (f"cannot write {path}: File exists (a part of the path is a file, not a folder) "
                                f"/ 无法写入 {path}：路径中有一段是文件而不是文件夹")
    assert sorted(contents(tmp_path)) == ["f", "x"]


# ---------------------------------------------------------------- real file systems

def test_disk_full_on_a_small_tmpfs_keeps_the_earlier_map(tmp_path, small_map):
    page = map_html(small_map).encode("utf-8")
    pages = -(-len(page) // PAGE)
    # room for the earlier map and rejected file and a new rejected temp, but not for a second copy of the map
    with tmpfs(tmp_path / "disk", size=(pages + 3 + pages // 2) * PAGE) as disk:
        publish_map(small_map, disk / "map.html", REJECTED)
        before = contents(disk)
        with pytest.raises(WriteError) as error:
            publish_map(small_map, disk / "map.html", REJECTED.assign(reason="again"))
        path = disk / "map.html"
        assert str(error.value) == (f"cannot write {path}: No space left on device (the disk is full) / 无法写入 "
                                    f"{path}：磁盘已满")
        assert contents(disk) == before  # the earlier map and rejected file, byte-identical; no temp left


def test_read_only_file_system_names_the_file(tmp_path):
    with tmpfs(tmp_path / "ro", readonly=True) as folder:
        path = folder / "map.html"
        with pytest.raises(WriteError) as error:
            atomic_write_all([(folder / "map.rejected.csv", b"r"), (path, b"m")])
        rejected = folder / "map.rejected.csv"
        assert str(error.value) == (f"cannot write {rejected}: Read-only file system / 无法写入 {rejected}："
                                    f"文件系统为只读")
        assert error.value.errno == errno.EROFS
        assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- stale temps

def aged(path, seconds):
    path.write_bytes(b"partial")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_publish_sweeps_stale_temps_of_its_targets_only(site, small_map):
    stale = [aged(site / ".map.html.0123abcd.tmp", STALE_TEMP_S + 60),
             aged(site / ".map.rejected.csv.9f9f9f9f.tmp", 86400)]
    kept = [aged(site / ".map.html.89abcdef.tmp", 60),  # young: may be another run's, in progress
            aged(site / ".map.html.backup.tmp", 86400),  # not a name the tool makes
            aged(site / ".other.html.0123abcd.tmp", 86400),  # another target's
            aged(site / "map.html.0123abcd.tmp", 86400)]  # not hidden: not ours
    (site / ".map.html.deadbeef.tmp").mkdir()  # a folder is never removed
    publish_map(small_map, site / "map.html", REJECTED)
    assert not any(path.exists() for path in stale)
    assert sorted(contents(site)) == sorted(["map.html", "map.rejected.csv", ".map.html.deadbeef.tmp",
                                             *(path.name for path in kept)])
    assert (site / "map.rejected.csv").read_bytes() == NEW_REJECTED


def test_sweep_temps_returns_what_it_removed(tmp_path):
    old = aged(tmp_path / ".t.csv.00000000.tmp", 700)
    aged(tmp_path / ".t.csv.11111111.tmp", 100)
    assert sweep_temps(tmp_path / "t.csv") == [old]
    assert sweep_temps(tmp_path / "t.csv", older_than_s=50) == [tmp_path / ".t.csv.11111111.tmp"]
    assert sweep_temps(tmp_path / "no-folder" / "t.csv") == []
    assert list(tmp_path.iterdir()) == []


def test_a_young_temp_is_swept_when_its_writer_is_gone_and_kept_while_it_runs(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = aged(tmp_path / f".t.csv.{gone.stdout.strip()}-00000000.tmp", 1)
    alive = aged(tmp_path / f".t.csv.{os.getppid()}-11111111.tmp", 1)  # the test runner's parent runs
    mine = aged(tmp_path / f".t.csv.{os.getpid()}-22222222.tmp", 1)
    assert sweep_temps(tmp_path / "t.csv") == [dead]
    assert sorted(tmp_path.iterdir()) == sorted([alive, mine])


def test_table_bytes_are_what_publish_writes(site, small_map):
    publish_map(small_map, site / "map.html", REJECTED)
    assert (site / "map.rejected.csv").read_bytes() == table_bytes(REJECTED, "map.rejected.csv") == NEW_REJECTED
