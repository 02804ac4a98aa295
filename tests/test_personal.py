"""Chapter sets: a local contact or a stamp box, an event in the locale's words, one folder
per chapter, and bad rows that stop only themselves. Plus the gallery of the whole build."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from pptx import Presentation
from pypdf import PdfReader

from outreach import load_content
from outreach.chapters import Event
from outreach.localize import localize

from .conftest import CONTENT, run_cli

RIVERSIDE = Path("chapters") / "riverside-elementary-pta"
CEDAR = Path("chapters") / "cedar-grove-family-centre"


def compact(pdf: Path) -> str:
    """The PDF's text with every kind of space removed (Babel uses thin and narrow ones)."""
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    return re.sub(r"[\s\u2009\u202f\u00a0]+", "", text)


@pytest.mark.parametrize(("locale", "when"), [
    ("en", "Thursday, March 11, 2027 · 6:30\u2009–\u20098:00\u202fPM"),
    ("en-GB", "Thursday, 11 March 2027 · 18:30–20:00"),
    ("es", "jueves, 11 de marzo de 2027 · 18:30–20:00"),
    ("fr", "jeudi 11 mars 2027 · 18:30\u2009–\u200920:00"),
    ("zh-Hans", "2027年3月11日星期四 · 18:30–20:00"),
])
def test_event_dates_and_times_are_written_the_locales_way(locale, when):
    edition = localize(load_content(CONTENT), locale)
    event = Event(title="Parent night", date=dt.date(2027, 3, 11), start=dt.time(18, 30),
                  end=dt.time(20, 0), place="Library")
    assert edition.event_when(event) == when
    only_day = Event(title="Parent night", date=dt.date(2027, 3, 11), place="Library")
    assert edition.event_when(only_day) == when.split(" · ")[0]


def test_arabic_event_uses_arabic_day_month_and_evening_marker():
    edition = localize(load_content(CONTENT), "ar")
    event = Event(title="x", date=dt.date(2027, 3, 11), start=dt.time(18, 30),
                  end=dt.time(20, 0), place="y")
    when = edition.event_when(event)
    assert "الخميس" in when and "مارس" in when and "م" in when.split(" · ")[1]


def test_each_chapter_gets_its_personal_set_in_its_own_folder(built):
    riverside = {p.relative_to(built / RIVERSIDE).as_posix()
                 for p in (built / RIVERSIDE).rglob("*") if p.is_file()}
    assert riverside == {f"{locale}/{name}" for locale in ("en", "es", "ar") for name in (
        "flyer-letter.pdf", "brochure-letter.pdf", "cards-letter.pdf", "poster-tabloid.pdf",
        "deck.pptx", "flyer.html", "flyer-letter.png", "flyer-letter.jpg", "poster-tabloid.png",
        "poster-tabloid.jpg")}
    # The UK chapter gives no paper: en-GB is printed on A4 there.
    cedar = sorted(p.name for p in (built / CEDAR / "en-GB").iterdir())
    assert cedar == ["brochure-a4.pdf", "cards-a4.pdf", "deck.pptx", "flyer-a4.jpg",
                     "flyer-a4.pdf", "flyer-a4.png", "flyer.html", "poster-a3.jpg",
                     "poster-a3.pdf", "poster-a3.png"]


def test_contact_and_event_are_printed_on_flyer_poster_and_cards(built):
    for name in ("flyer-letter.pdf", "poster-tabloid.pdf", "cards-letter.pdf",
                 "brochure-letter.pdf"):
        text = compact(built / RIVERSIDE / "en" / name)
        assert "Ms.DanaRivera,schoolcounselor" in text, name
        assert "(555)010-4477" in text, name
        assert "1-888-373-7888" in text, f"{name}: the national hotline is always there"
    for name in ("flyer-letter.pdf", "poster-tabloid.pdf"):
        text = compact(built / RIVERSIDE / "en" / name)
        assert "Joinus" in text and "Keepingkidssafeonline:aparentnight" in text, name
        assert "Thursday,March11,2027·6:30–8:00PM" in text, name
        assert "HostedbyRiversidePTA" in text, name
    spanish = compact(built / RIVERSIDE / "es" / "flyer-letter.pdf")
    assert "jueves,11demarzode2027·18:30–20:00" in spanish and "Acompáñenos" in spanish
    # The campaign's own flyer has a blank box to stamp, and no chapter's data.
    plain = compact(built / "en" / "flyer-letter.pdf")
    assert "Stamporwritethenameandnumberofalocalcontacthere." in plain
    assert "Rivera" not in plain and "2027" not in plain


def test_a_chapter_without_a_contact_gets_the_stamp_box(built):
    text = compact(built / CEDAR / "en-GB" / "flyer-a4.pdf")
    assert "Yourlocalcontact" in text and "Stamporwrite" in text
    assert "08000121700" in text, "the UK helpline, from the region's data"


def test_the_event_is_on_the_decks_title_slide_and_in_its_notes(built):
    deck = Presentation(built / RIVERSIDE / "es" / "deck.pptx")
    cover = deck.slides[0]
    text = " ".join(shape.text_frame.text for shape in cover.shapes if shape.has_text_frame)
    assert "Riverside Elementary PTA" in text
    assert "Acompáñenos: Keeping kids safe online: a parent night" in text
    assert "jueves, 11 de marzo de 2027" in text and "Riverside Elementary, library" in text
    assert "jueves, 11 de marzo de 2027" in cover.notes_slide.notes_text_frame.text
    plain = Presentation(built / "es" / "deck.pptx").slides[0]
    assert "2027" not in " ".join(s.text_frame.text for s in plain.shapes if s.has_text_frame)


