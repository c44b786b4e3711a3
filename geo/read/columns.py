"""Every column of a register accounted for: the field it is read as, or why it is not used, with a hint where an
unused header looks like a known field (``园区认定时间`` like 认定时间, ``longtitude`` like longitude)."""

from __future__ import annotations

import difflib

from geo.read.units import split_header_unit
from geo.registry import column_fields, load_json
from geo.text import fold

__all__ = ["column_use"]

_NO_HINT = {"name", "id"}  # 园区/编号 sit in many headers (园区面积, 企业编号) that are not the park's name or id
_SIMILAR = 0.8  # difflib ratio from which a header is taken for a misspelt alias (longtitude ~ longitude)


def _looks_like(header: str, aliases: dict[str, str]) -> tuple[str, str] | None:
    """(field, alias) of the known header that ``header`` contains or nearly spells; None when none does."""
    stem = split_header_unit(header)[0]
    close = difflib.get_close_matches(stem, list(aliases), n=1, cutoff=_SIMILAR)
    if close:
        return aliases[close[0]], close[0]
    contained = [alias for alias in aliases if len(alias) >= 2 and alias in stem]
    return (aliases[max(contained, key=len)], max(contained, key=len)) if contained else None


def _hint(header: str, mapping: dict[str, tuple[str, str | None]], aliases: dict[str, str]) -> str | None:
    found = _looks_like(header, aliases)
    if found is None:
        return None
    field, alias = found
    if field in mapping:
        return (f"looks like {field!r} ({alias}), which column {mapping[field][0]!r} gives "
                f"/ 类似“{alias}”，该字段已取自“{mapping[field][0]}”列")
    return f"looks like {field!r}: rename the header to {alias!r} to use it / 类似“{alias}”，改列名为“{alias}”即可使用"


_TOOL_OUTPUT = ("written by kunshan-heatmap geocode, not read as park data "
                "/ 由 kunshan-heatmap geocode 写入的定位结果列，不作为园区数据读取")


def _tool_columns() -> set[str]:
    """Folded names of the result columns ``geocode`` appends (定位来源, geocode_status ...) that are no field."""
    names = load_json("geocode_columns.json")["columns"]
    fields = {name for name, _ in column_fields().values()}
    return {fold(spec[language]) for field, spec in names.items() if field not in fields for language in ("zh", "en")}


def column_use(headers: list[str], mapping: dict[str, tuple[str, str | None]]) -> list[dict]:
    """One entry per column of the file, in file order: ``{"column", "field", "hint"}``.

    ``field`` is the field the column is read as (None when it is not used); ``hint`` says, for an unused column
    that looks like a known field, which one and what to do (None otherwise).

    >>> use = column_use(["园区名称", "园区认定时间", "运营主体"], {"name": ("园区名称", None)})
    >>> [(u["column"], u["field"], u["hint"] is not None) for u in use]
    [('园区名称', 'name', False), ('园区认定时间', None, True), ('运营主体', None, False)]
    """
    fields = {header: name for name, (header, _) in mapping.items()}
    aliases = {alias: name for alias, (name, _) in column_fields().items() if name not in _NO_HINT}
    tool = _tool_columns()
    return [{"column": header, "field": fields.get(header),
             "hint": None if header in fields else _TOOL_OUTPUT if fold(header) in tool
             else _hint(fold(header), mapping, aliases)} for header in headers]
