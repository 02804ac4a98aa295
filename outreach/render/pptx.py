"""The deck: the outline in deck.yaml filled into the layouts of templates/deck/theme.pptx.

Text goes into the layouts' placeholders; numbers and the cycle diagram are native
shapes and connectors, so a presenter can edit or translate everything in
PowerPoint or Impress.
"""

from __future__ import annotations

import io
import math
import zipfile
from copy import deepcopy
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .. import contrast, fonts
from ..errors import TemplateError
from ..localize import Edition
from ..markup import plain, spans
from ..model import Slide
from . import Job
from .textfit import Fitter

THEME = Path("deck") / "theme.pptx"
# Roles the renderer draws with, taken from the theme's colour scheme so a branded
# theme recolours the drawn shapes too (and the contrast check covers them).
ROLES = {"primary": "dk2", "accent": "accent2", "ink": "dk1", "tint": "lt2", "muted": "accent4",
         "paper": "lt1", "alert": "alert"}
_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
_SKIP_TYPES = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}

# How many text placeholders besides the title each kind of content fills.
BODIES_NEEDED = {
    "cover": 1, "agenda": 1, "statistics": 0, "quote": 1, "myth": 4, "cycle": 0,
    "warning_signs": 1, "tips": 1, "conversation_starters": 1, "prosecution": 1,
    "way_forward": 1, "resources": 1, "questions": 1, "sources": 1,
}


def _bodies(layout_or_slide) -> list:
    """Return the non-title text placeholders in idx order."""
    found = [ph for ph in layout_or_slide.placeholders
             if ph.placeholder_format.type not in _TITLE_TYPES | _SKIP_TYPES]
    return sorted(found, key=lambda ph: ph.placeholder_format.idx)


def _has_title(layout) -> bool:
    return any(ph.placeholder_format.type in _TITLE_TYPES for ph in layout.placeholders)


def theme_path(templates: Path) -> Path:
    """Return the deck theme file inside a templates folder."""
    return templates / THEME


def preflight(edition: Edition, job: Job, templates: Path, located=None) -> None:
    """Check the theme has every layout and placeholder the outline uses.

    ``located`` (deck.yaml as read) lets each problem name its file, line and column.
    """
    path = theme_path(templates)
    if not path.is_file():
        raise TemplateError(f"{path}: deck theme not found; restore it from git or point "
                            "--templates at a folder that has deck/theme.pptx")
    try:
        prs = Presentation(str(path))
    except Exception as exc:
        raise TemplateError(f"{path}: not a readable .pptx theme ({exc})") from exc
    contrast.check_deck(path)
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    problems = []
    for i, slide in enumerate(edition.deck.slides):
        where = f"deck.yaml slides[{i}] ({slide.id})"
        if located is not None:
            line, col = located.mark(("slides", i, "layout"))
            where = f"{located.file}:{line}:{col}: slides[{i}].layout ({slide.id})"
        layout = layouts.get(slide.layout)
        if layout is None:
            problems.append(f"{where}: the theme has no layout {slide.layout!r}; "
                            f"it has: {', '.join(layouts)}")
            continue
        kind = slide.content.partition("/")[0]
        need, have = BODIES_NEEDED[kind], len(_bodies(layout))
        if not _has_title(layout):
            problems.append(f"{where}: layout {slide.layout!r} has no title placeholder")
        if have < need:
            problems.append(f"{where}: content {kind!r} needs {need} text placeholder(s) "
                            f"besides the title, layout {slide.layout!r} has {have}")
    if problems:
        raise TemplateError(f"{path} does not fit the outline; change the layout names in "
                            "deck.yaml or use a theme that has them:\n  " + "\n  ".join(problems))


