"""Live links: every number and address in the PDFs and the deck can be tapped.

Each link annotation must sit over the text it dials, be tagged as a /Link structure
element (PDF/UA) and carry a description in the document's language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml
from pptx import Presentation

from outreach import BuildOptions, build, load_content
from outreach.localize import bare_url, localize
from outreach.markup import to_html

from .conftest import CONTENT

PRINT = ("flyer", "poster", "cards", "brochure", "flyer-large")
SHEET = {"poster": "tabloid"}
LABELS = Path(__file__).resolve().parent.parent / "outreach" / "interface" / "labels.yaml"


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("links")
    report = build(BuildOptions(out_dir=out, locales=("en", "ar"),
                                products=(*PRINT, "deck", "handout-notes"),
                                papers=("letter",), no_chapters=True))
    assert not report.failures
    return out


def _pdf(out: Path, locale: str, product: str) -> Path:
    return out / locale / f"{product}-{SHEET.get(product, 'letter')}.pdf"


def links(path: Path) -> list[dict]:
    """Every /Link annotation: page, URI, rectangle (top-down, as pdfplumber measures),
    description and the structure element its /StructParent names."""
    found = []
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(tree[i]): tree[i + 1] for i in range(0, len(tree), 2)}
        for number, page in enumerate(pdf.pages):
            height = float(page.mediabox[3])
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                key = annot.get("/StructParent")
                element = parents.get(int(key)) if key is not None else None
                owns = element is not None and any(
                    isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
                    and kid.Obj.objgen == annot.objgen for kid in _kids(element))
                found.append({
                    "page": number, "uri": str(annot.A.URI),
                    "rect": (min(x1, x2), height - max(y1, y2), max(x1, x2), height - min(y1, y2)),
                    "contents": str(annot.get("/Contents", "")),
                    "tag": str(element.S) if element is not None else None, "owns": owns})
    return found


def _kids(element) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _covers(rect, box, slack: float = 2.0) -> bool:
    """Whether a link rectangle lies over a text's box (its centre, give or take slack)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return (rect[0] - slack <= cx <= rect[2] + slack and rect[1] - slack <= cy <= rect[3] + slack
            and rect[2] - rect[0] >= (box[2] - box[0]) * 0.9)


def _ways(locale: str) -> list[tuple[str, str]]:
    """(text shown, link) for every phone, text number and website of the help lines."""
    edition = localize(load_content(CONTENT), locale)
    return [(shown, link) for r in edition.resources for _, shown, link in edition.ways(r)]


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("product", PRINT)
def test_every_help_line_is_a_link_over_its_number(linked, product, locale):
    path = _pdf(linked, locale, product)
    annotations = links(path)
    ways = _ways(locale)
    assert {"tel:911", "tel:18883737888", "sms:233733", "tel:18008435678"} <= {l for _, l in ways}
    missing = []
    with pdfplumber.open(path) as pdf:
        for shown, link in ways:
            # a phone number always fits on its line; an address may break at a dot
            target = shown if not link.startswith("https:") else max(shown.split("."), key=len)
            hits = [(n, (m["x0"], m["top"], m["x1"], m["bottom"]))
                    for n, page in enumerate(pdf.pages) for m in page.search(re.escape(target))]
            assert hits, f"{shown} not printed in {path.name}"
            for n, box in hits:
                if not any(a["uri"] == link and a["page"] == n and _covers(a["rect"], box)
                           for a in annotations):
                    missing.append((shown, link, n))
    assert missing == []


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("product", PRINT)
def test_the_qr_code_links_to_the_hotline_website(linked, product, locale):
    path = _pdf(linked, locale, product)
    url = localize(load_content(CONTENT), locale).primary.url
    annotations = [a for a in links(path) if a["uri"] == url]
    with pdfplumber.open(path) as pdf:
        codes = []
        for n, page in enumerate(pdf.pages):
            figures: dict = {}  # each code is one marked-content sequence (four on cards)
            for o in page.rects + page.lines + page.curves:
                if o.get("tag") == "Figure":
                    figures.setdefault(o.get("mcid"), []).append(o)
            codes += [(n, (min(o["x0"] for o in drawn), min(o["top"] for o in drawn),
                           max(o["x1"] for o in drawn), max(o["bottom"] for o in drawn)))
                      for drawn in figures.values()]
    assert codes, f"no QR code drawn in {path.name}"
    for n, box in codes:
        assert any(a["page"] == n and _covers(a["rect"], box) and
                   a["rect"][3] - a["rect"][1] >= (box[3] - box[1]) * 0.9
                   for a in annotations), (n, box)


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("product", (*PRINT, "handout-notes"))
def test_each_link_is_tagged_and_described(linked, product, locale):
    annotations = links(_pdf(linked, locale, product))
    assert annotations
    for a in annotations:
        assert a["tag"] == "/Link" and a["owns"], a
        assert a["contents"].strip() and a["contents"] != a["uri"], a
    if product != "handout-notes":  # the handouts describe a link by its own words
        edition = localize(load_content(CONTENT), locale)
        hotline = edition.primary
        call = edition.label("link_call", name=hotline.name, number=hotline.phone)
        assert call in {a["contents"] for a in annotations if a["uri"] == "tel:18883737888"}


