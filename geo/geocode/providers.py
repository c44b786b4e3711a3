"""Online geocoders behind one interface: AMap (高德), Baidu (百度) and Nominatim (OpenStreetMap, through geopy).

A provider turns one address into one :class:`Result` in *its own* datum (GCJ-02 for AMap, BD-09 for Baidu,
WGS-84 for Nominatim); :func:`geo.geocode.batch.geocode_addresses` caches results and converts them to WGS-84
once. Every provider here

* reads its key from the environment (``KUNSHAN_AMAP_KEY``, ``KUNSHAN_BAIDU_AK``) unless one is passed,
  and never at import time;
* waits a minimum interval between requests (:class:`RateLimiter`; the clock and the sleep are injectable);
* gives up on a request after ``timeout`` seconds and retries timeouts, connection errors, HTTP 5xx and 429
  with exponential backoff, honouring ``Retry-After`` up to ``max_wait`` seconds;
* reports what happened as a status: ``ok``, ``not_found`` (the service answered that it knows no such
  place), ``ambiguous`` (several different places), ``outside``, or ``failed`` (no usable answer: network,
  HTTP, quota, key, malformed JSON, missing fields). A failure is never reported as ``not_found``.

Nothing here reaches the network unless :meth:`Provider.geocode` is called.
"""

from __future__ import annotations

import dataclasses
import email.utils
import http.client
import json
import math
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar, Literal

from geo.errors import GeocodingError

__all__ = ["GeocodingError", "Result", "Provider", "RateLimiter", "AMapProvider", "BaiduProvider",
           "NominatimProvider", "USER_AGENT"]

Status = Literal["ok", "not_found", "failed", "ambiguous", "outside"]
Precision = Literal["exact", "road", "town", "zone", "city", "region"]
Datum = Literal["wgs84", "gcj02", "bd09"]

#: User-Agent sent by the HTTP providers (AMap, Baidu). Nominatim needs one naming the application *and* a
#: contact, given by the user (see :class:`NominatimProvider`).
USER_AGENT = "kunshan-heatmap/0.1"



@dataclass(frozen=True)
class Result:
    """What one geocoding request gave.

    Attributes
    ----------
    status : {"ok", "not_found", "failed", "ambiguous", "outside"}
    lon, lat : float
        Degrees in the provider's datum (:attr:`Provider.datum`); NaN without a point.
    precision : {"exact", "road", "town", "zone", "city", "region"} or None
        The provider's match level mapped to the project's levels (None when the level is unknown).
    matched : str or None
        The provider's name for what it found (formatted address, display name).
    raw : str or None
        The response body as received (text), for the cache and for review.
    error : str or None
        Why the request failed (status ``failed``), or the provider's message.
    attempts : int
        Requests made for this result (1 + retries).
    """

    status: Status
    lon: float = math.nan
    lat: float = math.nan
    precision: Precision | None = None
    matched: str | None = None
    raw: str | None = None
    error: str | None = None
    attempts: int = 1


