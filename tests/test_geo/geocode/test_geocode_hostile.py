"""Online geocoding against hostile servers on 127.0.0.1 and broken caches: keys never leak, requests never
hang or flood, redirects stay on one host, permanent errors are not retried, concurrent runs share the work, a
damaged or locked cache is one clear error."""

from __future__ import annotations

import gc
import os
import sqlite3
import ssl
import subprocess
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, HTTPServer

import pandas as pd
import pytest

from fake_geocoders import (FakeClock, FakeGeocoders, Reply, amap_error, amap_ok, baidu_error, baidu_ok, dribble,
                            echo, huge, nominatim_ok, redirect)
from geo.errors import GeocodeCacheError, GeocodingError
from geo.geocode.batch import geocode_addresses
from geo.geocode.cache import GeocodeCache
from geo.geocode.register_file import geocode_register
from geo.geocode.providers import AMapProvider, BaiduProvider, NominatimProvider, Result
from geo.geocode.providers.base import TIME_LIMIT, SIZE_LIMIT
from geo.geocode.secrets import redact, secrets_sent

KEY = "0123456789abcdef0123456789abcdef"  # shaped like an AMap key
AK = "Ab+c/d=eFgHiJkLmNoPqRsTuVwXyZ012"  # a Baidu ak with characters that are percent-encoded in a URL
GCJ = (120.98, 31.38)
AGENT = "kunshan-heatmap/0.1 (+mailto:tests@example.org)"
TOO_LARGE = "answer larger than the size limit of 1000000 bytes: not read further"


@pytest.fixture
def fake():
    with FakeGeocoders() as server:
        yield server


@pytest.fixture
def other():
    with FakeGeocoders() as server:
        yield server


def amap(fake, clock=None, **options):
    return AMapProvider(KEY, base_url=fake.base_url, **(clock or FakeClock()).options(), **options)


def baidu(fake, clock=None, **options):
    return BaiduProvider(AK, base_url=fake.base_url, **(clock or FakeClock()).options(), **options)


def cache_texts(path) -> str:
    """Every value of every column of every table of an SQLite file, as one text."""
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(str(value) for table in tables
                         for row in connection.execute(f"SELECT * FROM {table}") for value in row)


def assert_no_secret(*texts):
    for text in texts:
        for secret in (KEY, AK, AK.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")):
            assert secret not in text


# --- the limits: total time, size ---------------------------------------------------------------------------


def test_the_limits_live_in_one_place_with_their_defaults():
    provider = AMapProvider(KEY)
    assert (TIME_LIMIT, SIZE_LIMIT) == (20.0, 1_000_000)
    assert (provider.timeout, provider.max_bytes) == (20.0, 1_000_000)
    with pytest.raises(GeocodingError, match=r"^max_bytes must be an integer >= 1, got 0$"):
        AMapProvider(KEY, max_bytes=0)


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_dribbling_server_is_cut_at_the_total_time_limit(fake, part):
    # a byte every 0.5 s: a per-read timeout of 2 s would never fire and the request would last ~30 s
    fake.script("amap", "x", dribble(every=0.5, part=part))
    clock = FakeClock()
    started = time.monotonic()
    out = geocode_addresses(pd.Series(["x"]), amap(fake, clock, timeout=2, retries=1), progress=False)
    elapsed = time.monotonic() - started
    assert 3.9 <= elapsed < 10  # two attempts of 2 s each, then failed
    assert (out.loc[0, "status"], out.loc[0, "error"]) == ("failed", "timed out after 2 s (after 2 attempts)")
    assert fake.count("amap", "x") == 2
    assert 2 <= fake.sent <= 16  # bytes dribbled before the client hung up, about 4 per attempt


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "until-close"])
def test_a_huge_answer_is_refused_and_not_cached(fake, tmp_path, announce):
    fake.script("amap", "x", huge(210_000_000, announce=announce))
    cache = tmp_path / "c.sqlite"
    started = time.monotonic()
    out = geocode_addresses(pd.Series(["x"]), amap(fake), cache_path=cache, progress=False)
    assert time.monotonic() - started < 10
    assert (out.loc[0, "status"], out.loc[0, "error"]) == ("failed", TOO_LARGE)
    assert fake.count("amap", "x") == 1  # not retried
    assert fake.sent < 50_000_000  # the client stopped reading: what the server sent is socket buffers
    with sqlite3.connect(cache) as connection:
        assert connection.execute("SELECT status, raw FROM geocode").fetchall() == [("failed", None)]


