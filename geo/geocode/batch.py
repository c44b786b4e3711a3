"""Batches of addresses to points in Kunshan (WGS-84) with a precision, offline or online.

* :func:`geocode_addresses` runs a batch, offline or through an online provider (:mod:`geo.geocode.providers`),
  with an SQLite cache that makes batches resumable, converts each provider's datum to WGS-84 once, and
  flags for review the points outside Kunshan, coarser than expected, or ambiguous.

Statuses: ``ok``; ``not_found`` (nothing known by that name); ``ambiguous`` (the address names two different
places); ``outside`` (it names, or its point lies in, a place outside Kunshan); ``failed`` (online only: no
usable answer, asked again on the next run). Precisions, finest first: ``exact``, ``road``, ``town``,
``zone``, ``city``, ``region`` (coarser than the city: an answer at prefecture or province level).
"""

from __future__ import annotations

import sys
import time
from typing import Literal

import numpy as np
import pandas as pd
import shapely

from geo.geocode.cache import FINAL_STATUSES, GeocodeCache, cache_keys
from geo.geocode.secrets import redact_result
from geo.place.datum import convert_by_datum
from geo.place.gazetteer import kunshan_outline
from geo.place.offline import check_addresses, geocode_offline
from geo.registry import precisions
from geo.geocode.providers import AMapProvider, BaiduProvider, GeocodingError, NominatimProvider, Provider

__all__ = ["geocode_addresses", "STATUSES", "COLUMNS"]

#: What can happen to an address.
STATUSES: tuple[str, ...] = ("ok", "not_found", "ambiguous", "outside", "failed")
#: Columns of :func:`geocode_addresses`, in order.
COLUMNS = ["lon", "lat", "precision", "source", "status", "review", "matched", "error", "datum_input",
           "lon_input", "lat_input"]
_PROVIDERS = {"amap": AMapProvider, "baidu": BaiduProvider, "nominatim": NominatimProvider}
_POLL = 0.2  # seconds between two looks at the addresses another run is asking
_LEASE = 600.0  # seconds a claim lasts for a provider that cannot say how long one call takes
_LEASE_MARGIN = 30.0  # seconds added to a provider's own bound (Provider.time_bound)

ProviderName = Literal["offline", "amap", "baidu", "nominatim"]
PrecisionName = Literal["exact", "road", "town", "zone", "city"]


def geocode_addresses(addresses: pd.Series, provider: ProviderName | Provider = "offline", *,
                      cache_path=None, expected_precision: PrecisionName | None = None,
                      progress: bool = True) -> pd.DataFrame:
    """Geocode a column of addresses, offline (default) or through an online provider, resumably.

    Online, each distinct address (compared NFKC, without spaces, case-folded) is asked once; its result is
    written to the SQLite cache and committed as soon as it arrives. A later run with the same
    ``cache_path`` serves ``ok``, ``not_found``, ``ambiguous`` and ``outside`` from the cache and asks again
    only the ``failed`` ones; a batch stopped with Ctrl-C (KeyboardInterrupt, re-raised) loses no finished
    result. The cache keeps the provider's own coordinates and datum; they are converted to WGS-84 here, once.
    Runs sharing one cache file at the same time ask each address once between them: each claims an address
    in the cache before asking (:meth:`GeocodeCache.claim`) and waits for the ones another run is asking.
    No secret (key) reaches the cache or the ``error`` column (:func:`geo.geocode.secrets.redact_result`).

    Parameters
    ----------
    addresses : pandas.Series
        Address texts, any index (kept). Missing or blank ones are ``not_found`` without a request.
    provider : {"offline", "amap", "baidu", "nominatim"} or Provider, default "offline"
        ``offline``: :func:`geocode_offline`, no network. A name builds the provider with its defaults (key
        from the environment); pass a :class:`geo.geocode.providers.Provider` to set options.
    cache_path : str or pathlib.Path, optional
        SQLite file of the cache (online only). None: a cache in memory, for this batch only (nothing is
        read from or written to a file).
    expected_precision : {"exact", "road", "town", "zone", "city"}, optional
        Points coarser than this are flagged for review.
    progress : bool, default True
        Show a progress bar on stderr while requests are made.

    Returns
    -------
    pandas.DataFrame
        Index of ``addresses``; columns ``lon``, ``lat`` (WGS-84 degrees), ``precision``, ``source``
        (``gazetteer:<place>`` or the provider's name), ``status`` (an ``ok`` point outside the Kunshan outline
        becomes ``outside``), ``review`` (True when the point lies outside Kunshan, is coarser than
        ``expected_precision`` or of unknown precision, or the status is ``ambiguous`` or ``outside``),
        ``matched`` (what the gazetteer or provider matched), ``error`` (why it failed), ``datum_input``,
        ``lon_input``, ``lat_input`` (the coordinates as the provider gave them, in its datum).

    Raises
    ------
    GeocodingError
        For an unknown provider or precision, or a provider that cannot be built (missing key, bad URL).
    GeocodeCacheError
        When the cache file cannot be used (damaged, not a cache, locked): naming it and the ways out.
    KeyboardInterrupt
        Re-raised after every finished result is in the cache.

    Examples
    --------
    >>> out = geocode_addresses(pd.Series(["昆山市锦溪镇锦商路699号", "昆山市"], index=[7, 8]),
    ...                         expected_precision="town")
    >>> out[["precision", "status", "review", "datum_input"]].to_dict("index")[8]
    {'precision': 'city', 'status': 'ok', 'review': True, 'datum_input': 'wgs84'}
    """
    check_addresses(addresses, "geocode_addresses")
    _check_options(expected_precision, progress)
    resolved = _provider(provider)
    if resolved is None:
        frame = _offline_batch(addresses)
    else:
        frame = _online_batch(addresses, resolved, cache_path, progress)
    return _review(frame, expected_precision)


