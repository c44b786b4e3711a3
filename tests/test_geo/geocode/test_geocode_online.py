"""Online geocoding against fake AMap, Baidu and Nominatim services on 127.0.0.1: statuses, retries, timeouts,
rate limit, datum converted once, SQLite cache, resuming after an interrupt."""

import math
import socket
import sqlite3

import pandas as pd
import pytest

from fake_geocoders import (FakeClock, FakeGeocoders, Reply, amap_error, amap_none, amap_ok, baidu_error,
                            baidu_none, baidu_ok, error, nominatim_none, nominatim_ok, slow)
from geo.place.datum import bd09_to_wgs84, gcj02_to_wgs84
from geo.geocode.batch import COLUMNS, geocode_addresses
from geo.geocode.providers import (AMapProvider, BaiduProvider, GeocodingError, NominatimProvider, RateLimiter, Result)

AGENT = "kunshan-heatmap/0.1 (+mailto:tests@example.org)"
# Served coordinates: in Kunshan (GCJ-02 / BD-09 as the services would give them) and in Shanghai.
GCJ = (120.980000, 31.380000)
BD = (120.986453, 31.386181)
SHANGHAI_GCJ = (121.473700, 31.230400)


@pytest.fixture
def fake():
    with FakeGeocoders() as server:
        yield server


def amap(fake, clock=None, **options):
    options = {"retries": 3, "backoff": 0.5, **options}
    return AMapProvider("test-key", base_url=fake.base_url, **(clock or FakeClock()).options(), **options)


def baidu(fake, clock=None, **options):
    return BaiduProvider("test-ak", base_url=fake.base_url, **(clock or FakeClock()).options(), **options)


def nominatim(fake, clock=None, **options):
    return NominatimProvider(AGENT, domain=fake.domain, scheme="http", **(clock or FakeClock()).options(),
                             **options)


def rows_in(path):
    with sqlite3.connect(path) as connection:
        return pd.read_sql_query("SELECT * FROM geocode ORDER BY key", connection)


# --- datum converted once; SQLite cache ---------------------------------------------------------------------


def test_amap_gcj02_converted_to_wgs84_once_and_cached(fake, tmp_path):
    address = "昆山市张浦镇xx路88号"
    fake.script("amap", address, amap_ok(*GCJ, level="门牌号", formatted_address="江苏省苏州市昆山市张浦镇xx路88号"))
    cache = tmp_path / "cache" / "geocode.sqlite"
    first = geocode_addresses(pd.Series([address], index=["p1"]), amap(fake), cache_path=cache, progress=False)

    expected = gcj02_to_wgs84(*GCJ)
    row = first.loc["p1"]
    assert list(first.columns) == COLUMNS
    assert (row["lon"], row["lat"]) == expected
    assert (row["lon_input"], row["lat_input"], row["datum_input"]) == (*GCJ, "gcj02")
    assert (row["status"], row["precision"], row["source"], row["review"]) == ("ok", "exact", "amap", False)
    assert row["matched"] == "江苏省苏州市昆山市张浦镇xx路88号" and pd.isna(row["error"])
    assert fake.count("amap", address) == 1
    query = fake.requests[0]["query"]
    assert (query["key"], query["city"], query["address"]) == ("test-key", "昆山", address)

    # the SQLite file holds the provider's own coordinates and datum
    stored = rows_in(cache)
    assert stored[["provider", "key", "status", "datum", "precision"]].values.tolist() == [
        ["amap", address.casefold(), "ok", "gcj02", "exact"]]
    assert (stored.loc[0, "lon"], stored.loc[0, "lat"]) == GCJ
    assert "test-key" not in stored.loc[0, "raw"]

    # a second run comes from the cache: no request, the same WGS-84 point, not converted twice
    second = geocode_addresses(pd.Series([address], index=["p1"]), amap(fake), cache_path=cache, progress=False)
    assert fake.count("amap", address) == 1
    assert (second.loc["p1", "lon"], second.loc["p1", "lat"]) == expected
    twice = gcj02_to_wgs84(*expected)
    assert abs(second.loc["p1", "lon"] - twice[0]) > 1e-3  # a double conversion would be ~470 m further
    pd.testing.assert_frame_equal(first, second)


