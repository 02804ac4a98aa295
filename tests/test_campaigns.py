"""Any campaign, no code change: a second campaign and the pseudo-locales, built for real.

The second campaign (tests/fixtures/second-campaign) shares nothing with the first but the
tool: no myths, no quotes, a five-step sequence, exact and "at least" figures, a callout,
a web-only main help line, help lines in two regions and a nine-slide deck in its own
order. The pseudo-locales (en-XA, ar-XB) are made from the source text on the fly, so any
word in their outputs that is still plain English came from the code.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
import yaml
from pptx import Presentation
from pypdf import PdfReader

from outreach import BuildOptions, build
from outreach.content import load_content
from outreach.gallery import INDEX
from outreach.localize import localize
from outreach.pseudo import pseudo

from .conftest import CONTENT, ROOT, edit, run_cli

SECOND = ROOT / "tests" / "fixtures" / "second-campaign"
PRINT = ("flyer", "flyer-large", "brochure", "cards", "poster", "handout-notes",
         "handout-audience")
FIRST_CAMPAIGN_WORDS = ("trafficking", "grooming", "Myth", "Fact", "prosecute", "kidnapping",
                        "Walk Free", "ILO")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def alt_texts(path: Path) -> list[str]:
    """Every /Alt (alternative text) in a tagged PDF's structure tree."""
    found = []
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.get("/StructTreeRoot")]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if "/Alt" in node:
                    found.append(str(node.Alt))
                kids = node.get("/K")
                if kids is not None:
                    stack.append(kids)
    return found


def deck_texts(path: Path) -> dict[str, list[str]]:
    """A deck's words by where they are: slide runs, notes, alt texts, properties."""
    prs = Presentation(str(path))
    out = {"runs": [], "notes": [], "alt": [], "properties": []}
    for slide in prs.slides:
        for shape in slide.shapes:
            descr = shape._element.xpath("./*[1]/p:cNvPr/@descr")
            out["alt"] += [str(d) for d in descr]
            if shape.has_text_frame:
                out["runs"] += [r.text for p in shape.text_frame.paragraphs for r in p.runs]
        out["notes"].append(slide.notes_slide.notes_text_frame.text)
    props = prs.core_properties
    out["properties"] = [props.title, props.subject, props.keywords, props.category,
                         props.author]
    return out


@pytest.fixture(scope="session")
def second(tmp_path_factory) -> Path:
    """The second campaign, every product, in its source language, its GB region and
    right-to-left pseudo-locale, on Letter (and A4 for GB, its own paper)."""
    out = tmp_path_factory.mktemp("second")
    report = build(BuildOptions(content_dir=SECOND, out_dir=out, locales=("en", "ar-XB"),
                                papers=("letter",)))
    report_gb = build(BuildOptions(content_dir=SECOND, out_dir=out, locales=("en-GB",),
                                   papers=("a4",)))
    assert not report.failures and not report_gb.failures
    out.joinpath("warnings.txt").write_text("\n".join(report.warnings + report_gb.warnings))
    return out


def test_second_campaign_builds_every_product_without_a_warning(second):
    assert second.joinpath("warnings.txt").read_text() == ""
    for locale in ("en", "ar-XB"):
        names = {p.name for p in (second / locale).iterdir()}
        for product in PRINT:
            assert f"{product}-letter.pdf" in names or f"{product}-tabloid.pdf" in names, \
                (locale, product)
        assert "deck.pptx" in names
    for path in (second / "en").glob("*.pdf"):
        pages = len(PdfReader(path).pages)
        limit = {"flyer": 1, "brochure": 2, "cards": 2, "poster": 1}.get(
            path.stem.rsplit("-", 1)[0])
        assert limit is None or pages == limit, (path.name, pages)


def test_second_campaign_outputs_hold_none_of_the_first_campaigns_words(second):
    texts = [pdf_text(p) for p in (second / "en").glob("*.pdf")]
    deck = deck_texts(second / "en" / "deck.pptx")
    texts += [" ".join(v for v in values if v) for values in deck.values()]
    for word in FIRST_CAMPAIGN_WORDS:
        assert not any(re.search(rf"\b{word}\b", t) for t in texts), word


