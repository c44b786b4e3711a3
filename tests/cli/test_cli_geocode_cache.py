"""`kunshan-heatmap geocode` and its cache: a damaged or locked cache is one line and exit 2 with the ways out,
--no-cache geocodes without touching any cache, no output byte or cache row holds the key, and four runs at
once on one cache ask each address once (real subprocesses against a fake AMap on 127.0.0.1)."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from fake_geocoders import FakeGeocoders, Reply, amap_ok, echo
from geo.geocode import cache as geocode_cache
from layers.cli import main

ROOT = Path(__file__).resolve().parents[2]
KEY = "0123456789abcdef0123456789abcdef"
ADDRESSES = [f"昆山市张浦镇振新路{i}号" for i in range(40)]
WAYS_OUT = "use another cache file (--cache NEW_PATH, cache_path=) or none (--no-cache, no_cache=True)"


def write_register(path: Path, addresses) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(
        [["园区名称", "地址"], *([f"园{i}", address] for i, address in enumerate(addresses))])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def fake(monkeypatch, tmp_path):
    with FakeGeocoders() as server:
        monkeypatch.setenv("KUNSHAN_AMAP_KEY", KEY)
        monkeypatch.setenv("KUNSHAN_AMAP_URL", server.base_url)
        monkeypatch.setenv("KUNSHAN_HEATMAP_GEOCACHE", str(tmp_path / "default" / "geocode.sqlite"))
        yield server


def geocode(register, output, *options):
    return main(["geocode", str(register), "-o", str(output), "--provider", "amap", "--no-progress", *options])


def last_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.endswith("\n")
    return err.splitlines()[-1]


@pytest.mark.parametrize("damage, reason", [("text", "file is not a database"),
                                            ("truncated", "database disk image is malformed")])
def test_a_damaged_cache_is_one_line_and_exit_2(fake, tmp_path, capsys, damage, reason):
    register = write_register(tmp_path / "parks.csv", ADDRESSES[:2])
    cache = tmp_path / "geocode.sqlite"
    if damage == "text":
        cache.write_text("not a cache\n", encoding="utf-8")
    else:
        assert geocode(register, tmp_path / "first.csv", "--cache", str(cache)) == 0
        with sqlite3.connect(cache) as connection:  # enough rows to span several pages
            connection.executemany("INSERT INTO geocode VALUES (?, ?, 'a', 'ok', 1, 1, 'gcj02', NULL, NULL, ?, "
                                   "NULL, 1, 't')", [("amap", f"k{i}", "r" * 900) for i in range(50)])
        data = cache.read_bytes()
        cache.write_bytes(data[: len(data) // 2])
        capsys.readouterr()
    requests = fake.count("amap")
    output = tmp_path / "located.csv"
    assert geocode(register, output, "--cache", str(cache)) == 2
    line = last_line(capsys)
    assert line.startswith(f"kunshan-heatmap: error: geocode cache {cache} cannot be used ({reason}")
    assert line.endswith("): move it aside or delete it (a new cache is built on the next run), " + WAYS_OUT)
    assert not output.exists() and fake.count("amap") == requests  # no request, no output

    # the ways out: another cache file, or none
    assert geocode(register, output, "--cache", str(tmp_path / "new.sqlite")) == 0
    assert geocode(register, tmp_path / "uncached.csv", "--no-cache") == 0
    assert pd.read_csv(output)["定位状态"].tolist() == ["not_found", "not_found"]


def test_a_locked_cache_is_one_line_and_exit_2(fake, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(geocode_cache, "BUSY_TIMEOUT", 0.5)  # instead of waiting 10 s for the other program
    register = write_register(tmp_path / "parks.csv", ADDRESSES[:1])
    cache = tmp_path / "geocode.sqlite"
    holder = sqlite3.connect(cache, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert geocode(register, tmp_path / "located.csv", "--cache", str(cache)) == 2
    finally:
        holder.close()
    assert last_line(capsys) == (f"kunshan-heatmap: error: geocode cache {cache} is locked by another program "
                                 f"(database is locked, waited 0.5 s): close that program and run again, " + WAYS_OUT)
    assert fake.count("amap") == 0


def test_no_cache_reads_and_writes_no_cache(fake, tmp_path, capsys):
    register = write_register(tmp_path / "parks.csv", ADDRESSES[:3])
    for address in ADDRESSES[:3]:
        fake.script("amap", address, amap_ok(120.95, 31.29))
    default = Path(os.environ["KUNSHAN_HEATMAP_GEOCACHE"])
    default.parent.mkdir()
    default.write_bytes(b"a damaged cache")
    output = tmp_path / "located.csv"
    for run in (1, 2):
        assert geocode(register, output, "--no-cache") == 0
        assert fake.count("amap") == 3 * run  # every address asked each time: nothing cached
    assert default.read_bytes() == b"a damaged cache" and os.listdir(default.parent) == ["geocode.sqlite"]
    assert pd.read_csv(output)["定位状态"].tolist() == ["ok"] * 3

    with pytest.raises(SystemExit) as caught:
        geocode(register, output, "--no-cache", "--cache", str(tmp_path / "c.sqlite"))
    assert caught.value.code == 2
    assert "argument --cache: not allowed with argument --no-cache" in capsys.readouterr().err


def test_a_malformed_service_url_is_one_line_without_the_key(fake, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KUNSHAN_AMAP_URL", f"{fake.base_url}/ proxy?key={KEY}")
    register = write_register(tmp_path / "parks.csv", ADDRESSES[:1])
    output = tmp_path / "located.csv"
    assert geocode(register, output, "--cache", str(tmp_path / "c.sqlite")) == 2
    assert last_line(capsys) == (f"kunshan-heatmap: error: KUNSHAN_AMAP_URL must be an http(s) URL, got "
                                 f"'{fake.base_url}/ proxy?key=***': it contains white space or control characters")
    assert not output.exists() and fake.count("amap") == 0


def test_no_output_byte_and_no_cache_row_holds_the_key(fake, tmp_path, capsys):
    register = write_register(tmp_path / "parks.csv", ADDRESSES[:3])
    fake.script("amap", ADDRESSES[0], echo("amap_info"))
    fake.script("amap", ADDRESSES[1], echo("reason"))
    fake.script("amap", ADDRESSES[2], Reply({"status": "0", "info": f"INVALID_USER_KEY {KEY}", "infocode": "10001"}))
    cache = tmp_path / "c.sqlite"
    output = tmp_path / "located.csv"
    assert geocode(register, output, "--cache", str(cache)) == 0
    out, err = capsys.readouterr()
    table = pd.read_csv(output)
    assert table["定位状态"].tolist() == ["failed"] * 3
    assert table["定位说明"].str.contains("key=\\*\\*\\*").tolist() == [True, True, False]
    assert table["定位说明"].tolist()[2] == "AMap error: INVALID_USER_KEY *** (infocode 10001)"
    assert [fake.count("amap", a) for a in ADDRESSES[:3]] == [1, 1, 1]  # a bad key is not retried
    assert KEY.encode() not in output.read_bytes() and KEY.encode() not in cache.read_bytes()
    assert KEY not in out + err
    with sqlite3.connect(cache) as connection:
        for table_name in ("geocode", "claim"):
            for row in connection.execute(f"SELECT * FROM {table_name}"):
                assert not any(KEY in str(value) for value in row)


def test_four_runs_at_once_on_one_cache_ask_each_address_once(fake, tmp_path):
    register = write_register(tmp_path / "parks.csv", ADDRESSES)
    for i, address in enumerate(ADDRESSES):
        fake.script("amap", address, Reply(amap_ok(120.90 + i / 1000, 31.30).body, delay=0.05))
    cache = tmp_path / "shared.sqlite"
    runner = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    keys = [f"{KEY[:-1]}{n}" for n in range(4)]  # one key per run: the server sees which run asked
    runs = [subprocess.Popen([sys.executable, "-c", runner, "geocode", str(register), "-o",
                              str(tmp_path / f"located{n}.csv"), "--provider", "amap", "--cache", str(cache),
                              "--no-progress"], cwd=ROOT, env={**os.environ, "KUNSHAN_AMAP_KEY": keys[n]},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, results
    assert fake.count("amap") == 40  # four runs, forty addresses, forty requests
    assert all(fake.count("amap", address) == 1 for address in ADDRESSES)
    asked_by = {request["query"]["key"] for request in fake.requests}
    assert len(asked_by) >= 2  # the runs overlapped and shared the work (one alone would take ~16 s)
    for n in range(4):
        table = pd.read_csv(tmp_path / f"located{n}.csv")
        assert table["定位状态"].tolist() == ["ok"] * 40
        assert table["经度"].is_monotonic_increasing  # each row its own answer
    with sqlite3.connect(cache) as connection:
        assert connection.execute("SELECT COUNT(*) FROM geocode").fetchone() == (40,)
        assert connection.execute("SELECT COUNT(*) FROM claim").fetchone() == (0,)
