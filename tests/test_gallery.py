"""The build gallery: <out>/index.html with a thumbnail of every page, opened from disk."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from outreach import build, gallery
from outreach.pipeline import BuildOptions

from .conftest import ROOT, run_cli

EPOCH = "1767225600"  # 2026-01-01 00:00 UTC


class Page(HTMLParser):
    """The gallery read back: its sections and cards, with every link and image."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = []
        self.cards: list[dict] = []
        self.links: list[str] = []
        self.images: list[dict] = []
        self.scripts = 0
        self.text = text
        self._open: list[tuple[str, dict | None]] = []
        self._card: dict | None = None
        self._text: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
        if tag == "section":
            section = None
            if "locale" in classes:
                chapter = next((s["chapter"] for _, s in reversed(self._open)
                                if s and s.get("kind") == "chapter"), None)
                section = {"kind": "locale", "lang": attrs.get("lang"), "dir": attrs.get("dir"),
                           "chapter": chapter, "cards": []}
                self.sections.append(section)
            elif "chapter" in classes:
                section = {"kind": "chapter", "chapter": attrs.get("id")}
            self._open.append((tag, section))
        elif tag == "article":
            locale = next(s for _, s in reversed(self._open) if s and s["kind"] == "locale")
            self._card = {"name": "", "href": None, "images": [], "placeholder": False,
                          "meta": "", "section": locale}
            locale["cards"].append(self._card)
            self.cards.append(self._card)
        elif tag == "a":
            self.links.append(attrs["href"])
            if self._card is not None and self._card["href"] is None:
                self._card["href"] = attrs["href"]
                self._text = []
            if "placeholder" in classes:
                self._card["placeholder"] = True
        elif tag == "img":
            self.images.append(attrs)
            self._card["images"].append(attrs)
        elif tag == "p" and "meta" in classes:
            self._text = []

    def handle_endtag(self, tag):
        if tag == "section":
            self._open.pop()
        elif tag == "article":
            self._card = None
        elif tag == "a" and self._text is not None and not self._card["name"]:
            self._card["name"], self._text = "".join(self._text), None
        elif tag == "p" and self._text is not None:
            self._card["meta"], self._text = "".join(self._text), None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def card(self, name: str, locale: str = "en") -> dict:
        """The card of one file in the main set."""
        found = [c for c in self.cards if c["name"] == name and c["section"]["chapter"] is None
                 and c["section"]["lang"] == locale]
        assert len(found) == 1, f"{name}: {len(found)} cards"
        return found[0]


def read(index: Path) -> Page:
    return Page(index.read_text(encoding="utf-8"))


def target(base: Path, href: str) -> Path:
    """The file a relative link opens, on a page in the folder ``base`` (index.html: out)."""
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc and not parts.path.startswith("/"), href
    return Path(os.path.normpath(base / unquote(parts.path)))


def chapter_pages(out: Path) -> dict[str, tuple[Path, Page]]:
    """Each chapter's page, by chapter, as the top page links them: (its folder, the page)."""
    top = read(out / gallery.INDEX)
    found = {}
    for link in top.links:
        path = target(out, link)
        if path.parent == out / "gallery" / "chapters":
            found[path.stem] = (path.parent, read(path))
    return found


def every_card(out: Path) -> list[tuple[Path, dict]]:
    """Every card of the gallery with the folder of its page: the top page's and every
    chapter page's."""
    cards = [(out, card) for card in read(out / gallery.INDEX).cards]
    for base, page in chapter_pages(out).values():
        cards += [(base, card) for card in page.cards]
    return cards


def outputs(out: Path) -> list[Path]:
    """Every output where the layout puts them, found without the gallery's code."""
    found = [*out.glob("*/*.pdf"), *out.glob("*/*.pptx"),
             *out.glob("chapters/*/*/*.pdf"), *out.glob("chapters/*/*/*.pptx")]
    return sorted(p for p in found if not any(part.startswith(".")
                                              for part in p.relative_to(out).parts))


def thumbnail_times(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns
            for p in (out / gallery.THUMBS).rglob("*.png")}


