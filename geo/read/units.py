"""Amounts with units, read over whole columns.

Base units: money in 亿元 (1e8 CNY), floor area in 万㎡ (1e4 m²), land in 亩 (666.7 m²).
A unit may sit in the cell (``3,500万元``, ``12亿元``, ``200亩``) or in the header (``总投资（亿元）``);
full-width digits and separators are read (NFKC).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from geo.read.cells import PLACEHOLDER_NOTE, arabic_numerals, placeholder_mask
from geo.registry import unit_kinds
from geo.text import fold, fold_column
from geo.errors import RegisterError

__all__ = ["AmountKind", "ParsedColumn", "parse_amounts", "parse_years", "parse_dates", "parse_coordinates",
           "base_unit", "split_header_unit"]

AmountKind = Literal["money", "floor", "land"]

_NUMBER = r"(?:\d+(?:\.\d+)?|\.\d+)(?:e[-+]?\d{1,3})?"  # 1.2E+09 as Excel writes large numbers into a CSV
_DECIMAL_COMMA = re.compile(r"^(?P<head>\D{0,4}\d+),(?P<tail>\d{1,2}|\d{4,})(?!\d)")  # 3,5 (3,500 is thousands)
DECIMAL_COMMA_NOTE = "a decimal comma, read as a point (3,5 = 3.5) / 逗号按小数点读取"
NEGATIVE = "a negative figure: amounts cannot be below zero / 数值不能为负"
_AMOUNT = re.compile(
    rf"^(?P<qual>约|大约|近|超过|超|逾|>=|≥|>)?(?P<num>{_NUMBER})"
    rf"(?:(?P<unit1>[^\d.\-~—至到]*?)(?:-|~|—|至|到)(?P<num2>{_NUMBER}))?(?P<unit>[^\d.].*?)??(?P<tail>以上|左右|多)?$"
)
_HEADER_UNIT = re.compile(r"^(?P<name>.+?)[(\[【](?P<unit>[^()\[\]【】]+)[)\]】]$")


class ParsedColumn(NamedTuple):
    """Values read from one column, with what went wrong (row rejected) and what to note (row kept).

    ``problems`` and ``notes`` are Series of messages indexed like the input.
    """

    values: pd.Series
    problems: pd.Series
    notes: pd.Series


def _folded(values: pd.Series) -> pd.Series:
    """Cells as read here: folded (:func:`geo.text.fold_column`), without thousands separators."""
    return fold_column(values, also=",")


def split_header_unit(header: str) -> tuple[str, str | None]:
    """``'总投资（亿元）'`` -> ``('总投资', '亿元')`` (compared folded); a header without unit -> (header, None)."""
    match = _HEADER_UNIT.match(fold(header))
    if match is None:
        return fold(header), None
    return match["name"], match["unit"]


def base_unit(kind: AmountKind, language: Literal["zh", "en"] = "zh") -> str:
    """Base unit of an amount kind, e.g. ``base_unit("money") == "亿元"``."""
    spec = unit_kinds()[kind]
    return spec["base"] if language == "zh" else spec["base_en"]


def _factor_of_header(kind: AmountKind, header_unit: str | None, column: str) -> float:
    if header_unit is None:
        return 1.0
    factors = unit_kinds()[kind]["factors"]
    if fold(header_unit) not in factors:
        allowed = ", ".join(unit_kinds()[kind]["factors"])
        raise RegisterError(
            f"column {column!r}: unknown unit {header_unit!r} in the header; allowed: {allowed} "
            f"/ 列 {column!r} 的单位 {header_unit!r} 无法识别"
        )
    return float(factors[fold(header_unit)])


def parse_amounts(values: pd.Series, kind: AmountKind, header_unit: str | None = None,
                  column: str = "") -> ParsedColumn:
    """Read a column of amounts into the base unit of ``kind``.

    A cell's own unit wins over the header's. ``约``/``左右`` values are kept and noted as approximate,
    ``超``/``以上`` as lower bounds; a range (``12-15亿``) is noted and left empty rather than guessed.
    A cell that is not a number, or has an unknown unit, is a problem (the row is rejected).

    >>> parse_amounts(pd.Series(["3,500万元", "12亿元", "１２", None]), "money").values.tolist()
    [0.35, 12.0, 12.0, nan]
    """
    header_factor = _factor_of_header(kind, header_unit, column)
    placeholder = placeholder_mask(values)
    values = values.mask(placeholder)
    if values.isna().all():  # no such column, or an empty one
        empty = pd.Series(np.nan, index=values.index, dtype="float64")
        return ParsedColumn(empty, _messages(), _messages((placeholder, PLACEHOLDER_NOTE)))
    text, decimal_comma = _comma_decimals(values)
    parts = text.str.extract(_AMOUNT)
    factors = pd.Series(unit_kinds()[kind]["factors"], dtype="float64")
    cell_unit = parts["unit"].mask(parts["unit"] == "").fillna(parts["unit1"].mask(parts["unit1"] == ""))
    factor = cell_unit.map(factors).astype("float64").where(cell_unit.notna(), header_factor)
    number = pd.to_numeric(parts["num"], errors="coerce").astype("float64")

    present = text.notna()
    negative = present & text.str.match(r"^[-−]\s*[\d.]").fillna(False)
    not_number = present & number.isna() & ~negative
    bad_unit = present & number.notna() & cell_unit.notna() & factor.isna()
    is_range = present & parts["num2"].notna() & ~bad_unit
    amounts = _snapped((number * factor).where(~is_range))

    allowed = ", ".join(unit_kinds()[kind]["factors"])
    problems = _messages(
        (negative, NEGATIVE),
        (not_number, "not a number / 不是数字"),
        (bad_unit, f"unknown unit (allowed: {allowed}) / 单位无法识别"),
    )
    qualifier = parts["qual"].fillna("") + parts["tail"].fillna("")
    notes = _messages(
        (placeholder, PLACEHOLDER_NOTE),
        (_implausible(amounts, kind) & problems.isna(), _implausible_note(amounts, number, kind)),
        (decimal_comma & problems.isna(), DECIMAL_COMMA_NOTE),
        (is_range, "a range, left empty rather than guessed / 数值为区间，未取值"),
        (~is_range & qualifier.str.contains("约|大约|近|左右", regex=True) & ~not_number & ~bad_unit,
         "approximate figure kept as given / 约数，按给出值记录"),
        (~is_range & qualifier.str.contains("超|逾|>|≥|以上|多", regex=True) & ~not_number & ~bad_unit,
         "lower bound kept as given / 下限值，按给出值记录"),
    )
    return ParsedColumn(amounts.astype("float64"), problems, notes)


def _comma_decimals(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells folded for reading numbers, a decimal comma (``3,5``: not followed by a group of three digits) read as
    a point and thousands separators (``3,500``) removed; and the mask of the decimal-comma cells."""
    text = fold_column(values)
    decimal = text.str.count(",").eq(1).fillna(False) & text.str.match(_DECIMAL_COMMA).fillna(False)
    text = text.where(~decimal, text.str.replace(",", ".", regex=False))
    return text.str.replace(",", "", regex=False), decimal.astype(bool)


