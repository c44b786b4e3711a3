"""Basemaps and their datums: tiles from xyzservices, overlays converted to the tiles' datum.

Basemaps of different datums never share a page: a page offers the chosen basemap and the other
basemaps of the same datum (OpenStreetMap, CARTO, Tianditu: WGS-84; Gaode street and satellite:
GCJ-02), and every overlay is converted once, to that datum, by :func:`geo.map_data`. A basemap's name on the
page is the registry string ``basemap.<name>`` of ``layers/page/i18n.json``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

import folium
import xyzservices.providers as xyz

from geo.errors import HeatmapError
from geo.registry import load_json

__all__ = ["Basemap", "BasemapError", "BASEMAPS", "basemap", "companions", "tile_layer"]


class BasemapError(HeatmapError, ValueError):
    """Unknown basemap, or a basemap whose key is not set."""


@cache
def _registry() -> dict:
    return load_json("basemaps.json", "layers.elements")["basemaps"]


BASEMAPS: tuple[str, ...] = tuple(_registry())


@dataclass(frozen=True)
class Basemap:
    name: str
    datum: str
    url: str
    attribution: str
    subdomains: str | None = None
    max_zoom: int = 19


def _key(name: str, spec: dict) -> str | None:
    variable = spec.get("key_env")
    if variable is None:
        return None
    value = os.environ.get(variable, "").strip()
    if not value:
        raise BasemapError(f"basemap {name!r} needs a key: set the environment variable {variable} "
                           f"/ 底图 {name} 需要密钥，请设置环境变量 {variable}")
    return value


def basemap(name: str) -> Basemap:
    """The basemap called ``name`` (one of :data:`BASEMAPS`), its key filled in from the environment."""
    spec = _registry().get(name)
    if spec is None:
        raise BasemapError(f"basemap={name!r} is not one of {', '.join(BASEMAPS)}")
    key = _key(name, spec)
    if "xyz" in spec:
        provider = xyz.query_name(spec["xyz"])
        if spec.get("key_field") and key:
            provider = provider(**{spec["key_field"]: key})
        url = provider.build_url(fill_subdomain=False, scale_factor="")
        if spec.get("https"):
            url = url.replace("http://", "https://", 1)
        subdomains = provider.get("subdomains")
        return Basemap(name, spec["datum"], url, provider.html_attribution,
                       subdomains if isinstance(subdomains, str) else None, int(provider.get("max_zoom", 19)))
    return Basemap(name, spec["datum"], spec["url"].replace("{key}", key or ""),
                   spec["attribution"], spec.get("subdomains"), int(spec.get("max_zoom", 19)))


def companions(name: str) -> list[Basemap]:
    """The chosen basemap first, then the other basemaps of its datum whose keys are set."""
    chosen = basemap(name)
    others = []
    for other in BASEMAPS:
        if other == name or _registry()[other]["datum"] != chosen.datum:
            continue
        try:
            others.append(basemap(other))
        except BasemapError:  # a companion without its key is simply not offered
            continue
    return [chosen, *others]


def tile_layer(item: Basemap, *, name: str | None = None, show: bool = True) -> folium.TileLayer:
    """A folium tile layer of a basemap (a base layer in the layer control, called ``name``: HTML, see
    :func:`layers.page.app.layer_name`; the basemap's registry name when None)."""
    options = {"subdomains": item.subdomains} if item.subdomains else {}
    return folium.TileLayer(tiles=item.url, attr=item.attribution, name=item.name if name is None else name,
                            max_zoom=item.max_zoom, overlay=False, control=True, show=show, **options)
