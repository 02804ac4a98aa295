"""Slides as drawings: a finished .pptx read back into boxes, lines and runs of text.

The presenter handouts and the build gallery show thumbnails of the deck. Drawing them
from the .pptx itself, not from deck.yaml, means a thumbnail never drifts from the
slides. ``read_deck`` resolves what PowerPoint inherits (placeholder positions, text
sizes and colours from the layout, master and theme) into plain data; ``slide_html``
lays one slide out as absolutely positioned HTML that WeasyPrint draws at any size.
"""

from __future__ import annotations

import base64
import colorsys
import io
import math
import re
from dataclasses import dataclass, replace

from lxml import etree
from markupsafe import Markup, escape
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from weasyprint import HTML

from ..safefetch import MAX_DATA_URI, ProjectFetcher

EMU_PER_PT = 12700
PAGE_W, PAGE_H = 13.333 * 72, 7.5 * 72
"""The 16:9 page deck_pdf draws each slide on, in points."""
LINE_HEIGHT = 1.2
"""Single line spacing as a multiple of the font size, as PowerPoint and Impress set it."""

_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_SKIP = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
_KINDS = {"rect": "rect", "roundRect": "roundrect", "ellipse": "ellipse",
          "line": "line", "straightConnector1": "line"}
_ALIGN = {"l": "left", "ctr": "center", "r": "right", "just": "left", "dist": "left"}
_ANCHOR = {"t": "top", "ctr": "middle", "b": "bottom"}
_FLEX = {"top": "flex-start", "middle": "center", "bottom": "flex-end"}
_IMAGES = {"image/png", "image/jpeg", "image/jpg"}
_DATA_URIS = tuple(f"data:{mime};base64," for mime in sorted(_IMAGES))
_PRESET = {"black": "000000", "white": "FFFFFF", "red": "FF0000", "green": "008000",
           "blue": "0000FF", "yellow": "FFFF00", "gray": "808080", "grey": "808080"}
_HEX = re.compile(r"[0-9A-Fa-f]{6}\Z")
_INSETS = (("lIns", 91440), ("tIns", 45720), ("rIns", 91440), ("bIns", 45720))


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
    """The shape's alternative text (cNvPr descr), for pictures."""


@dataclass(frozen=True)
class SlideView:
    """Everything needed to draw one slide, back to front."""

    width: int
    height: int
    background: str
    boxes: tuple[Box, ...]
    title: str
    notes: str


# -- colours -----------------------------------------------------------------

def _hex(value: str | None) -> str | None:
    """Return 'RRGGBB' if ``value`` is one (content is untrusted: it ends up in CSS)."""
    return value.upper() if value and _HEX.match(value) else None