def test_baidu_bd09_converted_to_wgs84_once(fake, tmp_path):
    address = "昆山市锦溪镇锦商路699号"
    fake.script("baidu", address, baidu_ok(*BD, level="门址"))
    cache = tmp_path / "geocode.sqlite"
    first = geocode_addresses(pd.Series([address]), baidu(fake), cache_path=cache, progress=False)
    expected = bd09_to_wgs84(*BD)
    assert (first.loc[0, "lon"], first.loc[0, "lat"]) == expected
    assert (first.loc[0, "datum_input"], first.loc[0, "precision"], first.loc[0, "status"]) == ("bd09", "exact", "ok")
    query = fake.requests[0]["query"]
    assert (query["ak"], query["ret_coordtype"], query["output"]) == ("test-ak", "bd09ll", "json")

    second = geocode_addresses(pd.Series([address]), baidu(fake), cache_path=cache, progress=False)
    assert fake.count("baidu", address) == 1
    assert (second.loc[0, "lon"], second.loc[0, "lat"]) == expected


def test_baidu_fuzzy_point_is_at_best_road_and_levels_map(fake):
    fake.script("baidu", "a", baidu_ok(*BD, level="门址", precise=0))
    fake.script("baidu", "b", baidu_ok(*BD, level="乡镇"))
    fake.script("baidu", "c", baidu_ok(*BD, level="商务大厦"))
    out = geocode_addresses(pd.Series(["a", "b", "c"]), baidu(fake), progress=False)
    assert out["precision"].tolist() == ["road", "town", "exact"]


def test_nominatim_through_geopy(fake):
    address = "昆山市玉山镇"
    fake.script("nominatim", address, nominatim_ok(120.9514, 31.3844, addresstype="town", place_rank=18))
    out = geocode_addresses(pd.Series([address]), nominatim(fake), progress=False)
    row = out.loc[0]
    assert (row["lon"], row["lat"], row["datum_input"]) == (120.9514, 31.3844, "wgs84")
    assert (row["status"], row["precision"], row["source"]) == ("ok", "town", "nominatim")
    request = fake.requests[0]
    assert request["headers"]["User-Agent"] == AGENT
    assert (request["query"]["q"], request["query"]["format"], request["query"]["countrycodes"]) == (address, "json",
                                                                                                   "cn")


def test_nominatim_precision_from_place_rank_and_not_found(fake):
    fake.script("nominatim", "a", nominatim_ok(120.95, 31.38, addresstype="unknown-type", place_rank=26))
    fake.script("nominatim", "b", nominatim_none())
    out = geocode_addresses(pd.Series(["a", "b"]), nominatim(fake), progress=False)
    assert out["precision"].tolist()[0] == "road"
    assert out["status"].tolist() == ["ok", "not_found"]


# --- statuses -----------------------------------------------------------------------------------------------


def test_no_result_answers_are_not_found_and_served_from_cache(fake, tmp_path):
    fake.script("amap", "无此地址", amap_none())
    fake.script("baidu", "无此地址", baidu_none())
    cache = tmp_path / "c.sqlite"
    for provider in (amap(fake), baidu(fake)):
        out = geocode_addresses(pd.Series(["无此地址"]), provider, cache_path=cache, progress=False)
        assert (out.loc[0, "status"], out.loc[0, "review"]) == ("not_found", False)
        assert pd.isna(out.loc[0, "error"]) and math.isnan(out.loc[0, "lon"])
    for provider in (amap(fake), baidu(fake)):
        geocode_addresses(pd.Series(["无此地址"]), provider, cache_path=cache, progress=False)
    assert (fake.count("amap", "无此地址"), fake.count("baidu", "无此地址")) == (1, 1)