class RateLimiter:
    """At least ``min_interval`` seconds between the starts of two requests.

    Parameters
    ----------
    min_interval : float
        Seconds (0 for no limit).
    clock : callable, default time.monotonic
        Returns the current time in seconds.
    sleep : callable, default time.sleep
        Waits the given number of seconds.

    Examples
    --------
    >>> now = [0.0]
    >>> waits = []
    >>> limiter = RateLimiter(1.0, clock=lambda: now[0], sleep=waits.append)
    >>> limiter.wait(); limiter.wait(); waits
    [1.0]
    """

    def __init__(self, min_interval: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.min_interval = float(min_interval)
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until ``min_interval`` has passed since the previous call, then mark the start."""
        if self._last is not None:
            remaining = self.min_interval - (self.clock() - self._last)
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()


class _Retry(Exception):
    """One attempt failed in a way worth retrying (timeout, connection, HTTP 5xx/429, rate quota)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _Failed(Exception):
    """One attempt failed in a way that retrying will not mend (HTTP 4xx, key, quota, bad answer)."""


class Provider:
    """Base of the online geocoders: rate limit, retries with backoff, timeouts, statuses.

    Subclasses set :attr:`name`, :attr:`datum` and :attr:`min_interval_default` and implement
    :meth:`_attempt`, which makes one request and returns a :class:`Result` or raises ``_Retry`` /
    ``_Failed``.

    Parameters
    ----------
    timeout : float, default 10
        Seconds to wait for a connection and for each read of the answer.
    retries : int, default 3
        Further attempts after a timeout, a connection error, HTTP 5xx or 429.
    backoff : float, default 0.5
        Seconds before the first retry; doubled for each further one.
    max_wait : float, default 30
        Cap, in seconds, on one wait between attempts (also on a ``Retry-After`` the service asks for).
    min_interval : float, optional
        Seconds between two requests; the provider's default when None.
    clock, sleep : callable, optional
        Time source (seconds) and sleep function, injectable for tests; ``time.monotonic`` and ``time.sleep``.
    """

    name: ClassVar[str] = "provider"
    datum: ClassVar[Datum] = "wgs84"
    min_interval_default: ClassVar[float] = 1.0

    def __init__(self, *, timeout: float = 10.0, retries: int = 3, backoff: float = 0.5, max_wait: float = 30.0,
                 min_interval: float | None = None, clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        _check_number("timeout", timeout, positive=True)
        _check_number("backoff", backoff)
        _check_number("max_wait", max_wait)
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise GeocodingError(f"retries must be an integer >= 0, got {retries!r}")
        interval = self.min_interval_default if min_interval is None else min_interval
        _check_number("min_interval", interval)
        self.timeout = float(timeout)
        self.retries = retries
        self.backoff = float(backoff)
        self.max_wait = float(max_wait)
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.limiter = RateLimiter(interval, clock=self.clock, sleep=self.sleep)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, datum={self.datum!r})"

    def geocode(self, address: str) -> Result:
        """Geocode one address: wait for the rate limit, request, retry what is worth retrying.

        Parameters
        ----------
        address : str
            The address as it should be sent.

        Returns
        -------
        Result
            Coordinates in :attr:`datum` (degrees); status ``failed`` with the last error when every attempt
            failed or the answer cannot be used.
        """
        attempts = 0
        while True:
            self.limiter.wait()
            attempts += 1
            try:
                result = self._attempt(address)
            except _Failed as exc:
                return Result("failed", error=str(exc), attempts=attempts)
            except _Retry as exc:
                if attempts > self.retries:
                    return Result("failed", error=f"{exc} (after {attempts} attempts)", attempts=attempts)
                self.sleep(self._delay(attempts, exc.retry_after))
                continue
            return _with_attempts(result, attempts)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        wanted = self.backoff * 2 ** (attempt - 1) if retry_after is None else retry_after
        return float(min(max(wanted, 0.0), self.max_wait))

    def _attempt(self, address: str) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError


class _HttpJsonProvider(Provider):
    """A provider answering GET requests with JSON, through urllib (standard library)."""

    def __init__(self, base_url: str, **options) -> None:
        super().__init__(**options)
        if not isinstance(base_url, str) or urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise GeocodingError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")

    def _get_json(self, path: str, params: Mapping[str, str]) -> tuple[object, str]:
        """GET ``base_url + path`` and return (parsed JSON, body text); raise ``_Retry`` / ``_Failed``."""
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            message = f"HTTP {exc.code} {exc.reason}"
            if exc.code == 429 or exc.code >= 500:
                raise _Retry(message, _retry_after(exc.headers.get("Retry-After"))) from exc
            raise _Failed(message) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise _Retry(f"timed out after {self.timeout:g} s") from exc
            raise _Retry(f"connection failed: {exc.reason}") from exc
        except (TimeoutError, socket.timeout) as exc:
            raise _Retry(f"timed out after {self.timeout:g} s") from exc
        except (ConnectionError, http.client.HTTPException) as exc:
            raise _Retry(f"connection failed: {type(exc).__name__}: {exc}") from exc
        try:
            text = body.decode("utf-8")
            return json.loads(text), text
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _Failed(f"malformed JSON answer: {exc}") from exc


class AMapProvider(_HttpJsonProvider):
    """AMap (高德) web-service geocoding, API v3; answers in GCJ-02.

    ``GET {base_url}/v3/geocode/geo?key=…&address=…&city=昆山``; an answer ``{"status": "1", "geocodes":
    [{"location": "lon,lat", "level": …, "formatted_address": …}]}``. ``status "0"`` is a failure with
    ``info``/``infocode``; access-frequency infocodes are retried.

    Parameters
    ----------
    key : str, optional
        Web-service key; read from ``KUNSHAN_AMAP_KEY`` when None.
    city : str, default "昆山"
        City that narrows the search.
    base_url : str, default "https://restapi.amap.com"
    **options
        ``timeout``, ``retries``, ``backoff``, ``max_wait``, ``min_interval`` (default 0.34 s, about 3
        requests per second), ``clock``, ``sleep``: see :class:`Provider`.

    Raises
    ------
    GeocodingError
        When no key is given and ``KUNSHAN_AMAP_KEY`` is not set.
    """

    name = "amap"
    datum = "gcj02"
    min_interval_default = 0.34
    key_variable = "KUNSHAN_AMAP_KEY"
    #: AMap ``level`` -> precision (levels as AMap documents them).
    LEVELS: ClassVar[dict[str, str]] = {
        "门牌号": "exact", "单元号": "exact", "兴趣点": "exact", "门址": "exact", "公交站台、地铁站": "exact",
        "道路": "road", "道路交叉路口": "road",
        "村庄": "town", "乡镇": "town", "热点商圈": "town",
        "开发区": "zone",
        "区县": "city",
        "市": "region", "省": "region", "国家": "region",
    }
    _RETRY_INFO = ("ACCESS_TOO_FREQUENT", "EXCEEDED_THE_LIMIT")

    def __init__(self, key: str | None = None, *, city: str = "昆山", base_url: str | None = None,
                 **options) -> None:
        """``base_url`` defaults to ``$KUNSHAN_AMAP_URL`` or https://restapi.amap.com (e.g. an intranet proxy)."""
        super().__init__(base_url or os.environ.get("KUNSHAN_AMAP_URL") or "https://restapi.amap.com", **options)
        self.key = _key(key, self.key_variable, "AMap (高德) web-service key")
        self.city = city

    def _attempt(self, address: str) -> Result:
        data, text = self._get_json("/v3/geocode/geo",
                                    {"key": self.key, "address": address, "city": self.city, "output": "JSON"})
        data = _mapping(data, text)
        if str(data.get("status")) != "1":
            info = f"AMap error: {data.get('info', '?')} (infocode {data.get('infocode', '?')})"
            if any(word in str(data.get("info", "")) for word in self._RETRY_INFO):
                raise _Retry(info)
            return Result("failed", raw=text, error=info)
        geocodes = data.get("geocodes")
        if not isinstance(geocodes, list):
            return Result("failed", raw=text, error="AMap answer without a 'geocodes' list")
        if not geocodes:
            return Result("not_found", raw=text)
        first = geocodes[0]
        try:
            lon, lat = _lon_lat(first["location"].split(","))
        except (KeyError, AttributeError, TypeError, ValueError) as exc:
            return Result("failed", raw=text, error=f"AMap answer without a usable 'location': {exc!r}")
        distinct = {str(g.get("location")) for g in geocodes if isinstance(g, dict)}
        return Result("ambiguous" if len(distinct) > 1 else "ok", lon, lat,
                      precision=self.LEVELS.get(_text(first.get("level"))),
                      matched=_text(first.get("formatted_address")), raw=text)


class BaiduProvider(_HttpJsonProvider):
    """Baidu (百度) geocoding v3; answers in BD-09 (``ret_coordtype=bd09ll``).

    ``GET {base_url}/geocoding/v3/?address=…&output=json&ak=…&ret_coordtype=bd09ll&city=昆山市``; an answer
    ``{"status": 0, "result": {"location": {"lng", "lat"}, "precise", "confidence", "level"}}``.
    ``status 1`` whose message says 无相关结果 (no result) is ``not_found``; any other ``status 1`` (internal
    error) and 401/402 (concurrency quota) are retried; every other status is a failure.

    The precision comes from ``level``; a fuzzy point (``precise`` 0) is at best ``road``. ``confidence``
    stays in ``raw``.

    Parameters
    ----------
    ak : str, optional
        Access key; read from ``KUNSHAN_BAIDU_AK`` when None.
    city : str, default "昆山市"
    base_url : str, default "https://api.map.baidu.com"
    **options
        See :class:`Provider`; ``min_interval`` default 0.34 s.

    Raises
    ------
    GeocodingError
        When no key is given and ``KUNSHAN_BAIDU_AK`` is not set.
    """

    name = "baidu"
    datum = "bd09"
    min_interval_default = 0.34
    key_variable = "KUNSHAN_BAIDU_AK"
    #: Baidu ``level`` -> precision; a level not listed (a kind of point of interest) is ``exact``.
    LEVELS: ClassVar[dict[str, str | None]] = {
        "门址": "exact", "道路": "road", "交叉路口": "road", "桥": "road",
        "乡镇": "town", "村庄": "town", "商圈": "town",
        "区县": "city", "城市": "region", "省": "region", "国家": "region", "UNKNOWN": None,
    }
    _RETRY_STATUS = (1, 401, 402)
    _NO_RESULT = "无相关结果"

    def __init__(self, ak: str | None = None, *, city: str = "昆山市", base_url: str | None = None,
                 **options) -> None:
        """``base_url`` defaults to ``$KUNSHAN_BAIDU_URL`` or https://api.map.baidu.com."""
        super().__init__(base_url or os.environ.get("KUNSHAN_BAIDU_URL") or "https://api.map.baidu.com", **options)
        self.ak = _key(ak, self.key_variable, "Baidu (百度) access key (ak)")
        self.city = city

    def _attempt(self, address: str) -> Result:
        data, text = self._get_json("/geocoding/v3/", {"address": address, "output": "json", "ak": self.ak,
                                                      "ret_coordtype": "bd09ll", "city": self.city})
        data = _mapping(data, text)
        status = data.get("status")
        message = _text(data.get("msg") or data.get("message")) or ""
        if status == 1 and self._NO_RESULT in message:
            return Result("not_found", raw=text)
        if status != 0:
            error = f"Baidu error: status {status}: {message or '?'}"
            if status in self._RETRY_STATUS:
                raise _Retry(error)
            return Result("failed", raw=text, error=error)
        try:
            result = data["result"]
            lon, lat = _lon_lat((result["location"]["lng"], result["location"]["lat"]))
        except (KeyError, TypeError, ValueError) as exc:
            return Result("failed", raw=text, error=f"Baidu answer without a usable result.location: {exc!r}")
        level = _text(result.get("level"))
        precision = self.LEVELS.get(level, "exact") if level else None
        if precision == "exact" and result.get("precise") == 0:
            precision = "road"
        return Result("ok", lon, lat, precision=precision, raw=text)  # Baidu v3 names no matched address


class NominatimProvider(Provider):
    """Nominatim (OpenStreetMap) through geopy; answers in WGS-84, at most one request per second.

    Parameters
    ----------
    user_agent : str, optional
        Names the application and a contact, e.g. ``"kunshan-heatmap/0.1 (+mailto:gis@example.org)"``, as the
        Nominatim usage policy asks; read from ``KUNSHAN_NOMINATIM_USER_AGENT`` when None.
    domain : str, default "nominatim.openstreetmap.org"
        Host (and port) of the service, e.g. ``"127.0.0.1:8080"`` for a local one.
    scheme : {"https", "http"}, default "https"
    country_codes : str, default "cn"
    **options
        See :class:`Provider`; ``min_interval`` default 1.0 s.

    Raises
    ------
    GeocodingError
        Without a user agent, or with geopy's own default one; ImportError hint when geopy is missing.
    """

    name = "nominatim"
    datum = "wgs84"
    min_interval_default = 1.0
    agent_variable = "KUNSHAN_NOMINATIM_USER_AGENT"
    #: Nominatim ``addresstype`` (or ``type``) -> precision; otherwise ``place_rank`` decides.
    LEVELS: ClassVar[dict[str, str]] = {
        "house": "exact", "building": "exact", "amenity": "exact", "shop": "exact", "office": "exact",
        "tourism": "exact", "craft": "exact", "man_made": "exact",
        "road": "road",
        "town": "town", "village": "town", "hamlet": "town", "suburb": "town", "quarter": "town",
        "neighbourhood": "town", "city_district": "town", "borough": "town", "isolated_dwelling": "town",
        "city": "city", "county": "city", "municipality": "city", "district": "city",
        "state_district": "region", "state": "region", "province": "region", "region": "region",
        "country": "region",
    }

    def __init__(self, user_agent: str | None = None, *, domain: str = "nominatim.openstreetmap.org",
                 scheme: Literal["https", "http"] = "https", country_codes: str = "cn", **options) -> None:
        super().__init__(**options)
        try:
            from geopy.adapters import URLLibAdapter
            from geopy.geocoders import Nominatim
        except ImportError as exc:
            raise GeocodingError("NominatimProvider needs geopy: pip install geopy") from exc
        agent = user_agent if user_agent is not None else os.environ.get(self.agent_variable, "")
        if not agent.strip() or agent.strip().lower().startswith("geopy"):
            raise GeocodingError(
                f"Nominatim needs a User-Agent naming this application and a contact, e.g. "
                f"'kunshan-heatmap/0.1 (+mailto:you@example.org)': pass user_agent= or set {self.agent_variable}")
        if scheme not in ("https", "http"):
            raise GeocodingError(f"scheme must be 'https' or 'http', got {scheme!r}")
        self.user_agent = agent.strip()
        self.country_codes = country_codes
        # geopy's urllib adapter: the requests adapter would retry 429/503 itself, with real sleeps, unseen here.
        self._geocoder = Nominatim(user_agent=self.user_agent, domain=domain, scheme=scheme, timeout=self.timeout,
                                   adapter_factory=URLLibAdapter)

    def _attempt(self, address: str) -> Result:
        from geopy import exc as geopy_errors

        try:
            location = self._geocoder.geocode(address, exactly_one=True, country_codes=self.country_codes,
                                              language="zh")
        except geopy_errors.GeocoderRateLimited as exc:
            raise _Retry(f"Nominatim rate limited: {exc}", exc.retry_after) from exc
        except (geopy_errors.GeocoderTimedOut, geopy_errors.GeocoderUnavailable) as exc:
            raise _Retry(f"Nominatim unavailable: {type(exc).__name__}: {exc}") from exc
        except (geopy_errors.GeocoderQueryError, geopy_errors.GeocoderAuthenticationFailure,
                geopy_errors.GeocoderInsufficientPrivileges, geopy_errors.GeocoderQuotaExceeded,
                geopy_errors.GeocoderParseError, geopy_errors.ConfigurationError) as exc:
            raise _Failed(f"Nominatim: {type(exc).__name__}: {exc}") from exc
        except geopy_errors.GeocoderServiceError as exc:  # other HTTP errors, 5xx among them
            raise _Retry(f"Nominatim: {type(exc).__name__}: {exc}") from exc
        except (TypeError, ValueError, KeyError) as exc:  # an answer geopy cannot read (fields missing)
            raise _Failed(f"Nominatim answer cannot be read: {type(exc).__name__}: {exc}") from exc
        if location is None:
            return Result("not_found")
        place = location.raw if isinstance(location.raw, dict) else {}
        raw = json.dumps(place, ensure_ascii=False, sort_keys=True)
        try:
            lon, lat = _lon_lat((place["lon"], place["lat"]))
        except (KeyError, TypeError, ValueError) as exc:
            return Result("failed", raw=raw, error=f"Nominatim answer without usable lon/lat: {exc!r}")
        return Result("ok", lon, lat, precision=self._precision(place),
                      matched=_text(place.get("display_name")), raw=raw)

    def _precision(self, place: dict) -> str | None:
        for field in ("addresstype", "type"):
            level = self.LEVELS.get(_text(place.get(field)) or "")
            if level:
                return level
        try:
            rank = int(place["place_rank"])
        except (KeyError, TypeError, ValueError):
            return None
        # Nominatim place ranks: 30 houses/POIs, 26-27 streets, 17-25 towns to neighbourhoods, 12-16 counties
        # and cities, below that states and countries.
        for lowest, level in ((28, "exact"), (26, "road"), (17, "town"), (12, "city")):
            if rank >= lowest:
                return level
        return "region"


# --- small helpers ------------------------------------------------------------------------------------------


def _check_number(name: str, value: object, *, positive: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise GeocodingError(f"{name} must be a number of seconds {bound}, got {value!r}")


def _key(given: str | None, variable: str, what: str) -> str:
    key = given if given is not None else os.environ.get(variable, "")
    if not key.strip():
        raise GeocodingError(f"no {what}: set the environment variable {variable} or pass it to the provider")
    return key.strip()


def _mapping(data: object, text: str) -> dict:
    if not isinstance(data, dict):
        raise _Failed(f"unexpected JSON answer (not an object): {text[:200]}")
    return data


def _lon_lat(pair) -> tuple[float, float]:
    lon, lat = (float(value) for value in pair)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"not a longitude, latitude pair in degrees: {lon}, {lat}")
    return lon, lat


def _text(value: object) -> str | None:
    """A provider's text field; AMap gives ``[]`` for an empty one."""
    return value if isinstance(value, str) and value else None


def _retry_after(value: str | None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)


def _with_attempts(result: Result, attempts: int) -> Result:
    return result if result.attempts == attempts else dataclasses.replace(result, attempts=attempts)
