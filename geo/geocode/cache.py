"""The geocoding cache: one SQLite file, one row per (provider, normalised address), committed at once.

Coordinates are stored as the provider gave them, in the provider's datum (column ``datum``); they are
converted to WGS-84 when read into a batch, never before, so a value read twice is converted once each
time from the same stored input, never converted twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from geo.geocode.providers import Result
from geo.text import fold_column

__all__ = ["GeocodeCache", "cache_keys", "COLUMNS", "FINAL_STATUSES"]

#: Cached statuses that are answers, served from the cache; anything else (``failed``) is asked again.
FINAL_STATUSES = ("ok", "not_found", "ambiguous", "outside")
#: Columns of the cache table, in order.
COLUMNS = ["provider", "key", "address", "status", "lon", "lat", "datum", "precision", "matched", "raw", "error",
           "attempts", "timestamp"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS geocode (
    provider  TEXT NOT NULL,
    key       TEXT NOT NULL,
    address   TEXT NOT NULL,
    status    TEXT NOT NULL,
    lon       REAL,
    lat       REAL,
    datum     TEXT NOT NULL,
    precision TEXT,
    matched   TEXT,
    raw       TEXT,
    error     TEXT,
    attempts  INTEGER NOT NULL,
    timestamp TEXT NOT NULL,
    PRIMARY KEY (provider, key)
)
"""
_CHUNK = 500  # keys per SELECT, under SQLite's limit of bound parameters


def cache_keys(addresses: pd.Series) -> pd.Series:
    """Cache key of each address: NFKC, without white space, case-folded; NA for a missing or empty one.

    Examples
    --------
    >>> cache_keys(pd.Series(["昆山市 张浦镇 ＸＸ路", "  ", None])).tolist()
    ['昆山市张浦镇xx路', <NA>, <NA>]
    """
    return fold_column(addresses)


class GeocodeCache:
    """Geocoding results in an SQLite file, keyed by (provider, normalised address).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The SQLite file (created with its folder when missing). None keeps the cache in memory, for one
        batch only.

    Examples
    --------
    >>> with GeocodeCache() as cache:
    ...     cache.store("amap", "昆山市", "昆山市", Result("ok", 120.98, 31.38, "city"), "gcj02")
    ...     cache.lookup("amap", ["昆山市"]).loc["昆山市", ["status", "datum"]].tolist()
    ['ok', 'gcj02']
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(":memory:" if self.path is None else str(self.path))
        with self._connection:
            self._connection.execute(_SCHEMA)

    def __enter__(self) -> GeocodeCache:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (every stored result is already committed)."""
        self._connection.close()

    def store(self, provider: str, key: str, address: str, result: Result, datum: str) -> None:
        """Write one result and commit it, replacing an earlier one for the same key.

        Parameters
        ----------
        provider : str
            Provider name (``amap``, ``baidu``, ``nominatim``).
        key : str
            Normalised address (:func:`cache_keys`).
        address : str
            The address as sent.
        result : Result
            Coordinates in ``datum`` (degrees).
        datum : {"wgs84", "gcj02", "bd09"}
            Datum of the result's coordinates.
        """
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        row = (provider, key, address, result.status, _real(result.lon), _real(result.lat), datum,
               result.precision, result.matched, result.raw, result.error, result.attempts, stamp)
        with self._connection:  # commits on leaving
            self._connection.execute(f"INSERT OR REPLACE INTO geocode VALUES ({', '.join('?' * len(COLUMNS))})",
                                     row)

    def lookup(self, provider: str, keys: Iterable[str]) -> pd.DataFrame:
        """Cached rows of ``provider`` for ``keys``, indexed by key (keys not cached are absent).

        Returns
        -------
        pandas.DataFrame
            The :data:`COLUMNS` but ``provider`` and ``key``; ``lon``/``lat`` float64 (degrees, in ``datum``).
        """
        keys = list(dict.fromkeys(keys))
        frames = [pd.read_sql_query(
            f"SELECT * FROM geocode WHERE provider = ? AND key IN ({', '.join('?' * len(chunk))})",
            self._connection, params=[provider, *chunk])
            for chunk in (keys[i:i + _CHUNK] for i in range(0, len(keys), _CHUNK))]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
        frame = frame.astype({"lon": "float64", "lat": "float64"})
        return frame.set_index("key").drop(columns="provider")

    def count(self, provider: str | None = None, status: str | None = None) -> int:
        """Number of cached rows, of one provider and/or one status when given."""
        query, params = "SELECT COUNT(*) FROM geocode WHERE 1 = 1", []
        for column, value in (("provider", provider), ("status", status)):
            if value is not None:
                query += f" AND {column} = ?"
                params.append(value)
        return int(self._connection.execute(query, params).fetchone()[0])


def _real(value: float) -> float | None:
    return None if value is None or value != value else float(value)