def test_the_size_cap_counts_bytes_of_the_answer(fake):
    small = amap_ok(*GCJ)
    fake.script("amap", "fits", small)
    fake.script("amap", "over", Reply({"status": "1", "geocodes": [], "pad": "x" * 2000}))
    out = geocode_addresses(pd.Series(["fits", "over"]), amap(fake, max_bytes=len(small.payload())),
                            progress=False)
    assert out["status"].tolist() == ["ok", "failed"]
    assert out.loc[1, "error"] == f"answer larger than the size limit of {len(small.payload())} bytes: not read further"


def test_nominatim_requests_under_the_same_limits(fake, other):
    fake.script("nominatim", "big", huge(5_000_000, announce=False))
    fake.script("nominatim", "moved", redirect(other.base_url))
    fake.script("nominatim", "fine", nominatim_ok(120.95, 31.38))
    provider = NominatimProvider(AGENT, domain=fake.domain, scheme="http", **FakeClock().options())
    out = geocode_addresses(pd.Series(["big", "moved", "fine"]), provider, progress=False)
    assert out["status"].tolist() == ["failed", "failed", "ok"]
    assert out["error"].tolist()[:2] == [
        TOO_LARGE, f"HTTP 302: redirect to {other.base_url} not followed (only redirects within {fake.base_url} are)"]
    assert other.count("nominatim") == 0 and fake.count("nominatim") == 3


# --- redirects ----------------------------------------------------------------------------------------------


def test_a_redirect_to_another_host_port_or_scheme_is_not_followed(fake, other):
    fake.script("amap", "host", redirect(f"http://localhost:{other.port}"))
    fake.script("amap", "port", redirect(other.base_url, status=301))
    fake.script("amap", "scheme", redirect(f"https://127.0.0.1:{fake.port}", status=307))
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["host", "port", "scheme"]), amap(fake, clock), progress=False)
    within = f"(only redirects within {fake.base_url} are)"
    assert out["error"].tolist() == [f"HTTP 302: redirect to http://localhost:{other.port} not followed {within}",
                                     f"HTTP 301: redirect to {other.base_url} not followed {within}",
                                     f"HTTP 307: redirect to https://127.0.0.1:{fake.port} not followed {within}"]
    assert out["status"].tolist() == ["failed"] * 3
    assert other.count("amap") == 0  # never reached, and the key never sent there
    assert [fake.count("amap", a) for a in ("host", "port", "scheme")] == [1, 1, 1]  # not retried
    assert clock.sleeps == [0.34, 0.34]  # only the rate limit between addresses


def test_a_redirect_within_the_host_is_followed(fake):
    fake.script("amap", "x", redirect(fake.base_url), amap_ok(*GCJ))
    out = geocode_addresses(pd.Series(["x"]), amap(fake), progress=False)
    assert (out.loc[0, "status"], fake.count("amap", "x")) == ("ok", 2)
    assert fake.requests[1]["query"]["key"] == KEY  # the key goes to the same host only


def test_a_redirect_loop_ends(fake):
    fake.script("amap", "x", redirect(fake.base_url))
    out = geocode_addresses(pd.Series(["x"]), amap(fake), progress=False)
    assert out.loc[0, "error"] == f"HTTP 302: too many redirects (more than 5, or a loop) within {fake.base_url}"
    assert fake.count("amap", "x") == 5  # the same URL at most 4 times again, then given up, not retried


# --- secrets ------------------------------------------------------------------------------------------------


def test_redact_blanks_keys_in_every_form(monkeypatch):
    monkeypatch.setenv("KUNSHAN_BAIDU_AK", AK)
    text = (f"GET /geocoding/v3/?ak={AK.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')}&x=1 "
            f"token=abc&sk=s3cr3t json {{'ak': '{AK}'}} escaped {AK.replace('/', chr(92) + '/')} "
            f"proxy http://user:pa55word@proxy:3128 monkey=kept")
    assert redact(text) == ("GET /geocoding/v3/?ak=***&x=1 token=***&sk=*** json {'ak': '***'} escaped *** "
                            "proxy http://user:***@proxy:3128 monkey=kept")
    assert redact("key=k&address=x", ["k"]) == "key=***&address=x"  # a short value only where it is named
    assert redact("kunshan", ["k"]) == "kunshan"
    assert secrets_sent(f"http://h/p?key={KEY}&address=a", {"Authorization": "Bearer t"}) == (KEY, "Bearer t")


