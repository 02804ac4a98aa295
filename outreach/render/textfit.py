"""Fit slide text: measure it with the real font and step it down to an 18 pt floor.

PowerPoint and Impress do not report how tall text will be, so the deck renderer wraps
words itself with the font's advance widths (Pillow) and the paragraph spacing the
theme gives, and shrinks text that would overflow its box.
"""

from __future__ import annotations

from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from .. import fonts

FLOOR = 18.0
"""No text on a slide is smaller than this."""


class Fitter:
    """Measure and shrink text in the shapes of one presentation."""

    def __init__(self, prs, face: fonts.Face, warn):
        self.prs = prs
        self.face = face
        self.warn = warn
        self.shrunk: dict[str, int] = {}
        """Slides whose text was made smaller to fit, by how many points."""
        self._styles: dict[int, tuple] = {}
        """Each placeholder's list styles (layout's, then master's) and size, by the id of
        its element, which is kept in the entry so that the id cannot be reused meanwhile."""
        self._layouts: dict[tuple, tuple] = {}
        """The same, by layout and placeholder index: every slide made from a layout shares
        them, and python-pptx finds a layout's placeholder by walking all its shapes."""

    def _style_chain(self, placeholder) -> list:
        """The list styles a placeholder inherits from: its layout's, then the master's."""
        element = placeholder._element
        cached = self._styles.get(id(element))
        if cached is None or cached[0] is not element:
            styles, width, height = self._inherits(placeholder)
            if element.xfrm is not None:  # a size of its own (the theme's slides have none)
                width, height = placeholder.width, placeholder.height
            cached = self._styles[id(element)] = (element, styles, width, height)
        return cached[1]

    def _inherits(self, placeholder) -> tuple:
        """What a slide placeholder takes from its layout: list styles, width, height."""
        layout = placeholder.part.slide_layout
        key = (id(layout._element), placeholder._element.ph_idx)
        found = self._layouts.get(key)
        if found is None or found[0] is not layout._element:
            styles = [self.prs.slide_master._element.find(
                f"{qn('p:txStyles')}/{qn('p:bodyStyle')}")]
            layout_ph = placeholder._base_placeholder
            if layout_ph is not None:
                styles.insert(0, layout_ph._element.txBody.find(qn("a:lstStyle")))
                size = layout_ph.width, layout_ph.height
            else:
                size = placeholder.width, placeholder.height
            found = self._layouts[key] = (layout._element, styles, *size)
        return found[1:]

    def box(self, placeholder) -> tuple[int, int]:
        """A placeholder's width and height in EMU (its own, else its layout's)."""
        if not placeholder.is_placeholder:
            return placeholder.width, placeholder.height
        self._style_chain(placeholder)
        _, _, width, height = self._styles[id(placeholder._element)]
        return width, height

    def report(self, where: str) -> None:
        """Say once, per deck, which slides had to shrink (translators may shorten them)."""
        if self.shrunk:
            slides = ", ".join(f"{slide} (-{points} pt)" for slide, points in self.shrunk.items())
            self.warn(f"{where} deck: text made smaller to fit on {len(self.shrunk)} slide(s): "
                      f"{slides}; shorter text keeps the theme's size")

    def inherited(self, placeholder, level: int, path: str, attr: str) -> str | None:
        """Look up a paragraph property the way PowerPoint does: layout, then master."""
        if not placeholder.is_placeholder:  # drawn shapes: everything is set on the runs
            return None
        path = f"{qn(f'a:lvl{level + 1}pPr')}/{path}"
        for style in self._style_chain(placeholder):
            found = style.find(path) if style is not None else None
            if found is not None and found.get(attr) is not None:
                return found.get(attr)
        return None

    def size(self, placeholder, paragraph, run) -> float:
        """The size a run is drawn at: its own, else inherited."""
        if run.font.size is not None:
            return run.font.size.pt
        sz = self.inherited(placeholder, paragraph.level, qn("a:defRPr"), "sz")
        return int(sz) / 100 if sz else 18.0

    def height(self, placeholder, shrink: float) -> float:
        """Estimate the text height in points, wrapping words with real font metrics."""
        face = self.face
        frame = placeholder.text_frame
        total = Emu(frame.margin_top + frame.margin_bottom).pt
        for p in frame.paragraphs:
            runs = [r for r in p.runs if r.text]
            if not runs:
                continue
            size = max(max(FLOOR, self.size(placeholder, p, r) - shrink) for r in runs)
            bold = any(r.font.bold for r in runs)
            own = p._p.pPr.get("marL") if p._p.pPr is not None else None
            mar_l = own if own is not None else self.inherited(placeholder, p.level, "", "marL")
            width = Emu(self.box(placeholder)[0] - frame.margin_left - frame.margin_right
                        - int(mar_l or 0)).pt
            space = fonts.text_width_pt(" ", face, size, bold=bold)
            lines = 0
            for chunk in "".join(r.text for r in runs).split("\v"):
                lines, line = lines + 1, 0.0
                for word in chunk.split():
                    w = fonts.text_width_pt(word, face, size, bold=bold)
                    if line and line + space + w > width:
                        lines, line = lines + 1, 0.0
                    line += (space if line else 0) + w
                    while line > width:  # a word longer than the line breaks anywhere
                        lines, line = lines + 1, line - width
            if p.space_before is not None:
                before = p.space_before.pt
            else:
                pts = self.inherited(placeholder, p.level, f"{qn('a:spcBef')}/{qn('a:spcPts')}", "val")
                before = int(pts) / 100 if pts else 0
            spacing = p.line_spacing if isinstance(p.line_spacing, float) else 1.1
            total += before + lines * size * 1.36 * spacing
        return total

    def fit(self, placeholder, slide_id: str) -> None:
        """Shrink a placeholder's text in 2 pt steps (never below 18 pt) until it fits."""
        room = Emu(self.box(placeholder)[1]).pt
        for shrink in range(0, 12, 2):
            if self.height(placeholder, shrink) <= room:
                break
        else:
            self.warn(f"deck slide {slide_id!r}: text overflows its placeholder even at "
                      f"{FLOOR:.0f} pt; shorten it or split the slide")
            shrink = 10
        if shrink:
            for p in placeholder.text_frame.paragraphs:
                for r in p.runs:
                    size = self.size(placeholder, p, r)
                    r.font.size = Pt(max(FLOOR, size - shrink))
            self.shrunk.setdefault(slide_id, shrink)