def test_amap_status_0_is_failed_not_retried(fake):
    fake.script("amap", "x", amap_error("INVALID_USER_KEY", "10001"))
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["x"]), amap(fake, clock), progress=False)
    assert out.loc[0, "status"] == "failed"
    assert out.loc[0, "error"] == "AMap error: INVALID_USER_KEY (infocode 10001)"
    assert fake.count("amap", "x") == 1 and clock.sleeps == []


def test_amap_access_too_frequent_is_retried(fake):
    fake.script("amap", "x", amap_error("CUQPS_HAS_EXCEEDED_THE_LIMIT", "10019"), amap_ok(*GCJ))
    out = geocode_addresses(pd.Series(["x"]), amap(fake), progress=False)
    assert out.loc[0, "status"] == "ok" and fake.count("amap", "x") == 2


def test_baidu_quota_status_is_failed(fake):
    fake.script("baidu", "x", baidu_error(302, "天配额超限，限制访问"))
    out = geocode_addresses(pd.Series(["x"]), baidu(fake), progress=False)
    assert out.loc[0, "status"] == "failed"
    assert out.loc[0, "error"] == "Baidu error: status 302: 天配额超限，限制访问"
    assert fake.count("baidu", "x") == 1


def test_malformed_json_is_failed_then_asked_again(fake, tmp_path):
    fake.script("amap", "x", Reply("{not json"), amap_ok(*GCJ))
    fake.script("amap", "y", amap_ok(*GCJ))
    cache = tmp_path / "c.sqlite"
    out = geocode_addresses(pd.Series(["x", "y"]), amap(fake), cache_path=cache, progress=False)
    assert out["status"].tolist() == ["failed", "ok"]
    assert out.loc[0, "error"].startswith("malformed JSON answer: ")
    assert math.isnan(out.loc[0, "lon"]) and not out.loc[0, "review"]
    assert fake.count("amap", "x") == 1  # a malformed answer is not retried within the run
    assert rows_in(cache)["status"].tolist() == ["failed", "ok"]

    again = geocode_addresses(pd.Series(["x", "y"]), amap(fake), cache_path=cache, progress=False)
    assert again["status"].tolist() == ["ok", "ok"]
    assert (fake.count("amap", "x"), fake.count("amap", "y")) == (2, 1)  # only the failed one asked again
    assert rows_in(cache)["status"].tolist() == ["ok", "ok"]


@pytest.mark.parametrize("body, message", [
    ({"status": "1", "count": "1", "geocodes": [{"level": "门牌号"}]}, "AMap answer without a usable 'location'"),
    ({"status": "1", "count": "1", "geocodes": [{"location": "abc"}]}, "AMap answer without a usable 'location'"),
    ({"status": "1"}, "AMap answer without a 'geocodes' list"),
    (["not", "an", "object"], "unexpected JSON answer (not an object)"),
])
def test_amap_missing_fields_are_failed(fake, body, message):
    fake.script("amap", "x", Reply(body))
    out = geocode_addresses(pd.Series(["x"]), amap(fake), progress=False)
    assert out.loc[0, "status"] == "failed"
    assert out.loc[0, "error"].startswith(message)


def test_baidu_missing_location_is_failed(fake):
    fake.script("baidu", "x", Reply({"status": 0, "result": {"level": "门址"}}))
    out = geocode_addresses(pd.Series(["x"]), baidu(fake), progress=False)
    assert out.loc[0, "status"] == "failed"
    assert out.loc[0, "error"].startswith("Baidu answer without a usable result.location")


def test_answer_outside_kunshan_is_flagged(fake):
    fake.script("amap", "昆山路1号", amap_ok(*SHANGHAI_GCJ, level="门牌号"))
    out = geocode_addresses(pd.Series(["昆山路1号"]), amap(fake), progress=False)
    row = out.loc[0]
    assert (row["status"], row["review"]) == ("outside", True)
    assert (row["lon"], row["lat"]) == gcj02_to_wgs84(*SHANGHAI_GCJ)


