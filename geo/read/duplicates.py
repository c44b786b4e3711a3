"""Rows typed twice: exact duplicates (skipped) and parks sharing a name or an id (warned), over whole columns."""

from __future__ import annotations

import pandas as pd

from geo.text import fold_column

__all__ = ["duplicate_rows", "duplicate_warnings"]

_KEYS = {"name": "same name as row {first} / 与第{first}行名称相同", "id": "same id as row {first} / 与第{first}行编号相同"}


def _first_rows(keys: pd.DataFrame, rows: pd.Series) -> pd.Series:
    """Row number of the first row holding the same keys, for every row (its own number when it is the first)."""
    hashed = pd.util.hash_pandas_object(keys, index=False)
    return rows.groupby(hashed.to_numpy()).transform("first")


def duplicate_rows(raw: pd.DataFrame) -> pd.Series:
    """Reason per row for a row whose every cell (stripped) equals an earlier row's; NA for the others.

    ``raw`` holds the column ``row`` (row number in the file) and the cells of the file as text.

    >>> raw = pd.DataFrame({"row": [2, 3, 4], "名称": ["A", "B", "A"]})
    >>> duplicate_rows(raw).tolist()
    [<NA>, <NA>, 'exact duplicate of row 2 / 与第2行完全重复']
    """
    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    cells = raw.drop(columns="row")
    if raw.empty or cells.empty:
        return reason
    first = _first_rows(cells, raw["row"])
    again = cells.duplicated(keep="first")
    text = "exact duplicate of row " + first.astype(str) + " / 与第" + first.astype(str) + "行完全重复"
    return reason.mask(again, text.astype("string"))


def duplicate_warnings(raw: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """Warnings (row, column, value, message) for rows whose folded name or id an earlier row holds already.

    ``headers`` maps the fields ``name`` and ``id`` to their header in ``raw`` (a field without column is left out).
    """
    found = []
    for name, message in _KEYS.items():
        header = headers.get(name)
        if header is None:
            continue
        folded = fold_column(raw[header])
        first = _first_rows(folded.to_frame(), raw["row"])
        again = folded.notna() & folded.duplicated(keep="first")
        found.append(pd.DataFrame({
            "row": raw.loc[again, "row"].to_numpy(), "column": header, "value": raw.loc[again, header].to_numpy(),
            "message": [message.format(first=int(f)) for f in first[again]]}))
    columns = ["row", "column", "value", "message"]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)
