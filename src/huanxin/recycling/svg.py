"""An inline SVG drawing of a route from coordinates (no map tiles): the home station as a
square, stops as numbered circles in visiting order, unloading trips as squares."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, PAD = 320, 320, 24


@dataclass(frozen=True)
class Mark:
    lat: float
    lon: float
    label: str
    kind: str  # home | pickup | unload


def _projector(marks: list[Mark]) -> tuple[float, float, float, float, float]:
    """Equirectangular projection fitted to the marks: (lat0, lon0, kx, ky, scale)."""
    lats = [m.lat for m in marks]
    lons = [m.lon for m in marks]
    kx = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * kx, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
    return max(lats), min(lons), kx, 1.0, scale


def route_svg(marks: list[Mark], *, title: str) -> str:
    """SVG markup: a polyline home → stops → home, with numbered markers."""
    if not marks:
        return ""
    lat0, lon0, kx, _, scale = _projector(marks)

    def xy(m: Mark) -> tuple[float, float]:
        return PAD + (m.lon - lon0) * kx * scale, PAD + (lat0 - m.lat) * scale

    path = [xy(m) for m in marks] + [xy(marks[0])]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in path)
    parts = [
        (
            f'<svg class="route-map" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        ),
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f7f4"/>',
        (
            f'<polyline class="route-line" points="{line}" fill="none" stroke="#2a6f97" '
            'stroke-width="2" stroke-linejoin="round"/>'
        ),
    ]
    for m in marks:
        x, y = xy(m)
        if m.kind == "pickup":
            parts.append(
                f'<circle class="stop" cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#fff" '
                f'stroke="#2a6f97" stroke-width="2"/><text x="{x:.1f}" y="{y + 4:.1f}" '
                f'font-size="10" text-anchor="middle">{escape(m.label)}</text>'
            )
        else:
            colour = "#c0392b" if m.kind == "home" else "#8e6c00"
            parts.append(
                f'<rect class="{m.kind}" x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" '
                f'height="14" fill="{colour}"><title>{escape(m.label)}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)
