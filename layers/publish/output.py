"""Write maps and tables: atomic writes, stable element ids, pinned or inlined assets."""

from __future__ import annotations

import copy
from pathlib import Path

import folium

from geo.write.atomic import atomic_write
from geo.write.tables import write_table  # the one table writer (CSV UTF-8 with BOM, or XLSX), re-exported

from layers.publish.assets import inline_links, pin_links

__all__ = ["atomic_write", "map_html", "write_map", "write_table"]


def _stable_ids(root) -> None:
    """Number every element in tree order, so the same map renders to the same bytes."""
    counter = 0

    def walk(element):
        nonlocal counter
        element._id = f"{counter:05d}"
        counter += 1
        for child in list(element._children.values()):
            walk(child)

    walk(root)


def map_html(m: folium.Map, *, offline: bool = False) -> str:
    """The full HTML page of a map: pinned CDN links with integrity, or every asset inlined.

    Renders a copy, so the same map can be written several times (rendering adds elements).
    """
    figure = copy.deepcopy(m.get_root())
    _stable_ids(figure)
    page = figure.render()
    return inline_links(page) if offline else pin_links(page)


def write_map(m: folium.Map, path: str | Path, *, offline: bool = False) -> Path:
    """Render the page first, then write it atomically (a failure leaves an earlier file untouched)."""
    return atomic_write(path, map_html(m, offline=offline).encode("utf-8"))

