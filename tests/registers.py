"""Registers built in code for the tests, and the row-accounting check every register must pass."""

from __future__ import annotations

import csv
import io

import geopandas as gpd
import pandas as pd


def write_csv(path, rows, encoding="utf-8"):
    """Write ``rows`` as CSV in ``encoding`` (LF line ends) and return ``path``."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path, header, *rows, title=None, sheet="2024年"):
    """Save an .xlsx with openpyxl: an optional merged title row above ``header``, then ``rows``; returns ``path``."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for row in (header, *rows):
        ws.append(list(row))
    book.save(path)
    return path


def assert_accounted(report):
    """Every row read is a park, a rejected row or a skipped row."""
    assert report.rows_read == report.parks + len(report.rejected) + len(report.skipped)


def park_frame(rows, dtype="float64"):
    """Parks table: (lon, lat, precision, investment, floor_area, output) per row, EPSG:4326."""
    lon, lat, precision, investment, floor_area, output = zip(*rows)
    return gpd.GeoDataFrame({
        "precision": pd.Series(precision, dtype="string"),
        "investment": pd.Series(investment, dtype=dtype),
        "floor_area": pd.Series(floor_area, dtype=dtype),
        "output": pd.Series(output, dtype=dtype),
    }, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
