"""What every online geocoder shares: the result, the rate limit, retries with backoff, statuses, the limits.

A provider turns one address into one :class:`Result` in *its own* datum; :meth:`Provider.geocode` waits for the
rate limit, makes the request (:meth:`Provider._attempt` of a subclass), retries what is worth retrying and
blanks out every secret of the result (:func:`geo.geocode.secrets.redact`). The limits of one request,
:data:`TIME_LIMIT` and :data:`SIZE_LIMIT`, are defined here and only here.
The mapping of each provider's match levels to our precisions is data (geo/data/geocoder_levels.json).
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import ClassVar, Literal

from geo.errors import GeocodingError, RegistryError
from geo.geocode.secrets import redact_result
from geo.registry import entries, load_json, precisions

__all__ = ["Result", "RateLimiter", "Provider", "Retry", "Failed", "Status", "Precision", "Datum", "match_levels",
           "precision_of", "default_city", "provider_key", "json_object", "lon_lat", "text_field", "TIME_LIMIT",
           "SIZE_LIMIT"]

#: Seconds one request may take in all: connection, TLS handshake, redirects and every read of the answer
#: (:func:`geo.geocode.providers.http_get.http_get`); the default ``timeout`` of every provider.
TIME_LIMIT = 20.0
#: Bytes an answer may have (1 MB); a larger one is not read further and the request fails.
SIZE_LIMIT = 1_000_000

Status = Literal["ok", "not_found", "failed", "ambiguous", "outside"]
Precision = Literal["exact", "road", "town", "zone", "city", "region"]
Datum = Literal["wgs84", "gcj02", "bd09"]


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


class Retry(Exception):
    """One attempt failed in a way worth retrying (timeout, connection, HTTP 5xx/429, rate quota)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Failed(Exception):
    """One attempt failed in a way that retrying will not mend (HTTP 4xx, key, quota, bad answer)."""


class Provider:
    """Base of the online geocoders: rate limit, retries with backoff, timeouts, statuses.

    Subclasses set :attr:`name`, :attr:`datum` and :attr:`min_interval_default` and implement
    :meth:`_attempt`, which makes one request and returns a :class:`Result` or raises ``Retry`` /
    ``Failed``.

    Parameters
    ----------
    timeout : float, default :data:`TIME_LIMIT` (20)
        Seconds one request may take in all (connection, TLS, redirects, every read); then it is retried.
    max_bytes : int, default :data:`SIZE_LIMIT` (1 MB)
        Bytes an answer may have; a larger one fails the request (not retried).
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

    def __init__(self, *, timeout: float = TIME_LIMIT, max_bytes: int = SIZE_LIMIT, retries: int = 3,
                 backoff: float = 0.5, max_wait: float = 30.0, min_interval: float | None = None,
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None) -> None:
        _check_number("timeout", timeout, positive=True)
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1:
            raise GeocodingError(f"max_bytes must be an integer >= 1, got {max_bytes!r}")
        _check_number("backoff", backoff)
        _check_number("max_wait", max_wait)
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise GeocodingError(f"retries must be an integer >= 0, got {retries!r}")
        interval = self.min_interval_default if min_interval is None else min_interval
        _check_number("min_interval", interval)
        self.timeout = float(timeout)
        self.max_bytes = max_bytes
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
            failed or the answer cannot be used (a ``Failed`` one is not retried). Its texts (error, raw,
            matched) hold no secret (:meth:`secrets`, the key variables): they are redacted here.
        """
        attempts = 0
        while True:
            self.limiter.wait()
            attempts += 1
            try:
                result = _with_attempts(self._attempt(address), attempts)
            except Failed as exc:
                result = Result("failed", error=str(exc), attempts=attempts)
            except Retry as exc:
                if attempts <= self.retries:
                    self.sleep(self._delay(attempts, exc.retry_after))
                    continue
                tries = f"{attempts} attempt" + ("s" if attempts > 1 else "")
                result = Result("failed", error=f"{exc} (after {tries})", attempts=attempts)
            return redact_result(result, self.secrets())

    def secrets(self) -> tuple[str, ...]:
        """The secret values this provider sends (keys); none for the base class."""
        return ()

    def time_bound(self) -> float:
        """Seconds one :meth:`geocode` call can take at most: every attempt, every wait between them."""
        return (self.retries + 1) * (self.timeout + self.limiter.min_interval) + self.retries * self.max_wait

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        wanted = self.backoff * 2 ** (attempt - 1) if retry_after is None else retry_after
        return float(min(max(wanted, 0.0), self.max_wait))

    def _attempt(self, address: str) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError


# --- registry data ------------------------------------------------------------------------------------------


@cache
def match_levels(provider: str) -> dict:
    """The entry of ``provider`` in geo/data/geocoder_levels.json: ``levels`` (its match level -> precision or
    None) and, where given, ``unlisted``, ``place_rank`` and ``below``.

    Raises
    ------
    RegistryError
        When the entry is missing, or names precisions that geo/data/precisions.json does not (all listed).
    """
    table = {entry["provider"]: entry for entry in entries("geocoder_levels.json", "providers",
                                                           ["provider", "source", "levels"])}
    if provider not in table:
        raise RegistryError(f"geo.data/geocoder_levels.json: no entry for provider {provider!r}; "
                            f"entries: {', '.join(table)}")
    entry = table[provider]
    named = [*entry["levels"].values(), entry.get("unlisted"), *(p for _, p in entry.get("place_rank", [])),
             entry.get("below")]
    unknown = sorted({p for p in named if p is not None and p not in precisions().index})
    if unknown:
        raise RegistryError(f"geo.data/geocoder_levels.json: provider {provider!r} names unknown precision(s) "
                            f"{', '.join(map(repr, unknown))}; allowed: {', '.join(precisions().index)}")
    return entry


def precision_of(provider: str, level: str | None) -> str | None:
    """Our precision for a match level of ``provider`` (:func:`match_levels`): the listed one, else ``unlisted``."""
    entry = match_levels(provider)
    return entry["levels"].get(level, entry.get("unlisted"))


def default_city(provider: str) -> str:
    """How ``provider`` names the city searched in by default (the region's data, kunshan_zones.json)."""
    return load_json("kunshan_zones.json")["city"]["geocoder_city"][provider]


# --- small helpers ------------------------------------------------------------------------------------------


def _check_number(name: str, value: object, *, positive: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise GeocodingError(f"{name} must be a number of seconds {bound}, got {value!r}")


def provider_key(given: str | None, variable: str, what: str) -> str:
    """A provider's key: the one given, else the environment variable's; refused when empty."""
    key = given if given is not None else os.environ.get(variable, "")
    if not key.strip():
        raise GeocodingError(f"no {what}: set the environment variable {variable} or pass it to the provider")
    return key.strip()


def json_object(data: object, text: str) -> dict:
    """An answer's parsed JSON when it is an object; else the attempt failed (``Failed``)."""
    if not isinstance(data, dict):
        raise Failed(f"unexpected JSON answer (not an object): {text[:200]}")
    return data


def lon_lat(pair) -> tuple[float, float]:
    """(lon, lat) in degrees from two values of an answer; ValueError unless both are finite and in range."""
    lon, lat = (float(value) for value in pair)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"not a longitude, latitude pair in degrees: {lon}, {lat}")
    return lon, lat


def text_field(value: object) -> str | None:
    """A provider's text field; AMap gives ``[]`` for an empty one."""
    return value if isinstance(value, str) and value else None


def _with_attempts(result: Result, attempts: int) -> Result:
    return result if result.attempts == attempts else dataclasses.replace(result, attempts=attempts)
