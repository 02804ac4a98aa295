"""The deck: the outline in deck.yaml filled into the layouts of templates/deck/theme.pptx.

Each slide shows what its ``content`` names: a section by id, one item of it
(``myths/kidnapping``), the title slide (``meta``), the sources or the help lines. The
drawing of each kind is in ``deckkinds.py``; here a section too long for its slide at the
theme's size continues on the next slide, titled with the translated "continued" label,
instead of shrinking.
"""

from __future__ import annotations

import io
import math
import struct
from copy import deepcopy
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Emu

from .. import contrast
from ..errors import TemplateError
from ..localize import Edition
from ..markup import plain
from ..model import Slide, items_of
from . import Job
from .deckkinds import Kinds, office_lang

THEME = Path("deck") / "theme.pptx"
_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
_SKIP_TYPES = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}

SPLITS = ("list", "myths", "quote", "resources", "sources")
"""Kinds whose items may continue on a second slide when they do not fit on one."""
PARTS = {"meta": "cover", "sources": "sources", "resources": "resources", None: "title"}
"""What a slide's content names besides a section, and the writer that draws it."""


def resolve(edition: Edition, content: str | None) -> tuple[str, object, list]:
    """What a slide shows: the writer's kind, the section (if any), and the items."""
    if content in PARTS:
        units = {"sources": edition.cited_sources, "resources": edition.resources}
        return PARTS[content], None, list(units.get(content, []))
    ident, _, item = content.partition("/")
    section = edition.section(ident)
    units = items_of(section)
    if item:
        units = [x for x in units if x.id == item]
    elif section.kind == "statistics":
        units = edition.featured(section)
    elif section.kind == "resources":
        units = edition.resources
    return section.kind, section, list(units)


def bodies_needed(kind: str, spec: Slide) -> int:
    """How many text placeholders besides the title a slide fills."""
    if kind in ("statistics", "steps"):
        return 0
    if kind == "title":
        return 1 if spec.subtitle else 0
    if kind == "myths" and "/" in (spec.content or ""):
        return 4
    return 1


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
    shape = {}  # layout name -> (has a title, text placeholders besides it); slides share layouts
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
        kind = resolve(edition, slide.content)[0]
        if slide.layout not in shape:
            shape[slide.layout] = _has_title(layout), len(_bodies(layout))
        titled, have = shape[slide.layout]
        need = bodies_needed(kind, slide)
        if not titled:
            problems.append(f"{where}: layout {slide.layout!r} has no title placeholder")
        if have < need:
            problems.append(f"{where}: content {kind!r} needs {need} text placeholder(s) "
                            f"besides the title, layout {slide.layout!r} has {have}")
    if problems:
        raise TemplateError(f"{path} does not fit the outline; change the layout names in "
                            "deck.yaml or use a theme that has them:\n  " + "\n  ".join(problems))


