"""Write templates/deck/theme.pptx, the 16:9 theme the deck renderer fills.

    python tools/make_deck_theme.py

Turns python-pptx's built-in default template into the "Outreach" theme: 16:9, six
layouts the renderer looks up by name (placeholder idx values unchanged), wide margins,
the Outreach colours and Noto Sans, nothing under 18 pt but the slide number, an amber
accent bar under the title, and neutral properties. Text never auto-shrinks, so the 18 pt
floor holds. The output is reproducible byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

OUT = Path(__file__).resolve().parent.parent / "templates" / "deck" / "theme.pptx"
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 in x 7.5 in
KEEP = ["Title Slide", "Title and Content", "Section Header", "Comparison", "Title Only", "Blank"]
DARK = {"Title Slide", "Section Header"}  # dk2 background, white text, their own accent bar
COLOURS = {"dk1": "1D2B36", "lt1": "FFFFFF", "dk2": "0B4F6C", "lt2": "F4F1EA",
           "accent1": "0B4F6C", "accent2": "E8A33D", "accent3": "2E7D6B", "accent4": "5B6770",
           "accent5": "8A4F7D", "accent6": "3A6EA5", "hlink": "0B5CAD", "folHlink": "5B3A8C"}
FONTS = {"latin": "Noto Sans", "ea": "Noto Sans CJK SC", "cs": "Noto Sans Arabic"}
STAMP = dt.datetime(2026, 1, 1)

# Geometry in inches (left, top, width, height). Text sits 0.1 in inside its box, so the
# title, the bar and the body text all start on one line, 0.85 in from the slide's edge.
M, CW = 0.75, 13.333 - 2 * 0.75
TITLE = (M, 0.45, CW, 1.1)
BODY = (M, 1.9, CW, 7.5 - 0.7 - 1.9)
SLDNUM = (13.333 - M - 1.5, 6.95, 1.5, 0.4)
COL = (CW - 0.4) / 2  # Comparison: two columns and a 0.4 in gutter
GEOMETRY = {  # layout -> {placeholder idx -> box}, plus the accent bar's top ("bar")
    "Title Slide": {0: (M, 1.0, CW, 2.6), 1: (M, 4.15, CW, 2.35), "bar": 3.82},
    "Title and Content": {0: TITLE, 1: BODY},
    "Section Header": {0: (M, 0.9, CW, 1.7), 1: (M, 3.05, CW, 3.75), "bar": 2.75},
    "Comparison": {0: TITLE, 1: (M, 1.9, COL, 0.7), 2: (M, 2.75, COL, 4.05),
                   3: (M + COL + 0.4, 1.9, COL, 0.7), 4: (M + COL + 0.4, 2.75, COL, 4.05)},
    "Title Only": {0: TITLE},
    "Blank": {},
}
BAR_LEFT, BAR_TOP, BAR_W, BAR_H = M + 0.1, 1.66, 1.2, 0.08


def el(tag: str, *children, **attrs) -> etree._Element:
    """Make an element from a prefixed tag such as "a:latin", with attributes and children."""
    node = etree.Element(qn(tag), {k: str(v) for k, v in attrs.items()})
    node.extend(children)
    return node


def fill(colour: str) -> etree._Element:
    """Return an a:solidFill of a scheme colour such as "tx2" or "accent2"."""
    return el("a:solidFill", el("a:schemeClr", val=colour))


def level(n: int, size: float, colour: str, *, bullet: str = "", bold: bool = False,
          margin: float = 0.0, indent: float = 0.0, spacing: int = 110, before: int = 8,
          align: str = "l", font: str = "mn") -> etree._Element:
    """Build one a:lvlNpPr paragraph style.

    ``size`` and ``before`` (space before) are in points, ``spacing`` in percent of a line,
    ``margin`` and ``indent`` (hanging) in inches; ``font`` is "mj" (headings) or "mn" (body).
    """
    ppr = el(f"a:lvl{n}pPr", el("a:lnSpc", el("a:spcPct", val=spacing * 1000)),
             el("a:spcBef", el("a:spcPts", val=before * 100)), marL=Inches(margin),
             indent=-Inches(indent), algn=align, defTabSz=Inches(0.5), rtl=0,
             eaLnBrk=1, latinLnBrk=0, hangingPunct=1)
    if bullet:
        ppr.extend([el("a:buClr", el("a:schemeClr", val="accent1")),
                    el("a:buFont", typeface=FONTS["latin"]), el("a:buChar", char=bullet)])
    else:
        ppr.append(el("a:buNone"))
    ppr.append(el("a:defRPr", fill(colour),
                  *(el(f"a:{script}", typeface=f"+{font}-{short}")  # e.g. "+mn-lt"
                    for script, short in (("latin", "lt"), ("ea", "ea"), ("cs", "cs"))),
                  sz=int(size * 100), b=int(bold), cap="none", kern=1200))
    return ppr


def bulleted() -> list[etree._Element]:
    """Body levels: 28 pt with an accent1 bullet, then 22 pt, then 18 pt, each indented."""
    return [level(i + 1, (28, 22)[i] if i < 2 else 18, "tx1", bullet="–" if i else "•",
                  margin=0.35 + 0.4 * i, indent=0.32 if i else 0.35) for i in range(9)]


def plain(size: float, colour: str, bold: bool = False, before: int = 8) -> list:
    """Unbulleted levels flush with the box edge, for subtitles, quotes and column text."""
    return [level(i + 1, size if i == 0 else max(18, size - 4), colour, bold=bold, before=before)
            for i in range(9)]


def place(shape, box, anchor: str, lst: list | None = None) -> None:
    """Position a placeholder (box in inches), anchor its text, and set its list style."""
    shape.left, shape.top, shape.width, shape.height = (Inches(v) for v in box)
    body = shape._element.find(qn("p:txBody"))
    bodypr = body.find(qn("a:bodyPr"))
    for child in list(bodypr):  # no autofit: shrinking could take text under 18 pt
        bodypr.remove(child)
    bodypr.set("anchor", anchor)
    if lst is not None:
        body.replace(body.find(qn("a:lstStyle")), el("a:lstStyle", *lst))


DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def decorative() -> etree._Element:
    """PowerPoint's 'mark as decorative' flag, so screen readers and the checker skip it."""
    ext_list = etree.Element(qn("a:extLst"))
    ext = etree.SubElement(ext_list, qn("a:ext"), uri=DECORATIVE_EXT)
    etree.SubElement(ext, f"{{{DECORATIVE_NS}}}decorative", val="1",
                     nsmap={"adec": DECORATIVE_NS})
    return ext_list


