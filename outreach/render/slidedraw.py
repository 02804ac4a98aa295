"""Slide drawings: the boxes, lines and runs of text a slide is drawn as, and the drawing.

``slideview.read_deck`` reads a finished .pptx into these plain, frozen values;
``slide_html`` lays one slide out as absolutely positioned HTML (its lines in one SVG
overlay) that WeasyPrint draws at any size. Nothing here reads a .pptx.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..safefetch import MAX_DATA_URI

EMU_PER_PT = 12700
LINE_HEIGHT = 1.2
"""Single line spacing as a multiple of the font size, as PowerPoint and Impress set it."""

_FLEX = {"top": "flex-start", "middle": "center", "bottom": "flex-end"}
_IMAGES = {"image/png", "image/jpeg", "image/jpg"}
_DATA_URIS = tuple(f"data:{mime};base64," for mime in sorted(_IMAGES))
_HEX = re.compile(r"[0-9A-Fa-f]{6}\Z")


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style; a line break is a run whose text is "\\n"."""

    text: str
    size_pt: float
    bold: bool
    italic: bool
    colour: str
    """'RRGGBB'."""
    underline: bool = False
    link: str | None = None
    """Where the run's hyperlink leads (tel:, sms:, mailto:, https:), if it has one."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a text frame, its inherited properties resolved."""

    runs: tuple[Run, ...]
    align: str
    """'left', 'center' or 'right' (physical sides, as PowerPoint stores them)."""
    rtl: bool
    bullet: bool
    level: int
    space_before_pt: float
    line_spacing: float = 1.0
    """A multiple of single spacing."""
    margin_left: int = 0
    """Start-side indent of every line, in EMU (marL)."""
    indent: int = 0
    """Extra indent of the first line, in EMU (negative for a hanging bullet)."""


@dataclass(frozen=True)
class Box:
    """One thing drawn on a slide, in slide coordinates (EMU)."""

    kind: str
    """'text', 'rect', 'roundrect', 'ellipse', 'picture' or 'line'."""
    x: int
    y: int
    w: int
    h: int
    fill: str | None
    line: str | None
    line_pt: float
    paragraphs: tuple[Paragraph, ...]
    anchor: str
    """'top', 'middle' or 'bottom'."""
    margins: tuple[int, int, int, int]
    """Text insets: left, top, right, bottom in EMU."""
    image: str | None
    """A data: URI (PNG or JPEG) for pictures."""
    ends: tuple[int, int, int, int] | None
    """Lines: begin_x, begin_y, end_x, end_y."""
    arrow: bool
    """The line has an arrow head at its end."""
    radius: int = 0
    """Corner radius of a roundrect, in EMU."""
    arrow_begin: bool = False
    """The line has an arrow head at its beginning too."""
    descr: str = ""
    """The shape's alternative text (cNvPr descr): pictures' and lines'."""
    elbow: bool = False
    """The line is an elbow connector: along its first axis, across, and on (bentConnector3)."""
    title: bool = False
    """The slide's title placeholder (drawn as a heading in the slides PDF)."""


@dataclass(frozen=True)
class SlideView:
    """Everything needed to draw one slide, back to front."""

    width: int
    height: int
    background: str
    boxes: tuple[Box, ...]
    title: str
    notes: str


def _hex(value: str | None) -> str | None:
    """Return 'RRGGBB' if ``value`` is one (content is untrusted: it ends up in CSS)."""
    return value.upper() if value and _HEX.match(value) else None


# -- HTML --------------------------------------------------------------------

def _pt(value: float) -> str:
    """Write a length in points for CSS, to two decimals."""
    return f"{float(value):.2f}pt"


def _css(colour: str | None, default: str = "000000") -> str:
    """A colour for CSS; anything but 'RRGGBB' (a hand-made view, say) becomes ``default``."""
    return "#" + (_hex(colour) or default)


