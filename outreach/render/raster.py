"""Pictures of print products, for e-flyer services and newsletters that take images.

``flyer-png`` and ``flyer-jpg`` (and the poster's) render the very PDF the print product
is (outreach.render.pdf) and rasterize its first page with pypdfium2. The bytes depend
only on the PDF: no timestamps, no metadata, so a rebuild gives the same file.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from ..errors import RenderError
from ..localize import Edition
from . import PRODUCTS, Job, pdf

DPI = {"flyer": 150, "poster": 150}
"""Resolution of each picture; 150 dpi reads on a screen and keeps files well under 1 MB."""
MAX_BYTES = 1_000_000
"""Services that take pictures cap them near 1 MB; a larger file is an error, not a surprise."""
JPEG_QUALITY = 85


def print_job(job: Job) -> Job:
    """The print product this picture is taken of, on the same paper."""
    return replace(job, product=PRODUCTS[job.product.template], mode="standard")


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check what the print product needs."""
    pdf.preflight(edition, print_job(job), templates, located)


def rasterize(data: bytes, scale: float, page: int = 0):
    """Draw one page of a PDF as a PIL RGB image, ``scale`` pixels per point, exactly
    round(points x scale) pixels each way."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        sheet = document[page]
        try:
            size = (round(sheet.get_width() * scale), round(sheet.get_height() * scale))
            image = sheet.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")
            # pdfium rounds up a hair past a whole pixel (1651 for 11 in at 150 dpi): trim it
            return image.crop((0, 0, *size)) if image.size != size else image
        finally:
            sheet.close()
    finally:
        document.close()


def encode(image, ext: str) -> bytes:
    """Encode a picture without metadata: PNG (optimized; a 256-colour palette when that
    keeps the flat colours and type exact enough) or progressive JPEG."""
    buffer = io.BytesIO()
    if ext == "jpg":
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, progressive=True,
                   optimize=True, subsampling="4:2:0")
    else:
        image.quantize(256, dither=0).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Render the print product, then its first page as PNG or JPEG bytes."""
    source = pdf.render(edition, print_job(job), templates, content_dir, warn)
    image = rasterize(source, DPI[job.product.template] / 72)
    data = encode(image, job.product.ext)
    if len(data) > MAX_BYTES:
        raise RenderError(f"{job.relpath}: the picture is {len(data):,} bytes; the limit is "
                          f"{MAX_BYTES:,}. Use fewer or smaller images in the content.")
    return data