def add_bar(shapes, top: float) -> None:
    """Add the decorative amber accent bar: a plain rectangle, not a placeholder."""
    box = (Inches(BAR_LEFT), Inches(top), Inches(BAR_W), Inches(BAR_H))
    next_id = 1 + max(int(n.get("id")) for n in shapes._spTree.iter(qn("p:cNvPr")))
    shapes._spTree.append(el(
        "p:sp",
        el("p:nvSpPr", el("p:cNvPr", decorative(), id=next_id, name="Accent Bar"),
           el("p:cNvSpPr"), el("p:nvPr")),
        el("p:spPr", el("a:xfrm", el("a:off", x=box[0], y=box[1]),
                        el("a:ext", cx=box[2], cy=box[3])),
           el("a:prstGeom", el("a:avLst"), prst="rect"), fill("accent2"),
           el("a:ln", el("a:noFill")))))


def set_background(container, colour: str) -> None:
    """Give a master or layout a solid background of a scheme colour."""
    csld = container._element.find(qn("p:cSld"))
    for old in csld.findall(qn("p:bg")):
        csld.remove(old)
    csld.insert(0, el("p:bg", el("p:bgPr", fill(colour), el("a:effectLst"))))


def drop_date_and_footer(container) -> None:
    """Delete the date and footer placeholders (types dt and ftr)."""
    for ph in list(container.placeholders):
        if ph.placeholder_format.type in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER):
            ph._element.getparent().remove(ph._element)


def style_master(master) -> None:
    """Lay out the master and write its text styles (p:txStyles)."""
    set_background(master, "bg1")
    drop_date_and_footer(master)
    for ph in master.placeholders:
        kind = ph.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            place(ph, TITLE, "b")
        elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            place(ph, SLDNUM, "ctr", [level(1, 12, "accent4", before=0, align="r")])
        else:
            place(ph, BODY, "t")
    add_bar(master.shapes, BAR_TOP)
    tx = master._element.find(qn("p:txStyles"))
    tx.clear()
    tx.extend([
        el("p:titleStyle", level(1, 36, "tx2", bold=True, spacing=95, before=0, font="mj")),
        el("p:bodyStyle", *bulleted()),
        el("p:otherStyle", *(level(i, 18, "tx1", before=0) for i in range(1, 10)))])