def _paragraph_html(p: Paragraph, k: float, first: bool, tag: str = "p") -> str:
    """One paragraph as a <p> (a block ``tag`` inside a heading); k converts EMU to points."""
    size = max(r.size_pt for r in p.runs) * k * EMU_PER_PT
    start = "right" if p.rtl else "left"
    style = ["margin:0", "white-space:pre-wrap", "flex-shrink:0", f"font-size:{_pt(size)}",
             f"line-height:{LINE_HEIGHT * p.line_spacing:.3f}",
             f"text-align:{p.align}", f"padding-{start}:{_pt(max(0, p.margin_left) * k)}",
             f"text-indent:{_pt(p.indent * k)}"]
    if tag != "p":
        style.insert(0, "display:block")
    if not first and p.space_before_pt:
        style.append(f"padding-top:{_pt(p.space_before_pt * k * EMU_PER_PT)}")
    spans = []
    if p.bullet:
        lead = p.runs[0]
        width = max(-p.indent * k, lead.size_pt * k * EMU_PER_PT * 0.8)
        spans.append(f'<span style="display:inline-block;text-indent:0;width:{_pt(width)};'
                     f'color:{_css(lead.colour)};font-size:{_pt(lead.size_pt * k * EMU_PER_PT)}">'
                     # A word joiner: WeasyPrint broke the line after the bullet, leaving it
                     # alone above an item too long to end on the first line.
                     "\u2022</span>\u2060")
    for r in p.runs:
        css = [f"font-size:{_pt(r.size_pt * k * EMU_PER_PT)}", f"color:{_css(r.colour)}"]
        css += ["font-weight:bold"] if r.bold else []
        css += ["font-style:italic"] if r.italic else []
        css += ["text-decoration:underline"] if r.underline and r.text.strip() else []
        span = f'<span style="{";".join(css)}">{escape(r.text)}</span>'
        spans.append(_linked(span, r) if r.link else span)
    if not any(r.text for r in p.runs):
        spans.append("\u200b")
    direction = ' dir="rtl"' if p.rtl else ""
    return f'<{tag}{direction} style="{";".join(style)}">{"".join(spans)}</{tag}>'


_LINKS = ("https://", "http://", "tel:", "sms:", "mailto:")


def _linked(span: str, r: Run) -> str:
    """Wrap a run in its link, described by its own words (the PDF link's description)."""
    if not r.link.startswith(_LINKS):  # a deck from elsewhere may hold javascript: and such
        return span
    words = r.text.replace("\u202a", "").replace("\u202c", "")
    return (f'<a href="{escape(r.link)}" title="{escape(words)}" '
            f'style="color:inherit;text-decoration:none">{span}</a>')


def _box_html(box: Box, k: float, heading: str = "") -> str:
    """A shape as an absolutely positioned div (its outline straddles the edge, as in
    PowerPoint); the title as a ``heading`` element (h1, h2) if one is asked for."""
    stroke = box.line_pt * EMU_PER_PT * k if box.line else 0.0
    style = ["position:absolute", "box-sizing:border-box", f"left:{_pt(box.x * k - stroke / 2)}",
             f"top:{_pt(box.y * k - stroke / 2)}", f"width:{_pt(box.w * k + stroke)}",
             f"height:{_pt(box.h * k + stroke)}"]
    if box.fill:
        style.append(f"background:{_css(box.fill)}")
    if stroke:
        style.append(f"border:{_pt(stroke)} solid {_css(box.line)}")
    if box.kind == "roundrect":
        style.append(f"border-radius:{_pt(box.radius * k + stroke / 2)}")
    elif box.kind == "ellipse":
        style.append("border-radius:50%")
    if box.kind == "picture":
        image = box.image or ""
        if not image.startswith(_DATA_URIS) or len(image) > MAX_DATA_URI:  # a grey box instead
            return f'<div style="{";".join(style)};background:#DDDDDD"></div>'
        alt = box.descr or "picture"
        return f'<img alt="{escape(alt)}" src="{escape(image)}" style="{";".join(style)}">'
    if box.paragraphs:
        left, top, right, bottom = (max(0.0, m * k - stroke / 2) for m in box.margins)
        # Text anchored at the top needs no flex column: WeasyPrint lays a flex item out
        # several times over, and most of a deck's boxes are top-anchored.
        if box.anchor != "top":
            style += ["display:flex", "flex-direction:column",
                      f"justify-content:{_FLEX[box.anchor]}"]
        style.append(f"padding:{_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}")
    tag = heading if heading and box.title else "div"
    inner = "span" if tag != "div" else "p"  # a heading holds no <p>: the parser would end it
    if tag != "div":
        style += ["margin:0", "font:inherit"]
    body = "".join(_paragraph_html(p, k, i == 0, inner) for i, p in enumerate(box.paragraphs))
    return f'<{tag} style="{";".join(style)}">{body}</{tag}>'