def _check_options(expected_precision, progress) -> None:
    expectable = list(precisions().index[precisions()["expectable"]])
    if expected_precision is not None and expected_precision not in expectable:
        raise GeocodingError(f"geocode_addresses: expected_precision={expected_precision!r} is not one of "
                             f"{', '.join(expectable)} (or None)")
    if not isinstance(progress, bool):
        raise GeocodingError(f"geocode_addresses: progress must be True or False, got {progress!r}")


def _offline_batch(addresses: pd.Series) -> pd.DataFrame:
    found = geocode_offline(addresses)
    has_point = found["lon"].notna() & found["lat"].notna()
    return found.assign(error=pd.Series(pd.NA, index=found.index, dtype="string"),
                        datum_input=pd.Series("wgs84", index=found.index, dtype="string").where(has_point),
                        lon_input=found["lon"], lat_input=found["lat"])


# --- online -------------------------------------------------------------------------------------------------


def _provider(provider) -> Provider | None:
    if isinstance(provider, str):
        if provider == "offline":
            return None
        if provider in _PROVIDERS:
            return _PROVIDERS[provider]()
        raise GeocodingError(f"geocode_addresses: provider={provider!r} is not one of offline, "
                             f"{', '.join(_PROVIDERS)} (or a geo.geocode.providers.Provider)")
    missing = [attribute for attribute in ("name", "datum", "geocode") if not hasattr(provider, attribute)]
    if missing:
        raise GeocodingError(f"geocode_addresses: provider={provider!r} lacks {', '.join(missing)}; pass one of "
                             f"offline, {', '.join(_PROVIDERS)} or a geo.geocode.providers.Provider")
    if provider.datum not in ("wgs84", "gcj02", "bd09"):
        raise GeocodingError(f"geocode_addresses: provider {provider.name!r} has datum {provider.datum!r}; "
                             "allowed: wgs84, gcj02, bd09")
    return provider