def style_layout(layout) -> None:
    """Position one kept layout's placeholders and give it its look."""
    name, dark = layout.name, layout.name in DARK
    drop_date_and_footer(layout)
    for ph in layout.placeholders:
        idx, box = ph.placeholder_format.idx, GEOMETRY[name].get(ph.placeholder_format.idx)
        if idx == 12:
            place(ph, SLDNUM, "ctr", [level(1, 12, "bg1" if dark else "accent4", before=0,
                                             align="r")])
        elif idx == 0:
            place(ph, box, "b", [level(1, 40, "bg1", bold=True, spacing=95, before=0,
                                       font="mj")] if dark else [])
        elif dark:
            place(ph, box, "t", plain(24, "bg1"))
        elif name == "Comparison" and idx in (1, 3):  # column headers on a warm lt2 tint
            place(ph, box, "ctr", plain(24, "tx2", bold=True, before=0))
            ph._element.spPr.append(fill("bg2"))
        elif name == "Comparison":  # prose, no bullets: the renderer fills these with text
            place(ph, box, "t", plain(28, "tx1", before=12))
        else:
            place(ph, box, "t", [])
    if dark or name == "Blank":
        layout._element.set("showMasterSp", "0")  # no master accent bar here
    if dark:
        set_background(layout, "tx2")
        add_bar(layout.shapes, GEOMETRY[name]["bar"])


def style_theme(prs) -> None:
    """Rename the theme and set its "Outreach" colour and font schemes."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    elements = theme.find(qn("a:themeElements"))
    for node in (theme, *elements):  # the theme, clrScheme, fontScheme and fmtScheme
        node.set("name", "Outreach")
    for slot, hex_ in COLOURS.items():
        holder = elements.find(f"{qn('a:clrScheme')}/{qn(f'a:{slot}')}")
        holder.clear()
        holder.append(el("a:srgbClr", val=hex_))
    for group in ("a:majorFont", "a:minorFont"):
        holder = elements.find(f"{qn('a:fontScheme')}/{qn(group)}")
        holder.clear()  # also drops the Office theme's per-script font list
        holder.extend(el(f"a:{script}", typeface=face) for script, face in FONTS.items())
    part.blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_properties(prs) -> None:
    """Write neutral core and app properties, with fixed dates and nobody's name."""
    props = prs.core_properties
    props.title = "Outreach deck theme"
    props.author = props.last_modified_by = "outreach"
    props.subject = props.keywords = props.comments = props.category = ""
    props.language, props.revision = "en-US", 1
    props.created = props.modified = STAMP
    app = next(p for p in prs.part.package.iter_parts() if p.partname == "/docProps/app.xml")
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    app.blob = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
                f'"{ns}"><Application>outreach</Application><PresentationFormat>Widescreen'
                "</PresentationFormat><Slides>0</Slides></Properties>").encode()


def drop_extras(prs) -> None:
    """Drop the default template's 4:3 thumbnail and its Mac printer settings."""
    package = prs.part.package
    for rel in [r for r in package._rels.values() if r.reltype == RT.THUMBNAIL]:
        package.drop_rel(rel.rId)
    for rel in [r for r in prs.part.rels.values() if r.reltype == RT.PRINTER_SETTINGS]:
        prs.part.drop_rel(rel.rId)


def stable_zip(data: bytes) -> bytes:
    """Re-zip the package with fixed timestamps so equal input gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def build() -> bytes:
    """Transform python-pptx's default template into the Outreach theme; return its bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.part._element.find(qn("p:sldSz")).attrib.pop("type", None)  # not "screen4x3" now
    for layout in list(prs.slide_layouts):
        if layout.name not in KEEP:
            prs.slide_layouts.remove(layout)  # drops the sldLayoutId and the relationship
    assert [layout.name for layout in prs.slide_layouts] == KEEP
    style_master(prs.slide_master)
    for layout in prs.slide_layouts:
        style_layout(layout)
    style_theme(prs)
    set_properties(prs)
    drop_extras(prs)
    buffer = io.BytesIO()
    prs.save(buffer)
    return stable_zip(buffer.getvalue())


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT}")