def test_a_bad_chapter_row_is_located_and_the_others_still_build(tmp_path):
    table = tmp_path / "schools.csv"
    table.write_text(
        "name,locales,paper,contact_name,contact_phone,event_title,event_date,event_place\n"
        "Lincoln Middle School,en,letter,Mr. Okafor,(555) 010-2000,Parent night,2027-04-08,Gym\n"
        "Broken Elementary,en,letter,Ms. Lee,(555) 010-3000,Parent night,2027-13-40,Hall\n",
        encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("--chapters", str(table), "--product", "flyer", "--locale", "en",
                     "--paper", "letter", "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert re.search(r"schools\.csv:3:7: event_date: .*2027-13-40.*YYYY-MM-DD", result.stderr), \
        result.stderr
    assert (out / "chapters" / "lincoln-middle-school" / "en" / "flyer-letter.pdf").is_file()
    assert (out / "en" / "flyer-letter.pdf").is_file()
    assert not (out / "chapters" / "broken-elementary").exists()


def test_an_address_is_refused_with_the_reason(tmp_path):
    table = tmp_path / "schools.csv"
    table.write_text("name,contact_name,contact_phone,contact_address\n"
                     "Safe House,Front desk,(555) 010-1111,12 Hidden Lane\n", encoding="utf-8")
    result = run_cli("--chapters", str(table), "--product", "flyer", "--locale", "en",
                     "--paper", "letter", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "schools.csv:1:" in result.stderr and "shelter" in result.stderr
    assert not (tmp_path / "out" / "chapters").exists()
    assert (tmp_path / "out" / "en" / "flyer-letter.pdf").is_file()


def test_gallery_shows_the_whole_build(built):
    # The top page, and each chapter's page it links (gallery/chapters/<id>.html), whose
    # links and pictures are relative to that page's folder.
    index = (built / "index.html").read_text(encoding="utf-8")
    pages_of = {"index.html": index}
    for href in re.findall(r'href="(gallery/chapters/[^"]+\.html)"', index):
        pages_of[unquote(href)] = (built / unquote(href)).read_text("utf-8")
    assert len(pages_of) == 3, "a page for each of the two chapters"

    def found(pattern: str) -> set[str]:
        return {posixpath.normpath(posixpath.join(posixpath.dirname(page),
                                                  unquote(h).split("#")[0]))
                for page, text in pages_of.items() for h in re.findall(pattern, text)}

    links = found(r'href="([^"]+)"')
    outputs = {p.relative_to(built).as_posix() for p in built.rglob("*")
               if p.is_file() and p.suffix in (".pdf", ".pptx", ".png", ".jpg")
               and not p.relative_to(built).parts[0].startswith(".")}
    assert len(outputs) >= 100 and outputs <= links
    thumbs = found(r'src="([^"]+\.png)"')
    assert all((built / t).is_file() for t in thumbs)
    pages = sum(len(PdfReader(built / o).pages) for o in outputs if o.endswith(".pdf"))
    # A deck's slides are the pages of the slides PDF built beside it; a chapter's deck has
    # none, so it waits for `python build.py gallery`.
    decks = [o for o in outputs if o.endswith(".pptx")]
    drawn = [o for o in decks if o.replace("deck.pptx", "slides.pdf") in outputs]
    slides = sum(len(Presentation(built / o).slides) for o in drawn)
    pictures = sum(1 for o in outputs if o.endswith((".png", ".jpg")))
    assert len(thumbs) == pages + slides + pictures, "one thumbnail per page, slide and picture"
    assert drawn == [o for o in decks if not o.startswith("chapters/")] and drawn
    waiting = sum(text.count("python build.py gallery draws them") for text in pages_of.values())
    assert waiting == len(decks) - len(drawn) > 0


def test_check_validates_the_chapter_list_too(tmp_path):
    table = tmp_path / "schools.csv"
    table.write_text("name,paper\nLincoln,legal\n", encoding="utf-8")
    result = run_cli("check", "--chapters", str(table))
    assert result.returncode == 2
    assert "schools.csv:2:2: paper:" in result.stderr, result.stderr
    assert "content OK" in run_cli("check").stdout


def test_a_chapter_logo_replaces_the_organizations_on_its_set(content_copy, tmp_path):
    from PIL import Image

    from outreach import BuildOptions, build

    (content_copy / "images").mkdir(exist_ok=True)
    Image.new("RGB", (900, 300), "#7A1C12").save(content_copy / "images" / "lincoln.png")
    (content_copy / "chapters.yaml").write_text(
        "chapters:\n  - name: Lincoln Middle School\n    locales: [en]\n"
        "    logo: images/lincoln.png\n", encoding="utf-8")
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",),
                       products=("flyer", "deck"), papers=("letter",)))
    chapter = tmp_path / "chapters" / "lincoln-middle-school" / "en"
    reader = PdfReader(chapter / "flyer-letter.pdf")
    assert [image.image.size for image in reader.pages[0].images] == [(900, 300)]
    assert not PdfReader(tmp_path / "en" / "flyer-letter.pdf").pages[0].images
    cover = Presentation(chapter / "deck.pptx").slides[0]
    pictures = [s for s in cover.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == "Lincoln Middle School"
