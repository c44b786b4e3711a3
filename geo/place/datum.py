"""Map datums of China, converted over whole columns: WGS-84, GCJ-02 and BD-09.

- ``"wgs84"``: GPS, OpenStreetMap, CARTO; Tianditu's CGCS2000 is treated as equal at map scale.
- ``"gcj02"`` (火星坐标): Gaode/AMap and Tencent. In Kunshan about 470 m off WGS-84.
- ``"bd09"``: Baidu (its lon/lat form, ``bd09ll``; not the Mercator ``bd09mc``). In Kunshan about 1.1 km off.

Every function takes and returns **degrees, longitude first**: ``f(lon, lat) -> (lon, lat)``.
pyproj knows none of GCJ-02 and BD-09; the public formulas are written here in numpy:

- WGS-84 -> GCJ-02: the widely published formula (Krasovsky 1940 ellipsoid, ``a = 6378245.0``,
  ``ee = 0.00669342162296594323``), as in eviltransform and coordtransform.
- GCJ-02 -> BD-09: the published formula with ``x_pi = pi * 3000 / 180``.
- The inverses are solved by iteration until the forward formula gives back the input to better than
  1e-12 degree (about 0.1 µm), never by the one-step approximations (up to a few metres off).

The formulas are defined for mainland China only, by the usual rough box (lon 72.004..137.8347,
lat 0.8293..55.8271). Points outside it are returned unchanged with one :class:`DatumWarning`; the box
is rough: it includes Taiwan, Korea, part of Japan and south-east Asia, where the formulas are applied too.

The datum travels with the data (a column), and :func:`to_wgs84` sets it to ``"wgs84"`` as it converts,
so a frame is never converted twice.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from geo.registry import fold
from geo.errors import RegisterError

__all__ = ["convert_geometries", "Datum", "DATUMS", "DatumWarning", "parse_datum", "convert", "to_wgs84",
           "wgs84_to_gcj02", "gcj02_to_wgs84", "gcj02_to_bd09", "bd09_to_gcj02", "wgs84_to_bd09", "bd09_to_wgs84"]

Datum = Literal["wgs84", "gcj02", "bd09"]
DATUMS: tuple[Datum, ...] = ("wgs84", "gcj02", "bd09")

Coordinates = float | Sequence[float] | np.ndarray | pd.Series
"""A longitude or latitude in degrees: a number, or a 1-d array-like (list, numpy array, Series)."""
Converted = tuple[float, float] | tuple[np.ndarray, np.ndarray]
"""(lon, lat) in degrees: floats for scalar input, float64 arrays otherwise."""

# Accepted names, compared folded (NFKC, case-folded, without spaces, ``-`` and ``_``).
_ALIASES: dict[str, tuple[str, ...]] = {
    "wgs84": ("wgs84", "wgs-84", "cgcs2000", "gps"),
    "gcj02": ("gcj02", "gcj-02", "火星坐标", "高德", "amap", "gaode", "tencent", "腾讯"),
    "bd09": ("bd09", "bd-09", "bd09ll", "百度", "baidu"),
}

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

# The usual rough box of mainland China (degrees) outside which GCJ-02 and BD-09 equal WGS-84.
_LON_MIN, _LON_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271

_TOLERANCE = 1e-12  # degree, largest residual |forward(inverse(q)) - q| the inverses accept
_MAX_ITERATIONS = 30


class DatumWarning(UserWarning):
    """Points were left unchanged because they lie outside mainland China."""


def _folded(name: object) -> str:
    return fold(name).replace("-", "").replace("_", "")


_LOOKUP: dict[str, Datum] = {_folded(alias): datum for datum, aliases in _ALIASES.items() for alias in aliases}


def parse_datum(value: object) -> Datum:
    """Name of a datum, from any accepted spelling (case-insensitive, full-width forms read).

    Parameters
    ----------
    value : str
        ``wgs84``, ``WGS-84``, ``cgcs2000``, ``gps``; ``gcj02``, ``GCJ-02``, ``火星坐标``, ``高德``, ``amap``,
        ``gaode``, ``tencent``, ``腾讯``; ``bd09``, ``BD-09``, ``bd09ll``, ``百度``, ``baidu``.

    Returns
    -------
    {"wgs84", "gcj02", "bd09"}

    Raises
    ------
    RegisterError
        (a ``ValueError``) for any other value, echoing it and listing the accepted names.

    Examples
    --------
    >>> parse_datum("GCJ-02"), parse_datum("百度"), parse_datum(" WGS84 ")
    ('gcj02', 'bd09', 'wgs84')
    """
    datum = _LOOKUP.get(_folded(value)) if isinstance(value, str) else None
    if datum is None:
        allowed = "; ".join(f"{datum} ({', '.join(aliases[1:])})" for datum, aliases in _ALIASES.items())
        raise RegisterError(f"unknown datum {value!r}; allowed: {allowed} / 坐标系 {value!r} 无法识别")
    return datum


# --- the public formulas, over whole arrays, without the out-of-China test ------------------------------------


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS-84 at a WGS-84 point, in degrees (the published transformlat/transformlon)."""
    x = lon - 105.0
    y = lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += common
    d_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += common
    d_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def _wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d_lon, d_lat = _gcj_offset(lon, lat)
    return lon + d_lon, lat + d_lat