@pytest.mark.parametrize("where, make, message", [
    ("amap_info", amap, "AMap error: INVALID_USER_KEY /v3/geocode/geo?key=***&address=x&city=%E6%98%86%E5%B1%B1"
                        "&output=JSON (infocode 10001)"),
    ("reason", amap, "HTTP 403 Forbidden /v3/geocode/geo?key=***&address=x&city=%E6%98%86%E5%B1%B1&output=JSON"),
    ("baidu_message", baidu, "Baidu error: status 240: APP 服务被禁用 /geocoding/v3/?address=x&output=json&ak=***"
                             "&ret_coordtype=bd09ll&city=%E6%98%86%E5%B1%B1%E5%B8%82"),
])
def test_a_server_echoing_the_request_never_leaks_the_key(fake, tmp_path, where, make, message):
    fake.script(make.__name__, "x", echo(where))
    cache = tmp_path / "c.sqlite"
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["x"]), make(fake, clock), cache_path=cache, progress=False)
    assert (out.loc[0, "status"], out.loc[0, "error"]) == ("failed", message)
    assert fake.count(make.__name__, "x") == 1 and clock.sleeps == []  # a bad key is not retried
    assert_no_secret(out.to_csv(), cache_texts(cache), cache.read_bytes().decode("utf-8", "replace"))
    geocode_addresses(pd.Series(["x"]), make(fake), cache_path=cache, progress=False)
    assert fake.count(make.__name__, "x") == 2  # not cached as an answer: a fixed key asks again


@pytest.mark.parametrize("make, reply, message", [
    (amap, amap_error("INVALID_USER_KEY", "10001"), "AMap error: INVALID_USER_KEY (infocode 10001)"),
    (amap, amap_error("DAILY_QUERY_OVER_LIMIT", "10003"), "AMap error: DAILY_QUERY_OVER_LIMIT (infocode 10003)"),
    (amap, amap_error("USERKEY_PLAT_NOMATCH", "10009"), "AMap error: USERKEY_PLAT_NOMATCH (infocode 10009)"),
    (baidu, baidu_error(200, "APP不存在，AK有误请检查再重试"), "Baidu error: status 200: APP不存在，AK有误请检查再重试"),
    (baidu, baidu_error(5, "AK非法或不存在"), "Baidu error: status 5: AK非法或不存在"),
])
def test_permanent_errors_are_not_retried_nor_cached_as_answers(fake, tmp_path, make, reply, message):
    service = make.__name__
    ok = amap_ok(*GCJ) if service == "amap" else baidu_ok(*GCJ)
    fake.script(service, "x", reply, reply, ok)
    cache = tmp_path / "c.sqlite"
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["x"]), make(fake, clock), cache_path=cache, progress=False)
    assert (out.loc[0, "status"], out.loc[0, "error"]) == ("failed", message)
    assert fake.count(service, "x") == 1 and clock.sleeps == []
    again = geocode_addresses(pd.Series(["x"]), make(fake), cache_path=cache, progress=False)
    assert again.loc[0, "status"] == "failed" and fake.count(service, "x") == 2
    fixed = geocode_addresses(pd.Series(["x"]), make(fake), cache_path=cache, progress=False)
    assert fixed.loc[0, "status"] == "ok" and fake.count(service, "x") == 3


def test_a_malformed_service_url_is_refused_before_any_request_without_the_key(monkeypatch, fake):
    monkeypatch.setenv("KUNSHAN_AMAP_KEY", KEY)
    monkeypatch.setenv("KUNSHAN_AMAP_URL", f"http://127.0.0.1:{fake.port}/ proxy?key={KEY}")
    with pytest.raises(GeocodingError) as caught:
        geocode_addresses(pd.Series(["x"]), "amap", progress=False)
    assert str(caught.value) == (f"KUNSHAN_AMAP_URL must be an http(s) URL, got 'http://127.0.0.1:{fake.port}/ "
                                 f"proxy?key=***': it contains white space or control characters")
    monkeypatch.setenv("KUNSHAN_AMAP_URL", "http://127.0.0.1:80a")
    with pytest.raises(GeocodingError, match=r"^KUNSHAN_AMAP_URL must be an http\(s\) URL, got "
                                             r"'http://127.0.0.1:80a': the port is not a number"):
        AMapProvider()
    assert fake.count("amap") == 0