class _Writer:
    """Fill one presentation from an edition; one method per kind of content."""

    def __init__(self, edition: Edition, prs, warn, theme: Path):
        self.ed = edition
        self.warn = warn
        self.c = edition.campaign
        self.prs = prs
        self.layouts = {layout.name: layout for layout in prs.slide_layouts}
        self.rtl = edition.direction == "rtl"
        self.face = fonts.faces_for(edition.lang)[0]
        scheme = contrast.theme_colours(theme)
        self.col = {role: scheme[slot] for role, slot in ROLES.items()}
        self.office_lang = _office_lang(edition.lang)
        self.fitter = Fitter(prs, self.face, warn)

    # -- text helpers -------------------------------------------------------
    def _run(self, paragraph, text: str, *, size: float | None = None, bold: bool = False,
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
        self._declare(run._r.get_or_add_rPr())
        if link:
            run.hyperlink.address = link
        return run

    def _declare(self, rpr) -> None:
        """Give a run the edition's language and, for complex and CJK scripts, their font."""
        rpr.set("lang", self.office_lang)
        slot = {"Noto Sans Arabic": "a:cs", "Noto Sans Devanagari": "a:cs",
                "Noto Sans CJK SC": "a:ea"}.get(self.face.family)
        if slot and rpr.find(qn(slot)) is None:
            successors = [qn(t) for t in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver",
                                          "a:rtl", "a:extLst")]
            font = etree.Element(qn(slot), typeface=self.face.family)
            later = next((c for c in rpr if c.tag in successors and c.tag != qn(slot)), None)
            if later is not None:
                later.addprevious(font)
            else:
                rpr.append(font)

    def _para(self, frame, first: bool, *, level: int = 0, bullet: bool = True,
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

    def _lines(self, placeholder, lines: list[str], *, bullet: bool = True) -> None:
        frame = placeholder.text_frame
        frame.clear()
        for i, text in enumerate(lines):
            paragraph = self._para(frame, i == 0, bullet=bullet)
            for span in spans(text):
                run = self._run(paragraph, span.text, bold=span.strong, link=span.link)
                if span.em:
                    run.font.italic = True

    # -- slide kinds --------------------------------------------------------
    def cover(self, slide, spec: Slide, bodies, item) -> None:
        frame = bodies[0].text_frame
        frame.clear()
        self._run(self._para(frame, True, bullet=False), spec.subtitle or self.c.meta.subtitle)
        local = self.ed.local
        self._run(self._para(frame, False, bullet=False),
                  local.name if local else self.ed.organization.name, size=18)
        if local and local.event:  # the chapter's event, written the locale's way
            event = local.event
            head = self._para(frame, False, bullet=False)
            head.space_before = Pt(12)
            self._run(head, f"{self.c.labels.join_us}: {event.title}", size=20, bold=True)
            self._run(self._para(frame, False, bullet=False),
                      f"{self.ed.event_when(event)} · {event.place}", size=18)

        logo = self.ed.logo
        if logo is not None and logo.suffix.lower() in (".png", ".jpg", ".jpeg"):
            height = Inches(0.9)
            picture = slide.shapes.add_picture(str(logo), 0, Inches(0.5), height=height)
            picture.left = (Inches(0.75) if self.rtl
                            else self.prs.slide_width - picture.width - Inches(0.75))
            owner = local.name if local and local.logo else self.ed.organization.name
            picture._element.nvPicPr.cNvPr.set("descr", owner)

    def agenda(self, slide, spec, bodies, item) -> None:
        self._lines(bodies[0], [a.text for a in self.ed.deck.agenda])

    def _list(self, attr: str):
        def fill(slide, spec, bodies, item) -> None:
            self._lines(bodies[0], [x.text for x in getattr(self.c, attr)])
        return fill

    def quote(self, slide, spec, bodies, item) -> None:
        q = next(x for x in self.c.quotes if x.id == item)
        frame = bodies[0].text_frame
        frame.clear()
        self._run(self._para(frame, True, bullet=False), self.c.labels.quoted.replace("{text}", q.text), size=32, bold=True)
        self._run(self._para(frame, False, bullet=False),
                  f"{self.ed.attribution(q)} ({self.ed.source(q.source).publisher})", size=20)

    def questions(self, slide, spec, bodies, item) -> None:
        self._lines(bodies[0], [spec.subtitle or self.c.call_to_action], bullet=False)

    def myth(self, slide, spec, bodies, item) -> None:
        m = next(x for x in self.c.myths if x.id == item)
        columns = [(self.c.labels.myth, m.myth), (self.c.labels.fact, m.fact)]
        if self.rtl:  # the first column reads on the right
            columns.reverse()
        texts = [text for column in columns for text in column]
        for placeholder, text in zip(bodies, texts):
            self._lines(placeholder, [text], bullet=False)

    def _ltr(self, data: str) -> str:
        """Keep a phone number or address left to right inside right-to-left text."""
        return f"\u202a{data}\u202c" if self.rtl else data

    def _ways(self, r, *, online: bool = True) -> list[str]:
        """How to reach a resource: "Call …", "Text …" and, if asked, "Online …"."""
        labels = self.c.labels
        pairs = [(labels.call, r.phone), (labels.text, r.sms)]
        if online and r.url:
            pairs.append((labels.online, r.url.removeprefix("https://")))
        return [f"{label} {self._ltr(value)}" for label, value in pairs if value]

    def _resource_script(self) -> str:
        """Read the region's resources aloud: name, purpose, how to reach it, when."""
        labels = self.c.labels
        return "\n".join(
            " · ".join([labels.emergency_now if r.emergency else r.name, r.purpose,
                        *self._ways(r), r.hours])
            for r in self.ed.resources)

    def resources(self, slide, spec, bodies, item) -> None:
        frame = bodies[0].text_frame
        frame.clear()
        labels = self.c.labels
        for i, r in enumerate(self.ed.resources):
            head = self._para(frame, i == 0, bullet=False)
            head.space_before = Pt(14 if i else 0)
            self._run(head, labels.emergency_now if r.emergency else r.name, size=22, bold=True,
                      link=r.url)
            # Numbers to dial go large; the address only when there is nothing to dial.
            ways = self._ways(r, online=False) or self._ways(r)
            numbers = self._para(frame, False, bullet=False)
            numbers.space_before = Pt(0)
            numbers.line_spacing = 1.0
            self._run(numbers, "   ·   ".join(ways), size=28, bold=True,
                      colour=self.col["alert"] if r.emergency else self.col["primary"])
            detail = self._para(frame, False, bullet=False)
            detail.space_before = Pt(0)
            detail.line_spacing = 1.0
            web = f"{self._ltr(r.url.removeprefix('https://'))} · " if r.url and (r.phone or r.sms) else ""
            self._run(detail, f"{web}{r.purpose} · {r.hours}", size=18, colour=self.col["muted"])

    def sources(self, slide, spec, bodies, item) -> None:
        frame = bodies[0].text_frame
        frame.clear()
        for i, s in enumerate(self.ed.cited_sources):
            p = self._para(frame, i == 0)
            self._run(p, f"{s.publisher}{f' ({s.year})' if s.year else ''}.", size=22)
            p.add_line_break()
            # The title is the link text: meaningful, and short enough not to wrap.
            self._run(p, s.title, size=22, link=s.url)

    def _free_area(self, slide) -> tuple[int, int, int, int]:
        """Return left, top, width, height of the space under the title."""
        title = slide.shapes.title
        left, width = title.left, title.width
        top = title.top + title.height + Inches(0.35)
        return left, top, width, self.prs.slide_height - top - Inches(0.6)

    def _shape(self, slide, kind, left, top, width, height, *, fill: str, line: str | None,
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

    def statistics(self, slide, spec, bodies, item) -> None:
        stats = ([s for s in self.c.statistics if s.id == item] if item else self.ed.featured)
        left, top, width, height = self._free_area(slide)
        gap = Inches(0.35)
        card_w = int((width - gap * (len(stats) - 1)) / len(stats))
        pad = Inches(0.25)
        align = PP_ALIGN.RIGHT if self.rtl else PP_ALIGN.LEFT
        face = self.face
        numbers = [self.ed.number(stat) for stat in stats]
        # One size for every card, from real font metrics, so the numbers line up.
        # 8% slack: PowerPoint and Impress wrap a little earlier than the raw advance widths.
        size = min(fonts.fit_size(n, face, Emu(card_w - 2 * pad).pt * 0.92, 48, 28, bold=True)
                   for n in numbers)
        for i, (stat, number) in enumerate(zip(stats, numbers)):
            x = left + i * (card_w + gap)
            if self.rtl:
                x = left + width - card_w - i * (card_w + gap)
            shape = self._shape(slide, MSO_SHAPE.ROUNDED_RECTANGLE, x, top, card_w, height,
                                fill=self.col["tint"], line=None,
                                descr=f"{stat.qualifier or ''} {number} {stat.label}".strip())
            shape.adjustments[0] = 0.05
            frame = shape.text_frame
            frame.margin_left = frame.margin_right = pad
            frame.margin_top = Inches(0.35)
            # Every card keeps the qualifier line so the big numbers share a baseline.
            self._run(self._para(frame, True, bullet=False, align=align),
                      stat.qualifier or " ", size=22, bold=True, colour=self.col["primary"])
            self._run(self._para(frame, False, bullet=False, align=align), number, size=size,
                      bold=True, colour=self.col["primary"])
            label = self._para(frame, False, bullet=False, align=align)
            label.space_before = Pt(6)
            self._run(label, stat.label, size=24, colour=self.col["ink"])
            cite = self._para(frame, False, bullet=False, align=align)
            cite.space_before = Pt(14)
            self._run(cite, self.ed.citation(stat), size=18, colour=self.col["muted"])
            self.fitter.fit(shape, spec.id)

    def cycle(self, slide, spec, bodies, item) -> None:
        steps = self.c.cycle
        left, top, width, height = self._free_area(slide)
        box_w, box_h = Inches(3.2), Inches(1.15)
        cx, cy = left + width / 2, top + height / 2
        rx, ry = (width - box_w) / 2, (height - box_h) / 2
        shapes = []
        for i, step in enumerate(steps):
            angle = -math.pi / 2 + 2 * math.pi * i / len(steps) * (-1 if self.rtl else 1)
            x = int(cx + rx * math.cos(angle) - box_w / 2)
            y = int(cy + ry * math.sin(angle) - box_h / 2)
            shape = self._shape(slide, MSO_SHAPE.ROUNDED_RECTANGLE, x, y, box_w, box_h,
                                fill=self.col["primary" if i == len(steps) - 2 else "paper"],
                                line=self.col["primary"], descr=f"{i + 1}. {step.title}: {step.text}")
            shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            highlighted = i == len(steps) - 2
            colour = self.col["paper" if highlighted else "ink"]
            p = self._para(shape.text_frame, True, bullet=False, align=PP_ALIGN.CENTER)
            self._run(p, f"{i + 1}. ", size=20, bold=True, colour=colour if highlighted else self.col["primary"])
            self._run(p, step.title, size=20, bold=True, colour=colour)
            self.fitter.fit(shape, spec.id)
            shapes.append(shape)
        for i, shape in enumerate(shapes):
            nxt = shapes[(i + 1) % len(shapes)]
            begin, end = _facing_points(shape, nxt)
            line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, 0, 0, 0, 0)
            line.begin_connect(shape, begin)
            line.end_connect(nxt, end)
            line.line.color.rgb = RGBColor.from_string(self.col["accent" if i == len(shapes) - 1 else "muted"])
            line.line.width = Pt(2.25)
            ln = line.line._get_or_add_ln()
            ln.append(etree.SubElement(ln, qn("a:tailEnd"), type="triangle", w="med", len="med"))
            line._element.nvCxnSpPr.cNvPr.set("descr", f"arrow from step {i + 1} to step "
                                              f"{(i + 1) % len(shapes) + 1}")

    def _mirror_decorations(self, slide) -> None:
        """Right-to-left slides: draw the layout's and master's decorative shapes mirrored."""
        layout = slide.slide_layout
        sources = [layout]
        if layout._element.get("showMasterSp") != "0":
            sources.append(layout.slide_master)
        shapes = [sh for src in sources for sh in src.shapes if not sh.is_placeholder]
        if not shapes:
            return
        slide._element.set("showMasterSp", "0")
        for shape in shapes:
            copy = deepcopy(shape._element)
            slide.shapes._spTree.append(copy)
            mirrored = slide.shapes[-1]
            mirrored.left = self.prs.slide_width - shape.left - shape.width

    # -- assembly -----------------------------------------------------------
    def add(self, spec: Slide) -> None:
        slide = self.prs.slides.add_slide(self.layouts[spec.layout])
        if self.rtl:
            self._mirror_decorations(slide)
        kind, _, item = spec.content.partition("/")
        slide.shapes.title.text_frame.clear()
        self._run(self._para(slide.shapes.title.text_frame, True, bullet=False), spec.title)
        bodies = _bodies(slide)
        fill = getattr(self, kind, None) or self._list(kind)
        fill(slide, spec, bodies, item)
        for unused in bodies[BODIES_NEEDED[kind]:]:
            unused._element.getparent().remove(unused._element)
        for placeholder in bodies[:BODIES_NEEDED[kind]]:
            self.fitter.fit(placeholder, spec.id)
        notes = slide.notes_slide.notes_text_frame
        script = " ".join(plain(spec.notes).split())
        if kind == "resources":  # numbers come from the region's data, never from prose
            script += "\n" + self._resource_script()
        if kind == "cover" and self.ed.local and self.ed.local.event:
            event = self.ed.local.event
            script += (f"\n{self.c.labels.join_us}: {event.title} · {self.ed.event_when(event)}"
                       f" · {event.place}")
        notes.text = script
        for paragraph in notes.paragraphs:
            for r in paragraph.runs:
                self._declare(r._r.get_or_add_rPr())
            if self.rtl:
                paragraph._p.get_or_add_pPr().set("rtl", "1")


def _office_lang(lang: str) -> str:
    """Office names Chinese by region, not script: zh-Hans -> zh-CN, zh-Hant -> zh-TW."""
    return {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "zh": "zh-CN"}.get(lang, lang)


def _facing_points(a, b) -> tuple[int, int]:
    """Pick the connection points (0 top, 1 left, 2 bottom, 3 right) where a and b face."""
    dx = (b.left + b.width / 2) - (a.left + a.width / 2)
    dy = (b.top + b.height / 2) - (a.top + a.height / 2)
    if abs(dx) * 0.45 > abs(dy):
        return (3, 1) if dx > 0 else (1, 3)
    return (2, 0) if dy > 0 else (0, 2)


def _set_properties(prs, edition: Edition) -> None:
    meta = edition.campaign.meta
    props = prs.core_properties
    props.title = meta.title
    props.subject = meta.subtitle
    props.author = edition.organization.name
    props.last_modified_by = edition.organization.name
    props.language = _office_lang(edition.lang)
    props.keywords = "child safety; online grooming; trafficking awareness"
    props.category = meta.audience
    props.comments = f"{meta.license}. Built by outreach."
    props.revision = 1
    stamp = edition.build_date.replace(tzinfo=None)
    props.created = props.modified = stamp
    props.last_printed = stamp


def _stable_zip(data: bytes, stamp) -> bytes:
    """Rewrite the package with fixed timestamps so equal input gives equal bytes."""
    out = io.BytesIO()
    when = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render(edition: Edition, job: Job, templates: Path, content_dir: Path,
           warn=lambda message: None) -> bytes:
    """Build the deck as .pptx bytes; report text that had to shrink through ``warn``."""
    prs = Presentation(str(theme_path(templates)))
    for slide_id in list(prs.slides._sldIdLst):  # a theme may carry sample slides
        prs.part.drop_rel(slide_id.rId)
        prs.slides._sldIdLst.remove(slide_id)
    writer = _Writer(edition, prs, warn, theme_path(templates))
    for spec in edition.deck.slides:
        writer.add(spec)
    writer.fitter.report(job.relpath.parent.as_posix())
    _set_properties(prs, edition)
    buffer = io.BytesIO()
    prs.save(buffer)
    return _stable_zip(buffer.getvalue(), edition.build_date)