def _adjusted(rgb: str, colour) -> str:
    """Apply DrawingML's lumMod/lumOff/tint/shade children of a colour element."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    for mod in colour:
        name, val = etree.QName(mod).localname, int(mod.get("val", "100000")) / 100000
        if name in ("lumMod", "lumOff"):
            h, light, s = colorsys.rgb_to_hls(r, g, b)
            light = light * val if name == "lumMod" else light + val
            r, g, b = colorsys.hls_to_rgb(h, min(1.0, max(0.0, light)), s)
        elif name == "tint":
            r, g, b = (c + (1 - c) * (1 - val) for c in (r, g, b))
        elif name == "shade":
            r, g, b = (c * val for c in (r, g, b))
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


class _Theme:
    """A master's theme colours, colour map and text styles."""

    def __init__(self, master, defaults):
        self.styles = master._element.find(qn("p:txStyles"))
        self.defaults = defaults
        """The presentation's defaultTextStyle, for text in shapes that are not placeholders."""
        theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
        scheme = theme.find(f".//{qn('a:clrScheme')}")
        self.slots = {}
        for slot in scheme if scheme is not None else ():
            self.slots[etree.QName(slot).localname] = self.colour(slot, mapped=False)
        clr_map = master._element.find(qn("p:clrMap"))
        self.map = dict(clr_map.attrib) if clr_map is not None else {}

    def slot(self, name: str) -> str:
        """A scheme colour by its mapped name (tx1, hlink, ...), black if unknown."""
        return self.slots.get(self.map.get(name, name)) or "000000"

    def colour(self, parent, *, mapped: bool = True) -> str | None:
        """Resolve the colour element inside ``parent`` (a solidFill, fontRef, ...)."""
        for child in parent if parent is not None else ():
            tag = etree.QName(child).localname
            if tag == "srgbClr":
                base = child.get("val")
            elif tag == "sysClr":
                base = child.get("lastClr")
            elif tag == "prstClr":
                base = _PRESET.get(child.get("val", ""))
            elif tag == "schemeClr" and mapped:
                name = child.get("val", "")
                base = self.slots.get(self.map.get(name, name))
            else:
                continue
            base = _hex(base)
            return _adjusted(base, child) if base else None
        return None

    def fill(self, parents, style=None, ref: str = "") -> str | None:
        """The colour the first of ``parents`` (spPr, ln or bgPr elements, nearest first)
        that says how it is filled gives; else the shape style's ``ref``."""
        for parent in parents:
            if parent is None:
                continue
            if parent.find(qn("a:noFill")) is not None:
                return None
            for tag in ("a:solidFill", "a:gradFill"):
                found = parent.find(qn(tag))
                if found is not None:  # a gradient is drawn in its first stop's colour
                    stop = found.find(f".//{qn('a:gs')}") if tag == "a:gradFill" else found
                    return self.colour(stop)
        ref_el = style.find(qn(ref)) if style is not None and ref else None
        if ref_el is not None and ref_el.get("idx", "0") != "0":
            return self.colour(ref_el)
        return None


# -- text --------------------------------------------------------------------

def _chain(shape) -> list:
    """The shape's element, then the layout and master placeholders it inherits from."""
    chain, current = [shape._element], shape
    while getattr(current, "is_placeholder", False):
        current = getattr(current, "_base_placeholder", None)
        if current is None:
            break
        chain.append(current._element)
    return chain


def _bool(value: str | None) -> bool:
    return value in ("1", "true")


def _points(spacing, of: float) -> float | None:
    """An a:spcBef or a:lnSpc in points: spcPts as given, spcPct as a share of ``of``."""
    if spacing is None:
        return None
    if (pts := spacing.find(qn("a:spcPts"))) is not None:
        return int(pts.get("val", "0")) / 100
    if (pct := spacing.find(qn("a:spcPct"))) is not None:
        return int(pct.get("val", "100000")) / 100000 * of
    return None


