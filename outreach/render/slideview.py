"""Slides as drawings: a finished .pptx read back into boxes, lines and runs of text.

The presenter handouts and the build gallery show thumbnails of the deck. Drawing them
from the .pptx itself, not from deck.yaml, means a thumbnail never drifts from the
slides. ``read_deck`` resolves what PowerPoint inherits (placeholder positions, text
sizes and colours from the layout, master and theme) into plain data; ``slide_html``
lays one slide out as absolutely positioned HTML that WeasyPrint draws at any size.

This module reads shapes into boxes; ``slidetheme`` resolves their inherited colours and
text, and ``slidedraw`` holds the boxes and draws them. Import everything from here.
"""

from __future__ import annotations

import base64
import io
import re

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from weasyprint import HTML

from ..safefetch import ProjectFetcher
from .slidedraw import (
    _IMAGES,
    EMU_PER_PT,
    LINE_HEIGHT,
    Box,
    Paragraph,
    Run,
    SlideView,
    _pt,
    slide_html,
)
from .slidetheme import _bool, _chain, _Text, _Theme

__all__ = ["EMU_PER_PT", "LINE_HEIGHT", "PAGE_H", "PAGE_W", "Box", "Paragraph", "Run",
           "SlideView", "deck_pdf", "read_deck", "slide_html"]

PAGE_W, PAGE_H = 13.333 * 72, 7.5 * 72
"""The 16:9 page deck_pdf draws each slide on, in points."""

_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
_SKIP = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
_KINDS = {"rect": "rect", "roundRect": "roundrect", "ellipse": "ellipse",
          "line": "line", "straightConnector1": "line"}
_ANCHOR = {"t": "top", "ctr": "middle", "b": "bottom"}
_INSETS = (("lIns", 91440), ("tIns", 45720), ("rIns", 91440), ("bIns", 45720))


# -- shapes ------------------------------------------------------------------

def _identity(x, y, w, h):
    return x, y, w, h


def _group_map(group, outer):
    """Map a group's child coordinates to the slide's."""
    xfrm = group._element.find(f"{qn('p:grpSpPr')}/{qn('a:xfrm')}")
    if xfrm is None:
        return outer
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    ch_off, ch_ext = xfrm.find(qn("a:chOff")), xfrm.find(qn("a:chExt"))
    if None in (off, ext, ch_off, ch_ext):
        return outer
    sx = int(ext.get("cx")) / int(ch_ext.get("cx")) if int(ch_ext.get("cx")) else 1.0
    sy = int(ext.get("cy")) / int(ch_ext.get("cy")) if int(ch_ext.get("cy")) else 1.0

    def inner(x, y, w, h):
        return outer(int(off.get("x")) + (x - int(ch_off.get("x"))) * sx,
                     int(off.get("y")) + (y - int(ch_off.get("y"))) * sy, w * sx, h * sy)
    return inner


def _line_box(shape, el, theme, place) -> Box | None:
    """A connector or line shape: its two ends, colour, width and arrow heads."""
    sppr = el.find(qn("p:spPr"))
    ln = sppr.find(qn("a:ln")) if sppr is not None else None
    colour = theme.fill([ln], el.find(qn("p:style")), "a:lnRef")
    if colour is None:
        return None
    x, y, w, h = (round(v) for v in place(shape.left, shape.top, shape.width, shape.height))
    xfrm = sppr.find(qn("a:xfrm"))
    flip_h = xfrm is not None and _bool(xfrm.get("flipH"))
    flip_v = xfrm is not None and _bool(xfrm.get("flipV"))
    ends = (x + w if flip_h else x, y + h if flip_v else y,
            x if flip_h else x + w, y if flip_v else y + h)

    def has_head(tag):
        head = ln.find(qn(tag)) if ln is not None else None
        return head is not None and head.get("type", "none") != "none"

    width = int(ln.get("w", "9525")) / EMU_PER_PT if ln is not None else 0.75
    geom = sppr.find(qn("a:prstGeom")) if sppr is not None else None
    elbow = geom is not None and geom.get("prst", "").startswith("bentConnector")
    descr = el.xpath("./*[1]/p:cNvPr/@descr")
    return Box("line", x, y, w, h, None, colour, width, (), "top", (0, 0, 0, 0), None, ends,
               has_head("a:tailEnd"), arrow_begin=has_head("a:headEnd"),
               descr=str(descr[0]) if descr else "", elbow=elbow)


def _picture_box(shape, place) -> Box | None:
    """A picture, its PNG or JPEG blob embedded as a data: URI."""
    try:
        image = shape.image
    except (AttributeError, KeyError, ValueError):  # linked, not embedded, or no image
        return None
    if image.content_type not in _IMAGES:
        return None
    uri = f"data:{image.content_type};base64,{base64.b64encode(image.blob).decode('ascii')}"
    x, y, w, h = (round(v) for v in place(shape.left, shape.top, shape.width, shape.height))
    descr = shape._element.xpath("./*[1]/p:cNvPr/@descr")
    return Box("picture", x, y, w, h, None, None, 0.0, (), "top", (0, 0, 0, 0), uri, None, False,
               descr=str(descr[0]) if descr else "")


