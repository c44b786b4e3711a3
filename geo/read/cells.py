"""Cells as staff type them: placeholders for "not known yet", Chinese numerals, coordinates in one cell.

Whole-column helpers used by :mod:`geo.read.units` and :mod:`geo.read.register`. Longitude and latitude are in
decimal degrees; a pair in one cell is told apart by range (in China longitude 73..135°, latitude 3..54°).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from geo.registry import load_json
from geo.text import fold, fold_column

__all__ = ["placeholder_mask", "PLACEHOLDER_NOTE", "arabic_numerals", "parse_coordinate_cells", "CHINA_LON",
           "CHINA_LAT"]

#: Warning for a placeholder cell (待定, 暂无, —, N/A ...) read as empty.
PLACEHOLDER_NOTE = "placeholder, read as empty / 占位符，按空值处理"
CHINA_LON, CHINA_LAT = (73.0, 135.0), (3.0, 54.0)

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_SEPARATOR = r"\s*[,、;/\s]\s*"
_DECIMAL = re.compile(rf"^(?P<a>{_NUMBER}){_SEPARATOR}(?P<b>{_NUMBER})$")
_DECIMAL_COMMA = re.compile(r"^(?P<a>\d+,\d+)\s*[、;/\s]\s*(?P<b>\d+,\d+)$")
_DMS_PART = (r"(?P<{0}h0>[nsewNSEW]|[东西南北][经纬]?)?\s*(?P<{0}d>\d+(?:\.\d+)?)(?:°|度)\s*"
             r"(?:(?P<{0}m>\d+(?:\.\d+)?)(?:['′’]|分)\s*)?(?:(?P<{0}s>\d+(?:\.\d+)?)(?:\"|″|”|''|′′|’’|秒)\s*)?"
             r"(?P<{0}h>[nsewNSEW东西南北])?")  # 120°57'00"E, 东经120度57分00秒 (NFKC writes ″ as ′′)
_DMS = re.compile(rf"^{_DMS_PART.format('a')}(?:\s*[,、;/]\s*|\s*){_DMS_PART.format('b')}$")
_METRES = "metres, not degrees (Web Mercator?): reproject to WGS-84 or give degrees / 坐标单位为米而非度，请转换为 WGS-84 经纬度"
_UNREADABLE = "coordinates not readable (e.g. 120.95,31.38) / 坐标无法识别"
_NOT_CHINA = (f"not a longitude,latitude pair in China (longitude {CHINA_LON[0]:g}..{CHINA_LON[1]:g}, latitude "
              f"{CHINA_LAT[0]:g}..{CHINA_LAT[1]:g}) / 坐标不在中国经纬度范围内")


def placeholder_mask(values: pd.Series) -> pd.Series:
    """True for cells that hold a placeholder word (待定, 暂无, 无, 不详, 未知, —, -, /, N/A, NA, TBD).

    >>> placeholder_mask(pd.Series(["待定", "N/A", "12", None])).tolist()
    [True, True, False, False]
    """
    return fold_column(values).isin(_placeholder_words()).fillna(False).astype(bool)


@cache
def _placeholder_words() -> frozenset[str]:
    """The placeholder words of ``units.json``, folded once (every figure, date and coordinate column asks)."""
    return frozenset(fold(word) for word in load_json("units.json")["placeholders"]["words"])


def arabic_numerals(text: pd.Series) -> pd.Series:
    """Chinese numerals written as digits: ``二〇二三年五月`` -> ``2023年5月``, ``十二月`` -> ``12月``.

    >>> arabic_numerals(pd.Series(["二〇二三年十二月二十日", "2021年三月"])).tolist()
    ['2023年12月20日', '2021年3月']
    """
    numerals = load_json("units.json")["numerals"]
    ten = numerals["ten"]
    out = text.astype("string").str.translate({ord(k): str(v) for k, v in numerals["digits"].items()})
    out = out.str.replace(rf"(\d){ten}(\d)", r"\1\2", regex=True).str.replace(rf"(\d){ten}", r"\g<1>0", regex=True)
    return out.str.replace(rf"{ten}(\d)", r"1\1", regex=True).str.replace(ten, "10", regex=False)


def _dms_degrees(parts: pd.DataFrame, side: str) -> pd.Series:
    """Decimal degrees of the degrees, minutes, seconds groups of one side (S and W negative)."""
    d, m, s = (pd.to_numeric(parts[f"{side}{k}"], errors="coerce") for k in "dms")
    value = (d + m.fillna(0) / 60 + s.fillna(0) / 3600).astype("float64")
    hemisphere = parts[f"{side}h"].fillna(parts[f"{side}h0"]).str[0].str.lower()
    return value.where(~hemisphere.isin(["s", "w", "南", "西"]).fillna(False), -value)


def _pairs(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The two numbers of each cell in the order written (NaN where the cell is none of the known forms)."""
    a = pd.Series(np.nan, index=text.index, dtype="float64")
    b = a.copy()
    decimal = text.str.extract(_DECIMAL)
    comma = text.str.extract(_DECIMAL_COMMA).apply(lambda col: col.str.replace(",", ".", regex=False))
    dms = text.str.extract(_DMS)
    for first, second in ((decimal["a"], decimal["b"]), (comma["a"], comma["b"])):
        a = a.fillna(pd.to_numeric(first, errors="coerce").astype("float64"))
        b = b.fillna(pd.to_numeric(second, errors="coerce").astype("float64"))
    return a.fillna(_dms_degrees(dms, "a")), b.fillna(_dms_degrees(dms, "b"))


