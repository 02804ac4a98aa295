"""Fonts for the web page: each face subset to the characters the page uses, as WOFF2
data: URIs, so the page needs no request and stays small (a whole CJK font is 16 MB)."""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from .. import fonts

WEIGHTS = (("regular", 400), ("bold", 700))
"""The styles the page sets; italics (<cite>) are slanted by the browser, to save a file."""


def font_face_css(lang: str, text: str) -> str:
    """@font-face rules for the faces a page in ``lang`` needs to show ``text``.

    The language's own face comes first with every character it has; a later face is
    embedded only for characters the earlier ones lack (Latin digits in Arabic text).
    """
    wanted = {ord(ch) for ch in text if ch.isprintable() or ch == "\u00a0"}
    rules = []
    for face in fonts.faces_for(lang):
        files = fonts.locate(face)
        mine = frozenset(wanted & _cmap(files["regular"], face.index))
        if not mine:
            continue
        wanted -= mine
        for style, weight in WEIGHTS:
            data = _subset(files[style], face.index, mine)
            rules.append(
                f'@font-face {{ font-family: "{face.family}"; font-weight: {weight}; '
                f"font-style: normal; font-display: swap; "
                f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')
    return "\n".join(rules)


@lru_cache(maxsize=8)
def _cmap(path: Path, index: int) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@lru_cache(maxsize=32)
def _subset(path: Path, index: int, codepoints: frozenset[int]) -> str:
    """One font file cut down to ``codepoints``, as base64 WOFF2."""
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # screens render Noto well unhinted; hints are a third of the bytes
    options.desubroutinize = True  # WOFF2 compresses CFF better without subroutines
    # The subset keeps the font's own date: fontTools would stamp the time of the build
    # (or SOURCE_DATE_EPOCH), and the page would change with every build of the same text.
    font = TTFont(path, fontNumber=index, recalcTimestamp=False)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        font.flavor = "woff2"
        out = io.BytesIO()
        font.save(out)
    finally:
        font.close()
    return base64.b64encode(out.getvalue()).decode("ascii")