def small_deck(slides: int) -> bytes:
    from pptx import Presentation

    deck = Presentation()
    for number in range(slides):
        deck.slides.add_slide(deck.slide_layouts[5]).shapes.title.text = f"Slide {number + 1}"
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def fake_slides(data: bytes) -> list[bytes]:
    """Stand-in for a deck renderer: one grey 16:9 picture per slide, larger than needed."""
    count = gallery._slide_count(data)
    pngs = []
    for _ in range(count):
        buffer = io.BytesIO()
        Image.new("RGB", (440, 248), "#888").save(buffer, format="JPEG")
        pngs.append(buffer.getvalue())
    return pngs


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gallery")
    build(BuildOptions(out_dir=out, products=("flyer",), locales=("en", "ar"), papers=("letter",)))
    return out


@pytest.fixture
def out(built_once, tmp_path, monkeypatch) -> Path:
    """A private copy of a small real build (en and ar letter flyers)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    copy = tmp_path / "out"
    shutil.copytree(built_once, copy)
    return copy


def test_the_gallery_links_every_output_with_a_thumbnail_of_each_page(out):
    index = gallery.update(out)
    assert index == out / "index.html" and index.is_file()
    files = outputs(out)
    assert files and {f.relative_to(out).as_posix() for f in files} >= {
        "en/flyer-letter.pdf", "ar/flyer-letter.pdf",
        "chapters/riverside-elementary-pta/en/flyer-letter.pdf"}
    cards = every_card(out)
    assert len(cards) == len(files), "one card per output, on the top page or its chapter's"
    for base, card in cards:
        assert target(base, card["href"]).is_file(), card["href"]
    assert {target(base, c["href"]) for base, c in cards} == set(files)

    for path in files:
        base, card = next((b, c) for b, c in cards if target(b, c["href"]) == path)
        pages = len(PdfReader(path).pages)
        assert card["name"] == path.name
        assert len(card["images"]) == pages, f"{path}: one thumbnail per page"
        assert card["meta"].startswith(f"{pages} page") and card["meta"].endswith(" KB")
        for number, img in enumerate(card["images"], 1):
            assert img["alt"] == f"page {number} of {path.name}"
            assert img["loading"] == "lazy"
            png = target(base, img["src"])
            assert png.parent.is_relative_to(out / gallery.THUMBS)
            with Image.open(png) as picture:
                assert picture.format == "PNG"
                assert 200 <= picture.width <= 240, picture.size
                assert picture.size == (int(img["width"]), int(img["height"]))
                assert picture.height > picture.width, "a portrait page stays portrait"

    text = index.read_text(encoding="utf-8")
    assert "Built <time" in text and "2026-01-01 00:00 UTC" in text, "SOURCE_DATE_EPOCH stamp"
    assert f"{len(files)} files" in text
    for page in [read(index)] + [page for _, page in chapter_pages(out).values()]:
        assert "http:" not in page.text and "https:" not in page.text
        assert 'src="//' not in page.text
        assert page.scripts == 0 and "<link" not in page.text, "self-contained: no script"
        assert gallery.CSS in page.text, "the one style sheet, inline"


def test_locales_have_their_own_section_with_lang_and_direction(out):
    page = read(gallery.update(out))
    main = {s["lang"]: s for s in page.sections if s["chapter"] is None}
    assert main["ar"]["dir"] == "rtl" and main["en"]["dir"] == "ltr"
    assert [c["name"] for c in main["ar"]["cards"]] == ["flyer-letter.pdf"]
    assert list(main) == sorted(main), "locales in a stable order"


def test_each_chapter_has_its_own_page_listed_on_the_top_page(out):
    chapter = out / "chapters" / "lincoln-high" / "en"
    chapter.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out / "en" / "flyer-letter.pdf", chapter / "flyer-letter.pdf")
    top = read(gallery.update(out))
    assert all(s["chapter"] is None for s in top.sections), "no chapter's cards on the top page"
    assert {card["href"] for card in top.cards} == {"en/flyer-letter.pdf", "ar/flyer-letter.pdf"}
    assert top.text.index('id="s1"') < top.text.index('id="chapters"'), "after the main set"
    pages = chapter_pages(out)
    assert sorted(pages) == ["lincoln-high", "riverside-elementary-pta"]
    base, page = pages["lincoln-high"]
    assert '<bdi>lincoln-high</bdi></a> <span class="count">1 file · 1 page</span> ' \
           '<span class="locales"><bdi>en</bdi></span>' in top.text
    (card,) = page.cards
    assert target(base, card["href"]) == chapter / "flyer-letter.pdf"
    (img,) = card["images"]
    assert target(base, img["src"]) == \
        out / gallery.THUMBS / "chapters/lincoln-high/en/flyer-letter.pdf.pages/1.png"
    assert target(base, img["src"]).is_file()
    assert target(base, page.links[0]) == out / gallery.INDEX, "a link back to the top page"
    assert [s["lang"] for s in page.sections] == ["en"] and page.sections[0]["dir"] == "ltr"
    assert "Built <time" not in page.text, "no build time: an unchanged chapter keeps its bytes"
    riverside = read(out / "gallery/chapters/riverside-elementary-pta.html")
    assert [s["lang"] for s in riverside.sections] == ["ar", "en"]
    assert riverside.sections[0]["dir"] == "rtl"

    shutil.rmtree(out / "chapters" / "lincoln-high")
    gallery.update(out)
    assert sorted(chapter_pages(out)) == ["riverside-elementary-pta"]
    assert not (out / "gallery/chapters/lincoln-high.html").exists(), "a gone chapter's page"


def test_merge_draws_the_same_pages_as_the_gallery_of_one_folder(out, tmp_path):
    from outreach.merge import merge

    manifest = json.dumps({rel.relative_to(out).as_posix(): {"inputs": "x"}
                           for rel in outputs(out)})
    halves = [tmp_path / "one", tmp_path / "two"]
    for number, half in enumerate(halves):
        for index, path in enumerate(outputs(out)):
            if index % 2 == number:
                copy = half / path.relative_to(out)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
        (half / ".manifest.json").write_text(manifest)
    merge(halves, tmp_path / "merged")
    gallery.update(out)
    made = sorted(p.relative_to(out) for p in out.glob("gallery/chapters/*.html"))
    assert made and sorted(p.relative_to(tmp_path / "merged") for p in
                           (tmp_path / "merged").glob("gallery/chapters/*.html")) == made
    for rel in [Path(gallery.INDEX), *made]:
        assert (tmp_path / "merged" / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_untrusted_names_are_escaped(out):
    hostile = '<script>alert("x")<script> & #?.pdf'
    shutil.copyfile(out / "en" / "flyer-letter.pdf", out / "en" / hostile)
    index = gallery.update(out)
    text = index.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;script&gt; &amp; #?.pdf" in text
    card = read(index).card(hostile)
    assert target(out, card["href"]) == out / "en" / hostile
    assert all(target(out, img["src"]).is_file() for img in card["images"])


def test_a_second_update_rewrites_no_thumbnail(out):
    index = gallery.update(out)
    before, page = thumbnail_times(out), index.read_bytes()
    assert before
    index_time = index.stat().st_mtime_ns
    gallery.update(out)
    assert thumbnail_times(out) == before and index.read_bytes() == page
    assert index.stat().st_mtime_ns == index_time, "an unchanged page is not rewritten"

    flyer = out / "en" / "flyer-letter.pdf"
    os.utime(flyer, ns=(flyer.stat().st_atime_ns, flyer.stat().st_mtime_ns + 10**9))
    shutil.copyfile(flyer, out / "en" / "copy.pdf")
    shutil.copyfile(out / "en" / "copy.pdf", flyer)  # same bytes, new mtime and inode
    gallery.update(out)
    after = thumbnail_times(out)
    assert {k: v for k, v in after.items() if "copy.pdf" not in k} == before, \
        "same bytes: no thumbnail made again"

    shutil.copyfile(out / "ar" / "flyer-letter.pdf", flyer)  # new bytes
    gallery.update(out)
    changed = {k for k, v in thumbnail_times(out).items() if before.get(k) not in (None, v)}
    assert changed == {".thumbs/en/flyer-letter.pdf.pages/1.png"}


def test_thumbnails_are_deterministic(out):
    data = (out / "ar" / "flyer-letter.pdf").read_bytes()
    first = gallery.pdf_thumbnails(data)
    assert first == gallery.pdf_thumbnails(data) and len(first) == 1
    assert b"tIME" not in first[0] and b"tEXt" not in first[0], "no timestamp metadata"
    assert Image.open(io.BytesIO(first[0])).width == 220
    assert Image.open(io.BytesIO(gallery.pdf_thumbnails(data, width_px=120)[0])).width == 120


def test_removing_an_output_removes_its_thumbnails_and_entry(out):
    gallery.update(out)
    thumbs = out / gallery.THUMBS / "ar" / "flyer-letter.pdf.pages"
    assert (thumbs / "1.png").is_file()
    (out / "ar" / "flyer-letter.pdf").unlink()
    page = read(gallery.update(out))
    assert not thumbs.exists()
    assert out / "ar" / "flyer-letter.pdf" not in {target(out, link) for link in page.links}
    assert "ar" not in {s["lang"] for s in page.sections if s["chapter"] is None}, \
        "a locale left with no output has no section"
    assert all(target(out, img["src"]).is_file() for img in page.images)
    assert (out / gallery.THUMBS / "en" / "flyer-letter.pdf.pages" / "1.png").is_file()


def test_a_deck_without_a_renderer_gets_a_placeholder(out):
    (out / "en" / "deck.pptx").write_bytes(small_deck(3))
    page = read(gallery.update(out, deck_thumbnails=None))
    card = page.card("deck.pptx")
    assert card["placeholder"] and card["images"] == []
    assert card["meta"].startswith("3 slides")
    assert target(out, card["href"]) == out / "en" / "deck.pptx"
    assert "Slides not drawn yet" in page.text and "python build.py gallery draws them" in page.text

    def missing(data: bytes) -> list[bytes]:
        raise ImportError("no slide renderer here")

    page = read(gallery.update(out, deck_thumbnails=missing))
    card = page.card("deck.pptx")
    assert card["placeholder"] and card["images"] == [], "ImportError: placeholder, no crash"
    assert "No slide previews" in page.text and "Slides not drawn yet" not in page.text

    card = read(gallery.update(out, deck_thumbnails=fake_slides)).card("deck.pptx")
    assert len(card["images"]) == 3 and not card["placeholder"], "a renderer appears: made now"
    assert card["images"][1]["alt"] == "slide 2 of deck.pptx"
    with Image.open(target(out, card["images"][0]["src"])) as picture:
        assert picture.format == "PNG" and picture.size == (220, 124), "made to fit the gallery"
    kept = thumbnail_times(out)
    card = read(gallery.update(out, deck_thumbnails=None)).card("deck.pptx")
    assert len(card["images"]) == 3 and thumbnail_times(out) == kept, "kept while unchanged"


def test_a_broken_output_or_renderer_never_stops_the_build(out):
    (out / "en" / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    (out / "en" / "deck.pptx").write_bytes(small_deck(2))

    def crashing(data: bytes) -> list[bytes]:
        raise RuntimeError("renderer fell over")

    page = read(gallery.update(out, deck_thumbnails=crashing))
    broken, deck = page.card("broken.pdf"), page.card("deck.pptx")
    assert broken["placeholder"] and broken["meta"].startswith("? pages")
    assert deck["placeholder"] and "renderer fell over" in page.text
    assert len(page.card("flyer-letter.pdf")["images"]) == 1

    card = read(gallery.update(out, deck_thumbnails=fake_slides)).card("deck.pptx")
    assert card["placeholder"], "a failed preview is not retried while the file is untouched"
    deck = out / "en" / "deck.pptx"
    deck.write_bytes(deck.read_bytes())  # the build writes the same bytes again
    card = read(gallery.update(out, deck_thumbnails=fake_slides)).card("deck.pptx")
    assert len(card["images"]) == 2, "...and is retried when the output is written again"


def test_only_outputs_in_the_layout_are_listed(out):
    flyer = (out / "en" / "flyer-letter.pdf").read_bytes()
    for stray in ("en/.hidden.pdf", "en/.flyer-letter.pdf.x1y2.part", "en/notes.pdf.part",
                  ".previews/en/flyer-letter.pdf", "previews/en/flyer-letter.pdf",
                  "loose.pdf", "en/readme.txt"):
        (out / stray).parent.mkdir(parents=True, exist_ok=True)
        (out / stray).write_bytes(flyer)
    page = read(gallery.update(out))
    assert sorted(target(base, c["href"]) for base, c in every_card(out)) == outputs(out)
    links = page.links + [link for _, chapter in chapter_pages(out).values()
                          for link in chapter.links]
    assert not any("previews" in link or "loose" in link for link in links)


def test_an_empty_output_folder_gets_a_page(tmp_path):
    index = gallery.update(tmp_path / "nothing-yet")
    assert "No outputs yet" in index.read_text(encoding="utf-8")


def test_watch_serves_the_gallery_with_its_status(out):
    from outreach.serve.watch import gallery_page

    gallery.update(out)
    status = {"build": 4, "error": "campaign.yaml:3: YAML syntax <broken>", "warnings": [],
              "problems": [{"file": "campaign.yaml", "line": 3, "column": 0, "field": "",
                            "message": "YAML syntax <broken>"}]}
    text = gallery_page(out, status)
    assert "flyer-letter.pdf" in text and ".thumbs/en/flyer-letter.pdf.pages/1.png" in text
    assert "YAML syntax &lt;broken&gt;" in text and "<code>campaign.yaml:3</code>" in text
    assert 'data-watch-build="4"' in text and '<script src="/static/watch.js" defer>' in text
    status.update(error="", problems=[])
    text = gallery_page(out, status)
    assert "Build 4 is up to date." in text and text.index("Build 4") < text.index("flyer-letter")


def test_the_web_page_is_listed_with_the_page_itself_as_its_preview(tmp_path):
    page = tmp_path / "ar" / "flyer.html"
    page.parent.mkdir()
    page.write_text('<!doctype html><html lang="ar" dir="rtl"><title>t</title><p>نص</p>',
                    encoding="utf-8")
    gallery.update(tmp_path)
    index = (tmp_path / gallery.INDEX).read_text(encoding="utf-8")
    assert '<article class="card web">' in index and "web page" in index
    assert '<iframe src="ar/flyer.html" loading="lazy" tabindex="-1" aria-hidden="true"' in index
    assert not (tmp_path / gallery.THUMBS / "ar" / "flyer.html.pages" / "1.png").exists()


def test_a_deck_only_build_leaves_its_slides_to_the_gallery_command(tmp_path):
    out = tmp_path / "out"
    code = ("import sys; from outreach.cli import main; rc = main(['-q', '--product', 'deck', "
            f"'--locale', 'en', '--no-chapters', '--out', {str(out)!r}]); "
            "print(rc, 'weasyprint' in sys.modules, 'pypdfium2' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.stdout.split()[-3:] == ["0", "False", "False"], result.stdout + result.stderr
    slides = len(Presentation(out / "en" / "deck.pptx").slides)
    page = read(out / gallery.INDEX)
    card = page.card("deck.pptx")
    assert card["placeholder"] and card["meta"].startswith(f"{slides} slides")
    assert "python build.py gallery draws them" in page.text

    result = run_cli("gallery", "--out", str(out))
    assert result.returncode == 0 and f"wrote {out / gallery.INDEX}" in result.stdout, result.stderr
    card = read(out / gallery.INDEX).card("deck.pptx")
    assert len(card["images"]) == slides and not card["placeholder"]
    kept = thumbnail_times(out)
    assert run_cli("-q", "--product", "deck", "--locale", "en", "--no-chapters", "--force",
                   "--out", str(out)).returncode == 0
    card = read(out / gallery.INDEX).card("deck.pptx")
    assert len(card["images"]) == slides and thumbnail_times(out) == kept, "the same deck keeps them"


def test_the_gallery_command_needs_a_built_folder(tmp_path):
    result = run_cli("gallery", "--out", str(tmp_path / "nothing"))
    assert result.returncode == 2 and not (tmp_path / "nothing").exists()
    assert f"{tmp_path / 'nothing'} does not exist; build into it first" in result.stderr


def test_a_deck_built_with_its_slides_pdf_shows_that_pdf_s_pages(tmp_path):
    build(BuildOptions(out_dir=tmp_path, products=("deck", "slides"), locales=("en",),
                       no_chapters=True))
    page = read(tmp_path / gallery.INDEX)
    deck, pdf = page.card("deck.pptx"), page.card("slides.pdf")
    slides = len(Presentation(tmp_path / "en" / "deck.pptx").slides)
    assert len(deck["images"]) == len(pdf["images"]) == slides > 1
    assert deck["images"][0]["alt"] == "slide 1 of deck.pptx"
    for mine, theirs in zip(deck["images"], pdf["images"], strict=True):
        assert target(tmp_path, mine["src"]).read_bytes() == target(tmp_path, theirs["src"]).read_bytes()
        assert (mine["width"], mine["height"]) == (theirs["width"], theirs["height"])


def test_no_gallery_builds_the_outputs_only(tmp_path):
    result = run_cli("--product", "deck", "--locale", "en", "--no-chapters", "--no-gallery",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                  if p.is_file() and p.name not in (".manifest.json", ".outreach.lock")) == [
        "en/deck.pptx"]