class _Writer(Kinds):
    """Fill one presentation from an edition, slide by slide."""

    def __init__(self, edition: Edition, prs, warn, theme: Path):
        super().__init__(edition, prs, warn, theme)
        self.layouts = {layout.name: layout for layout in prs.slide_layouts}

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

    def _new_slide(self, spec: Slide, title: str):
        slide = self.prs.slides.add_slide(self.layouts[spec.layout])
        if self.rtl:
            self._mirror_decorations(slide)
        slide.shapes.title.text_frame.clear()
        self.run(self.para(slide.shapes.title.text_frame, True, bullet=False), title)
        return slide

    def _drop(self, slide) -> None:
        """Take back the slide just added (it held more than fits)."""
        ids = self.prs.slides._sldIdLst
        last = ids[-1]
        self.prs.part.drop_rel(last.rId)
        ids.remove(last)

    def _overflows(self, placeholders) -> bool:
        return any(self.fitter.height(ph, 0) > Emu(self.fitter.box(ph)[1]).pt
                   for ph in placeholders)

    def _fill(self, spec: Slide, title: str, kind: str, section, units: list):
        """Add one slide showing ``units``; return it and the placeholders it filled."""
        slide = self._new_slide(spec, title)
        bodies = _bodies(slide)
        need = bodies_needed(kind, spec)
        getattr(self, kind)(slide, spec, section, units, bodies)
        for unused in bodies[need:]:
            unused._element.getparent().remove(unused._element)
        return slide, bodies[:need]

    def add(self, spec: Slide) -> None:
        """Add the slide (or slides) for one outline entry."""
        kind, section, units = resolve(self.ed, spec.content)
        title, first = spec.title, True
        while True:
            count = len(units)
            slide, filled = self._fill(spec, title, kind, section, units)
            # A long section continues on the next slide rather than shrinking its text.
            while kind in SPLITS and count > 1 and self._overflows(filled):
                self._drop(slide)
                count -= 1
                slide, filled = self._fill(spec, title, kind, section, units[:count])
            if count < len(units):  # share the items out evenly: 3 + 2, not 4 + 1
                even = math.ceil(len(units) / math.ceil(len(units) / count))
                if even < count:
                    self._drop(slide)
                    count = even
                    slide, filled = self._fill(spec, title, kind, section, units[:count])
            for placeholder in filled:
                self.fitter.fit(placeholder, spec.id)
            self._notes(slide, spec, kind, units[:count] if kind in SPLITS else units, first)
            units = units[count:] if kind in SPLITS else []
            if not units:
                return
            title, first = self.ed.label("continued", title=spec.title), False

    def _notes(self, slide, spec: Slide, kind: str, shown: list, first: bool) -> None:
        """The speaker's script; a continued slide reads out what it shows."""
        if first:
            script = " ".join(plain(spec.notes).split())
        elif kind == "myths":
            script = "\n".join(f"{m.myth} {m.fact}" for m in shown)
        elif kind == "sources":
            script = "\n".join(f"{s.publisher}: {s.title}" for s in shown)
        else:
            script = "\n".join(plain(getattr(x, "text", "")) for x in shown if kind != "resources")
        if kind == "resources":  # numbers come from the region's data, never from prose
            script = "\n".join(filter(None, [script, self.resource_script(shown)]))
        if kind == "cover" and self.ed.local and self.ed.local.event:
            event = self.ed.local.event
            script += (f"\n{self.ed.labels['join_us']}: {event.title} · "
                       f"{self.ed.event_when(event)} · {event.place}")
        if kind == "cover" and self.ed.draft:  # so the presenter knows, and can say so
            script += f"\n{self.ed.labels['draft_translation']}"
        notes = slide.notes_slide.notes_text_frame
        notes.text = script
        for paragraph in notes.paragraphs:
            for r in paragraph.runs:
                self.declare(r._r.get_or_add_rPr())
            if self.rtl:
                paragraph._p.get_or_add_pPr().set("rtl", "1")


def _set_properties(prs, edition: Edition) -> None:
    meta = edition.campaign.meta
    props = prs.core_properties
    props.title = meta.title
    props.subject = meta.subtitle
    props.author = edition.organization.name
    props.last_modified_by = edition.organization.name
    props.language = office_lang(edition.lang)
    props.keywords = meta.keywords or ""
    props.category = meta.audience
    props.comments = meta.license
    props.revision = 1
    stamp = edition.build_date.replace(tzinfo=None)
    props.created = props.modified = stamp
    props.last_printed = stamp


def _stable_zip(data: bytes, stamp) -> bytes:
    """Give every entry of the package the build date, so equal input gives equal bytes.

    python-pptx stamps each entry with the time of saving. The date sits in two fixed places
    per entry, its local header and its central directory record, outside every checksum,
    so it is set there instead of compressing the whole package a second time.
    """
    year = max(stamp.year, 1980)
    date = (year - 1980) << 9 | stamp.month << 5 | stamp.day
    time = stamp.hour << 11 | stamp.minute << 5 | stamp.second // 2
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")  # end of central directory (python-pptx writes no comment)
    entries, = struct.unpack_from("<H", out, end + 10)
    record, = struct.unpack_from("<I", out, end + 16)
    for _ in range(entries):
        if out[record:record + 4] != b"PK\x01\x02":
            raise ValueError("the deck's zip directory is not as python-pptx writes it")
        struct.pack_into("<HH", out, record + 12, time, date)
        struct.pack_into("<I", out, record + 38, 0o644 << 16)  # rw-r--r-- when unzipped
        local, = struct.unpack_from("<I", out, record + 42)
        struct.pack_into("<HH", out, local + 10, time, date)
        names = struct.unpack_from("<HHH", out, record + 28)
        record += 46 + sum(names)
    return bytes(out)


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
