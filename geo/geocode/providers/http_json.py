"""Providers answering HTTP GET requests with JSON, through urllib (standard library): AMap and Baidu."""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import ClassVar

from geo.errors import GeocodingError
from geo.geocode.providers.base import Failed, Provider, Retry, default_city

__all__ = ["HttpJsonProvider", "USER_AGENT", "retry_after"]

#: User-Agent sent by the HTTP providers (AMap, Baidu). Nominatim needs one naming the application *and* a
#: contact, given by the user (see :class:`geo.geocode.providers.NominatimProvider`).
USER_AGENT = "kunshan-heatmap/0.1"


class HttpJsonProvider(Provider):
    """A provider answering GET requests with JSON, through urllib (standard library), searching in one city.

    Subclasses set :attr:`url_variable` (the environment variable of another service URL, e.g. an intranet
    proxy) and :attr:`default_url`. ``base_url`` None: ``$<url_variable>``, else :attr:`default_url`;
    ``city`` None: the region's name for the city (:func:`geo.geocode.providers.base.default_city`).
    """

    url_variable: ClassVar[str] = ""
    default_url: ClassVar[str] = ""

    def __init__(self, base_url: str | None = None, *, city: str | None = None, **options) -> None:
        super().__init__(**options)
        base_url = base_url or os.environ.get(self.url_variable) or self.default_url
        if not isinstance(base_url, str) or urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise GeocodingError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.city = default_city(self.name) if city is None else city

    def _get_json(self, path: str, params: Mapping[str, str]) -> tuple[object, str]:
        """GET ``base_url + path`` and return (parsed JSON, body text); raise ``Retry`` / ``Failed``."""
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            message = f"HTTP {exc.code} {exc.reason}"
            if exc.code == 429 or exc.code >= 500:
                raise Retry(message, retry_after(exc.headers.get("Retry-After"))) from exc
            raise Failed(message) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise Retry(f"timed out after {self.timeout:g} s") from exc
            raise Retry(f"connection failed: {exc.reason}") from exc
        except (TimeoutError, socket.timeout) as exc:
            raise Retry(f"timed out after {self.timeout:g} s") from exc
        except (ConnectionError, http.client.HTTPException) as exc:
            raise Retry(f"connection failed: {type(exc).__name__}: {exc}") from exc
        try:
            text = body.decode("utf-8")
            return json.loads(text), text
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Failed(f"malformed JSON answer: {exc}") from exc


def retry_after(value: str | None) -> float | None:
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