class _Text:
    """Resolve the text of one shape: each property from the run, the paragraph, the
    shape's list styles, its layout and master placeholders, then the master's styles."""

    def __init__(self, shape, theme: _Theme):
        self.theme = theme
        chain = _chain(shape)
        self.lists = [el.find(f"{qn('p:txBody')}/{qn('a:lstStyle')}") for el in chain]
        self.bodies = [el.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}") for el in chain]
        if shape.is_placeholder and theme.styles is not None:
            name = "p:titleStyle" if shape.placeholder_format.type in _TITLES else "p:bodyStyle"
            self.lists.append(theme.styles.find(qn(name)))
        else:
            self.lists.append(theme.defaults)
        style = shape._element.find(qn("p:style"))
        font_ref = style.find(qn("a:fontRef")) if style is not None else None
        self.ink = theme.colour(font_ref) or theme.slot("tx1")
        fit = self.bodies[0].find(qn("a:normAutofit")) if self.bodies[0] is not None else None
        self.scale = int(fit.get("fontScale", "100000")) / 100000 if fit is not None else 1.0
        self.squeeze = int(fit.get("lnSpcReduction", "0")) / 100000 if fit is not None else 0.0

    def body(self, attr: str, default: str) -> str:
        """A bodyPr attribute (insets, anchor) from the nearest shape that sets it."""
        return next((b.get(attr) for b in self.bodies if b is not None and b.get(attr)), default)

    def levels(self, ppr, level: int) -> list:
        """The paragraph's own pPr, then every list style's lvlNpPr, nearest first."""
        found = [ppr] + [lst.find(qn(f"a:lvl{level + 1}pPr")) for lst in self.lists
                         if lst is not None]
        return [el for el in found if el is not None]

    def run(self, rpr, levels, text: str) -> Run:
        """A run's text with its size, weight and colour resolved."""
        chain = [rpr] + [el.find(qn("a:defRPr")) for el in levels]
        chain = [el for el in chain if el is not None]

        def attr(name):
            return next((el.get(name) for el in chain if el.get(name) is not None), None)

        size = int(attr("sz") or 1800) / 100 * self.scale
        link = rpr is not None and rpr.find(qn("a:hlinkClick")) is not None
        colours = [self.theme.colour(el.find(qn("a:solidFill"))) for el in chain]
        if link and (rpr.find(qn("a:solidFill")) is None):  # links take the theme's hlink
            colours.insert(0, self.theme.slot("hlink"))
        colour = next((c for c in colours if c), None)
        return Run(text, round(size, 2), _bool(attr("b")), _bool(attr("i")),
                   colour or self.ink, underline=link or attr("u") not in (None, "none"))

    def paragraph(self, p) -> Paragraph:
        """One a:p, with alignment, direction, bullet and spacing resolved."""
        ppr = p.find(qn("a:pPr"))
        level = int(ppr.get("lvl", "0")) if ppr is not None else 0
        levels = self.levels(ppr, level)

        def attr(name, default=None):
            return next((el.get(name) for el in levels if el.get(name) is not None), default)

        def child(*tags):
            for el in levels:
                for tag in tags:
                    found = el.find(qn(tag))
                    if found is not None:
                        return found
            return None

        runs = []
        for el in p:
            tag = etree.QName(el).localname
            if tag in ("r", "fld"):
                runs.append(self.run(el.find(qn("a:rPr")), levels, el.findtext(qn("a:t")) or ""))
            elif tag == "br" and runs and el.find(qn("a:rPr")) is None:
                runs.append(replace(runs[-1], text="\n", underline=False))  # as tall as its line
            elif tag == "br":
                runs.append(self.run(el.find(qn("a:rPr")), levels, "\n"))
        if not runs:  # an empty paragraph still takes a line
            runs.append(self.run(p.find(qn("a:endParaRPr")), levels, ""))
        size = max(r.size_pt for r in runs)
        bullet = child("a:buNone", "a:buChar", "a:buAutoNum", "a:buBlip")
        before = _points(child("a:spcBef"), size) or 0.0
        single = max(size, 1.0) * LINE_HEIGHT
        spacing = (_points(child("a:lnSpc"), single) or single) / single
        rtl = _bool(attr("rtl"))
        align = _ALIGN.get(attr("algn", "l"), "left")
        if rtl and attr("algn") in ("just", "dist"):
            align = "right"
        return Paragraph(tuple(runs), align, rtl,
                         bullet is not None and etree.QName(bullet).localname != "buNone",
                         level, before, max(0.5, spacing - self.squeeze),
                         int(attr("marL", "0")), int(attr("indent", "0")))


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
    return Box("line", x, y, w, h, None, colour, width, (), "top", (0, 0, 0, 0), None, ends,
               has_head("a:tailEnd"), arrow_begin=has_head("a:headEnd"))


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
    return [Box(kind, x, y, w, h, fill, line, line_pt if line else 0.0, paragraphs, anchor,
                margins, None, None, False, radius=radius)]


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


# -- HTML --------------------------------------------------------------------

def _pt(value: float) -> str:
    return f"{float(value):.2f}pt"


def _css(colour: str | None, default: str = "000000") -> str:
    """A colour for CSS; anything but 'RRGGBB' (a hand-made view, say) becomes ``default``."""
    return "#" + (_hex(colour) or default)