def test_coarse_answer_flagged_when_exact_expected(fake):
    fake.script("amap", "coarse", amap_ok(*GCJ, level="区县"))
    fake.script("amap", "fine", amap_ok(*GCJ, level="门牌号"))
    fake.script("amap", "odd", amap_ok(*GCJ, level="未知"))
    out = geocode_addresses(pd.Series(["coarse", "fine", "odd"]), amap(fake), expected_precision="exact",
                            progress=False)
    assert out["status"].tolist() == ["ok", "ok", "ok"]
    assert out["precision"].tolist()[:2] == ["city", "exact"] and pd.isna(out.loc[2, "precision"])
    assert out["review"].tolist() == [True, False, True]


def test_several_different_places_are_ambiguous(fake):
    fake.script("amap", "人民路", amap_ok(*GCJ, level="道路", more=[(120.95, 31.30)]))
    out = geocode_addresses(pd.Series(["人民路"]), amap(fake), progress=False)
    assert (out.loc[0, "status"], out.loc[0, "review"], out.loc[0, "precision"]) == ("ambiguous", True, "road")


def test_blank_and_duplicate_addresses(fake):
    fake.script("amap", "昆山市张浦镇", amap_ok(*GCJ, level="乡镇"))
    addresses = pd.Series(["昆山市张浦镇", " 昆山市 张浦镇 ", "", None], index=[10, 11, 12, 13])
    out = geocode_addresses(addresses, amap(fake), progress=False)
    assert fake.count("amap") == 1  # one request per distinct normalised address, none for blanks
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out["status"].tolist() == ["ok", "ok", "not_found", "not_found"]
    assert out.loc[10, "lon"] == out.loc[11, "lon"]
    assert pd.isna(out.loc[12, "source"]) and pd.isna(out.loc[12, "datum_input"])


# --- retries, timeouts, rate limit --------------------------------------------------------------------------


def test_timeout_then_success(fake):
    fake.script("amap", "x", slow(amap_ok(*GCJ), 1.0), amap_ok(*GCJ))
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["x"]), amap(fake, clock, timeout=0.2), progress=False)
    assert out.loc[0, "status"] == "ok"
    assert fake.count("amap", "x") == 2
    assert clock.sleeps == [0.5]  # one backoff; the backoff also covered the rate-limit interval


def test_timeouts_every_time_are_failed_not_not_found(fake):
    fake.script("amap", "x", slow(amap_ok(*GCJ), 1.0))
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["x"]), amap(fake, clock, timeout=0.2, retries=1), progress=False)
    assert out.loc[0, "status"] == "failed"
    assert out.loc[0, "error"] == "timed out after 0.2 s (after 2 attempts)"
    assert fake.count("amap", "x") == 2


def test_429_with_retry_after_then_success(fake):
    fake.script("amap", "x", error(429, retry_after="7"), amap_ok(*GCJ))
    fake.script("amap", "y", error(429, retry_after="999"), amap_ok(*GCJ))
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["x", "y"]), amap(fake, clock, max_wait=30.0), progress=False)
    assert out["status"].tolist() == ["ok", "ok"]
    assert (fake.count("amap", "x"), fake.count("amap", "y")) == (2, 2)
    assert clock.sleeps == [7.0, 0.34, 30.0]  # Retry-After honoured, rate-limit wait before y, cap at max_wait


def test_500_then_success_and_500_forever(fake):
    fake.script("amap", "once", error(500), amap_ok(*GCJ))
    fake.script("amap", "always", error(503))
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["once", "always"]), amap(fake, clock, retries=3, backoff=0.5),
                            progress=False)
    assert out["status"].tolist() == ["ok", "failed"]
    assert out.loc[1, "error"] == "HTTP 503 Service Unavailable (after 4 attempts)"
    assert (fake.count("amap", "once"), fake.count("amap", "always")) == (2, 4)
    # 0.5 after the 500; 0.34 rate-limit wait before "always"; then backoff 0.5, 1, 2
    assert clock.sleeps == pytest.approx([0.5, 0.34, 0.5, 1.0, 2.0])


