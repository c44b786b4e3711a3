"""Limits on what a register file may hold (``geo/data/limits.json``), checked before the expensive step of
reading it: a file over a limit is a :class:`~geo.errors.RegisterError` naming the file, the limit, both numbers
and the way out, in English and Chinese."""

from __future__ import annotations

import zipfile
from functools import cache
from pathlib import Path

from geo.errors import RegisterError
from geo.registry import entries

__all__ = ["limits", "shape_excess", "check_file_size", "check_shape", "check_cells", "check_text_total", "check_zip",
           "check_parquet", "check_arrow_text"]


@cache
def limits() -> dict[str, int]:
    """Limit name -> value (in the unit limits.json gives it: bytes, characters, rows, columns, cells, to 1).

    >>> limits()["cell_chars"], limits()["columns"]
    (32767, 1000)
    """
    return {entry["name"]: int(entry["value"])
            for entry in entries("limits.json", "limits", ["name", "value", "unit", "applies", "why"])}


def check_file_size(path: Path) -> None:
    """Refuse a file larger than ``file_bytes`` before it is read."""
    size, limit = path.stat().st_size, limits()["file_bytes"]
    if size > limit:
        raise RegisterError(f"{path}: the file is {size:,} bytes, over the limit of {limit:,} bytes: split it into "
                            f"smaller files / 文件大小 {size:,} 字节，超过上限 {limit:,} 字节：请拆分为较小的文件")


def shape_excess(rows: int, columns: int) -> tuple[str, str] | None:
    """(English, Chinese) list of the limits that a table of ``rows`` x ``columns`` exceeds, None within them.

    >>> shape_excess(3, 1_001)[0]
    '1,001 columns (limit 1,000)'
    """
    cells = rows * columns
    found = [(count, limit, en, zh) for count, name, en, zh in ((rows, "rows", "rows", "行"),
                                                               (columns, "columns", "columns", "列"),
                                                               (cells, "cells", "cells", "个单元格"))
             if count > (limit := limits()[name])]
    if not found:
        return None
    return (", ".join(f"{count:,} {en} (limit {limit:,})" for count, limit, en, _ in found),
            "，".join(f"{count:,} {zh}（上限 {limit:,}）" for count, limit, _, zh in found))


def check_shape(name: str, rows: int, columns: int, fix: tuple[str, str] = ("split the file", "请拆分文件")) -> None:
    """Refuse a table of ``rows`` x ``columns`` over the rows, columns or cells limit (all named at once)."""
    excess = shape_excess(rows, columns)
    if excess:
        raise RegisterError(f"{name}: the table has {excess[0]}: {fix[0]} / 表格有 {excess[1]}：{fix[1]}")


def check_cells(rows, name: str) -> None:
    """Refuse cells longer than ``cell_chars`` (the first five named by row and column) and a table whose
    cells hold more than ``text_chars`` characters together. ``rows``: (row number, list of str or None)."""
    limit = limits()["cell_chars"]
    lengths = [(number, [len(cell) if cell is not None else 0 for cell in cells]) for number, cells in rows]
    long = [(number, position + 1, length) for number, found in lengths if max(found, default=0) > limit
            for position, length in enumerate(found) if length > limit]
    if long:
        where = "; ".join(f"row {number} column {column} ({length:,} characters)" for number, column, length in long[:5])
        more = f" and {len(long) - 5} more" if len(long) > 5 else ""
        raise RegisterError(f"{name}: {len(long)} cell(s) longer than {limit:,} characters, Excel's own limit per "
                            f"cell: {where}{more}; shorten them, or keep long texts in a separate document "
                            f"/ {len(long)} 个单元格超过 {limit:,} 个字符（Excel 单元格上限）：请缩短")
    check_text_total(sum(sum(found) for _, found in lengths), name)


