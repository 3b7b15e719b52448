"""QR codes drawn offline (segno) as inline SVG, for the recycling certificate's public
check page: a phone camera opens the check with number and code filled in."""

from __future__ import annotations

import segno


def qr_svg(url: str, *, title: str) -> str:
    """An inline ``<svg>`` of ``url`` as a QR code (error correction M, 4 px modules)."""
    code = segno.make(url, error="m", micro=False)
    svg: str = code.svg_inline(scale=4, border=2, title=title, svgclass="qr", lineclass=None)
    return svg.replace("<svg ", '<svg role="img" ', 1)