def _shape_boxes(shape, theme, place=_identity) -> list[Box]:
    """The boxes one shape draws as: none, one, or (a group) its members'."""
    el = shape._element
    tag = etree.QName(el).localname
    if tag == "grpSp":
        inner = _group_map(shape, place)
        return [box for member in shape.shapes for box in _shape_boxes(member, theme, inner)]
    props = el.find(f"./*/{qn('p:cNvPr')}")
    hidden = props is not None and _bool(props.get("hidden"))
    if hidden or shape.left is None or shape.width is None:
        return []
    if tag == "pic":
        box = _picture_box(shape, place)
        return [box] if box else []
    if shape.is_placeholder and shape.placeholder_format.type in _SKIP:
        return []
    geom = el.find(f"{qn('p:spPr')}/{qn('a:prstGeom')}")
    preset = geom.get("prst") if geom is not None else None
    kind = _KINDS.get(preset) if preset else "text"
    if tag == "cxnSp" or kind == "line":
        box = _line_box(shape, el, theme, place)
        return [box] if box else []
    if tag != "sp":
        return []  # tables, charts and other graphic frames are not drawn
    text = shape.text_frame.text if shape.has_text_frame else ""
    if shape.is_placeholder and not text.strip():
        return []
    style = el.find(qn("p:style"))
    sppr = [part.find(qn("p:spPr")) for part in _chain(shape)]  # placeholders inherit paint
    lns = [part.find(qn("a:ln")) if part is not None else None for part in sppr]
    fill = theme.fill(sppr, style, "a:fillRef")
    line = theme.fill(lns, style, "a:lnRef")
    line_pt = next((int(ln.get("w")) for ln in lns if ln is not None and ln.get("w")),
                   9525) / EMU_PER_PT
    if kind is None:  # an unknown outline: keep its text, not a wrong shape
        if not text.strip():
            return []
        kind, fill, line = "text", None, None
    if kind == "rect" and fill is None and line is None:
        kind = "text"
    x, y, w, h = (round(v) for v in place(shape.left, shape.top, shape.width, shape.height))
    radius = 0
    if kind == "roundrect":
        adj = geom.find(f"{qn('a:avLst')}/{qn('a:gd')}")
        value = adj.get("fmla", "val 16667").split()[-1] if adj is not None else "16667"
        radius = round(min(w, h) * int(value) / 100000) if value.isdigit() else 0
    paragraphs, anchor, margins = (), "top", (91440, 45720, 91440, 45720)
    if shape.has_text_frame and text.strip():
        resolver = _Text(shape, theme)
        paragraphs = tuple(resolver.paragraph(p) for p in shape.text_frame._txBody.p_lst)
        anchor = _ANCHOR.get(resolver.body("anchor", "t"), "top")
        margins = tuple(int(resolver.body(attr, str(default))) for attr, default in _INSETS)
    title = shape.is_placeholder and shape.placeholder_format.type in _TITLES
    return [Box(kind, x, y, w, h, fill, line, line_pt if line else 0.0, paragraphs, anchor,
                margins, None, None, False, radius=radius, title=title)]


def _background(slide, theme) -> str:
    """The slide's background colour: its own, else its layout's, else its master's."""
    for part in (slide, slide.slide_layout, slide.slide_layout.slide_master):
        bg = part._element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
        if bg is None:
            continue
        props = bg.find(qn("p:bgPr"))
        colour = (theme.fill([props]) if props is not None
                  else theme.colour(bg.find(qn("p:bgRef"))))
        if colour:
            return colour
    return "FFFFFF"


def _shows_master(element) -> bool:
    return element.get("showMasterSp") not in ("0", "false")


def read_deck(data: bytes) -> list[SlideView]:
    """Read every slide of a .pptx into a SlideView, back-to-front, inheritance resolved."""
    prs = Presentation(io.BytesIO(data))
    defaults = prs.part._element.find(qn("p:defaultTextStyle"))
    themes: dict[str, _Theme] = {}
    views = []
    for slide in prs.slides:
        layout = slide.slide_layout
        master = layout.slide_master
        if master.part.partname not in themes:
            themes[master.part.partname] = _Theme(master, defaults)
        theme = themes[master.part.partname]
        sources = []
        if _shows_master(slide._element):
            if _shows_master(layout._element):
                sources.append(master)
            sources.append(layout)
        shapes = [sh for src in sources for sh in src.shapes if not sh.is_placeholder]
        boxes = [box for sh in [*shapes, *slide.shapes]
                 for box in _shape_boxes(sh, theme)]
        title = slide.shapes.title
        notes = ""
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text
        views.append(SlideView(prs.slide_width, prs.slide_height, _background(slide, theme),
                               tuple(boxes), title.text_frame.text if title is not None else "",
                               notes))
    return views


def deck_pdf(data: bytes, families: str) -> bytes:
    """Draw every slide of a .pptx on its own 16:9 page, for gallery thumbnails.

    ``families`` is a CSS font-family list such as ``"Noto Sans", sans-serif``.
    """
    if re.search(r"[{}<>;\\]", families):
        raise ValueError(f"not a CSS font-family list: {families!r}")
    pages = []
    for view in read_deck(data):
        width = min(PAGE_W, PAGE_H * view.width / view.height)
        pages.append(f'<section style="width:{_pt(width)}">{slide_html(view, width)}</section>')
    source = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>"
              "@page { size: 13.333in 7.5in; margin: 0 } "
              f"body {{ margin: 0; font-family: {families} }} "
              "section { margin: 0 auto } section + section { break-before: page }"
              f"</style></head><body>{''.join(pages)}</body></html>")
    return HTML(string=source, url_fetcher=ProjectFetcher([])).write_pdf()
