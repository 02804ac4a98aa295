"""The deck's writer for each kind of content: one method per kind, as a Pandoc writer
has one case per block. ``outreach/render/pptx.py`` decides which slide shows what and
continues a long section on a second slide; this module only draws.

Text goes into the layouts' placeholders; numbers and step diagrams are native shapes and
connectors, so a presenter can edit or translate everything in PowerPoint or Impress.
Every word comes from the edition: its content, or its translated interface labels.
"""

from __future__ import annotations

import math

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .. import contrast, fonts
from ..localize import Edition, is_web
from ..markup import spans
from .textfit import Fitter

ROLES = {"primary": "dk2", "accent": "accent2", "ink": "dk1", "tint": "lt2", "muted": "accent4",
         "paper": "lt1", "alert": "alert"}
"""Roles the writer draws with, taken from the theme's colour scheme so a branded theme
recolours the drawn shapes too (and the contrast check covers them)."""
_SCRIPT_SLOTS = {"Noto Sans Arabic": "a:cs", "Noto Sans Devanagari": "a:cs",
                 "Noto Sans CJK SC": "a:ea"}


def office_lang(lang: str) -> str:
    """Office names Chinese by region, not script: zh-Hans -> zh-CN, zh-Hant -> zh-TW."""
    return {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "zh": "zh-CN"}.get(lang, lang)


def facing_points(a, b) -> tuple[int, int]:
    """Pick the connection points (0 top, 1 left, 2 bottom, 3 right) where a and b face."""
    dx = (b.left + b.width / 2) - (a.left + a.width / 2)
    dy = (b.top + b.height / 2) - (a.top + a.height / 2)
    if abs(dx) * 0.45 > abs(dy):
        return (3, 1) if dx > 0 else (1, 3)
    return (2, 0) if dy > 0 else (0, 2)