def _paragraph_html(p: Paragraph, k: float, first: bool) -> str:
    """One paragraph as a <p>; k converts EMU to points."""
    size = max(r.size_pt for r in p.runs) * k * EMU_PER_PT
    start = "right" if p.rtl else "left"
    style = ["margin:0", "white-space:pre-wrap", "flex-shrink:0", f"font-size:{_pt(size)}",
             f"line-height:{LINE_HEIGHT * p.line_spacing:.3f}",
             f"text-align:{p.align}", f"padding-{start}:{_pt(max(0, p.margin_left) * k)}",
             f"text-indent:{_pt(p.indent * k)}"]
    if not first and p.space_before_pt:
        style.append(f"padding-top:{_pt(p.space_before_pt * k * EMU_PER_PT)}")
    spans = []
    if p.bullet:
        lead = p.runs[0]
        width = max(-p.indent * k, lead.size_pt * k * EMU_PER_PT * 0.8)
        spans.append(f'<span style="display:inline-block;text-indent:0;width:{_pt(width)};'
                     f'color:{_css(lead.colour)};font-size:{_pt(lead.size_pt * k * EMU_PER_PT)}">'
                     "\u2022</span>")
    for r in p.runs:
        css = [f"font-size:{_pt(r.size_pt * k * EMU_PER_PT)}", f"color:{_css(r.colour)}"]
        css += ["font-weight:bold"] if r.bold else []
        css += ["font-style:italic"] if r.italic else []
        css += ["text-decoration:underline"] if r.underline and r.text.strip() else []
        spans.append(f'<span style="{";".join(css)}">{escape(r.text)}</span>')
    if not any(r.text for r in p.runs):
        spans.append("\u200b")
    direction = ' dir="rtl"' if p.rtl else ""
    return f'<p{direction} style="{";".join(style)}">{"".join(spans)}</p>'


def _box_html(box: Box, k: float) -> str:
    """A shape as an absolutely positioned div (its outline straddles the edge, as in
    PowerPoint)."""
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
        style += ["display:flex", "flex-direction:column", f"justify-content:{_FLEX[box.anchor]}",
                  f"padding:{_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}"]
    body = "".join(_paragraph_html(p, k, i == 0) for i, p in enumerate(box.paragraphs))
    return f'<div style="{";".join(style)}">{body}</div>'


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
    arrows = sum(1 for box in lines if box.arrow or box.arrow_begin)
    return (f"{view.title}: {len(lines)} connecting lines"
            + (f", {arrows} with arrows" if arrows else ""))


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
        if box.arrow:
            shape, end = _arrow(box.ends[2:], box.ends[:2], width)
            heads.append(shape)
        if box.arrow_begin:
            shape, begin = _arrow(box.ends[:2], box.ends[2:], width)
            heads.append(shape)
        out.append(f'<line x1="{begin[0]:.0f}" y1="{begin[1]:.0f}" x2="{end[0]:.0f}" '
                   f'y2="{end[1]:.0f}" stroke="{_css(box.line)}" stroke-width="{width:.0f}"/>')
        out += [f'<polygon points="{points}" fill="{_css(box.line)}"/>' for points in heads]
    out.append("</svg>")
    return "".join(out)


def slide_html(view: SlideView, width_pt: float) -> Markup:
    """Lay one slide out as a ``<div class="slide">`` ``width_pt`` points wide.

    Every text is escaped and pictures are data: URIs, so the fragment loads nothing.
    """
    k = width_pt / view.width
    lines = [box for box in view.boxes if box.kind == "line" and box.ends and box.line]
    boxes = "".join(_box_html(box, k) for box in view.boxes if box.kind != "line")
    overlay = _lines_svg(view, lines, k) if lines else ""
    return Markup(f'<div class="slide" style="position:relative;overflow:hidden;'
                  f'width:{_pt(width_pt)};height:{_pt(view.height * k)};'
                  f'background:{_css(view.background, "FFFFFF")}">{boxes}{overlay}</div>')


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
