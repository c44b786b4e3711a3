"""The one summary that ``build``, ``validate`` and ``geocode`` end with, in Chinese and English, on stderr."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.read.report import Report
from geo.registry import precisions

__all__ = ["summary_lines", "geocode_lines", "WARNINGS_SHOWN"]

#: Warnings listed one by one; the rest are counted ("... 还有 N 条 / N more").
WARNINGS_SHOWN = 20


def summary_lines(report: Report, rejected_file: Path | None = None, *, published: bool = False) -> list[str]:
    """Counts, the sheet read and the other sheets, the columns not used, the warnings (at most
    :data:`WARNINGS_SHOWN`), the rejected file.

    Examples
    --------
    >>> report = Report(source="r.csv", rows_read=3, parks=2, skipped=[{"row": 4, "reason": "totals row"}])
    >>> print("\\n".join(summary_lines(report)))
    汇总 / Summary: 2 个园区 parks, 0 行拒收 rejected, 1 行跳过 skipped, 0 条警告 warnings (共读 3 行 / 3 rows read)
    """
    verb = "个园区已发布 parks published" if published else "个园区 parks"
    lines = [f"汇总 / Summary: {report.parks} {verb}, {len(report.rejected)} 行拒收 rejected, "
             f"{len(report.skipped)} 行跳过 skipped, {len(report.warnings)} 条警告 warnings "
             f"(共读 {report.rows_read} 行 / {report.rows_read} rows read)"]
    if report.sheet is not None:
        others = ", ".join(report.other_sheets) if report.other_sheets else "无 none"
        lines.append(f"工作表 / Sheet read: {report.sheet}; 其他工作表 / other sheets: {others}")
    lines.extend(_column_lines(report.unused_columns))
    lines.extend(_warning_lines(report.warnings))
    if report.rejected and rejected_file is not None:
        lines.append(f"拒收行 / Rejected rows: {rejected_file}")
    return lines


def _column_lines(unused: list[dict]) -> list[str]:
    """The columns not used, each with its hint; how to show them on cards."""
    if not unused:
        return []
    lines = [f"未使用的列 / Columns not used: {', '.join(entry['column'] for entry in unused)} "
             f"(--card-extra 可显示在卡片上 / --card-extra shows them on cards)"]
    lines += [f"  {entry['column']!r}: {entry['hint']}" for entry in unused if entry["hint"]]
    return lines


def _warning_lines(warnings: list[dict]) -> list[str]:
    if not warnings:
        return []
    lines = ["警告 / Warnings:"]
    for entry in warnings[:WARNINGS_SHOWN]:
        where = f"第 {entry['row']} 行 row {entry['row']}" if entry["row"] is not None else "文件 file"
        lines.append(f"  {where}, 列 column {entry['column']!r}, 值 value {entry['value']!r}: {entry['message']}")
    if len(warnings) > WARNINGS_SHOWN:
        more = len(warnings) - WARNINGS_SHOWN
        lines.append(f"  ... 还有 {more} 条 / {more} more (validate --format json lists them all)")
    return lines


def geocode_lines(table: pd.DataFrame) -> list[str]:
    """Results per status and per precision level (finest first), and how many are flagged for review.

    >>> table = pd.DataFrame({"geocode_status": ["ok", "ok", "given"], "precision": ["town", "town", "exact"],
    ...                       "review": [False, True, False]})
    >>> print("\\n".join(geocode_lines(table)))
    定位结果 / Results: given 1, ok 2
    精度 / Precision: exact 1, town 2 (粗于地址级 coarser than an address: 2)
    待复核 / To review: 1
    """
    statuses = table["geocode_status"].value_counts().sort_index()
    levels = precisions().index
    counts = table["precision"].value_counts().reindex(levels).dropna().astype(int)
    coarse = int(counts.drop(index=["exact", "road"], errors="ignore").sum())
    return [f"定位结果 / Results: {', '.join(f'{status} {n}' for status, n in statuses.items())}",
            f"精度 / Precision: {', '.join(f'{level} {n}' for level, n in counts.items())} "
            f"(粗于地址级 coarser than an address: {coarse})",
            f"待复核 / To review: {int(table['review'].sum())}"]