class Kinds:
    """Draw each kind of content on a slide; ``units`` are the items this slide shows."""

    def __init__(self, edition: Edition, prs, warn, theme):
        self.ed = edition
        self.prs = prs
        self.rtl = edition.direction == "rtl"
        self.face = fonts.faces_for(edition.font_lang)[0]
        scheme = contrast.theme_colours(theme)
        self.col = {role: scheme[slot] for role, slot in ROLES.items()}
        self.office_lang = office_lang(edition.lang)
        self.fitter = Fitter(prs, self.face, warn)

    # -- text helpers -------------------------------------------------------
    def run(self, paragraph, text: str, *, size: float | None = None, bold: bool = False,
            colour: str | None = None, link: str | None = None):
        """Append a run that declares the edition's language."""
        run = paragraph.add_run()
        run.text = text
        if size:
            run.font.size = Pt(size)
        if bold:
            run.font.bold = True
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)
        self.declare(run._r.get_or_add_rPr())
        if link:
            run.hyperlink.address = link
        return run

    def declare(self, rpr) -> None:
        """Give a run the edition's language and, for complex and CJK scripts, their font."""
        rpr.set("lang", self.office_lang)
        slot = _SCRIPT_SLOTS.get(self.face.family)
        if slot and rpr.find(qn(slot)) is None:
            successors = [qn(t) for t in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver",
                                          "a:rtl", "a:extLst")]
            font = etree.Element(qn(slot), typeface=self.face.family)
            later = next((c for c in rpr if c.tag in successors and c.tag != qn(slot)), None)
            if later is not None:
                later.addprevious(font)
            else:
                rpr.append(font)

    def para(self, frame, first: bool, *, level: int = 0, bullet: bool = True,
             align: PP_ALIGN | None = None):
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        paragraph.level = level
        ppr = paragraph._p.get_or_add_pPr()
        if self.rtl:
            ppr.set("rtl", "1")
            paragraph.alignment = PP_ALIGN.RIGHT
        if align is not None:
            paragraph.alignment = align
        if not bullet:  # no bullet, and no hanging indent left over from a bulleted box
            ppr.set("marL", "0")
            ppr.set("indent", "0")
            ppr.insert(0, etree.SubElement(ppr, qn("a:buNone")))
        return paragraph

    def rich(self, paragraph, text: str, **style) -> None:
        """Append content text, keeping its **strong**, *em* and links."""
        for span in spans(text):
            run = self.run(paragraph, span.text, bold=span.strong or style.get("bold", False),
                           link=span.link, size=style.get("size"), colour=style.get("colour"))
            if span.em:
                run.font.italic = True

    def lines(self, placeholder, lines: list[str], *, bullet: bool = True) -> None:
        frame = placeholder.text_frame
        frame.clear()
        for i, text in enumerate(lines):
            self.rich(self.para(frame, i == 0, bullet=bullet), text)

    def ltr(self, data: str) -> str:
        """Keep a phone number or address left to right inside right-to-left text."""
        return f"\u202a{data}\u202c" if self.rtl else data

    # -- kinds with text in placeholders --------------------------------------
    def cover(self, slide, spec, section, units, bodies) -> None:
        frame = bodies[0].text_frame
        frame.clear()
        self.run(self.para(frame, True, bullet=False), spec.subtitle or self.ed.campaign.meta.subtitle)
        local = self.ed.local
        self.run(self.para(frame, False, bullet=False),
                 local.name if local else self.ed.organization.name, size=18)
        if local and local.event:  # the chapter's event, written the locale's way
            event = local.event
            head = self.para(frame, False, bullet=False)
            head.space_before = Pt(12)
            self.run(head, f"{self.ed.labels['join_us']}: {event.title}", size=20, bold=True)
            self.run(self.para(frame, False, bullet=False),
                     f"{self.ed.event_when(event)} · {event.place}", size=18)
        if self.ed.draft:  # in the body, so it takes the layout's colours on any theme
            note = self.para(frame, False, bullet=False)
            note.space_before = Pt(18)
            self.run(note, self.ed.labels["draft_translation"], size=18)  # the deck's minimum
        logo = self.ed.logo
        if logo is not None and logo.suffix.lower() in (".png", ".jpg", ".jpeg"):
            picture = slide.shapes.add_picture(str(logo), 0, Inches(0.5), height=Inches(0.9))
            picture.left = (Inches(0.75) if self.rtl
                            else self.prs.slide_width - picture.width - Inches(0.75))
            owner = local.name if local and local.logo else self.ed.organization.name
            picture._element.nvPicPr.cNvPr.set("descr", owner)

    def title(self, slide, spec, section, units, bodies) -> None:
        """A slide of title and subtitle alone (questions, a pause)."""
        if spec.subtitle:
            self.lines(bodies[0], [spec.subtitle], bullet=False)

    def list(self, slide, spec, section, units, bodies) -> None:
        self.lines(bodies[0], [x.text for x in units])

    def text(self, slide, spec, section, units, bodies) -> None:
        self.lines(bodies[0], [section.text], bullet=False)

    call_to_action = text

    def blocks(self, placeholder, units: list, gap: float):
        """Clear a placeholder; yield (frame, first paragraph, unit) for each unit, the units
        set apart by ``gap`` points."""
        frame = placeholder.text_frame
        frame.clear()
        for i, unit in enumerate(units):
            head = self.para(frame, i == 0, bullet=False)
            head.space_before = Pt(gap if i else 0)
            yield frame, head, unit

    def quote(self, slide, spec, section, units, bodies) -> None:
        for frame, said, q in self.blocks(bodies[0], units, 18):
            self.run(said, self.ed.label("quoted", text=q.text), size=32, bold=True)
            self.run(self.para(frame, False, bullet=False),
                     f"{self.ed.attribution(q)} ({self.ed.source(q.source).publisher})", size=20)

    def myths(self, slide, spec, section, units, bodies) -> None:
        labels = self.ed.labels
        if len(bodies) >= 4 and len(units) == 1:  # one pair, side by side (Comparison)
            columns = [(labels["myth"], units[0].myth), (labels["fact"], units[0].fact)]
            if self.rtl:  # the first column reads on the right
                columns.reverse()
            for placeholder, text in zip(bodies, [t for column in columns for t in column]):
                self.lines(placeholder, [text], bullet=False)
            return
        for frame, head, m in self.blocks(bodies[0], units, 14):
            self.run(head, f"{labels['myth']}: ", bold=True, colour=self.col["muted"])
            self.run(head, m.myth, bold=True)
            fact = self.para(frame, False, bullet=False)
            self.run(fact, f"{labels['fact']}: ", bold=True, colour=self.col["primary"])
            self.run(fact, m.fact)

    def ways(self, r) -> list[str]:
        """Every way to reach a resource: "Call …", "Text …", "Online …"."""
        return [f"{verb} {self.ltr(shown)}" for verb, shown, _ in self.ed.ways(r)]

    def resource_script(self, resources) -> str:
        """Read the resources aloud: name, purpose, every way to reach it, when."""
        return "\n".join(
            " · ".join([self.ed.labels["emergency_now"] if r.emergency else r.name, r.purpose,
                        *self.ways(r), *([r.hours] if r.hours else [])])
            for r in resources)

    def resources(self, slide, spec, section, units, bodies) -> None:
        for frame, head, r in self.blocks(bodies[0], units, 14):
            self.run(head, self.ed.labels["emergency_now"] if r.emergency else r.name,
                     size=22, bold=True, link=r.url)
            ways = [(f"{verb} {self.ltr(shown)}", link) for verb, shown, link in self.ed.ways(r)]
            dial = [way for way in ways if not is_web(way[1])]
            web = [way for way in ways if is_web(way[1])]
            # Numbers to dial go large; with nothing to dial, the address does. Each is a
            # link: tapped in a shared deck, it dials, texts or opens.
            numbers = self.para(frame, False, bullet=False)
            numbers.space_before = Pt(0)
            numbers.line_spacing = 1.0
            big = dict(size=28, bold=True,
                       colour=self.col["alert"] if r.emergency else self.col["primary"])
            self.linked(numbers, dial or web, "   ·   ", **big)
            detail = self.para(frame, False, bullet=False)
            detail.space_before = Pt(0)
            detail.line_spacing = 1.0
            rest = [*(web if dial else []), *((t, None) for t in (r.purpose, r.hours) if t)]
            self.linked(detail, rest, " · ", size=18, colour=self.col["muted"])

    def linked(self, paragraph, pieces: list, between: str, **style) -> None:
        """Append (text, link or None) pieces as runs, set apart by ``between``."""
        for i, (text, link) in enumerate(pieces):
            if i:
                self.run(paragraph, between, **style)
            self.run(paragraph, text, link=link, **style)

    def sources(self, slide, spec, section, units, bodies) -> None:
        frame = bodies[0].text_frame
        frame.clear()
        for i, s in enumerate(units):
            p = self.para(frame, i == 0)
            self.run(p, f"{s.publisher}{f' ({s.year})' if s.year else ''}.", size=22)
            p.add_line_break()
            # The title is the link text: meaningful, and short enough not to wrap.
            self.run(p, s.title, size=22, link=s.url)

    # -- kinds drawn as shapes ----------------------------------------------------
    def free_area(self, slide) -> tuple[int, int, int, int]:
        """Return left, top, width, height of the space under the title."""
        title = slide.shapes.title
        left, width = title.left, title.width
        top = title.top + title.height + Inches(0.35)
        return left, top, width, self.prs.slide_height - top - Inches(0.6)

    def shape(self, slide, kind, left, top, width, height, *, fill: str, line: str | None,
              descr: str):
        shape = slide.shapes.add_shape(kind, left, top, width, height)
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill)
        if line:
            shape.line.color.rgb = RGBColor.from_string(line)
            shape.line.width = Pt(1.5)
        else:
            shape.line.fill.background()
        shape.shadow.inherit = False
        shape._element.nvSpPr.cNvPr.set("descr", descr)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(frame, side, Inches(0.15))
        return shape

    def statistics(self, slide, spec, section, units, bodies) -> None:
        left, top, width, height = self.free_area(slide)
        gap, pad = Inches(0.35), Inches(0.25)
        card_w = int((width - gap * (len(units) - 1)) / len(units))
        align = PP_ALIGN.RIGHT if self.rtl else PP_ALIGN.LEFT
        numbers = [self.ed.number(stat) for stat in units]
        # One size for every card, from real font metrics, so the numbers line up.
        # 8% slack: PowerPoint and Impress wrap a little earlier than the raw advance widths.
        size = min(fonts.fit_size(n, self.face, Emu(card_w - 2 * pad).pt * 0.92, 48, 28, bold=True)
                   for n in numbers)
        for i, (stat, number) in enumerate(zip(units, numbers)):
            x = left + i * (card_w + gap)
            if self.rtl:
                x = left + width - card_w - i * (card_w + gap)
            shape = self.shape(slide, MSO_SHAPE.ROUNDED_RECTANGLE, x, top, card_w, height,
                               fill=self.col["tint"], line=None,
                               descr=" ".join(filter(None, [stat.qualifier, number, stat.label])))
            shape.adjustments[0] = 0.05
            frame = shape.text_frame
            frame.margin_left = frame.margin_right = pad
            frame.margin_top = Inches(0.35)
            # Every card keeps the qualifier line so the big numbers share a baseline.
            self.run(self.para(frame, True, bullet=False, align=align),
                     stat.qualifier or " ", size=22, bold=True, colour=self.col["primary"])
            self.run(self.para(frame, False, bullet=False, align=align), number, size=size,
                     bold=True, colour=self.col["primary"])
            label = self.para(frame, False, bullet=False, align=align)
            label.space_before = Pt(6)
            self.run(label, stat.label, size=24, colour=self.col["ink"])
            cite = self.para(frame, False, bullet=False, align=align)
            cite.space_before = Pt(14)
            self.run(cite, self.ed.citation(stat), size=18, colour=self.col["muted"])
            self.fitter.fit(shape, spec.id)

    def steps(self, slide, spec, section, units, bodies) -> None:
        """A cycle is a ring whose last arrow closes back to the first step; a sequence or
        a timeline runs in reading order, in rows, and never closes."""
        cycle = section.shape == "cycle"
        places = self._ring(slide, len(units)) if cycle else self._rows(slide, len(units))
        shapes, numbers = [], []
        for step, (x, y, w, h) in zip(units, places):
            i = section.items.index(step)  # a slide of one step keeps that step's number
            numbers.append(i + 1)
            lit = step.id == section.highlight
            shape = self.shape(slide, MSO_SHAPE.ROUNDED_RECTANGLE, x, y, w, h,
                               fill=self.col["primary" if lit else "paper"],
                               line=self.col["primary"],
                               descr=self.ed.label("step", n=str(i + 1), title=step.title))
            shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            colour = self.col["paper" if lit else "ink"]
            p = self.para(shape.text_frame, True, bullet=False, align=PP_ALIGN.CENTER)
            self.run(p, f"{i + 1}. ", size=20, bold=True, colour=colour if lit else self.col["primary"])
            self.run(p, step.title, size=20, bold=True, colour=colour)
            self.fitter.fit(shape, spec.id)
            shapes.append(shape)
        pairs = [(i, i + 1) for i in range(len(shapes) - 1)]
        if cycle and len(shapes) > 2:  # the ring closes; one or two steps make no ring
            pairs.append((len(shapes) - 1, 0))
        for a, b in pairs:
            self._arrow(slide, shapes[a], shapes[b], numbers[a], numbers[b],
                        closing=cycle and b == 0, row_break=not cycle and places[a][1] != places[b][1])

    def _ring(self, slide, n: int) -> list[tuple[int, int, int, int]]:
        left, top, width, height = self.free_area(slide)
        box_w, box_h = Inches(3.2), Inches(1.15)
        cx, cy = left + width / 2, top + height / 2
        rx, ry = (width - box_w) / 2, (height - box_h) / 2
        out = []
        for i in range(n):
            angle = -math.pi / 2 + 2 * math.pi * i / n * (-1 if self.rtl else 1)
            out.append((int(cx + rx * math.cos(angle) - box_w / 2),
                        int(cy + ry * math.sin(angle) - box_h / 2), box_w, box_h))
        return out

    def _rows(self, slide, n: int) -> list[tuple[int, int, int, int]]:
        """Up to four steps a row, two rows at most, read in the text's direction."""
        left, top, width, height = self.free_area(slide)
        rows = 1 if n <= 4 else 2
        per_row = math.ceil(n / rows)
        gap = Inches(0.55)
        box_w = int((width - gap * (per_row - 1)) / per_row)
        box_h = Inches(1.5)
        row_gap = (height - rows * box_h) / (rows + 1)
        out = []
        for i in range(n):
            row, col = divmod(i, per_row)
            x = left + col * (box_w + gap)
            if self.rtl:
                x = left + width - box_w - col * (box_w + gap)
            out.append((int(x), int(top + row_gap + row * (box_h + row_gap)), box_w, box_h))
        return out

    def _arrow(self, slide, a, b, n_from: int, n_to: int, *, closing: bool, row_break: bool):
        # From one row to the next, an elbow: down, across, down into the next step.
        begin, end = (2, 0) if row_break else facing_points(a, b)
        kind = MSO_CONNECTOR.ELBOW if row_break else MSO_CONNECTOR.STRAIGHT
        line = slide.shapes.add_connector(kind, 0, 0, 0, 0)
        line.begin_connect(a, begin)
        line.end_connect(b, end)
        line.line.color.rgb = RGBColor.from_string(self.col["accent" if closing else "muted"])
        line.line.width = Pt(2.25)
        ln = line.line._get_or_add_ln()
        ln.append(etree.SubElement(ln, qn("a:tailEnd"), type="triangle", w="med", len="med"))
        line._element.nvCxnSpPr.cNvPr.set(
            "descr", self.ed.label("arrow", from_=str(n_from), to=str(n_to)))
