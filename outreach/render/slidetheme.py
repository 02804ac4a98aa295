"""Slide styles: what a .pptx shape inherits from its layout, master and theme, resolved.

PowerPoint stores little on a shape itself: its colours may name theme slots, and its
text sizes, colours, bullets and spacing come from list styles on the shape, its layout
and master placeholders and the master's text styles. ``_Theme`` and ``_Text`` resolve
them for ``slideview``, which turns shapes into boxes.
"""

from __future__ import annotations

import colorsys
from dataclasses import replace

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

from .slidedraw import LINE_HEIGHT, Paragraph, Run, _hex

_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_ALIGN = {"l": "left", "ctr": "center", "r": "right", "just": "left", "dist": "left"}
_PRESET = {"black": "000000", "white": "FFFFFF", "red": "FF0000", "green": "008000",
           "blue": "0000FF", "yellow": "FFFF00", "gray": "808080", "grey": "808080"}


# -- colours -----------------------------------------------------------------

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
    """Read an XML boolean attribute; absent is false."""
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
        self.rels = shape.part.rels
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
        click = rpr.find(qn("a:hlinkClick")) if rpr is not None else None
        link = click is not None
        colours = [self.theme.colour(el.find(qn("a:solidFill"))) for el in chain]
        if link and (rpr.find(qn("a:solidFill")) is None):  # links take the theme's hlink
            colours.insert(0, self.theme.slot("hlink"))
        colour = next((c for c in colours if c), None)
        return Run(text, round(size, 2), _bool(attr("b")), _bool(attr("i")),
                   colour or self.ink, underline=link or attr("u") not in (None, "none"),
                   link=self.target(click))

    def target(self, click) -> str | None:
        """Where a hyperlink leads: its relationship's external target."""
        rel = self.rels.get(click.get(qn("r:id"))) if click is not None else None
        return rel.target_ref if rel is not None and rel.is_external else None

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