def check_text_total(total: int, name: str) -> None:
    """Refuse cells holding more than ``text_chars`` characters together."""
    limit = limits()["text_chars"]
    if total > limit:
        raise RegisterError(f"{name}: the cells hold {total:,} characters together, over the limit of {limit:,}: "
                            f"a few long texts repeated in many cells? Shorten them, or split the file "
                            f"/ 全部单元格共 {total:,} 个字符，超过上限 {limit:,}：请缩短重复的长文本，或拆分文件")


def check_zip(path: Path) -> None:
    """Refuse a workbook whose zip members unpack past ``member_bytes`` each, ``unpacked_bytes`` together, or
    ``zip_ratio`` to 1 (a member over ``zip_ratio_from_bytes``), reading only the zip's directory (sizes as
    declared; Python's zipfile never unpacks more than a member declares)."""
    limit = limits()
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    problems = [(f"{m.filename} unpacks to {m.file_size:,} bytes (limit {limit['member_bytes']:,} per member)",
                 f"{m.filename} 解压后 {m.file_size:,} 字节（每个部件上限 {limit['member_bytes']:,}）")
                for m in members if m.file_size > limit["member_bytes"]]
    problems += [(f"{m.filename} unpacks {m.file_size // max(m.compress_size, 1):,}:1 from {m.compress_size:,} bytes "
                  f"(limit {limit['zip_ratio']}:1 over {limit['zip_ratio_from_bytes']:,} bytes)",
                  f"{m.filename} 压缩比 {m.file_size // max(m.compress_size, 1):,}:1（上限 {limit['zip_ratio']}:1）")
                 for m in members if m.file_size > limit["zip_ratio_from_bytes"]
                 and m.file_size > limit["zip_ratio"] * m.compress_size]
    total = sum(m.file_size for m in members)
    if total > limit["unpacked_bytes"]:
        problems.append((f"its members unpack to {total:,} bytes together (limit {limit['unpacked_bytes']:,})",
                         f"解压后共 {total:,} 字节（上限 {limit['unpacked_bytes']:,}）"))
    if problems:
        raise RegisterError(f"{path}: the workbook is too large inside, or a zip bomb: "
                            f"{'; '.join(en for en, _ in problems)}; if it is a real register, save its sheet as CSV "
                            f"or split it / 工作簿解压后过大，或为压缩炸弹：{'；'.join(zh for _, zh in problems)}；"
                            f"如确为登记表，请将工作表另存为 CSV 或拆分")


def check_parquet(path: Path) -> None:
    """Refuse a Parquet file over the rows, columns or cells limit or whose column data unpack past
    ``unpacked_bytes``, from its footer alone (pyarrow's metadata)."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    check_shape(str(path), meta.num_rows, meta.num_columns)
    unpacked, limit = sum(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups)), limits()
    if unpacked > limit["unpacked_bytes"]:
        raise RegisterError(f"{path}: the column data unpack to {unpacked:,} bytes, over the limit of "
                            f"{limit['unpacked_bytes']:,}: a cell holds a huge text, or the file is too large; "
                            f"split it / 列数据解压后 {unpacked:,} 字节，超过上限 {limit['unpacked_bytes']:,}：请拆分文件")


def check_arrow_text(table, name: str) -> None:
    """:func:`check_cells` over a pyarrow Table's text columns before they become Python objects: a dictionary
    column is measured as its values repeated by its indices (a small file can hold one long text a million
    times)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    limit, total, long = limits()["cell_chars"], 0, []
    for field, column in zip(table.schema, table.columns):
        for chunk in column.chunks:
            values = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
                continue
            lengths = pc.utf8_length(values)
            if pa.types.is_dictionary(chunk.type):
                lengths = pc.take(lengths, chunk.indices)
            total += pc.sum(lengths).as_py() or 0
            longest = pc.max(lengths).as_py() or 0
            if longest > limit:
                long.append(f"column {field.name!r} ({longest:,} characters)")
    if long:
        raise RegisterError(f"{name}: cells longer than {limit:,} characters, Excel's own limit per cell: "
                            f"{'; '.join(long)}; shorten them / 单元格超过 {limit:,} 个字符（Excel 单元格上限）：请缩短")
    check_text_total(total, name)