def test_empty_slots_close_up_and_the_callout_and_figures_print(second):
    flyer = pdf_text(second / "en" / "flyer-letter.pdf")
    # The display of each figure is the campaign's choice: "at least" and exact.
    assert "13,000+" in flyer and "12,600" in flyer and "thousand" not in flyer
    assert "It is not their fault" in flyer
    brochure = pdf_text(second / "en" / "brochure-letter.pdf")
    # No myths section: the brochure's flap holds the campaign's lists instead, and no
    # heading anywhere stands without its section.
    assert "Myth" not in brochure and "If it happens: the first hour" in brochure
    headings = ("What investigators see", "How the scheme usually runs",
                "Signs something is wrong", "It is not their fault")
    for heading in headings:
        assert brochure.count(heading) == 1, heading


def test_every_way_to_reach_help_is_on_every_product_the_poster_included(second):
    poster = pdf_text(second / "en" / "poster-tabloid.pdf")
    flat = " ".join(poster.split())
    assert "takeitdown.ncmec.org" in flat  # the web-only main line shows its address
    assert re.search(r"Text\s+988", flat) and re.search(r"Call\s+988", flat)
    for name in ("flyer-letter.pdf", "cards-letter.pdf", "brochure-letter.pdf"):
        text = " ".join(pdf_text(second / "en" / name).split())
        assert "takeitdown.ncmec.org" in text and re.search(r"Text\s+988", text), name
    # No url on the main line's data means no QR code to scan; here there is one, and its
    # description names the service, from the interface label.
    alts = alt_texts(second / "en" / "flyer-letter.pdf")
    assert any("Take It Down" in a and "takeitdown.ncmec.org" in a for a in alts), alts


def test_region_file_adds_advice_and_replaces_help_lines(second):
    text = " ".join(pdf_text(second / "en-GB" / "flyer-a4.pdf").split())
    assert "to CEOP, the National Crime Agency" in text and "Report Remove can help" in text
    assert "0800 1111" in text
    assert "CyberTipline" not in text and "911" not in text


def test_deck_follows_its_own_outline_and_a_sequence_does_not_close(second):
    prs = Presentation(str(second / "en" / "deck.pptx"))
    outline = yaml.safe_load((SECOND / "deck.yaml").read_text())["slides"]
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    # Four help lines do not fit one slide at the theme's size: they continue on a second.
    expected = [s["title"] for s in outline]
    expected.insert(expected.index("Help right now") + 1, "Help right now (continued)")
    assert titles == expected
    steps = prs.slides[[s["id"] for s in outline].index("how-it-works")]
    boxes = [sh for sh in steps.shapes if sh.element.tag.endswith("}sp") and not sh.is_placeholder]
    lines = [sh for sh in steps.shapes if sh.element.tag.endswith("}cxnSp")]
    assert len(boxes) == 5 and len(lines) == 4
    fills = [str(b.fill.fore_color.rgb) for b in boxes]
    assert fills.count(fills[3]) == 1, "only the highlighted step (the threat) stands out"
    descr = [sh._element.nvCxnSpPr.cNvPr.get("descr") for sh in lines]
    assert descr == [f"Arrow from step {i} to step {i + 1}" for i in range(1, 5)]
    assert prs.core_properties.keywords == "sextortion; teen online safety; reporting"


def test_slide_without_content_shows_title_and_subtitle(second):
    prs = Presentation(str(second / "en" / "deck.pptx"))
    questions = next(s for s in prs.slides if s.shapes.title.text_frame.text == "Your questions")
    words = [sh.text_frame.text for sh in questions.shapes if sh.has_text_frame]
    assert "Thank you for listening." in words


def test_gallery_lists_each_campaign_built_beside_the_main_one(tmp_path):
    out = tmp_path / "output"
    build(BuildOptions(out_dir=out, products=("flyer",), locales=("en",), papers=("letter",),
                       no_chapters=True))
    build(BuildOptions(content_dir=SECOND, out_dir=out / "campaigns" / "second-campaign",
                       products=("flyer",), locales=("en",), papers=("letter",)))
    main = (out / INDEX).read_text()
    nested = (out / "campaigns" / "second-campaign" / INDEX).read_text()
    assert 'href="campaigns/second-campaign/index.html"' in main
    assert 'href="../../index.html"' in nested
    # The nested campaign's files are its gallery's, not listed as a locale of the main one.
    assert "second-campaign/en/flyer-letter.pdf" not in main


