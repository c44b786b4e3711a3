"""Map datums of China, converted over whole columns: WGS-84, GCJ-02 and BD-09.

- ``"wgs84"``: GPS, OpenStreetMap, CARTO; Tianditu's CGCS2000 is treated as equal at map scale.
- ``"gcj02"`` (火星坐标): Gaode/AMap and Tencent. In Kunshan about 470 m off WGS-84.
- ``"bd09"``: Baidu (its lon/lat form, ``bd09ll``; not the Mercator ``bd09mc``). In Kunshan about 1.1 km off.

Every function takes and returns **degrees, longitude first**: ``f(lon, lat) -> (lon, lat)``.
pyproj knows none of GCJ-02 and BD-09; the public formulas are written in numpy in
:mod:`geo.place.datum_formulas`, the inverses solved by iteration to better than 1e-12 degree. The names
accepted for each datum, and its label, are data (geo/data/datums.json).

The formulas are defined for mainland China only, by the usual rough box (lon 72.004..137.8347,
lat 0.8293..55.8271). Points outside it are returned unchanged with one :class:`DatumWarning`; the box
is rough: it includes Taiwan, Korea, part of Japan and south-east Asia, where the formulas are applied too.

The datum travels with the data (a column): :func:`parse_datums` reads a column of names once per distinct
value, :func:`convert_by_datum` converts each point from its own datum, one vectorised call per datum, and
:func:`to_wgs84` sets the column to ``"wgs84"`` as it converts, so a frame is never converted twice.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.place.datum_formulas import DATUMS, Datum, shift_in_place
from geo.place.datum_names import parse_datum, parse_datums

__all__ = ["convert_geometries", "Datum", "DATUMS", "DatumWarning", "parse_datum", "parse_datums", "convert",
           "convert_by_datum", "to_wgs84",
           "wgs84_to_gcj02", "gcj02_to_wgs84", "gcj02_to_bd09", "bd09_to_gcj02", "wgs84_to_bd09", "bd09_to_wgs84"]

Coordinates = float | Sequence[float] | np.ndarray | pd.Series
"""A longitude or latitude in degrees: a number, or a 1-d array-like (list, numpy array, Series)."""
Converted = tuple[float, float] | tuple[np.ndarray, np.ndarray]
"""(lon, lat) in degrees: floats for scalar input, float64 arrays otherwise."""


class DatumWarning(UserWarning):
    """Points were left unchanged because they lie outside mainland China."""


# --- input and the warning -------------------------------------------------------------------------------------


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
    outside = shift_in_place(x, y, source, target)
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
    out = frame.copy()
    for column, given in (("lon_input", frame["lon"]), ("lat_input", frame["lat"])):
        given = _as_float_array(given, column)
        out[column] = out[column].where(out[column].notna(), given) if column in out.columns else given.copy()
    out["lon"], out["lat"] = convert_by_datum(frame["lon"], frame["lat"], datum, "wgs84", stacklevel=2)
    out[datum_column] = pd.Series("wgs84", index=out.index,
                                  dtype=datum.dtype if isinstance(datum.dtype, pd.StringDtype) else object)
    return out


def convert_by_datum(lon: Coordinates, lat: Coordinates, sources, target: str, *,
                     stacklevel: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Points converted from each one's own datum to ``target``, one vectorised call per datum.

    Parameters
    ----------
    lon, lat : array-like of float
        Longitude and latitude in degrees, one per point.
    sources : pandas.Series or array-like of str
        Datum of each point, ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` (as :func:`parse_datums` reads them);
        missing: the point is left as given.
    target : str
        Any name :func:`parse_datum` accepts.
    stacklevel : int, default 1
        Where the warning points: 1 is the caller of this function, 2 its caller, and so on.

    Returns
    -------
    lon, lat : numpy.ndarray
        New float64 arrays (degrees). Points outside mainland China stay as given, with one
        :class:`DatumWarning` counting them; a pair with a NaN stays as given, without warning.

    Raises
    ------
    RegisterError
        If ``sources`` holds anything but the three codes or missing values (the rows are listed, the first ten).

    Examples
    --------
    >>> lon, lat = convert_by_datum([120.98, 120.98], [31.38, 31.38], ["gcj02", None], "wgs84")
    >>> lon.round(6).tolist(), lat.round(6).tolist()
    ([120.975691, 120.98], [31.38204, 31.38])
    """
    target = parse_datum(target)
    x, y, _ = _as_arrays(lon, lat)
    codes = _checked_codes(sources)
    if len(codes) != len(x):
        raise ValueError(f"sources must have one datum per point, got {len(codes)} for {len(x)} points")
    outside = 0
    for source in DATUMS:  # at most two vectorised calls: the rows of each datum but the target
        rows = codes.eq(source).fillna(False).to_numpy(dtype=bool)
        if source != target and rows.any():
            group_x, group_y = x[rows], y[rows]
            outside += shift_in_place(group_x, group_y, source, target)
            x[rows], y[rows] = group_x, group_y
    _warn_outside(outside, f"to {target}", stacklevel + 1)
    return x, y


def _checked_codes(sources) -> pd.Series:
    """``sources`` as a Series, refused when it holds anything but datum codes or missing values."""
    codes = sources if isinstance(sources, pd.Series) else pd.Series(list(sources), dtype=object, name="sources")
    unknown = codes.notna() & ~codes.isin(DATUMS)
    if unknown.any():
        shown = ", ".join(f"{label!r}: {value!r}" for label, value in codes[unknown].head(10).items())
        more = f" and {int(unknown.sum()) - 10} more" if unknown.sum() > 10 else ""
        raise RegisterError(f"column {codes.name!r}: unknown datum in rows {shown}{more}; "
                            f"allowed: {', '.join(DATUMS)} or missing (read names with parse_datum) "
                            f"/ 列 {codes.name!r} 含无法识别的坐标系")
    return codes


def convert_geometries(geometries, source, target: str):
    """Shapely geometries (an array or a GeoSeries' values) with every vertex converted between datums, through
    :func:`convert_by_datum`; heights (z) and missing geometries are kept.

    ``source`` is one datum name for all of them (the same as ``target``: returned as given), or one datum code
    per geometry (as :func:`parse_datums` reads them; missing: that geometry is left as given).

    >>> import shapely
    >>> point = convert_geometries(shapely.points([120.98], [31.38], [5.0]), "wgs84", "gcj02")[0]
    >>> print(f"{point.x:.6f} {point.y:.6f} {point.z}")
    120.984323 31.377972 5.0
    >>> [round(p.x, 6) for p in convert_geometries(shapely.points([120.98] * 2, [31.38] * 2), ["bd09", None], "wgs84")]
    [120.969278, 120.98]
    """
    import shapely

    target = parse_datum(target)
    shapes = np.array(geometries, dtype=object)
    if isinstance(source, str):
        if parse_datum(source) == target:
            return geometries
        sources = np.full(len(shapes), parse_datum(source), dtype=object)
    else:
        sources = _checked_codes(source).to_numpy(dtype=object)
    xyz, index = shapely.get_coordinates(shapes, include_z=True, return_index=True)
    xyz[:, 0], xyz[:, 1] = convert_by_datum(xyz[:, 0], xyz[:, 1], sources[index], target, stacklevel=2)
    return shapely.set_coordinates(shapes, xyz)
