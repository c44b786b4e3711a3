"""Keys never leave the process: one function blanks them out of any text a geocoder hands back.

:func:`redact` is applied where a provider's answer or error becomes a :class:`~geo.geocode.providers.Result`
(:meth:`geo.geocode.providers.Provider.geocode`) and again where results enter the cache and the output
columns (:func:`geo.geocode.batch.geocode_addresses`), so no message, ``geocode_error`` cell, cache row or
log line carries one, even when a server echoes the request URL or path back.
"""

from __future__ import annotations

import dataclasses
import os
import re
import urllib.parse
from collections.abc import Iterable, Mapping

__all__ = ["redact", "redact_result", "secrets_sent", "SECRET_VARIABLES", "SECRET_NAMES", "MASK"]

#: Environment variables holding keys: their values are blanked out of every text.
SECRET_VARIABLES = ("KUNSHAN_AMAP_KEY", "KUNSHAN_BAIDU_AK")
#: Query parameter and header names whose values are secrets (compared case-folded).
SECRET_NAMES = ("key", "ak", "sk", "token", "access_token", "api_key", "apikey", "sig", "signature",
                "authorization", "proxy-authorization", "x-api-key")
#: What a secret is replaced with.
MASK = "***"
_SHORTEST = 4  # characters; a shorter value is blanked only where it follows ``key=`` and the like
_NAMED = re.compile(r"(?i)(?<![\w-])(" + "|".join(map(re.escape, SECRET_NAMES)) + r")(=|%3D)[^&\s'\"<>#,;)\]}]+")
_USERINFO = re.compile(r"(//[^/@\s:'\"]+:)[^/@\s'\"]+@")


def redact(text: str | None, secrets: Iterable[str] = ()) -> str | None:
    """``text`` with every secret replaced by :data:`MASK`.

    Blanked out: each value in ``secrets`` and in the :data:`SECRET_VARIABLES` of the environment (as written,
    percent-encoded, form-encoded, with its slashes escaped as in JSON; values under 4 characters only as
    below); the value of every ``name=value`` whose name is one of :data:`SECRET_NAMES` (as in a URL or path
    echoed by a server); the password of a ``//user:password@``.

    Examples
    --------
    >>> redact("HTTP 403 /v3/geocode/geo?key=0123abcd&address=x sent 0123abcd", ["0123abcd"])
    'HTTP 403 /v3/geocode/geo?key=***&address=x sent ***'
    >>> redact(None) is None
    True
    """
    if not text:
        return text
    values = {value for value in (*secrets, *(os.environ.get(name, "") for name in SECRET_VARIABLES))
              if isinstance(value, str) and len(value.strip()) >= _SHORTEST}
    forms = {form for value in values
             for form in (value, value.strip(), urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value),
                          value.replace("/", "\\/"))}  # the last: a slash escaped in JSON, as PHP writes it
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    text = _NAMED.sub(lambda match: f"{match.group(1)}{match.group(2)}{MASK}", text)
    return _USERINFO.sub(lambda match: f"{match.group(1)}{MASK}@", text)


def redact_result(result, secrets: Iterable[str] = ()):
    """A :class:`~geo.geocode.providers.Result` with :func:`redact` applied to its texts (error, raw, matched)."""
    secrets = tuple(secrets)
    texts = {name: redact(getattr(result, name), secrets) for name in ("error", "raw", "matched")}
    if all(texts[name] == getattr(result, name) for name in texts):
        return result
    return dataclasses.replace(result, **texts)


def secrets_sent(url: str, headers: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The values a request sends under a secret name (:data:`SECRET_NAMES`): query parameters and headers.

    Examples
    --------
    >>> secrets_sent("https://x.org/geo?address=a&key=k123", {"User-Agent": "u", "X-Api-Key": "h456"})
    ('k123', 'h456')
    """
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=False)
    pairs = [*query, *(headers or {}).items()]
    return tuple(value for name, value in pairs if name.casefold() in SECRET_NAMES and value)
