"""Write maps and tables: atomic writes, stable element ids, pinned or inlined assets; a map published together
with its rejected rows."""

from __future__ import annotations

import copy
from pathlib import Path

import folium
import pandas as pd

from geo.write.atomic import atomic_write, atomic_write_all
from geo.write.tables import table_bytes, write_table  # the one table writer (CSV with BOM, or XLSX), re-exported

from layers.page.app import page_text
from layers.page.escape import escape_text
from layers.publish.assets import inline_links, pin_links

__all__ = ["atomic_write", "map_html", "write_map", "publish_map", "rejected_path", "check_map_path", "write_table",
           "cdn_notice", "MAP_SUFFIXES", "NOTICE_ID", "NOTICE_LANGUAGES"]

#: Names a map page may be written under (compared without case).
MAP_SUFFIXES = (".html", ".htm")

#: Element id of the notice a CDN page shows when Leaflet did not load.
NOTICE_ID = "kh-assets-unreachable"
#: Languages the notice is written in, in order (the registry key ``assets.unreachable``).
NOTICE_LANGUAGES = ("zh-Hans", "en")
_NOTICE_STYLE = ("position:fixed;top:0;left:0;right:0;z-index:10000;margin:0;padding:16px 20px;background:#fff8e1;"
                 "color:#222;border-bottom:2px solid #c77700;font:15px/1.6 system-ui,sans-serif")


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


def cdn_notice() -> str:
    """The static block a CDN page opens with, in 简体中文 and English (registry key ``assets.unreachable``),
    naming ``--offline``; the script after it removes it when Leaflet has loaded, so a reader sees it only
    where the CDN is unreachable (or blocked) and the page would otherwise stay blank."""
    texts = "".join(f'<p lang="{language}" style="margin:0 0 6px">'
                    f'{escape_text(page_text("assets.unreachable", language))}</p>' for language in NOTICE_LANGUAGES)
    return (f'<div id="{NOTICE_ID}" role="alert" style="{_NOTICE_STYLE}">{texts}</div>\n'
            f'<script>if (window.L) {{ document.getElementById("{NOTICE_ID}").remove(); }}</script>\n')


def map_html(m: folium.Map, *, offline: bool = False) -> str:
    """The full HTML page of a map: pinned CDN links with integrity, or every asset inlined.

    A CDN page opens with :func:`cdn_notice` (the head's scripts load before the body, so the block is gone
    before it is drawn when Leaflet loaded); an offline page, which needs no network, has none.
    Renders a copy, so the same map can be written several times (rendering adds elements).
    """
    figure = copy.deepcopy(m.get_root())
    _stable_ids(figure)
    page = figure.render()
    if offline:
        return inline_links(page)
    return pin_links(page).replace("<body>", "<body>\n" + cdn_notice(), 1)


def write_map(m: folium.Map, path: str | Path, *, offline: bool = False) -> Path:
    """Render the page first, then write it atomically (a failure leaves an earlier file untouched)."""
    return atomic_write(path, map_html(m, offline=offline).encode("utf-8"))



def rejected_path(path: str | Path) -> Path:
    """Where the rejected rows of the map at ``path`` go: beside it, ``<stem>.rejected.csv``.

    >>> rejected_path("site/map.html").as_posix()
    'site/map.rejected.csv'
    """
    path = Path(path)
    return path.with_name(path.stem + ".rejected.csv")


def check_map_path(path: str | Path) -> Path:
    """``path`` as a Path when it names an HTML page (:data:`MAP_SUFFIXES`); else a ValueError naming it."""
    path = Path(path)
    if path.suffix.casefold() not in MAP_SUFFIXES:
        given = repr(path.suffix) if path.suffix else "a name without suffix"
        raise ValueError(f"{path}: a map is an HTML page, so its file name must end in .html or .htm, not {given} "
                         f"/ 地图须写成 .html 或 .htm 文件")
    return path


def publish_map(m: folium.Map, path: str | Path, rejected: pd.DataFrame, *,
                offline: bool = False) -> tuple[Path, Path]:
    """Publish the page of ``m`` at ``path`` (.html or .htm) and the table ``rejected`` beside it
    (:func:`rejected_path`, CSV with BOM, no cell a formula), both or neither; return both paths.

    Both are rendered first, then written to temp files in the target folder, then renamed: the rejected file
    first, the map last. A reader in between sees the new rejected list beside the old map, which is harmless
    (the map is what is served; the list is for the clerk who fixes rows). On any failure, the earlier map is left
    byte-identical, the earlier rejected file put back, and no temp file remains; temps of a killed run are swept
    by the next publish (:mod:`geo.write.atomic`).

    Raises
    ------
    ValueError
        For a path that is not an HTML page's name (:func:`check_map_path`).
    geo.write.atomic.WriteError
        When a file cannot be written, naming it and the reason (disk full, read-only, a folder ...).
    """
    path = check_map_path(path)
    table = rejected_path(path)
    page = map_html(m, offline=offline).encode("utf-8")
    atomic_write_all([(table, table_bytes(rejected, table)), (path, page)])
    return path, table
