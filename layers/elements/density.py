"""Calibrated heat: a density surface (:func:`geo.analyse.density.density_grid`, placed on the map by
:func:`geo.map_data`) as one image on the map, with a legend in real units (parks/km², 亿元/km², 万㎡/km²) that the
page writes in the reader's language.

The surface is written as an RGBA PNG in pure Python (zlib + struct, no imaging library), embedded in the
page as a ``data:`` URI and drawn by ``L.imageOverlay`` between the grid's corners, so it covers the same
ground at every zoom (unlike Leaflet.heat, whose radius is in screen pixels).

Colours run from transparent through yellow and orange to dark red along the legend's levels (nice
1-2-5 values by default): equal steps of the colour bar between successive levels, so the scale is
close to logarithmic and small concentrations stay visible next to a large one. Values at or below a
fifth of the lowest level are transparent.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Sequence
from numbers import Real

import numpy as np
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from geo.analyse.density import DensityError
from geo.analyse.mapdata import DensitySurface
from layers.elements.geojson import COORD_DECIMALS
from layers.page.escape import script_json

__all__ = ["DensityLayer", "DensityLegend", "PANE", "RAMP", "density_kernel", "density_levels", "density_rgba",
           "png_bytes"]

#: Colour ramp: (position 0..1, (red, green, blue, alpha 0..255)), transparent to dark red.
RAMP: tuple[tuple[float, tuple[int, int, int, int]], ...] = (
    (0.0, (255, 255, 204, 0)),
    (0.15, (255, 237, 160, 90)),
    (0.35, (254, 178, 76, 150)),
    (0.55, (253, 141, 60, 190)),
    (0.75, (227, 26, 28, 225)),
    (1.0, (128, 0, 38, 255)),
)

#: Leaflet pane of the image, created on first use between the tiles (200) and the vectors and markers (400+),
#: so the surface lies under areas, outline and parks whatever order the layers are added in.
PANE = "khDensity"
PANE_Z_INDEX = 350

_LEVEL_COUNT = 5
_THRESHOLD_FRACTION = 0.2  # values at or below this fraction of the lowest level are transparent
_POSITIONS = ("topleft", "topright", "bottomleft", "bottomright")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FILTER_UP = 2  # PNG row filter "Up": each byte minus the byte above it


def density_levels(values: np.ndarray, count: int = _LEVEL_COUNT) -> tuple[float, ...]:
    """The ``count`` largest values of the 1-2-5 series (…, 0.1, 0.2, 0.5, 1, 2, 5, …) not above the
    maximum of ``values``; empty when the maximum is not positive.

    >>> density_levels(np.array([[0.0, 2.3]]))
    (0.1, 0.2, 0.5, 1.0, 2.0)
    """
    top = float(np.nanmax(values)) if np.size(values) else 0.0
    if not top > 0:
        return ()
    exponent = math.floor(math.log10(top))
    series = [float(f"{m}e{e}") for e in range(exponent - count, exponent + 1) for m in (1, 2, 5)]
    return tuple(v for v in series if v <= top * (1 + 1e-12))[-count:]


def _check_levels(levels, unit: str) -> tuple[float, ...]:
    values = tuple(levels) if isinstance(levels, (Sequence, np.ndarray)) and not isinstance(levels, str) else None
    ok = (values is not None and len(values) > 0
          and all(isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v) and v > 0 for v in values)
          and all(a < b for a, b in zip(values, values[1:])))
    if not ok:
        raise DensityError(f"levels={levels!r} is not allowed: give increasing numbers > 0 in {unit}, or None")
    return tuple(float(v) for v in values)


def density_rgba(values: np.ndarray, levels: Sequence[float], ramp=RAMP) -> np.ndarray:
    """RGBA pixels (uint8, shape (rows, columns, 4)) of ``values`` along ``ramp`` (:data:`RAMP` by default).

    ``levels`` (increasing, > 0) sit at equal steps of the ramp, the last at its dark-red end; values at
    or below a fifth of the first level are fully transparent, values above the last level dark red.
    """
    values = np.asarray(values, dtype="float64")
    if len(levels) == 0:
        return np.zeros((*values.shape, 4), dtype=np.uint8)
    stops = np.array([levels[0] * _THRESHOLD_FRACTION, *levels])
    position = np.interp(np.nan_to_num(values, nan=0.0), stops, np.linspace(0.0, 1.0, stops.size))
    ramp_at = np.array([t for t, _ in ramp])
    channels = [np.interp(position, ramp_at, [colour[i] for _, colour in ramp]) for i in range(4)]
    rgba = np.rint(np.stack(channels, axis=-1)).astype(np.uint8)
    rgba[~(values > stops[0])] = 0  # NaN too
    return rgba


def png_bytes(rgba: np.ndarray) -> bytes:
    """A PNG file (8-bit RGBA, every row with the "Up" filter) of pixels of shape (rows, columns, 4)."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    height, width = rgba.shape[:2]
    rows = rgba.reshape(height, width * 4)
    filtered = np.empty((height, width * 4 + 1), dtype=np.uint8)
    filtered[:, 0] = _FILTER_UP
    filtered[:, 1:] = rows - np.vstack([np.zeros((1, width * 4), np.uint8), rows[:-1]])  # wraps mod 256
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA, deflate, no interlace
    return (_PNG_SIGNATURE + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(filtered.tobytes(), 9)) + _png_chunk(b"IEND", b""))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


