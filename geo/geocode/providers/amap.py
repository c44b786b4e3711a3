"""AMap (高德) web-service geocoding, API v3; answers in GCJ-02."""

from __future__ import annotations

from geo.geocode.providers.base import Result, Retry, json_object, lon_lat, precision_of, provider_key, text_field
from geo.geocode.providers.http_json import HttpJsonProvider

__all__ = ["AMapProvider"]


class AMapProvider(HttpJsonProvider):
    """AMap (高德) web-service geocoding, API v3; answers in GCJ-02.

    ``GET {base_url}/v3/geocode/geo?key=…&address=…&city=昆山``; an answer ``{"status": "1", "geocodes":
    [{"location": "lon,lat", "level": …, "formatted_address": …}]}``. ``status "0"`` is a failure with
    ``info``/``infocode``: access-frequency and busy-server ones (10004, 10014-10016, 10019-10021) are
    retried; every other one (10001 INVALID_USER_KEY, 10003 DAILY_QUERY_OVER_LIMIT, 10009 platform mismatch, …)
    is permanent: not retried, and asked again on the next run, never served from the cache.

    Parameters
    ----------
    key : str, optional
        Web-service key; read from ``KUNSHAN_AMAP_KEY`` when None.
    city : str, optional
        City that narrows the search; the region's default (``geocoder_city`` of its city entry,
        geo/data/kunshan_zones.json: 昆山) when None.
    base_url : str, optional
        ``$KUNSHAN_AMAP_URL`` (e.g. an intranet proxy), else https://restapi.amap.com.
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
    url_variable = "KUNSHAN_AMAP_URL"
    default_url = "https://restapi.amap.com"
    _RETRY_INFO = ("ACCESS_TOO_FREQUENT", "EXCEEDED_THE_LIMIT", "GATEWAY_TIMEOUT", "SERVER_IS_BUSY")
    _RETRY_CODES = ("10004", "10014", "10015", "10016", "10019", "10020", "10021")

    def __init__(self, key: str | None = None, *, city: str | None = None, base_url: str | None = None,
                 **options) -> None:
        super().__init__(base_url, city=city, **options)
        self.key = provider_key(key, self.key_variable, "AMap (高德) web-service key")

    def secrets(self) -> tuple[str, ...]:
        """The web-service key, blanked out of every result."""
        return (self.key,)

    def _attempt(self, address: str) -> Result:
        data, text = self._get_json("/v3/geocode/geo",
                                    {"key": self.key, "address": address, "city": self.city, "output": "JSON"})
        data = json_object(data, text)
        if str(data.get("status")) != "1":
            info = f"AMap error: {data.get('info', '?')} (infocode {data.get('infocode', '?')})"
            if (str(data.get("infocode")) in self._RETRY_CODES
                    or any(word in str(data.get("info", "")) for word in self._RETRY_INFO)):
                raise Retry(info)
            return Result("failed", raw=text, error=info)
        geocodes = data.get("geocodes")
        if not isinstance(geocodes, list):
            return Result("failed", raw=text, error="AMap answer without a 'geocodes' list")
        if not geocodes:
            return Result("not_found", raw=text)
        first = geocodes[0]
        try:
            lon, lat = lon_lat(first["location"].split(","))
        except (KeyError, AttributeError, TypeError, ValueError) as exc:
            return Result("failed", raw=text, error=f"AMap answer without a usable 'location': {exc!r}")
        distinct = {str(g.get("location")) for g in geocodes if isinstance(g, dict)}
        return Result("ambiguous" if len(distinct) > 1 else "ok", lon, lat,
                      precision=precision_of(self.name, text_field(first.get("level"))),
                      matched=text_field(first.get("formatted_address")), raw=text)

