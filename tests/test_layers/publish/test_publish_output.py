"""layers.publish.output: atomic writes (old file or new file, never a part; no temp files left), modes,
write_map and write_table."""

import csv
import io
import os
import shutil
import stat

import folium
import pandas as pd
import pytest
from branca.element import MacroElement

import geo
import geo.write.atomic
import layers
import layers.publish.output
from layers import AssetError, atomic_write, map_html, park_heatmap, write_map, write_table

OLD = "<!DOCTYPE html><p>earlier map 旧地图</p>\n".encode("utf-8")


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture(scope="module")
def small_map():
    parks = geo.kunshan_default().parks
    return park_heatmap(parks[parks["sector"].isin(["robotics", "food"])].reset_index(drop=True))


@pytest.fixture
def earlier(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    path = folder / "map.html"
    path.write_bytes(OLD)
    return path


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def assert_untouched(path):
    assert path.read_bytes() == OLD
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temp files left


class FailingElement(MacroElement):
    """An element whose rendering fails, as a broken plugin's would."""

    def render(self, **kwargs):
        raise RuntimeError("render failed on purpose")


# ---------------------------------------------------------------- atomic_write

def test_atomic_write_new_file(tmp_path, umask022):
    path = tmp_path / "deep" / "er" / "out.bin"
    data = bytes(range(256)) * 3
    assert atomic_write(path, data) == path
    assert path.read_bytes() == data
    assert mode(path) == 0o644
    assert sorted(p.name for p in path.parent.iterdir()) == ["out.bin"]


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_write_new_file_mode_follows_umask(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        path = atomic_write(tmp_path / "out.html", b"x")
    finally:
        os.umask(old)
    assert mode(path) == expected


def test_atomic_write_replaces_and_keeps_the_mode(earlier, umask022):
    os.chmod(earlier, 0o600)
    atomic_write(earlier, b"new")
    assert earlier.read_bytes() == b"new"
    assert mode(earlier) == 0o600
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["map.html"]


def test_atomic_write_of_non_bytes_leaves_the_old_file(earlier):
    with pytest.raises(TypeError):
        atomic_write(earlier, "not bytes")
    assert_untouched(earlier)


def test_atomic_write_failing_fsync_leaves_the_old_file(earlier, monkeypatch):
    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(geo.write.atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output error"):
        atomic_write(earlier, b"new content that never lands")
    monkeypatch.undo()
    assert_untouched(earlier)


def test_atomic_write_failing_rename_leaves_the_old_file(earlier, monkeypatch):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo.write.atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(earlier, b"new content that never lands")
    monkeypatch.undo()
    assert_untouched(earlier)


def test_atomic_write_onto_a_folder_fails_and_leaves_no_temp_file(tmp_path):
    folder = tmp_path / "out.html"
    folder.mkdir()
    with pytest.raises(OSError):
        atomic_write(folder, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]
    assert folder.is_dir() and list(folder.iterdir()) == []


# ---------------------------------------------------------------- write_map

def test_write_map_writes_the_page(tmp_path, small_map, umask022):
    path = write_map(small_map, tmp_path / "m.html")
    assert path.read_bytes() == map_html(small_map).encode("utf-8")
    assert path.read_bytes().startswith(b"<!DOCTYPE html>")
    assert mode(path) == 0o644


def test_write_map_keeps_the_old_file_when_map_html_fails(earlier, small_map, monkeypatch):
    def broken(m, *, offline=False):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(layers.publish.output, "map_html", broken)
    with pytest.raises(RuntimeError, match="rendering failed"):
        write_map(small_map, earlier)
    assert_untouched(earlier)


def test_write_map_keeps_the_old_file_when_an_element_fails_to_render(earlier):
    m = folium.Map(tiles=None)
    FailingElement().add_to(m)
    with pytest.raises(RuntimeError, match="render failed on purpose"):
        write_map(m, earlier)
    assert_untouched(earlier)


def test_write_map_offline_with_tampered_assets_keeps_the_old_file(earlier, small_map, tmp_path, monkeypatch):
    cache = tmp_path / "npm"
    cache.mkdir()
    for tarball in layers.fetch_assets(npm="/nonexistent/npm-not-used-offline"):
        shutil.copy(tarball, cache / tarball.name)
    target = cache / "leaflet.heat-0.2.0.tgz"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    monkeypatch.setenv("KUNSHAN_HEATMAP_ASSETS", str(cache))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(AssetError):
        write_map(small_map, earlier, offline=True)
    assert_untouched(earlier)


def test_write_map_replaces_an_earlier_page(earlier, small_map):
    write_map(small_map, earlier)
    assert earlier.read_bytes() == map_html(small_map).encode("utf-8")
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["map.html"]


# ---------------------------------------------------------------- write_table

def test_write_table_is_utf8_with_bom(tmp_path, umask022):
    frame = pd.DataFrame({"row": [4, 5], "column": ["经度", "总投资（亿元）"], "value": ["121.47, 31.23", "abc"],
                          "reason": ["outside", "not a number / 不是数字"]})
    path = write_table(frame, tmp_path / "t.rejected.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["row", "column", "value", "reason"], ["4", "经度", "121.47, 31.23", "outside"],
                    ["5", "总投资（亿元）", "abc", "not a number / 不是数字"]]
    assert mode(path) == 0o644


# ---------------------------------------------------------------- the notice of a CDN page

def test_cdn_page_opens_with_the_bilingual_notice_and_offline_page_has_none(small_map, tmp_path):
    from layers.page.app import page_text
    from layers.page.escape import escape_text
    from layers.publish.output import NOTICE_ID, cdn_notice

    page = map_html(small_map)
    body = page.index("<body>")
    assert page.index(f'<div id="{NOTICE_ID}" role="alert"') == body + len("<body>\n")
    assert page.count(NOTICE_ID) == 2  # the block and the script that removes it once Leaflet runs
    assert cdn_notice() in page
    for language in ("zh-Hans", "en"):
        text = page_text("assets.unreachable", language)
        assert "--offline" in text and f'<p lang="{language}" style="margin:0 0 6px">{escape_text(text)}</p>' in page
    assert f'<script>if (window.L) {{ document.getElementById("{NOTICE_ID}").remove(); }}</script>' in page
    assert page.index("leaflet.js") < body  # Leaflet loads (or fails) in the head, before the block is drawn
    assert NOTICE_ID not in write_map(small_map, tmp_path / "offline.html", offline=True).read_text(encoding="utf-8")