class DensityLayer(Layer):
    """A density surface drawn as an ``L.imageOverlay`` of an embedded PNG.

    Parameters
    ----------
    surface : DensitySurface
        From :func:`geo.map_data` (or :func:`geo.analyse.mapdata.density_surface`): the grid, where its corners
        lie on the basemap and the size of its cells.
    name : str, optional
        Name in the layer control (HTML; see :func:`layers.page.app.layer_name`); the layer's id when None.
    alt : str, optional
        Text of the image for screen readers (the page writes it in the reader's language).
    opacity : float
        Opacity of the whole image, 0..1 (on top of the pixels' own alpha).
    levels : increasing numbers > 0 in the grid's unit, optional
        Values placed at equal steps of the colour ramp and shown as ticks by the density legend;
        :func:`density_levels` of the grid when None.
    show, control : bool
        Shown when the page opens; listed in the layer control.
    ramp : the colour ramp (:data:`RAMP` form; :func:`layers.elements.ramp.density_ramp` makes one from colours).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.imageOverlay({{ this.url }}, {{ this.bounds_json }},
                                                   {{ this.options|tojavascript }});
        {{ this.get_name() }}.khDensity = {{ this.kernel }};
        {{ this.get_name() }}.beforeAdd = function (map) {
            if (!map.getPane({{ this.pane }})) {
                map.createPane({{ this.pane }}).style.zIndex = {{ this.pane_z }};
            }
        };
        {% endmacro %}
    """)

    def __init__(self, surface: DensitySurface, *, name: str | None = None, alt: str | None = None,
                 opacity: float = 0.7, levels: Sequence[float] | None = None, show: bool = True, control: bool = True,
                 ramp=RAMP):
        if not isinstance(surface, DensitySurface):
            raise DensityError("surface must be a DensitySurface from geo.map_data or "
                               f"geo.analyse.mapdata.density_surface, got {type(surface).__name__}")
        if isinstance(opacity, bool) or not isinstance(opacity, Real) or not 0 <= opacity <= 1:
            raise DensityError(f"opacity={opacity!r} is not allowed: give a number from 0 to 1")
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "DensityLayer"
        self.surface, self.grid = surface, surface.grid
        grid = surface.grid
        self.levels = density_levels(grid.values) if levels is None else _check_levels(levels, grid.unit_short)
        self.png = png_bytes(density_rgba(grid.values, self.levels, ramp))
        self.url = script_json("data:image/png;base64," + base64.b64encode(self.png).decode("ascii"))
        west, south, east, north = surface.bounds
        self.corners = [[round(float(south), COORD_DECIMALS), round(float(west), COORD_DECIMALS)],
                        [round(float(north), COORD_DECIMALS), round(float(east), COORD_DECIMALS)]]
        self.bounds_json = script_json(self.corners)
        self.pane, self.pane_z = script_json(PANE), script_json(PANE_Z_INDEX)
        self.kernel = script_json(density_kernel(surface, self.levels, self.corners, ramp))
        options = {"opacity": float(opacity), "interactive": False, "class_name": "kh-density", "pane": PANE,
                   "alt": alt}
        self.options = {key: value for key, value in options.items() if value is not None}

    def _get_self_bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] of the image, degrees."""
        return self.corners


def density_kernel(surface: DensitySurface, levels: Sequence[float], corners: list[list[float]],
                   ramp=RAMP) -> dict:
    """What the page needs to recompute the surface for the parks a filter leaves, on the same grid and
    with the same kernel as :func:`geo.analyse.density.density_grid`: the image corners ``[[south, west], [north,
    east]]`` (degrees, page datum), shape, cell width and height per row (UTM metres, north row first),
    σ (metres), the colour levels and ramp, and how many parks the Python surface holds."""
    grid = surface.grid
    return {"bounds": corners, "rows": grid.shape[0], "columns": grid.shape[1],
            "widths": surface.widths_m.tolist(), "heights": surface.heights_m.tolist(),
            "bandwidth_m": grid.bandwidth_m, "cell_m": grid.cell_m, "weight": grid.weight,
            "levels": list(levels), "threshold": _THRESHOLD_FRACTION, "gradient": _gradient(ramp),
            "ramp": [[t, list(colour)] for t, colour in ramp], "n_used": grid.n_used, "n_total": grid.n_total}


def _gradient(ramp=RAMP) -> str:
    stops = ", ".join(f"rgba({r},{g},{b},{a / 255:.3f}) {t * 100:g}%" for t, (r, g, b, a) in ramp)
    return f"linear-gradient(to right, {stops})"


class DensityLegend(MacroElement):
    """A Leaflet control holding the legend of a :class:`DensityLayer`, shown while the layer is on the map and
    written by :class:`layers.page.app.ParkApp` in the reader's language.

    Add it to the map after the layer.

    Parameters
    ----------
    layer : DensityLayer
        The layer whose grid and levels the legend describes.
    position : {"topleft", "topright", "bottomleft", "bottomright"}
        Corner of the map; by default stacked with the map legend (:class:`layers.elements.legend.Legend`), leaving the
        left side to the app's panel.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .kh-density-legend { background: rgba(255,255,255,0.92); padding: 8px 10px; font: 12px/1.4 sans-serif;
                               max-width: 300px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); border-radius: 4px; }
          .kh-density-title { font-weight: bold; margin-bottom: 2px; }
          .kh-density-bar { height: 10px; margin: 4px 12px 0 0; border: 1px solid #bbb; }
          .kh-density-ticks { position: relative; height: 16px; margin-right: 12px; }
          .kh-density-tick { position: absolute; top: 0; transform: translateX(-50%); white-space: nowrap; }
          .kh-density-unit { text-align: right; color: #444; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {  // one box, kept with what the page wrote in it
            if (!this._box) {
                this._box = L.DomUtil.create("div", "kh-density-control");
                L.DomEvent.disableClickPropagation(this._box);
            }
            return this._box;
        };
        {{ this.layer.get_name() }}.on("add", function () {
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        });
        {{ this.layer.get_name() }}.on("remove", function () { {{ this.get_name() }}.remove(); });
        if ({{ this._parent.get_name() }}.hasLayer({{ this.layer.get_name() }})) {
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        }
        {% endmacro %}
    """)

    def __init__(self, layer: DensityLayer, *, position: str = "bottomright"):
        if not isinstance(layer, DensityLayer):
            raise DensityError(f"layer must be a DensityLayer, got {type(layer).__name__}")
        if position not in _POSITIONS:
            raise DensityError(f"position={position!r} is not one of {', '.join(_POSITIONS)}")
        super().__init__()
        self._name = "DensityLegend"
        self.layer = layer
        self.position = position
