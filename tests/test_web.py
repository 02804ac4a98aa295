"""The accessible web page (flyer.html), opened in a real browser: headless Chromium driven
by Playwright, checked by axe-core, at a 360 px phone and a 1280 px desktop, in en and ar.

Chromium is Debian's (setup.sh --test installs it); Playwright never downloads its own.
Without it the browser tests skip locally and fail in CI. The en-XA check and the
self-containment check read the HTML itself and always run.
"""

from __future__ import annotations

import importlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from outreach import BuildOptions, build
from outreach.content import load_content
from outreach.localize import localize

from .conftest import CONTENT, IN_CI, ROOT, edit, need_tool
from .test_campaigns import _english_label_words

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}
LOCALES = ("en", "ar")


def _need(module: str):
    """Import a test extra; skip locally, fail in CI, when it is absent."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if IN_CI:
            pytest.fail(f"{module} is required in CI; pip install -e '.[test]'")
        pytest.skip(f"{module} is not installed")


def _axe():
    return _need("axe_playwright_python.sync_playwright").Axe()


@pytest.fixture(scope="module")
def web_built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("web")
    report = build(BuildOptions(out_dir=out, locales=(*LOCALES, "en-XA"), products=("web",),
                                no_chapters=True))
    assert not report.failures
    return out


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, closed when the module's tests are done."""
    path = need_tool("chromium")
    driver = _need("playwright.sync_api").sync_playwright().start()
    try:
        chromium = driver.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        driver.stop()


def _open(browser, file: Path, size: str):
    """Open the page from file://, abort any other request and record it."""
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.left_file = []

    def route(request_route):
        url = request_route.request.url
        if url == file.as_uri():
            request_route.continue_()
        else:
            page.left_file.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(file.as_uri())
    return page


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("locale", LOCALES)
def test_page_passes_axe_and_fits_the_screen(web_built, browser, tmp_path, locale, size):
    page = _open(browser, web_built / locale / "flyer.html", size)
    try:
        page.screenshot(path=str(tmp_path / f"web-{locale}-{size}.png"), full_page=True)
        results = _axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        assert page.left_file == []
        width = SIZES[size][0]
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        small = page.eval_on_selector_all(
            "a.way", "links => links.map(a => a.getBoundingClientRect())"
                     ".filter(r => r.height < 44 || r.width < 44).length")
        assert small == 0
    finally:
        page.close()


def test_axe_is_bundled_and_offline():
    bundled = Path(_need("axe_playwright_python").__file__).parent / "axe.min.js"
    script = _axe().axe_script
    assert script == bundled.read_text(encoding="utf-8")
    assert len(script) > 100_000 and "axe.version" in script  # axe-core itself, not a loader


@pytest.mark.parametrize("locale,direction", [("en", "ltr"), ("ar", "rtl")])
def test_language_direction_and_skip_link(web_built, browser, locale, direction):
    page = _open(browser, web_built / locale / "flyer.html", "phone")
    try:
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") \
            == [locale, direction]
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") \
            == direction
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.tagName") == "MAIN"
        page.click(".to-help a")  # on a phone the help comes last: one tap goes there
        assert page.evaluate("document.activeElement.id") == "help"
        assert page.evaluate("document.querySelectorAll('h1').length") == 1
    finally:
        page.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_way_to_reach_help_is_a_link(web_built, browser, locale):
    edition = localize(load_content(CONTENT), locale)
    page = _open(browser, web_built / locale / "flyer.html", "desktop")
    try:
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        texts = page.eval_on_selector_all("a.way", "links => links.map(a => a.innerText)")
        ways = [way for r in edition.resources for way in edition.ways(r)]
        assert {"tel:", "sms:"} <= {link[:4] for _, _, link in ways}
        for verb, shown, link in ways:
            assert link in hrefs or link + "/" in hrefs, link
            assert any(verb in text and shown in text for text in texts), (verb, shown)
        assert page.get_attribute(".qr a", "href") == edition.primary.url
    finally:
        page.close()


def test_print_stylesheet_hides_the_skip_link_and_buttons(web_built, browser):
    page = _open(browser, web_built / "en" / "flyer.html", "desktop")
    try:
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.skip')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('a.way')).backgroundColor") \
            == "rgba(0, 0, 0, 0)"
    finally:
        page.close()


