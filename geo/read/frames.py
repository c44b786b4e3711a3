"""A DataFrame or GeoDataFrame read like a register file: its columns are the header, its records the rows
(numbered from 1), its point geometry the lon/lat columns (WGS-84 degrees)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.read.files import CellNote, Table

__all__ = ["frame_rows"]

_NOT_A_POINT = "{kind} placed at a point inside it / 以面内一点定位"


def _texts(column: pd.Series) -> list:
    """Cell texts of one column as a file reader gives them: None for missing, whole floats without ``.0``, dates
    in ISO form, anything else as ``str``."""
    if pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime("%Y-%m-%dT%H:%M:%S").str.removesuffix("T00:00:00")
    elif pd.api.types.is_float_dtype(column):
        whole = column.notna() & np.isfinite(column) & (column == column.round())
        text = column.astype("string").mask(whole, column.where(whole).astype("Int64").astype("string"))
    else:
        text = column.astype("string")
    return text.astype(object).where(text.notna(), None).tolist()


def frame_rows(frame: pd.DataFrame) -> Table:
    """Rows of a frame for :func:`geo.read_register`: the header first (row 0), then one row per record.

    A GeoDataFrame's geometry becomes ``lon``/``lat`` (converted to EPSG:4326 from its CRS; a frame without CRS
    is taken as degrees); a polygon or line is placed at a point inside it, noted.
    """
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        shapes = frame.geometry if frame.crs is None else frame.geometry.to_crs("EPSG:4326")
        points = shapes.where(shapes.geom_type.eq("Point") | shapes.isna(), shapes.representative_point())
        other = shapes.notna() & ~shapes.geom_type.eq("Point") & ~shapes.is_empty
        data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        data["lon"] = points.x.where(~points.is_empty)
        data["lat"] = points.y.where(~points.is_empty)
        notes = [CellNote(int(i) + 1, len(data.columns) - 2, kind, _NOT_A_POINT.format(kind=kind))
                 for i, kind in zip(np.flatnonzero(other.to_numpy()), shapes.geom_type[other])]
    else:
        data, notes = pd.DataFrame(frame), []
    header = [str(c) for c in data.columns]
    columns = [_texts(data[c]) for c in data.columns]
    rows = [(0, header)] + [(number, list(cells)) for number, cells in enumerate(zip(*columns), start=1)]
    return Table(rows if len(data) else [(0, header)], "frame", notes)
