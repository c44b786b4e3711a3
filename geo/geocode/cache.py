"""The geocoding cache: one SQLite file, one row per (provider, normalised address), committed at once.

Coordinates are stored as the provider gave them, in the provider's datum (column ``datum``); they are
converted to WGS-84 when read into a batch, never before, so a value read twice is converted once each
time from the same stored input, never converted twice.

Several runs may share one file at once. Before asking, a run **claims** the address (a row of the ``claim``
table, with a lease in seconds) in one write transaction that also checks the answers: an address answered,
or tried by another run since this one opened the file, is not asked again; one claimed by a live run is
waited for. The result and the release of the claim are committed together; a claim whose run died expires
with its lease.

A file that SQLite cannot use (damaged, not a database, not a geocode cache, locked past
:data:`BUSY_TIMEOUT`) raises :class:`~geo.errors.GeocodeCacheError`, naming the file and the ways out.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import pandas as pd

from geo.errors import GeocodeCacheError
from geo.geocode.providers import Result
from geo.text import fold_column

__all__ = ["GeocodeCache", "cache_keys", "COLUMNS", "FINAL_STATUSES", "BUSY_TIMEOUT"]

#: Cached statuses that are answers, served from the cache; anything else (``failed``) is asked again.
FINAL_STATUSES = ("ok", "not_found", "ambiguous", "outside")
#: Columns of the cache table, in order.
COLUMNS = ["provider", "key", "address", "status", "lon", "lat", "datum", "precision", "matched", "raw", "error",
           "attempts", "timestamp"]
#: Seconds a run waits for another one's write to the file before calling it locked.
BUSY_TIMEOUT = 10.0
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
_CLAIMS = """
CREATE TABLE IF NOT EXISTS claim (
    provider TEXT NOT NULL,
    key      TEXT NOT NULL,
    owner    TEXT NOT NULL,
    expires  REAL NOT NULL,
    PRIMARY KEY (provider, key)
)
"""
_CHUNK = 500  # keys per SELECT, under SQLite's limit of bound parameters

Claim = Literal["claimed", "answered", "busy"]


def cache_keys(addresses: pd.Series) -> pd.Series:
    """Cache key of each address: NFKC, without white space, case-folded; NA for a missing or empty one.

    Examples
    --------
    >>> cache_keys(pd.Series(["昆山市 张浦镇 ＸＸ路", "  ", None])).tolist()
    ['昆山市张浦镇xx路', <NA>, <NA>]
    """
    return fold_column(addresses)


class GeocodeCache:
    """Geocoding results in an SQLite file, keyed by (provider, normalised address), safe to share between runs.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The SQLite file (created with its folder when missing; checked when it exists). None keeps the cache
        in memory, for one batch only.
    busy_timeout : float, optional
        :data:`BUSY_TIMEOUT` when None: seconds to wait for another run's write before the file counts as locked.

    Raises
    ------
    GeocodeCacheError
        When the file cannot be used (here or by any later method), naming it and the ways out.

    Examples
    --------
    >>> with GeocodeCache() as cache:
    ...     cache.store("amap", "昆山市", "昆山市", Result("ok", 120.98, 31.38, "city"), "gcj02")
    ...     cache.lookup("amap", ["昆山市"]).loc["昆山市", ["status", "datum"]].tolist()
    ['ok', 'gcj02']
    """

    def __init__(self, path: str | Path | None = None, *, busy_timeout: float | None = None) -> None:
        self.path = None if path is None else Path(path)
        self.busy_timeout = float(BUSY_TIMEOUT if busy_timeout is None else busy_timeout)
        self.owner = uuid.uuid4().hex  # this run, in the claims
        self.opened = _stamp()  # results stored after this by any run are this batch's answers
        with self._guard():
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(":memory:" if self.path is None else str(self.path),
                                               timeout=self.busy_timeout, isolation_level=None)
        try:
            with self._guard():
                self._check()
                with self._transaction():
                    self._connection.execute(_SCHEMA)
                    self._connection.execute(_CLAIMS)
                self._check_columns()
        except GeocodeCacheError:
            self._connection.close()
            raise

    def __enter__(self) -> GeocodeCache:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        try:
            self.release()
        except GeocodeCacheError:
            if exc_type is None:
                raise  # with an exception under way, that one is reported; the claims expire with their lease
        finally:
            self._connection.close()

    def close(self) -> None:
        """Release this run's claims and close the file (every stored result is already committed)."""
        self.__exit__(None)

    def store(self, provider: str, key: str, address: str, result: Result, datum: str) -> None:
        """Write one result and release its claim, committed together, replacing an earlier one for the key.

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
        row = (provider, key, address, result.status, _real(result.lon), _real(result.lat), datum,
               result.precision, result.matched, result.raw, result.error, result.attempts, _stamp())
        with self._guard(), self._transaction():
            self._connection.execute(f"INSERT OR REPLACE INTO geocode VALUES ({', '.join('?' * len(COLUMNS))})",
                                     row)
            self._connection.execute("DELETE FROM claim WHERE provider = ? AND key = ? AND owner = ?",
                                     (provider, key, self.owner))

    def claim(self, provider: str, key: str, *, lease: float) -> Claim:
        """Claim one address before asking for it, in one write transaction.

        Returns
        -------
        {"claimed", "answered", "busy"}
            ``answered``: the cache holds an answer (:data:`FINAL_STATUSES`), or a result stored since this
            cache was opened (another run tried it meanwhile): do not ask. ``busy``: another run holds an
            unexpired claim: ask later. ``claimed``: this run holds it for ``lease`` seconds: ask, then
            :meth:`store` (or :meth:`release`).
        """
        with self._guard(), self._transaction():
            row = self._connection.execute("SELECT status, timestamp FROM geocode WHERE provider = ? AND key = ?",
                                           (provider, key)).fetchone()
            if row is not None and (row[0] in FINAL_STATUSES or row[1] >= self.opened):
                return "answered"
            held = self._connection.execute("SELECT owner, expires FROM claim WHERE provider = ? AND key = ?",
                                            (provider, key)).fetchone()
            if held is not None and held[0] != self.owner and held[1] > time.time():
                return "busy"
            self._connection.execute("INSERT OR REPLACE INTO claim VALUES (?, ?, ?, ?)",
                                     (provider, key, self.owner, time.time() + lease))
            return "claimed"

    def release(self, provider: str | None = None, key: str | None = None) -> None:
        """Drop this run's claim on one address, or all of this run's claims."""
        query, params = "DELETE FROM claim WHERE owner = ?", [self.owner]
        if provider is not None:
            query, params = query + " AND provider = ? AND key = ?", [*params, provider, key]
        with self._guard():
            self._connection.execute(query, params)

    def lookup(self, provider: str, keys: Iterable[str]) -> pd.DataFrame:
        """Cached rows of ``provider`` for ``keys``, indexed by key (keys not cached are absent).

        Returns
        -------
        pandas.DataFrame
            The :data:`COLUMNS` but ``provider`` and ``key``; ``lon``/``lat`` float64 (degrees, in ``datum``).
        """
        keys = list(dict.fromkeys(keys))
        with self._guard():
            frames = [pd.read_sql_query(
                f"SELECT {', '.join(COLUMNS)} FROM geocode WHERE provider = ? AND key IN "
                f"({', '.join('?' * len(chunk))})", self._connection, params=[provider, *chunk])
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
        with self._guard():
            return int(self._connection.execute(query, params).fetchone()[0])

    # --- checks and errors ----------------------------------------------------------------------------------

    def _check(self) -> None:
        """SQLite's quick integrity check of the whole file (a damaged one fails before any request)."""
        problems = [row[0] for row in self._connection.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(f"database disk image is malformed: {problems[0]}")

    def _check_columns(self) -> None:
        found = [row[1] for row in self._connection.execute("PRAGMA table_info(geocode)").fetchall()]
        if found != COLUMNS:
            raise sqlite3.DatabaseError(f"its table geocode has the columns {', '.join(found)}, not "
                                        f"{', '.join(COLUMNS)}: not a geocode cache")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE), committed or rolled back."""
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite's and the file system's errors as one GeocodeCacheError naming the file and the ways out."""
        try:
            yield
        except (sqlite3.DatabaseError, OSError) as exc:
            raise GeocodeCacheError(self._message(exc)) from exc

    def _message(self, exc: Exception) -> str:
        where = "the geocode cache in memory" if self.path is None else f"geocode cache {self.path}"
        if "locked" in str(exc) or "busy" in str(exc):
            return (f"{where} is locked by another program ({exc}, waited {self.busy_timeout:g} s): close that "
                    f"program and run again, use another cache file (--cache NEW_PATH, cache_path=) or none "
                    f"(--no-cache, no_cache=True)")
        return (f"{where} cannot be used ({exc}): move it aside or delete it (a new cache is built on the next "
                f"run), use another cache file (--cache NEW_PATH, cache_path=) or none (--no-cache, no_cache=True)")


def _stamp() -> str:
    """Now, UTC, ISO 8601 to the microsecond (later stamps sort after, as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _real(value: float) -> float | None:
    return None if value is None or value != value else float(value)