def _implausible(amounts: pd.Series, kind: AmountKind) -> pd.Series:
    """True for amounts above the registry's plausible maximum for one park (``units.json``, base units)."""
    return (amounts > unit_kinds()[kind]["plausible_max"]).fillna(False)


def _implausible_note(amounts: pd.Series, number: pd.Series, kind: AmountKind) -> pd.Series:
    """A note per implausible amount naming the largest unit that makes the number written plausible."""
    spec = unit_kinds()[kind]
    base, limit = spec["base"], spec["plausible_max"]
    units = sorted(spec["factors"].items(), key=lambda item: -item[1])
    note = pd.Series(pd.NA, index=amounts.index, dtype="string")
    for index in amounts.index[_implausible(amounts, kind)]:  # a few cells at most
        fits = [(unit, number[index] * f) for unit, f in units if number[index] * f <= limit]
        guess = f"; was the unit {fits[0][0]} ({fits[0][1]:,.12g} {base})?" if fits else ""
        note[index] = (f"implausible: {amounts[index]:,.12g} {base} is more than {limit:,.12g} {base} for one "
                       f"park{guess} kept as given / 数值过大，请核对单位")
    return note


def _snapped(values: pd.Series) -> pd.Series:
    """Values rounded to 12 significant digits, so unit factors leave no float noise (0.35, not
    0.35000000000000003), however small the value."""
    x = values.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(x)))
    scale = 10.0 ** (11 - np.where(np.isfinite(exponent), exponent, 0))
    with np.errstate(invalid="ignore", over="ignore"):
        snapped = np.round(x * scale) / scale
    return pd.Series(np.where(np.isfinite(snapped), snapped, x), index=values.index)


def parse_years(values: pd.Series) -> ParsedColumn:
    """Read a column of years as nullable Int64: ``2023``, ``2023年``, ``2023-02-08``, ``2023.0``, ``2023.5``,
    ``2022年6月``, ``2021年3月8日``, ``二〇二三年五月`` and Excel date cells; placeholders (待定 ...) read as empty,
    noted. A year outside 1949-2100 is a problem.

    >>> parse_years(pd.Series(["2022年6月", "二〇二三年五月", "2023.5", "待定"])).values.tolist()
    [2022, 2023, 2023, <NA>]
    """
    placeholder = placeholder_mask(values)
    text = arabic_numerals(_folded(values.mask(placeholder)))
    year = pd.to_numeric(text.str.extract(r"^(\d{4})(?:年(?:\d{1,2}月(?:\d{1,2}[日号]?)?)?|\.0+|[-/.].*)?$")[0],
                         errors="coerce")
    present = text.notna()
    problems = _messages(
        (present & year.isna(), "not a year / 不是年份"),
        (year.notna() & ~year.between(1949, 2100), "year outside 1949-2100 / 年份超出范围"),
    )
    year = year.where(problems.isna())
    return ParsedColumn(year.astype("Int64"), problems, _messages((placeholder, PLACEHOLDER_NOTE)))


