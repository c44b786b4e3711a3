"""Numbers with units as text for cards, tooltips and legends."""

from __future__ import annotations

import pandas as pd

__all__ = ["FIGURE_LABELS", "figure_text", "number_text"]

#: Figure -> (中文 label, English label, unit 中文, unit English).
FIGURE_LABELS = {
    "investment": ("总投资", "Investment", "亿元", "100 million CNY"),
    "floor_area": ("建筑面积", "Floor area", "万㎡", "10,000 m²"),
    "land": ("用地面积", "Land", "亩", "mu"),
    "output": ("预计产值", "Expected output", "亿元", "100 million CNY"),
    "available": ("可用面积", "Space available", "万㎡", "10,000 m²"),
}


def number_text(values: pd.Series) -> pd.Series:
    """Up to two decimals, no trailing zeros, thousands separators (``1,050``, ``0.35``)."""
    text = values.map(lambda v: f"{v:,.2f}".rstrip("0").rstrip("."), na_action="ignore")
    return text.astype("string")


def figure_text(values: pd.Series, figure: str) -> pd.Series:
    """``'12.5 亿元'`` style text of a figure column (NA where missing)."""
    unit = FIGURE_LABELS[figure][2]
    return number_text(values) + " " + unit