# --- pseudo-locales --------------------------------------------------------------------

def _english_label_words() -> set[str]:
    labels = yaml.safe_load((ROOT / "outreach" / "interface" / "labels.yaml").read_text())
    words = set()
    for value in labels.values():
        words |= {w for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", "", value))}
    return words


@pytest.fixture(scope="session")
def pseudo_built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pseudo")
    report = build(BuildOptions(out_dir=out, locales=("en-XA", "ar-XB"), papers=("letter",),
                                no_chapters=True))
    assert not report.failures
    return out


@pytest.mark.parametrize("locale", ["en-XA", "ar-XB"])
def test_pseudo_locale_outputs_hold_no_words_from_the_code(pseudo_built, locale):
    english = _english_label_words()
    assert {"Call", "Source", "Online", "continued", "Arrow", "Step"} <= english
    folder = pseudo_built / locale
    found = []
    for path in folder.glob("*.pdf"):
        for text in [pdf_text(path), *alt_texts(path)]:
            found += [(path.name, w) for w in re.findall(r"[A-Za-z]{4,}", text) if w in english]
    deck = deck_texts(folder / "deck.pptx")
    for where, texts in deck.items():
        for text in texts:
            found += [(where, w) for w in re.findall(r"[A-Za-z]{4,}", text or "") if w in english]
    assert found == []


def test_pseudo_locales_are_longer_accented_and_right_to_left(pseudo_built):
    content = load_content(CONTENT)
    headline = content.campaign.meta.headline
    long = pseudo(headline)
    assert long != headline and len(long) >= len(headline) * 1.3
    assert localize(content, "ar-XB").direction == "rtl"
    assert localize(content, "en-XA").direction == "ltr"
    flyer = pdf_text(pseudo_built / "en-XA" / "flyer-letter.pdf")
    assert "Ţŕåƒƒîçķîñĝ" in flyer  # the headline's first word, accented
    prs = Presentation(str(pseudo_built / "ar-XB" / "deck.pptx"))
    rtl = [p._p.pPr.get("rtl") for s in prs.slides for sh in s.shapes if sh.has_text_frame
           for p in sh.text_frame.paragraphs if p.runs and p._p.pPr is not None]
    assert rtl and all(value == "1" for value in rtl)


def test_pseudo_locale_is_asked_for_by_name_only(tmp_path):
    result = run_cli("build", "--locale", "xx-XA", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "en-XA" in result.stderr


# --- starting a campaign ---------------------------------------------------------------

def test_new_campaign_builds_at_once_and_check_lists_its_placeholders(tmp_path):
    folder = tmp_path / "campaigns" / "my-campaign"
    made = run_cli("new", str(folder))
    assert made.returncode == 0, made.stderr
    again = run_cli("new", str(folder))
    assert again.returncode == 2 and "not empty" in again.stderr
    check = run_cli("check", "--content", str(folder))
    assert check.returncode == 0, check.stderr
    assert re.search(r"campaign\.yaml:\d+:\d+: meta\.headline: placeholder text", check.stderr)
    strict = run_cli("check", "--strict", "--content", str(folder))
    assert strict.returncode == 2
    out = tmp_path / "out"
    built = run_cli("build", "--content", str(folder), "--out", str(out), "--paper", "letter")
    assert built.returncode == 0, built.stderr
    assert (out / "en" / "flyer-letter.pdf").is_file() and (out / "en" / "deck.pptx").is_file()
    # Replace every placeholder and the check is clean.
    for name in ("campaign.yaml", "deck.yaml"):
        path = folder / name
        path.write_text(path.read_text().replace("TODO: ", "").replace("TODO", "x"))
    assert "placeholder" not in run_cli("check", "--content", str(folder)).stderr


def test_another_campaign_folder_builds_into_its_own_output_folder(tmp_path):
    folder = tmp_path / "teen"
    shutil.copytree(SECOND, folder)
    edit(folder / "campaign.yaml", "title: When a photo becomes a threat",
         "title: A copied campaign")
    result = run_cli("build", "--content", str(folder), "--product", "flyer", "--locale", "en",
                     "--paper", "letter", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "campaigns" / "teen" / "en" / "flyer-letter.pdf").is_file()