_DATE = re.compile(r"^(?P<y>\d{4})(?:(?:[-/.年](?P<m>\d{1,2})月?(?:[-/.](?P<d>\d{1,2})|(?<=月)(?P<d2>\d{1,2})日?)?)"
                   r"|(?P<m8>\d{2})(?P<d8>\d{2})|年)?(?:t00:00:00|号)?$")


def parse_dates(values: pd.Series) -> ParsedColumn:
    """Read a column of dates as ISO text, keeping the precision given: ``2023-02-08``, ``2023-02`` or ``2023``.

    Reads ``2023-02-08``, ``2023/2/8``, ``2023.2.8``, ``20230208``, ``2023年2月8日``, ``2023年2月``, Excel
    date cells (``2023-02-08T00:00:00``) and a bare year. A cell that is not such a date, or names a day
    that does not exist, is a problem (the row is rejected).

    >>> parse_dates(pd.Series(["2023年2月8日", "2023/2", "20240229", None])).values.tolist()
    ['2023-02-08', '2023-02', '2024-02-29', <NA>]
    """
    placeholder = placeholder_mask(values)
    text = arabic_numerals(_folded(values.mask(placeholder)))
    parts = text.str.extract(_DATE)
    year = parts["y"]
    month = parts["m"].fillna(parts["m8"]).str.zfill(2)
    day = parts["d"].fillna(parts["d2"]).fillna(parts["d8"]).str.zfill(2)
    iso = year.str.cat([("-" + month).fillna(""), ("-" + day).fillna("")]).astype("string")
    full = pd.to_datetime(year + "-" + month.fillna("01") + "-" + day.fillna("01"), format="%Y-%m-%d",
                          errors="coerce")
    present = text.notna()
    problems = _messages(
        (present & year.isna(), "not a date (e.g. 2023-02-08, 2023年2月8日) / 不是日期"),
        (present & year.notna() & full.isna(), "no such date / 日期不存在"),
        (full.dt.year.lt(1949) | full.dt.year.gt(2100), "date outside 1949-2100 / 日期超出范围"),
    )
    return ParsedColumn(iso.where(problems.isna()), problems, _messages((placeholder, PLACEHOLDER_NOTE)))


def parse_coordinates(lon: pd.Series, lat: pd.Series) -> tuple[ParsedColumn, ParsedColumn]:
    """Read longitude and latitude columns (decimal degrees) with their range checks.

    A pair whose latitude is beyond ±90° while its longitude is within it was given the wrong way
    round: it is swapped, with a note (a swap inside both ranges is found against the outline when
    parks are located).
    """
    numbers, placeholders, commas = [], [], []
    for values in (lon, lat):
        placeholders.append(placeholder_mask(values))
        text, decimal_comma = _comma_decimals(values.mask(placeholders[-1]))
        commas.append(decimal_comma)
        numbers.append((text, pd.to_numeric(text.str.removesuffix("°"), errors="coerce").astype("float64")))
    (lon_text, x), (lat_text, y) = numbers
    swapped = (y.abs() > 90) & (y.abs() <= 180) & (x.abs() <= 90)
    x, y = x.where(~swapped, y), y.where(~swapped, x)
    parsed = []
    for text, number, limit, other, placeholder, comma in ((lon_text, x, 180, lat_text, placeholders[0], commas[0]),
                                                           (lat_text, y, 90, lon_text, placeholders[1], commas[1])):
        present = text.notna()
        problems = _messages(
            (present & number.isna(), "not a number / 不是数字"),
            (number.notna() & ~np.isfinite(number), "not a finite number / 不是有限数值"),
            (number.notna() & np.isfinite(number) & (number.abs() > limit),
             f"outside -{limit}..{limit} degrees / 超出坐标范围"),
            (~present & other.notna(), "missing while the other coordinate is given / 缺少另一坐标"),
        )
        notes = _messages((swapped & problems.isna() & (limit == 180),
                           "longitude and latitude were swapped; read the other way round / 经纬度颠倒，已互换"),
                          (placeholder, PLACEHOLDER_NOTE), (comma & problems.isna(), DECIMAL_COMMA_NOTE))
        parsed.append(ParsedColumn(number.where(problems.isna()), problems, notes))
    return parsed[0], parsed[1]


def _messages(*cases: tuple[pd.Series, str]) -> pd.Series:
    """First message whose mask is true, per row (NA where none is); no cases: no messages."""
    if not cases:
        return pd.Series(dtype="string")
    index = cases[0][0].index
    out = pd.Series(pd.NA, index=index, dtype="string")
    for mask, message in reversed(cases):
        out = out.mask(mask.fillna(False).astype(bool), message)
    return out