def _gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj_closed(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The published one-step BD-09 -> GCJ-02 formula (up to about 2e-6 degree, 0.2 m, from the inverse)."""
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _solve(forward: Callable, lon: np.ndarray, lat: np.ndarray,
           start: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Points p with forward(p) == (lon, lat), by fixed-point iteration p -= forward(p) - (lon, lat).

    Each forward formula is the identity plus a small, slowly varying offset, so every step shrinks the error
    by a factor of about 100 or more; stops when the largest residual is below 1e-12 degree (or after 30 steps).
    """
    x, y = start[0].copy(), start[1].copy()
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        rx, ry = fx - lon, fy - lat
        x -= rx
        y -= ry
        if max(np.max(np.abs(rx), initial=0.0), np.max(np.abs(ry), initial=0.0)) < _TOLERANCE:
            break
    return x, y


def _gcj_to_wgs(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _solve(_wgs_to_gcj, lon, lat, start=(lon, lat))


def _bd_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _solve(_gcj_to_bd, lon, lat, start=_bd_to_gcj_closed(lon, lat))


_STEPS: dict[tuple[str, str], tuple[Callable, ...]] = {
    ("wgs84", "gcj02"): (_wgs_to_gcj,),
    ("gcj02", "wgs84"): (_gcj_to_wgs,),
    ("gcj02", "bd09"): (_gcj_to_bd,),
    ("bd09", "gcj02"): (_bd_to_gcj,),
    ("wgs84", "bd09"): (_wgs_to_gcj, _gcj_to_bd),
    ("bd09", "wgs84"): (_bd_to_gcj, _gcj_to_wgs),
}


# --- input, the out-of-China rule and the warning -------------------------------------------------------------


def _as_float_array(values: Coordinates, name: str) -> np.ndarray:
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    array = np.asarray(values, dtype="float64")
    if array.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-d array of degrees, got shape {array.shape}")
    return array


def _as_arrays(lon: Coordinates, lat: Coordinates) -> tuple[np.ndarray, np.ndarray, bool]:
    """1-d float64 copies of lon and lat, and whether both were scalars."""
    x, y = _as_float_array(lon, "lon"), _as_float_array(lat, "lat")
    scalar = x.ndim == 0 and y.ndim == 0
    if x.ndim and y.ndim and x.shape != y.shape:
        raise ValueError(f"lon and lat must have the same length, got {x.shape[0]} and {y.shape[0]}")
    x, y = np.broadcast_arrays(np.atleast_1d(x), np.atleast_1d(y))
    return x.copy(), y.copy(), scalar


def _in_box(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= _LON_MIN) & (lon <= _LON_MAX) & (lat >= _LAT_MIN) & (lat <= _LAT_MAX)


def _apply(lon: np.ndarray, lat: np.ndarray, source: Datum, target: Datum) -> int:
    """Convert in place the points inside China; return how many given points (no NaN) lie outside."""
    inside = _in_box(lon, lat)  # False for NaN
    outside = int(np.count_nonzero(~inside & ~np.isnan(lon) & ~np.isnan(lat)))
    if source != target and inside.any():
        x, y = lon[inside], lat[inside]
        for step in _STEPS[(source, target)]:
            x, y = step(x, y)
        lon[inside], lat[inside] = x, y
    return outside


def _warn_outside(count: int, conversion: str, stacklevel: int) -> None:
    if count:
        points = "point" if count == 1 else "points"
        warnings.warn(
            f"{count} {points} outside mainland China left unchanged ({conversion}): "
            f"the datums agree there / {count} 个点位于中国大陆范围外，坐标未改变",
            DatumWarning, stacklevel=stacklevel + 1,
        )


def _transform(lon: Coordinates, lat: Coordinates, source: Datum, target: Datum, stacklevel: int) -> Converted:
    x, y, scalar = _as_arrays(lon, lat)
    outside = _apply(x, y, source, target)
    _warn_outside(outside, f"{source} -> {target}", stacklevel + 1)
    if scalar:
        return float(x[0]), float(y[0])
    return x, y


# --- public conversions ---------------------------------------------------------------------------------------

_SHARED = """
    Parameters
    ----------
    lon, lat : float or array-like of float
        Longitude and latitude in degrees (numbers, lists, numpy arrays or pandas Series of the same length).

    Returns
    -------
    lon, lat : float or numpy.ndarray
        Degrees: floats for scalar input, new float64 arrays otherwise (a Series' index is not kept).
        Points outside mainland China are returned unchanged with one :class:`DatumWarning` giving their
        number; a pair with a NaN is returned as given, without warning.
"""


def wgs84_to_gcj02(lon: Coordinates, lat: Coordinates) -> Converted:
    """WGS-84 (GPS, OSM) -> GCJ-02 (Gaode/AMap, Tencent), by the published formula.
    {shared}
    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(120.98, 31.38)
    >>> print(f"{lon:.6f} {lat:.6f}")
    120.984323 31.377972
    """
    return _transform(lon, lat, "wgs84", "gcj02", stacklevel=2)


def gcj02_to_wgs84(lon: Coordinates, lat: Coordinates) -> Converted:
    """GCJ-02 (Gaode/AMap, Tencent) -> WGS-84, by iteration on the published forward formula.

    Fixed-point iteration from the GCJ-02 point until ``wgs84_to_gcj02`` gives back the input to better
    than 1e-12 degree (at most 30 steps; about 6 are needed).
    {shared}
    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(120.98, 31.38)
    >>> print(f"{lon:.6f} {lat:.6f}")
    120.975691 31.382040
    """
    return _transform(lon, lat, "gcj02", "wgs84", stacklevel=2)


def gcj02_to_bd09(lon: Coordinates, lat: Coordinates) -> Converted:
    """GCJ-02 (Gaode/AMap, Tencent) -> BD-09 (Baidu), by the published formula.
    {shared}
    Examples
    --------
    >>> lon, lat = gcj02_to_bd09(120.98, 31.38)
    >>> print(f"{lon:.6f} {lat:.6f}")
    120.986453 31.386181
    """
    return _transform(lon, lat, "gcj02", "bd09", stacklevel=2)


def bd09_to_gcj02(lon: Coordinates, lat: Coordinates) -> Converted:
    """BD-09 (Baidu) -> GCJ-02, the published inverse refined by iteration.

    The published one-step inverse is up to 0.2 m off; it is refined until ``gcj02_to_bd09`` gives
    back the input to better than 1e-12 degree.
    {shared}
    Examples
    --------
    >>> lon, lat = bd09_to_gcj02(120.98, 31.38)
    >>> print(f"{lon:.6f} {lat:.6f}")
    120.973565 31.373723
    """
    return _transform(lon, lat, "bd09", "gcj02", stacklevel=2)


def wgs84_to_bd09(lon: Coordinates, lat: Coordinates) -> Converted:
    """WGS-84 (GPS, OSM) -> BD-09 (Baidu), through GCJ-02.
    {shared}
    Examples
    --------
    >>> lon, lat = wgs84_to_bd09(120.98, 31.38)
    >>> print(f"{lon:.6f} {lat:.6f}")
    120.990798 31.384079
    """
    return _transform(lon, lat, "wgs84", "bd09", stacklevel=2)


def bd09_to_wgs84(lon: Coordinates, lat: Coordinates) -> Converted:
    """BD-09 (Baidu) -> WGS-84, through GCJ-02, both steps iterated to better than 1e-12 degree.
    {shared}
    Examples
    --------
    >>> lon, lat = bd09_to_wgs84(120.98, 31.38)
    >>> print(f"{lon:.6f} {lat:.6f}")
    120.969278 31.375783
    """
    return _transform(lon, lat, "bd09", "wgs84", stacklevel=2)


for _function in (wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84):
    if _function.__doc__:  # None under python -OO
        _function.__doc__ = _function.__doc__.replace("{shared}", _SHARED)
del _function


def convert(lon: Coordinates, lat: Coordinates, source: str, target: str) -> Converted:
    """Convert points from one datum to another.

    Parameters
    ----------
    lon, lat : float or array-like of float
        Longitude and latitude in degrees.
    source, target : str
        Datums, any spelling :func:`parse_datum` accepts (``"wgs84"``, ``"gcj02"``, ``"bd09"``, ``"高德"``...).

    Returns
    -------
    lon, lat : float or numpy.ndarray
        Degrees, as the functions ``<source>_to_<target>`` return them. When source and target are the same
        datum, ``lon`` and ``lat`` are returned as given (the very objects, not copies).

    Raises
    ------
    RegisterError
        For an unknown datum name.

    Examples
    --------
    >>> lon, lat = convert(120.98, 31.38, "wgs84", "gcj02")
    >>> print(f"{lon:.6f} {lat:.6f}")
    120.984323 31.377972
    >>> convert(120.98, 31.38, "WGS-84", "gps")
    (120.98, 31.38)
    """
    source, target = parse_datum(source), parse_datum(target)
    if source == target:
        return lon, lat
    return _transform(lon, lat, source, target, stacklevel=2)


def to_wgs84(frame: pd.DataFrame, datum_column: str = "datum") -> pd.DataFrame:
    """A copy of ``frame`` with every row's ``lon``/``lat`` in WGS-84, converted from the row's own datum.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``lon`` and ``lat`` (degrees) and ``datum_column``, whose values are ``"wgs84"``, ``"gcj02"``,
        ``"bd09"`` (as :func:`parse_datum` returns them) or missing, which means WGS-84.
    datum_column : str, default "datum"
        Name of the column that declares each row's datum.

    Returns
    -------
    pandas.DataFrame
        A copy, index kept, with ``lon``/``lat`` (float64) in WGS-84; ``lon_input``/``lat_input`` holding the
        coordinates as first given (an existing value there is kept); ``datum_column`` set to ``"wgs84"`` on
        every row. The datum travels with the data, so calling ``to_wgs84`` again changes nothing.
        Points outside mainland China stay unchanged (one :class:`DatumWarning` counts them).

    Raises
    ------
    RegisterError
        If a column is missing, or the datum column holds values other than the three names
        (listed with their row labels, the first ten).

    Examples
    --------
    >>> frame = pd.DataFrame({"lon": [120.98, 120.98], "lat": [31.38, 31.38], "datum": ["gcj02", None]})
    >>> out = to_wgs84(frame)
    >>> print(out[["lon", "lat", "datum"]].round(6).to_string())
              lon       lat  datum
    0  120.975691  31.38204  wgs84
    1  120.980000  31.38000  wgs84
    >>> to_wgs84(out).equals(out)
    True
    """
    missing = [column for column in ("lon", "lat", datum_column) if column not in frame.columns]
    if missing:
        raise RegisterError(f"to_wgs84: missing column(s) {', '.join(map(repr, missing))}; "
                            f"columns: {', '.join(map(str, frame.columns))}")
    datum = frame[datum_column]
    unknown = datum.notna() & ~datum.isin(DATUMS)
    if unknown.any():
        shown = ", ".join(f"{label!r}: {value!r}" for label, value in datum[unknown].head(10).items())
        more = f" and {int(unknown.sum()) - 10} more" if unknown.sum() > 10 else ""
        raise RegisterError(f"column {datum_column!r}: unknown datum in rows {shown}{more}; "
                            f"allowed: {', '.join(DATUMS)} or missing (read names with parse_datum) "
                            f"/ 列 {datum_column!r} 含无法识别的坐标系")

    lon = _as_float_array(frame["lon"], "lon").copy()
    lat = _as_float_array(frame["lat"], "lat").copy()
    out = frame.copy()
    for column, given in (("lon_input", lon), ("lat_input", lat)):
        out[column] = out[column].where(out[column].notna(), given) if column in out.columns else given.copy()
    outside = 0
    for source in ("gcj02", "bd09"):  # at most two vectorised calls; wgs84 and missing rows stay as they are
        rows = (datum == source).fillna(False).to_numpy(dtype=bool)
        if rows.any():
            x, y = lon[rows], lat[rows]
            outside += _apply(x, y, source, "wgs84")
            lon[rows], lat[rows] = x, y
    _warn_outside(outside, "to wgs84", stacklevel=2)
    out["lon"], out["lat"] = lon, lat
    out[datum_column] = pd.Series("wgs84", index=out.index,
                                  dtype=datum.dtype if isinstance(datum.dtype, pd.StringDtype) else object)
    return out


def convert_geometries(geometries, source: str, target: str):
    """Shapely geometries (an array or a GeoSeries' values) with every vertex converted between datums;
    heights (z) are kept. Same datum: returned as given.

    >>> import shapely
    >>> point = convert_geometries(shapely.points([120.98], [31.38], [5.0]), "wgs84", "gcj02")[0]
    >>> print(f"{point.x:.6f} {point.y:.6f} {point.z}")
    120.984323 31.377972 5.0
    """
    import shapely

    source, target = parse_datum(source), parse_datum(target)
    if source == target:
        return geometries

    def shift(xyz: np.ndarray) -> np.ndarray:
        shifted = xyz.copy()
        shifted[:, 0], shifted[:, 1] = convert(xyz[:, 0], xyz[:, 1], source, target)
        return shifted

    return shapely.transform(geometries, shift, include_z=True)