class _Reader(HTMLParser):
    """Collect what a reader sees or hears, and every URL the page would fetch (data: URIs
    are inside the file)."""

    def __init__(self):
        super().__init__()
        self.texts, self.loads, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("style", "script"):
            self._hidden += 1
        self.texts += [v for k, v in attrs if k in ("alt", "title", "aria-label") and v]
        if tag in ("img", "script", "link", "iframe", "source", "video", "audio", "object"):
            self.loads += [url for k in ("src", "href", "data")
                           if (url := values.get(k)) and not url.startswith("data:")]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


def _read(path: Path) -> _Reader:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def test_pseudo_locale_page_holds_no_words_from_the_code(web_built):
    english = _english_label_words()
    assert {"Skip", "main", "content"} <= english
    reader = _read(web_built / "en-XA" / "flyer.html")
    found = [w for text in reader.texts for w in re.findall(r"[A-Za-z]{4,}", text)
             if w in english]
    assert found == []
    assert any("Šķîþ" in text for text in reader.texts)  # the skip link, pseudo-translated


@pytest.mark.parametrize("locale", LOCALES)
def test_page_is_one_small_self_contained_file(web_built, locale):
    path = web_built / locale / "flyer.html"
    source = path.read_text(encoding="utf-8")
    assert _read(path).loads == []
    assert "url(http" not in source and "@import" not in source
    assert source.count("data:font/woff2;base64,") >= 2  # regular and bold, embedded
    assert "<svg" in source  # the QR code, inline
    assert path.stat().st_size < 300_000


def test_embedded_fonts_do_not_carry_the_build_time(monkeypatch):
    """The same text gets the same font bytes whenever it is built: fontTools stamps a
    saved font with the time (or SOURCE_DATE_EPOCH) unless told to keep the font's own."""
    from outreach.render import webfonts

    made = []
    for epoch in ("1700000000", "1800000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        webfonts._subset.cache_clear()
        made.append(webfonts.font_face_css("en", "Where to get help: 911"))
    webfonts._subset.cache_clear()
    assert "data:font/woff2;base64," in made[0]
    assert made[0] == made[1]


def test_chapter_page_links_its_local_contact_and_passes_axe(tmp_path, browser):
    report = build(BuildOptions(out_dir=tmp_path, locales=("en",), products=("web",)))
    assert not report.failures
    path = tmp_path / "chapters" / "riverside-elementary-pta" / "en" / "flyer.html"
    page = _open(browser, path, "phone")
    try:
        contact = page.eval_on_selector_all(".contact a", "links => links.map(a => a.href)")
        assert contact == ["tel:5550104477", "mailto:counselor@riverside.example.org"]
        assert "Keeping kids safe online: a parent night" in page.inner_text(".event")
        page.screenshot(path=str(tmp_path / "web-chapter-phone.png"), full_page=True)
        results = _axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        assert page.left_file == []
    finally:
        page.close()


def test_a_web_template_change_rebuilds_only_the_web_page(tmp_path):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    options = BuildOptions(templates_dir=templates, out_dir=tmp_path / "out", locales=("en",),
                           products=("flyer", "web"), papers=("letter",), no_chapters=True)
    assert len(build(options).outputs) == 2
    edit(templates / "web" / "flyer.css", "--tint: #F4F1EA;", "--tint: #F5F2EB;")
    rebuilt = build(options).outputs
    assert [b.path.relative_to(tmp_path / "out").as_posix() for b in rebuilt] == ["en/flyer.html"]
    assert "#F5F2EB" in (tmp_path / "out" / "en" / "flyer.html").read_text(encoding="utf-8")


def test_a_web_palette_that_fails_aa_stops_the_build(tmp_path):
    import shutil

    from outreach.errors import TemplateError

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    edit(templates / "web" / "flyer.css", "--alert: #A3271B;", "--alert: #E06050;")
    with pytest.raises(TemplateError) as caught:
        build(BuildOptions(templates_dir=templates, out_dir=tmp_path / "out", locales=("en",),
                           products=("web",), no_chapters=True))
    assert "paper #FFFFFF on alert #E06050 (the emergency number's button) has contrast " \
           "3.52:1; WCAG AA needs 4.5:1" in str(caught.value)
    assert not (tmp_path / "out" / "en" / "flyer.html").exists()


def test_a_logo_is_inside_the_page(content_copy, tmp_path):
    from .test_images import png, use_logo

    use_logo(content_copy, "logo.png", png())
    report = build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",),
                                products=("web",), no_chapters=True))
    assert not report.failures
    source = (tmp_path / "en" / "flyer.html").read_text(encoding="utf-8")
    assert '<img class="logo" src="data:image/png;base64,' in source
    assert 'alt="Outreach Parent Safety Project"' in source
    assert _read(tmp_path / "en" / "flyer.html").loads == []