def _online_batch(addresses: pd.Series, provider: Provider, cache_path, progress: bool) -> pd.DataFrame:
    keys = cache_keys(addresses)
    sent = addresses.astype("string").str.normalize("NFKC").str.strip()
    first_sent = sent.groupby(keys.to_numpy(dtype=object), dropna=True).first()
    unique = pd.Index(keys.dropna().unique())
    with GeocodeCache(cache_path) as cache:
        cached = cache.lookup(provider.name, unique)
        answered = cached.index[cached["status"].isin(FINAL_STATUSES)]
        ask = unique[~unique.isin(answered)]
        with _Progress(len(ask), provider.name, enabled=progress) as bar:
            _ask(cache, provider, ask, first_sent, bar)
        table = cache.lookup(provider.name, unique)
    rows = table.reindex(keys.fillna("").to_numpy()).set_axis(addresses.index)
    lon, lat = convert_by_datum(rows["lon"], rows["lat"], rows["datum"], "wgs84")
    asked = rows["status"].notna()
    return pd.DataFrame({
        "lon": pd.Series(lon, index=rows.index), "lat": pd.Series(lat, index=rows.index),
        "precision": rows["precision"].astype("string"),
        "source": pd.Series(provider.name, index=rows.index, dtype="string").where(asked),
        "status": rows["status"].astype("string").fillna("not_found"),
        "matched": rows["matched"].astype("string"),
        "error": rows["error"].astype("string"),
        "datum_input": rows["datum"].astype("string"),
        "lon_input": rows["lon"].astype("float64"), "lat_input": rows["lat"].astype("float64"),
    }, index=rows.index)


def _ask(cache: GeocodeCache, provider: Provider, keys: pd.Index, sent: pd.Series, bar: _Progress) -> None:
    """Ask ``provider`` for every key that no run has answered, each claimed first; then wait for the keys
    another run holds, and ask those whose claim expired."""
    bound = getattr(provider, "time_bound", None)
    lease = float(bound()) + _LEASE_MARGIN if callable(bound) else _LEASE
    secrets = tuple(provider.secrets()) if callable(getattr(provider, "secrets", None)) else ()
    pending = list(keys)
    while pending:
        busy = []
        for key in pending:  # the network loop: one request (and its retries) per distinct address
            state = cache.claim(provider.name, key, lease=lease)
            if state == "busy":
                busy.append(key)
                continue
            if state == "claimed":
                result = redact_result(provider.geocode(sent[key]), secrets)
                cache.store(provider.name, key, sent[key], result, provider.datum)
            bar.advance()
        if busy:
            time.sleep(_POLL)
        pending = busy


# --- review -------------------------------------------------------------------------------------------------


def _review(frame: pd.DataFrame, expected_precision: str | None) -> pd.DataFrame:
    """Mark points outside the Kunshan outline (status ``outside``) and set the ``review`` flag."""
    lon, lat = frame["lon"].to_numpy(dtype="float64"), frame["lat"].to_numpy(dtype="float64")
    has_point = np.isfinite(lon) & np.isfinite(lat)
    inside = np.zeros(len(frame), dtype=bool)
    if has_point.any():
        inside[has_point] = shapely.contains_xy(kunshan_outline().union_all(), lon[has_point], lat[has_point])
    off = pd.Series(has_point & ~inside, index=frame.index)
    status = frame["status"].mask(off & frame["status"].eq("ok"), "outside")
    ranks = precisions()["rank"]
    rank = frame["precision"].map(ranks).astype("float64")
    coarse = pd.Series(False, index=frame.index)
    if expected_precision is not None:
        coarse = rank.gt(ranks[expected_precision])
    unknown = pd.Series(has_point, index=frame.index) & rank.isna()
    review = off | status.isin(["outside", "ambiguous"]) | (coarse & pd.Series(has_point, index=frame.index)) | unknown
    return frame.assign(status=status, review=review.astype(bool))[COLUMNS]


# --- checks and progress ------------------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on stderr: ``amap [#######·········] 12/40``; nothing when disabled."""

    _WIDTH = 24
    _EVERY = 0.1  # seconds between redraws

    def __init__(self, total: int, label: str, *, enabled: bool) -> None:
        self.total, self.label, self.done = total, label, 0
        self.enabled = enabled and total > 0
        self.stream = sys.stderr
        self._drawn = -np.inf

    def __enter__(self) -> _Progress:
        self._draw(force=True)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def advance(self) -> None:
        self.done += 1
        self._draw(force=self.done == self.total)

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._drawn < self._EVERY):
            return
        self._drawn = now
        filled = int(self._WIDTH * self.done / self.total)
        bar = "#" * filled + "·" * (self._WIDTH - filled)
        self.stream.write(f"\rgeocoding {self.label} [{bar}] {self.done}/{self.total}")
        self.stream.flush()