def test_an_invalid_request_url_fails_at_once_without_the_key(fake):
    clock = FakeClock()
    provider = amap(fake, clock)
    provider.base_url = f"{fake.base_url}/a b"  # as if a proxy rewrote it after the check
    out = geocode_addresses(pd.Series(["x"]), provider, progress=False)
    assert out.loc[0, "status"] == "failed"
    assert out.loc[0, "error"].startswith("invalid request URL: URL can't contain control characters. '/a b/v3/")
    assert "key=***" in out.loc[0, "error"]
    assert_no_secret(out.loc[0, "error"])
    assert fake.count("amap") == 0 and clock.sleeps == []  # permanent: not retried


def test_a_provider_of_ones_own_cannot_leak_an_environment_key(monkeypatch, tmp_path):
    monkeypatch.setenv("KUNSHAN_AMAP_KEY", KEY)

    class Mine:
        name, datum = "mine", "wgs84"

        def geocode(self, address):
            return Result("failed", error=f"refused https://x.org/geo?address={address}&key={KEY}", raw=KEY)

    cache = tmp_path / "c.sqlite"
    out = geocode_addresses(pd.Series(["x"]), Mine(), cache_path=cache, progress=False)
    assert out.loc[0, "error"] == "refused https://x.org/geo?address=x&key=***"
    assert_no_secret(cache_texts(cache))


# --- TLS ----------------------------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate (made by openssl)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_refused_certificate_is_permanent(tls_server):
    clock = FakeClock()
    provider = AMapProvider(KEY, base_url=tls_server, **clock.options())
    out = geocode_addresses(pd.Series(["x"]), provider, progress=False)
    assert (out.loc[0, "status"], out.loc[0, "error"]) == ("failed", "TLS certificate refused: self-signed certificate")
    assert clock.sleeps == []


# --- the cache: damaged, locked, shared ---------------------------------------------------------------------


WAYS_OUT = "use another cache file (--cache NEW_PATH, cache_path=) or none (--no-cache, no_cache=True)"


def written_cache(path, rows=200):
    with GeocodeCache(path) as cache:
        for i in range(rows):
            cache.store("amap", f"k{i}", f"a{i}", Result("ok", 120.9, 31.3, "exact", raw="r" * 500), "gcj02")
    return path


@pytest.mark.parametrize("damage, reason", [
    ("text", "file is not a database"),
    ("truncated", "database disk image is malformed"),
    ("other schema", "its table geocode has the columns a, b, not provider, key, address, status, lon, lat, datum, "
                     "precision, matched, raw, error, attempts, timestamp: not a geocode cache"),
])
def test_a_damaged_cache_is_one_clear_error_before_any_request(fake, tmp_path, damage, reason):
    path = tmp_path / "geocode.sqlite"
    if damage == "text":
        path.write_text("this is not a cache\n" * 100, encoding="utf-8")
    elif damage == "truncated":
        data = written_cache(path).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE geocode (a, b)")
    with pytest.raises(GeocodeCacheError) as caught:
        geocode_addresses(pd.Series(["x"]), amap(fake), cache_path=path, progress=False)
    message = str(caught.value)
    assert message.startswith(f"geocode cache {path} cannot be used ({reason}")
    assert message.endswith("): move it aside or delete it (a new cache is built on the next run), "
                            + WAYS_OUT)
    assert "\n" not in message and isinstance(caught.value, GeocodingError)
    assert fake.count("amap") == 0


