"""Providers answering HTTP GET requests with JSON, through :func:`~geo.geocode.providers.http_get.http_get`:
AMap and Baidu."""

from __future__ import annotations

import email.utils
import json
import os
import urllib.parse
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import ClassVar

from geo.errors import GeocodingError
from geo.geocode.providers.base import Failed, Provider, Retry, default_city
from geo.geocode.providers.http_get import http_get
from geo.geocode.secrets import redact

__all__ = ["HttpJsonProvider", "USER_AGENT", "retry_after", "checked_url"]

#: User-Agent sent by the HTTP providers (AMap, Baidu). Nominatim needs one naming the application *and* a
#: contact, given by the user (see :class:`geo.geocode.providers.NominatimProvider`).
USER_AGENT = "kunshan-heatmap/0.1"


class HttpJsonProvider(Provider):
    """A provider answering GET requests with JSON, searching in one city.

    Subclasses set :attr:`url_variable` (the environment variable of another service URL, e.g. an intranet
    proxy) and :attr:`default_url`. ``base_url`` None: ``$<url_variable>``, else :attr:`default_url`;
    ``city`` None: the region's name for the city (:func:`geo.geocode.providers.base.default_city`).

    Raises
    ------
    GeocodingError
        When the service URL is not a usable http(s) URL (checked here, before any request; the message
        names where it came from and never shows a secret).
    """

    url_variable: ClassVar[str] = ""
    default_url: ClassVar[str] = ""

    def __init__(self, base_url: str | None = None, *, city: str | None = None, **options) -> None:
        super().__init__(**options)
        if base_url:
            self.base_url = checked_url(base_url, "base_url")
        elif os.environ.get(self.url_variable):
            self.base_url = checked_url(os.environ[self.url_variable], self.url_variable)
        else:
            self.base_url = self.default_url
        self.city = default_city(self.name) if city is None else city

    def _get_json(self, path: str, params: Mapping[str, str]) -> tuple[object, str]:
        """GET ``base_url + path`` and return (parsed JSON, body text); raise ``Retry`` / ``Failed``."""
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        answer = http_get(url, {"User-Agent": USER_AGENT, "Accept": "application/json"}, time_limit=self.timeout,
                          max_bytes=self.max_bytes)
        if answer.status >= 400:
            message = f"HTTP {answer.status} {answer.reason}"
            if answer.status == 429 or answer.status >= 500:
                raise Retry(message, retry_after(answer.headers.get("Retry-After")))
            raise Failed(message)
        try:
            text = answer.body.decode("utf-8")
            return json.loads(text), text
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Failed(f"malformed JSON answer: {exc}") from exc


def checked_url(value: object, source: str) -> str:
    """``value`` as a base URL (white space around it and a trailing ``/`` removed), or GeocodingError saying
    why it is not one: a scheme other than http(s), no host, a port that is not a number, white space or
    control characters inside, a query or fragment (the request adds its own).

    >>> checked_url(" http://127.0.0.1:8080/amap/ ", "base_url")
    'http://127.0.0.1:8080/amap'
    """
    text = value.strip() if isinstance(value, str) else value
    problem = _url_problem(text)
    if problem:
        shown = redact(value) if isinstance(value, str) else value
        raise GeocodingError(f"{source} must be an http(s) URL, got {shown!r}: {problem}")
    return text.rstrip("/")


def _url_problem(text: object) -> str | None:
    if not isinstance(text, str):
        return "not a text"
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        return "the scheme must be http or https"
    if any(character.isspace() or ord(character) < 32 or ord(character) == 127 for character in text):
        return "it contains white space or control characters"
    if not parts.hostname:
        return "it names no host"
    try:
        parts.port
    except ValueError as exc:
        return f"the port is not a number from 0 to 65535 ({exc})"
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        return "it must not have a query or fragment (the request adds its own)"
    return None


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
