"""Online geocoders behind one interface: AMap (高德), Baidu (百度) and Nominatim (OpenStreetMap, through geopy).

A provider turns one address into one :class:`Result` in *its own* datum (GCJ-02 for AMap, BD-09 for Baidu,
WGS-84 for Nominatim); :func:`geo.geocode.batch.geocode_addresses` caches results and converts them to WGS-84
once. Every provider here

* reads its key from the environment (``KUNSHAN_AMAP_KEY``, ``KUNSHAN_BAIDU_AK``) unless one is passed,
  and never at import time;
* waits a minimum interval between requests (:class:`RateLimiter`; the clock and the sleep are injectable);
* gives up on a request after ``timeout`` seconds in all (connection, TLS, redirects and every read; default
  :data:`~geo.geocode.providers.base.TIME_LIMIT`, 20 s), refuses an answer over ``max_bytes`` (default
  :data:`~geo.geocode.providers.base.SIZE_LIMIT`, 1 MB) and a redirect to another scheme or host
  (:mod:`~geo.geocode.providers.http_get`), and retries timeouts, connection errors, HTTP 5xx and 429 with
  exponential backoff, honouring ``Retry-After`` up to ``max_wait`` seconds; a permanent failure (a bad URL,
  HTTP 4xx, a bad key) is not retried;
* never hands back a secret: keys are blanked out of every error, raw answer and matched text
  (:func:`geo.geocode.secrets.redact`), even when a server echoes the request;
* reports what happened as a status: ``ok``, ``not_found`` (the service answered that it knows no such
  place), ``ambiguous`` (several different places), ``outside``, or ``failed`` (no usable answer: network,
  HTTP, quota, key, malformed JSON, missing fields). A failure is never reported as ``not_found``.

Nothing here reaches the network unless :meth:`Provider.geocode` is called. One module per provider
(:mod:`~geo.geocode.providers.amap`, ``baidu``, ``nominatim``) on what they share (``base``, ``http_get``,
``http_json``).
"""

from geo.errors import GeocodingError
from geo.geocode.providers.base import Provider, RateLimiter, Result
from geo.geocode.providers.http_json import USER_AGENT
from geo.geocode.providers.amap import AMapProvider
from geo.geocode.providers.baidu import BaiduProvider
from geo.geocode.providers.nominatim import NominatimProvider

__all__ = ["GeocodingError", "Result", "Provider", "RateLimiter", "AMapProvider", "BaiduProvider",
           "NominatimProvider", "USER_AGENT"]