def test_http_404_is_failed_without_retry(fake):
    fake.script("amap", "x", error(404))
    out = geocode_addresses(pd.Series(["x"]), amap(fake), progress=False)
    assert (out.loc[0, "status"], out.loc[0, "error"]) == ("failed", "HTTP 404 Not Found")
    assert fake.count("amap", "x") == 1


def test_connection_refused_is_failed(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    provider = AMapProvider("k", base_url=f"http://127.0.0.1:{port}", retries=2, **clock.options())
    out = geocode_addresses(pd.Series(["x"]), provider, cache_path=tmp_path / "c.sqlite", progress=False)
    assert out.loc[0, "status"] == "failed"
    assert out.loc[0, "error"].startswith("connection failed: ")
    assert out.loc[0, "error"].endswith("(after 3 attempts)")
    assert clock.sleeps == [0.5, 1.0]
    assert rows_in(tmp_path / "c.sqlite")["status"].tolist() == ["failed"]


def test_nominatim_500_and_429_through_geopy(fake):
    fake.script("nominatim", "x", error(500), nominatim_ok(120.95, 31.38))
    fake.script("nominatim", "y", error(429, retry_after="3"), nominatim_ok(120.95, 31.38))
    fake.script("nominatim", "z", Reply("<html>oops</html>"))
    clock = FakeClock()
    out = geocode_addresses(pd.Series(["x", "y", "z"]), nominatim(fake, clock), progress=False)
    assert out["status"].tolist() == ["ok", "ok", "failed"]
    assert (fake.count("nominatim", "x"), fake.count("nominatim", "y"), fake.count("nominatim", "z")) == (2, 2, 1)
    # backoff 0.5 and the rest of the 1 s interval; 1 s interval, Retry-After 3 s; 1 s interval
    assert clock.sleeps == [0.5, 0.5, 1.0, 3.0, 1.0]
    assert all(type(seconds) is float for seconds in clock.sleeps)
    assert out.loc[2, "error"].startswith("Nominatim: GeocoderParseError")


def test_rate_limit_through_the_injected_clock(fake):
    for address in "abc":
        fake.script("nominatim", address, nominatim_ok(120.95, 31.38))
    clock = FakeClock()
    geocode_addresses(pd.Series(list("abc")), nominatim(fake, clock), progress=False)
    assert clock.sleeps == [1.0, 1.0]  # Nominatim: one request per second

    clock = FakeClock()
    geocode_addresses(pd.Series(list("abc")), amap(fake, clock, min_interval=0.25), progress=False)
    assert clock.sleeps == [0.25, 0.25]


def test_rate_limiter_sleeps_only_the_remaining_time():
    now, sleeps = [0.0], []
    limiter = RateLimiter(1.0, clock=lambda: now[0], sleep=sleeps.append)
    limiter.wait()
    now[0] = 0.25
    limiter.wait()
    now[0] = 5.0
    limiter.wait()
    assert sleeps == [0.75]


# --- interrupt and resume -----------------------------------------------------------------------------------


def test_interrupt_keeps_finished_results_and_resumes(fake, tmp_path):
    addresses = pd.Series([f"昆山市张浦镇{i}号" for i in range(5)])
    for address in addresses:
        fake.script("amap", address, amap_ok(*GCJ))
    cache = tmp_path / "c.sqlite"
    # the rate-limit wait before the 4th request raises KeyboardInterrupt: 3 requests finished
    with pytest.raises(KeyboardInterrupt):
        geocode_addresses(addresses, amap(fake, FakeClock(interrupt_on=3)), cache_path=cache, progress=False)
    stored = rows_in(cache)
    assert stored["address"].tolist() == addresses[:3].tolist()
    assert stored["status"].tolist() == ["ok"] * 3
    assert [fake.count("amap", a) for a in addresses] == [1, 1, 1, 0, 0]

    out = geocode_addresses(addresses, amap(fake), cache_path=cache, progress=False)
    assert [fake.count("amap", a) for a in addresses] == [1, 1, 1, 1, 1]  # nothing asked twice
    assert out["status"].tolist() == ["ok"] * 5
    assert len(rows_in(cache)) == 5


def test_interrupt_inside_a_request_keeps_earlier_results(fake, tmp_path):
    class Interrupting(AMapProvider):
        def geocode(self, address):
            if address.endswith("2号"):
                raise KeyboardInterrupt
            return super().geocode(address)

    addresses = pd.Series([f"昆山市{i}号" for i in range(4)])
    provider = Interrupting("k", base_url=fake.base_url, **FakeClock().options())
    with pytest.raises(KeyboardInterrupt):
        geocode_addresses(addresses, provider, cache_path=tmp_path / "c.sqlite", progress=False)
    assert rows_in(tmp_path / "c.sqlite")["address"].tolist() == ["昆山市0号", "昆山市1号"]


# --- configuration, progress --------------------------------------------------------------------------------


def test_missing_keys_name_the_variable(monkeypatch):
    monkeypatch.delenv("KUNSHAN_AMAP_KEY", raising=False)
    monkeypatch.delenv("KUNSHAN_BAIDU_AK", raising=False)
    monkeypatch.delenv("KUNSHAN_NOMINATIM_USER_AGENT", raising=False)
    with pytest.raises(GeocodingError, match="set the environment variable KUNSHAN_AMAP_KEY"):
        AMapProvider()
    with pytest.raises(GeocodingError, match="set the environment variable KUNSHAN_AMAP_KEY"):
        geocode_addresses(pd.Series(["昆山市"]), "amap")
    with pytest.raises(GeocodingError, match="set the environment variable KUNSHAN_BAIDU_AK"):
        BaiduProvider()
    with pytest.raises(GeocodingError, match="or set KUNSHAN_NOMINATIM_USER_AGENT"):
        NominatimProvider()
    with pytest.raises(GeocodingError, match="User-Agent"):
        NominatimProvider("geopy/2.5")


def test_keys_from_the_environment(monkeypatch, fake):
    monkeypatch.setenv("KUNSHAN_AMAP_KEY", "env-key")
    monkeypatch.setenv("KUNSHAN_BAIDU_AK", "env-ak")
    assert AMapProvider(base_url=fake.base_url).key == "env-key"
    assert BaiduProvider(base_url=fake.base_url).ak == "env-ak"


def test_invalid_options_are_rejected():
    with pytest.raises(GeocodingError, match=r"timeout must be a number of seconds > 0, got 0"):
        AMapProvider("k", timeout=0)
    with pytest.raises(GeocodingError, match=r"retries must be an integer >= 0, got -1"):
        AMapProvider("k", retries=-1)
    with pytest.raises(GeocodingError, match=r"base_url must be an http\(s\) URL, got 'ftp://x'"):
        AMapProvider("k", base_url="ftp://x")


def test_provider_interface_and_result():
    assert (AMapProvider.name, AMapProvider.datum) == ("amap", "gcj02")
    assert (BaiduProvider.name, BaiduProvider.datum) == ("baidu", "bd09")
    assert (NominatimProvider.name, NominatimProvider.datum, NominatimProvider.min_interval_default) == (
        "nominatim", "wgs84", 1.0)
    result = Result("not_found")
    assert math.isnan(result.lon) and result.attempts == 1 and result.error is None


def test_progress_bar_on_stderr_and_disabled(fake, capsys):
    fake.script("amap", "a", amap_ok(*GCJ))
    fake.script("amap", "b", amap_ok(*GCJ))
    geocode_addresses(pd.Series(["a", "b"]), amap(fake), progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "geocoding amap [" in captured.err and captured.err.endswith("] 2/2\n")

    geocode_addresses(pd.Series(["c"]), amap(fake), progress=False)
    assert capsys.readouterr().err == ""