def test_a_locked_cache_is_one_clear_error_after_the_busy_timeout(tmp_path):
    path = written_cache(tmp_path / "geocode.sqlite", rows=1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(GeocodeCacheError) as caught:
            GeocodeCache(path, busy_timeout=0.5)
        assert 0.4 <= time.monotonic() - started < 10
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(caught.value) == (f"geocode cache {path} is locked by another program (database is locked, waited "
                                 f"0.5 s): close that program and run again, " + WAYS_OUT)


def test_geocode_register_without_a_cache(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("KUNSHAN_AMAP_KEY", KEY)
    monkeypatch.setenv("KUNSHAN_AMAP_URL", fake.base_url)
    monkeypatch.setenv("KUNSHAN_HEATMAP_GEOCACHE", str(tmp_path / "default.sqlite"))
    register = tmp_path / "parks.csv"
    register.write_text("园区名称,地址\n甲园,昆山市张浦镇1号\n", encoding="utf-8")
    fake.script("amap", "昆山市张浦镇1号", amap_ok(*GCJ))
    for run in (1, 2):
        table, _ = geocode_register(register, tmp_path / "out.csv", provider="amap", no_cache=True, progress=False)
        assert table["geocode_status"].tolist() == ["ok"] and fake.count("amap") == run
    assert not (tmp_path / "default.sqlite").exists()
    with pytest.raises(GeocodingError, match=r"^geocode_register: no_cache must be True or False, and True only "
                                             r"without a cache_path; got no_cache=True, cache_path='c.sqlite'$"):
        geocode_register(register, tmp_path / "out.csv", provider="amap", no_cache=True, cache_path="c.sqlite")


def test_a_folder_where_the_cache_should_be(tmp_path):
    (tmp_path / "geocode.sqlite").mkdir()
    with pytest.raises(GeocodeCacheError, match=r"cannot be used \(unable to open database file\)"):
        GeocodeCache(tmp_path / "geocode.sqlite")


def test_claims_between_two_runs_on_one_file(tmp_path):
    path = tmp_path / "c.sqlite"
    old = GeocodeCache(path)
    old.store("amap", "tried before", "a", Result("failed", error="HTTP 503"), "gcj02")
    old.close()
    with GeocodeCache(path) as first, GeocodeCache(path) as second:
        assert first.claim("amap", "k", lease=60) == "claimed"
        assert second.claim("amap", "k", lease=60) == "busy"
        first.store("amap", "k", "k", Result("failed", error="HTTP 503"), "gcj02")
        assert second.claim("amap", "k", lease=60) == "answered"  # tried during this run: not asked again
        assert second.claim("amap", "tried before", lease=60) == "claimed"  # failed in an earlier run: asked
        assert first.claim("amap", "dead", lease=-1) == "claimed"  # a claim whose lease has run out ...
        assert second.claim("amap", "dead", lease=60) == "claimed"  # ... is taken over
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM claim").fetchone() == (0,)  # released on closing


def test_an_interrupted_run_releases_its_claims(fake, tmp_path):
    path = tmp_path / "c.sqlite"
    with pytest.raises(KeyboardInterrupt):
        geocode_addresses(pd.Series(["a", "b"]), amap(fake, FakeClock(interrupt_on=1)), cache_path=path,
                          progress=False)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM claim").fetchone() == (0,)
    out = geocode_addresses(pd.Series(["a", "b"]), amap(fake), cache_path=path, progress=False)
    assert out["status"].tolist() == ["not_found", "not_found"] and fake.count("amap") == 2


def test_a_run_waits_for_an_address_another_run_is_asking(fake, tmp_path):
    path = tmp_path / "c.sqlite"
    fake.script("amap", "x", amap_ok(*GCJ))
    claimed, states = threading.Event(), []

    def other_run():  # claims x, answers it a second later
        with GeocodeCache(path) as holder:
            states.append(holder.claim("amap", "x", lease=60))
            claimed.set()
            time.sleep(1.0)
            holder.store("amap", "x", "x", Result("ok", *GCJ, "exact"), "gcj02")

    thread = threading.Thread(target=other_run)
    thread.start()
    assert claimed.wait(10)
    started = time.monotonic()
    out = geocode_addresses(pd.Series(["x"]), amap(fake), cache_path=path, progress=False)
    thread.join()
    assert states == ["claimed"]
    assert 0.5 <= time.monotonic() - started < 10  # waited for the other run, not for the 60 s lease
    assert out.loc[0, "status"] == "ok" and fake.count("amap") == 0  # the other run's answer, not asked again


def test_time_bound_covers_every_attempt_and_wait():
    provider = AMapProvider(KEY, timeout=2, retries=3, max_wait=5, min_interval=0.5)
    assert provider.time_bound() == pytest.approx(4 * (2 + 0.5) + 3 * 5)


def test_no_connection_is_left_open(fake):
    fake.script("amap", "big", huge(5_000_000, announce=False))
    fake.script("amap", "slow", dribble(every=0.2))
    before = len(os.listdir("/proc/self/fd"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(5):
            geocode_addresses(pd.Series(["big", "slow", "fine"]), amap(fake, timeout=0.5, retries=0),
                              progress=False)
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []  # all closed, not dropped
    deadline = time.monotonic() + 5  # the server's side of each connection closes in its own thread
    while len(os.listdir("/proc/self/fd")) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(os.listdir("/proc/self/fd")) <= before  # 15 requests, none left open
