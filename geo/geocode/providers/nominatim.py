"""Nominatim (OpenStreetMap) through geopy; answers in WGS-84. geopy builds the request and reads the answer;
the request itself goes through :func:`~geo.geocode.providers.http_get.http_get` (total time limit, size cap,
redirects on one host), by a geopy adapter."""

from __future__ import annotations

import json
import os
from typing import Literal

from geo.errors import GeocodingError
from geo.geocode.providers.base import Failed, Provider, Result, Retry, lon_lat, match_levels, precision_of, text_field
from geo.geocode.providers.http_get import http_get

__all__ = ["NominatimProvider"]


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

    def __init__(self, user_agent: str | None = None, *, domain: str = "nominatim.openstreetmap.org",
                 scheme: Literal["https", "http"] = "https", country_codes: str = "cn", **options) -> None:
        super().__init__(**options)
        try:
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
        # our own adapter: geopy's requests adapter would retry 429/503 itself, with real sleeps, unseen here,
        # and neither of geopy's adapters limits the total time or the size of an answer.
        self._geocoder = Nominatim(user_agent=self.user_agent, domain=domain, scheme=scheme, timeout=self.timeout,
                                   adapter_factory=_adapter(self.max_bytes))

    def _attempt(self, address: str) -> Result:
        from geopy import exc as geopy_errors

        try:
            location = self._geocoder.geocode(address, exactly_one=True, country_codes=self.country_codes,
                                              language="zh")
        except geopy_errors.GeocoderRateLimited as exc:
            raise Retry(f"Nominatim rate limited: {exc}", exc.retry_after) from exc
        except (geopy_errors.GeocoderTimedOut, geopy_errors.GeocoderUnavailable) as exc:
            raise Retry(f"Nominatim unavailable: {type(exc).__name__}: {exc}") from exc
        except (geopy_errors.GeocoderQueryError, geopy_errors.GeocoderAuthenticationFailure,
                geopy_errors.GeocoderInsufficientPrivileges, geopy_errors.GeocoderQuotaExceeded,
                geopy_errors.GeocoderParseError, geopy_errors.ConfigurationError) as exc:
            raise Failed(f"Nominatim: {type(exc).__name__}: {exc}") from exc
        except geopy_errors.GeocoderServiceError as exc:  # other HTTP errors, 5xx among them
            raise Retry(f"Nominatim: {type(exc).__name__}: {exc}") from exc
        except (TypeError, ValueError, KeyError) as exc:  # an answer geopy cannot read (fields missing)
            raise Failed(f"Nominatim answer cannot be read: {type(exc).__name__}: {exc}") from exc
        if location is None:
            return Result("not_found")
        place = location.raw if isinstance(location.raw, dict) else {}
        raw = json.dumps(place, ensure_ascii=False, sort_keys=True)
        try:
            lon, lat = lon_lat((place["lon"], place["lat"]))
        except (KeyError, TypeError, ValueError) as exc:
            return Result("failed", raw=raw, error=f"Nominatim answer without usable lon/lat: {exc!r}")
        return Result("ok", lon, lat, precision=self._precision(place),
                      matched=text_field(place.get("display_name")), raw=raw)

    def _precision(self, place: dict) -> str | None:
        for field in ("addresstype", "type"):
            level = precision_of(self.name, text_field(place.get(field)) or "")
            if level:
                return level
        try:
            rank = int(place["place_rank"])
        except (KeyError, TypeError, ValueError):
            return None
        levels = match_levels(self.name)  # place ranks: 30 houses/POIs, 26-27 streets, ... (geocoder_levels.json)
        return next((level for lowest, level in levels["place_rank"] if rank >= lowest), levels["below"])



def _adapter(max_bytes: int):
    """A geopy adapter class (geopy imported here, lazily) requesting through :func:`http_get`."""
    from geopy.adapters import AdapterHTTPError, BaseSyncAdapter
    from geopy.exc import GeocoderParseError

    class Adapter(BaseSyncAdapter):
        def get_text(self, url, *, timeout, headers):
            answer = http_get(url, headers, time_limit=timeout, max_bytes=max_bytes)
            if answer.status >= 400:
                raise AdapterHTTPError(f"Non-successful status code {answer.status}", status_code=answer.status,
                                       headers=answer.headers, text="")
            return answer.body.decode("utf-8", errors="replace")

        def get_json(self, url, *, timeout, headers):
            text = self.get_text(url, timeout=timeout, headers=headers)
            try:
                return json.loads(text)
            except ValueError as exc:
                raise GeocoderParseError(f"answer is not JSON: {text[:200]!r}") from exc

    return Adapter
