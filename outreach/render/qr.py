"""Vector QR codes for print: SVG with the standard four-module quiet zone."""

from __future__ import annotations

import segno
from markupsafe import escape


def qr_svg_uri(url: str, colour: str = "#1D2B36") -> str:
    """Return a data: URI holding an SVG QR code that encodes ``url``."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(dark=colour, light="#ffffff", border=4, scale=1,
                             omitsize=True, nl=False)


def qr_svg(url: str, label: str, colour: str = "#1D2B36") -> str:
    """Return inline SVG markup of a QR code for ``url``, named ``label`` for screen readers."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(dark=colour, light="#ffffff", border=4, scale=1, omitsize=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
