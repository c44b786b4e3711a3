"""A colour ramp of the user's for the heat: the classic Leaflet.heat gradient, the density surface and their legends,
from one list of colours, light (few parks) to dark (many)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

__all__ = ["check_ramp", "css_gradient", "density_ramp", "heat_gradient"]

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ALPHA = ((0.0, 0), (0.15, 90), (0.35, 150), (0.55, 190), (0.75, 225), (1.0, 255))  # the density's opacity profile


def check_ramp(colours: Sequence[str]) -> tuple[str, ...]:
    """``colours`` (2 to 8 ``#rrggbb``, light to dark) as a tuple; a ValueError naming what is wrong.

    >>> check_ramp(["#fff5eb", "#7f2704"])
    ('#fff5eb', '#7f2704')
    """
    colours = tuple(colours) if not isinstance(colours, str) else (colours,)
    bad = [c for c in colours if not (isinstance(c, str) and _HEX.match(c))]
    if bad or not 2 <= len(colours) <= 8:
        raise ValueError(f"heat_ramp={list(colours)!r}: give 2 to 8 colours written #rrggbb, light to dark"
                         + (f" (not {', '.join(map(repr, bad))})" if bad else ""))
    return colours


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def heat_gradient(colours: Sequence[str]) -> dict[float, str]:
    """Leaflet.heat's ``gradient`` option: the colours at even steps from 0.4 to 1 (its own default starts at 0.4).

    >>> heat_gradient(["#0000ff", "#ffff00", "#ff0000"])
    {0.4: '#0000ff', 0.7: '#ffff00', 1.0: '#ff0000'}
    """
    steps = np.linspace(0.4, 1.0, len(colours))
    return {round(float(t), 4): c for t, c in zip(steps, colours)}


def css_gradient(colours: Sequence[str]) -> str:
    """A CSS ``linear-gradient`` of the colours at even steps, for a legend bar."""
    steps = np.linspace(0, 100, len(colours))
    return "linear-gradient(to right, " + ", ".join(f"{c} {t:g}%" for t, c in zip(steps, colours)) + ")"


def density_ramp(colours: Sequence[str]) -> tuple[tuple[float, tuple[int, int, int, int]], ...]:
    """The density surface's ramp (:data:`layers.elements.density.RAMP` form): the colours at even positions, with
    the default ramp's opacity (transparent at the light end, opaque at the dark end).

    >>> density_ramp(["#ffffff", "#000000"])
    ((0.0, (255, 255, 255, 0)), (1.0, (0, 0, 0, 255)))
    """
    at = np.linspace(0.0, 1.0, len(colours))
    alpha = np.interp(at, [t for t, _ in _ALPHA], [a for _, a in _ALPHA])
    return tuple((round(float(t), 4), (*_rgb(c), int(round(a)))) for t, c, a in zip(at, colours, alpha))