def test_link_descriptions_come_from_labels_not_code(tmp_path):
    """In the pseudo-locale every description is accented text; no English word is left."""
    report = build(BuildOptions(out_dir=tmp_path, locales=("en-XA",),
                                products=("flyer", "handout-notes"), papers=("letter",),
                                no_chapters=True))
    assert not report.failures
    english = {w for value in yaml.safe_load(LABELS.read_text()).values()
               for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", "", str(value)))}
    assert {"Call", "Text", "Website", "Email"} <= english
    found = []
    for product in ("flyer", "handout-notes"):
        described = [a["contents"] for a in links(_pdf(tmp_path, "en-XA", product))]
        assert described and all(re.search(r"[^\x00-\x7f]", d) for d in described), described
        found += [w for d in described for w in re.findall(r"[A-Za-z]{4,}", d) if w in english]
    assert found == []


def test_the_local_contact_can_be_called_written_to_and_visited(tmp_path):
    chapters = tmp_path / "chapters.csv"
    chapters.write_text(
        "name,id,locales,contact_name,contact_phone,contact_email,contact_url\n"
        "Riverside PTA,riverside,en,Ms. Dana Rivera,(555) 010-4477,"
        "counselor@riverside.example.org,https://riverside.example.org/help\n")
    report = build(BuildOptions(out_dir=tmp_path / "out", locales=("en",), products=("flyer",),
                                papers=("letter",), chapters=chapters))
    assert not report.failures
    found = {a["uri"]: a["contents"] for a in
             links(tmp_path / "out" / "chapters" / "riverside" / "en" / "flyer-letter.pdf")}
    assert found["tel:5550104477"] == "Call Ms. Dana Rivera: (555) 010-4477"
    assert found["mailto:counselor@riverside.example.org"] == \
        "Email Ms. Dana Rivera: counselor@riverside.example.org"
    assert found["https://riverside.example.org/help"] == \
        "Website of Ms. Dana Rivera: riverside.example.org/help"


def test_a_content_link_is_described_by_its_own_words():
    assert str(to_html("Read [the ILO report](https://ilo.org/r) now")) == \
        'Read <a href="https://ilo.org/r" title="the ILO report">the ILO report</a> now'


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_deck_resources_slide_links_every_way_to_reach_help(linked, locale):
    prs = Presentation(str(linked / locale / "deck.pptx"))
    ways = {link for _, link in _ways(locale)}
    slides = []
    for slide in prs.slides:
        found = {run.hyperlink.address: run.text for shape in slide.shapes
                 if shape.has_text_frame for p in shape.text_frame.paragraphs
                 for run in p.runs if run.hyperlink.address}
        if any(a.startswith("tel:") for a in found):
            slides.append(found)
    assert len(slides) == 1
    found = slides[0]
    assert ways <= set(found)
    for shown, link in _ways(locale):  # the run with the link shows that very number
        assert shown in found[link] or bare_url(link) in found[link], (shown, found[link])
