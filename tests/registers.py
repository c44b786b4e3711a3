"""Registers built in code for the tests, and the row-accounting check every register must pass."""

from __future__ import annotations

import csv
import io


def write_csv(path, rows, encoding="utf-8"):
    """Write ``rows`` as CSV in ``encoding`` (LF line ends) and return ``path``."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def assert_accounted(report):
    """Every row read is a park, a rejected row or a skipped row."""
    assert report.rows_read == report.parks + len(report.rejected) + len(report.skipped)