def _within(values: pd.Series, bounds: tuple[float, float]) -> pd.Series:
    return values.between(*bounds).fillna(False).astype(bool)


def parse_coordinate_cells(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Longitude and latitude (degrees) of cells holding both, as Gaode's coordinate picker copies them.

    Reads ``120.95,31.38`` and ``31.38,120.95`` (told apart by range), full-width commas, ``、 ； ; /`` or spaces
    between the two, degrees-minutes-seconds (``120°57'00"E 31°22'48"N``, ``东经120度57分，北纬31度22分48秒``) and decimal commas
    when unambiguous (``120,95 31,38``). Web-Mercator metres and unreadable cells are problems.

    Returns
    -------
    (lon, lat, problems, notes)
        float64 degrees (NaN where none), and messages per row (NA where none).

    >>> lon, lat, problems, notes = parse_coordinate_cells(pd.Series(["31.38，120.95", "13464000, 3683000"]))
    >>> lon.tolist()[0], lat.tolist()[0], problems.tolist()[1][:6]
    (120.95, 31.38, 'metres')
    """
    placeholder = placeholder_mask(values)
    text = values.astype("string").str.normalize("NFKC").str.strip().mask(lambda t: (t == "") | placeholder)
    a, b = _pairs(text)
    lon_first = _within(a, CHINA_LON) & _within(b, CHINA_LAT)
    lat_first = _within(b, CHINA_LON) & _within(a, CHINA_LAT)
    lon, lat = a.where(lon_first, b.where(lat_first)), b.where(lon_first, a.where(lat_first))
    present = text.notna()
    metres = present & (a.abs() > 1000).fillna(False) & (b.abs() > 1000).fillna(False)
    problems = pd.Series(pd.NA, index=values.index, dtype="string")
    problems = problems.mask(present & lon.isna() & a.notna(), _NOT_CHINA).mask(metres, _METRES)
    problems = problems.mask(present & a.isna(), _UNREADABLE)
    notes = pd.Series(pd.NA, index=values.index, dtype="string").mask(
        lat_first, "latitude written first; read as longitude,latitude / 纬度在前，已按经度、纬度读取").mask(
        placeholder, PLACEHOLDER_NOTE)
    return lon.astype("float64").round(10), lat.astype("float64").round(10), problems, notes