def _arrow(tip: tuple[float, float], tail: tuple[float, float], width: float):
    """The triangle of a medium arrow head at ``tip``, and where the shaft should stop."""
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    size = 3 * width
    bx, by = tip[0] - ux * size, tip[1] - uy * size
    half_x, half_y = -uy * size / 2, ux * size / 2
    points = [tip, (bx + half_x, by + half_y), (bx - half_x, by - half_y)]
    stop = (bx + ux * width / 2, by + uy * width / 2)  # under the head, so no butt end shows
    return " ".join(f"{x:.0f},{y:.0f}" for x, y in points), stop


def _line_summary(view: SlideView, lines: list[Box]) -> str:
    """The lines' own alternative texts (the deck's translated "Arrow from step 1 to step
    2"), so the figure is described in the deck's language, never in the tool's."""
    described = [box.descr for box in lines if box.descr]
    return "; ".join([view.title, *described]) if described else view.title


def _lines_svg(view: SlideView, lines: list[Box], k: float) -> str:
    """Every line of a slide in one SVG overlay, drawn in slide units (EMU)."""
    out = [(f'<svg width="{_pt(view.width * k)}" height="{_pt(view.height * k)}" '
            f'viewBox="0 0 {view.width} {view.height}" style="position:absolute;left:0;top:0">'
            # The title is the figure's alternative text in a tagged PDF.
            f'<title>{escape(_line_summary(view, lines))}</title>')]
    for box in lines:
        width = box.line_pt * EMU_PER_PT
        begin, end = box.ends[:2], box.ends[2:]
        heads = []
        if box.arrow:  # an elbow's head points along its last (vertical) leg
            tail = (box.ends[2], (box.ends[1] + box.ends[3]) / 2) if box.elbow else box.ends[:2]
            shape, end = _arrow(box.ends[2:], tail, width)
            heads.append(shape)
        if box.arrow_begin:
            shape, begin = _arrow(box.ends[:2], box.ends[2:], width)
            heads.append(shape)
        if box.elbow:  # down to the middle, across, and down (as the deck's row breaks run)
            mid = (begin[1] + end[1]) / 2
            out.append(f'<polyline points="{begin[0]:.0f},{begin[1]:.0f} {begin[0]:.0f},{mid:.0f} '
                       f'{end[0]:.0f},{mid:.0f} {end[0]:.0f},{end[1]:.0f}" fill="none" '
                       f'stroke="{_css(box.line)}" stroke-width="{width:.0f}"/>')
        else:
            out.append(f'<line x1="{begin[0]:.0f}" y1="{begin[1]:.0f}" x2="{end[0]:.0f}" '
                       f'y2="{end[1]:.0f}" stroke="{_css(box.line)}" stroke-width="{width:.0f}"/>')
        out += [f'<polygon points="{points}" fill="{_css(box.line)}"/>' for points in heads]
    out.append("</svg>")
    return "".join(out)


def slide_html(view: SlideView, width_pt: float, heading: str = "") -> Markup:
    """Lay one slide out as a ``<div class="slide">`` ``width_pt`` points wide.

    Every text is escaped and pictures are data: URIs, so the fragment loads nothing.
    With ``heading`` ("h2", say) the slide's title is that heading, for tagged PDFs.
    """
    k = width_pt / view.width
    lines = [box for box in view.boxes if box.kind == "line" and box.ends and box.line]
    boxes = "".join(_box_html(box, k, heading) for box in view.boxes if box.kind != "line")
    overlay = _lines_svg(view, lines, k) if lines else ""
    return Markup(f'<div class="slide" style="position:relative;overflow:hidden;'
                  f'width:{_pt(width_pt)};height:{_pt(view.height * k)};'
                  f'background:{_css(view.background, "FFFFFF")}">{boxes}{overlay}</div>')
