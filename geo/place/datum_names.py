"""Names of the map datums: any spelling a register, a file or a user gives, read as a datum code.

The accepted names and the labels are data (geo/data/datums.json, :func:`geo.registry.datums`), compared
folded (NFKC, case-folded, without spaces, ``-`` and ``_``).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from geo.errors import RegisterError, RegistryError
from geo.place.datum_formulas import DATUMS, Datum
from geo.registry import datums
from geo.text import fold

__all__ = ["parse_datum", "parse_datums"]


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
    datum = _names().get(fold(value, also="-_")) if isinstance(value, str) else None
    if datum is None:
        allowed = "; ".join(f"{code} ({', '.join(aliases)})" for code, aliases in datums()["aliases"].items())
        raise RegisterError(f"unknown datum {value!r}; allowed: {allowed} / 坐标系 {value!r} 无法识别")
    return datum


@cache
def _names() -> dict[str, Datum]:
    """Folded name (code or alias, geo/data/datums.json) -> datum code."""
    registry = datums()
    if tuple(registry.index) != DATUMS:
        raise RegistryError(f"geo.data/datums.json: datums {', '.join(registry.index)}; the formulas convert "
                            f"exactly {', '.join(DATUMS)}")
    return {fold(name, also="-_"): code for code, aliases in registry["aliases"].items() for name in [code, *aliases]}


def parse_datums(names: pd.Series, default: Datum | None = None) -> tuple[pd.Series, pd.Series]:
    """A column of datum names read as codes, each distinct name parsed once (:func:`parse_datum`).

    Parameters
    ----------
    names : pandas.Series
        Datum names, any spelling :func:`parse_datum` accepts; missing or blank for "not given".
    default : {"wgs84", "gcj02", "bd09"}, optional
        Code of the rows that give no name (None: they stay missing).

    Returns
    -------
    codes, unknown : pandas.Series
        ``codes``: ``string`` dtype, index kept, NA for an unknown name; ``unknown``: the mask of those names.

    Examples
    --------
    >>> codes, unknown = parse_datums(pd.Series(["高德", None, "mercator", " GPS "]), default="wgs84")
    >>> codes.tolist(), unknown.tolist()
    (['gcj02', 'wgs84', <NA>, 'wgs84'], [False, False, True, False])
    """
    text = names.astype("string").str.strip().mask(lambda column: column == "")
    known = {}
    for value in text.dropna().unique():  # a few distinct names, not rows
        try:
            known[value] = parse_datum(value)
        except RegisterError:
            known[value] = pd.NA
    codes = text.map(known).astype("string")
    unknown = text.notna() & codes.isna()
    return codes.where(text.notna(), default).astype("string"), unknown
