"""What happened to every row of a register: parks, rejected rows, skipped rows, warnings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Report"]

_PROBLEM_COLUMNS = ["row", "column", "value", "reason"]
_REJECTED_FILE_COLUMNS = ["row", "name", "column", "value", "reason"]
_WARNING_COLUMNS = ["row", "column", "value", "message"]


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    frame = frame.reindex(columns=columns).astype(object)
    frame = frame.where(frame.notna(), None)
    return [{k: (int(v) if k == "row" and v is not None else v) for k, v in rec.items()}
            for rec in frame.to_dict("records")]


@dataclass
class Report:
    """Row accounting of one register: ``rows_read == parks + len(rejected) + len(skipped)``.

    ``row`` is the row number as the user sees it in the file (spreadsheet row, or feature number).
    ``sheet`` is the workbook sheet read (None for other files) and ``other_sheets`` the workbook's other
    sheets in their order; ``names`` maps a row number to the park name written in that row (rejected rows
    included), so that a rejected row can be named. ``columns`` accounts for every column of the file in order:
    ``{"column", "field", "hint"}``, ``field`` None for a column not used (see :func:`geo.read.columns.column_use`).
    The reader fills these.
    """

    source: str = ""
    rows_read: int = 0
    parks: int = 0
    rejected: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    sheet: str | None = None
    other_sheets: list[str] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    columns: list[dict] = field(default_factory=list)

    def add_rejected(self, problems: pd.DataFrame) -> None:
        """Record rejected rows (columns row, column, value, reason); one entry per row, more problems kept."""
        if problems.empty:
            return
        problems = problems.sort_values("row", kind="stable")
        first = problems.drop_duplicates("row")
        entries = _records(first, _PROBLEM_COLUMNS)
        more = problems[problems.duplicated("row")]
        if not more.empty:
            extra = {row: _records(group, ["row", "column", "value", "reason"])
                     for row, group in more.groupby("row")}
            for entry in entries:
                if entry["row"] in extra:
                    entry["more"] = extra[entry["row"]]
        self.rejected = sorted([*self.rejected, *entries], key=lambda e: e["row"])
        self.parks -= len(entries)
        gone = {entry["row"] for entry in entries}
        self.warnings = [w for w in self.warnings if w["row"] not in gone]  # warnings are about kept rows

    def add_warnings(self, warnings: pd.DataFrame) -> None:
        """Record warnings (columns row, column, value, message) about rows that are kept (a row
        rejected later loses its warnings: its rejection says what is wrong)."""
        if not warnings.empty:
            self.warnings = sorted([*self.warnings, *_records(warnings, _WARNING_COLUMNS)],
                                   key=lambda e: (e["row"] if e["row"] is not None else -1))

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return not self.rejected

    def to_dict(self) -> dict:
        rejected = [{"row": e["row"], "name": self.names.get(e["row"]), **e} for e in self.rejected]
        return {"rows_read": self.rows_read, "parks": self.parks, "rejected": rejected,
                "skipped": self.skipped, "warnings": self.warnings, "sheet": self.sheet,
                "other_sheets": self.other_sheets, "columns": self.columns}

    @property
    def unused_columns(self) -> list[dict]:
        """The entries of ``columns`` not read as any field, in file order."""
        return [entry for entry in self.columns if entry["field"] is None]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def rejected_frame(self) -> pd.DataFrame:
        """Rejected rows as a table: row, name (the park name written in the row, from ``names``; empty
        when unknown), column, value, reason.

        Examples
        --------
        >>> report = Report(rejected=[{"row": 5, "column": "经度", "value": "121.47", "reason": "outside"}],
        ...                 names={5: "上海园"})
        >>> report.rejected_frame().values.tolist()
        [[5, '上海园', '经度', '121.47', 'outside']]
        """
        frame = pd.DataFrame(self.rejected, columns=_PROBLEM_COLUMNS)
        frame.insert(1, "name", frame["row"].map(self.names).astype(object))
        return frame[_REJECTED_FILE_COLUMNS]

    def to_text(self) -> str:
        """Human-readable report, one line per rejected/skipped row and warning."""
        lines = [f"{self.source}: {self.rows_read} rows read, {self.parks} parks, "
                 f"{len(self.rejected)} rejected, {len(self.skipped)} skipped, {len(self.warnings)} warnings"]
        if self.sheet is not None:
            lines.append(f"  sheet read: {self.sheet!r}; other sheets: {', '.join(self.other_sheets) or 'none'}")
        for entry in self.columns:
            use = f"used as {entry['field']}" if entry["field"] else "not used"
            lines.append(f"  column {entry['column']!r}: {use}" + (f" ({entry['hint']})" if entry["hint"] else ""))
        for entry in self.rejected:
            name = f" ({self.names[entry['row']]})" if entry["row"] in self.names else ""
            lines.append(f"  rejected row {entry['row']}{name}, column {entry['column']!r}, value {entry['value']!r}: "
                         f"{entry['reason']}")
            for extra in entry.get("more", []):
                lines.append(f"      also column {extra['column']!r}, value {extra['value']!r}: {extra['reason']}")
        for entry in self.skipped:
            lines.append(f"  skipped row {entry['row']}: {entry['reason']}")
        for entry in self.warnings:
            where = f"row {entry['row']}" if entry["row"] is not None else "file"
            lines.append(f"  warning {where}, column {entry['column']!r}, value {entry['value']!r}: {entry['message']}")
        return "\n".join(lines)
