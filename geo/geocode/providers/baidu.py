"""Baidu (百度) geocoding v3; answers in BD-09."""

from __future__ import annotations

from geo.geocode.providers.base import Result, Retry, json_object, lon_lat, precision_of, provider_key, text_field
from geo.geocode.providers.http_json import HttpJsonProvider

__all__ = ["BaiduProvider"]


class BaiduProvider(HttpJsonProvider):
    """Baidu (百度) geocoding v3; answers in BD-09 (``ret_coordtype=bd09ll``).

    ``GET {base_url}/geocoding/v3/?address=…&output=json&ak=…&ret_coordtype=bd09ll&city=昆山市``; an answer
    ``{"status": 0, "result": {"location": {"lng", "lat"}, "precise", "confidence", "level"}}``.
    ``status 1`` whose message says 无相关结果 (no result) is ``not_found``; any other ``status 1`` (internal
    error) and 401/402 (concurrency quota) are retried; every other status is a permanent failure, not retried
    and asked again on the next run (2 bad parameters, 3-5 and 2xx a bad, unknown or disabled ak, 101-102
    service disabled or not whitelisted, 3xx quotas).

    The precision comes from ``level``; a fuzzy point (``precise`` 0) is at best ``road``. ``confidence``
    stays in ``raw``.

    Parameters
    ----------
    ak : str, optional
        Access key; read from ``KUNSHAN_BAIDU_AK`` when None.
    city : str, optional
        City that narrows the search; the region's default (``geocoder_city`` of its city entry,
        geo/data/kunshan_zones.json: 昆山市) when None.
    base_url : str, optional
        ``$KUNSHAN_BAIDU_URL``, else https://api.map.baidu.com.
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
    url_variable = "KUNSHAN_BAIDU_URL"
    default_url = "https://api.map.baidu.com"
    _RETRY_STATUS = (1, 401, 402)
    _NO_RESULT = "无相关结果"

    def __init__(self, ak: str | None = None, *, city: str | None = None, base_url: str | None = None,
                 **options) -> None:
        super().__init__(base_url, city=city, **options)
        self.ak = provider_key(ak, self.key_variable, "Baidu (百度) access key (ak)")

    def secrets(self) -> tuple[str, ...]:
        """The access key, blanked out of every result."""
        return (self.ak,)

    def _attempt(self, address: str) -> Result:
        data, text = self._get_json("/geocoding/v3/", {"address": address, "output": "json", "ak": self.ak,
                                                      "ret_coordtype": "bd09ll", "city": self.city})
        data = json_object(data, text)
        status = data.get("status")
        message = text_field(data.get("msg") or data.get("message")) or ""
        if status == 1 and self._NO_RESULT in message:
            return Result("not_found", raw=text)
        if status != 0:
            error = f"Baidu error: status {status}: {message or '?'}"
            if status in self._RETRY_STATUS:
                raise Retry(error)
            return Result("failed", raw=text, error=error)
        try:
            result = data["result"]
            lon, lat = lon_lat((result["location"]["lng"], result["location"]["lat"]))
        except (KeyError, TypeError, ValueError) as exc:
            return Result("failed", raw=text, error=f"Baidu answer without a usable result.location: {exc!r}")
        level = text_field(result.get("level"))
        precision = precision_of(self.name, level) if level else None
        if precision == "exact" and result.get("precise") == 0:
            precision = "road"
        return Result("ok", lon, lat, precision=precision, raw=text)  # Baidu v3 names no matched address

