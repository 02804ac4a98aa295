"""The desk's translate section: status, strings, the page beside its strings, the PO file
down and up (checked line by line before it replaces the catalog), in process and in
Chromium."""

from __future__ import annotations

import re
import shutil
import socket
import threading
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from outreach import i18n, load_content
from outreach.serve import ServeConfig, create_app
from outreach.serve.translate import PO_BYTES

from .conftest import CONTENT, edit
from .desk_server import shoot
from .test_web import _axe, browser  # noqa: F401 (browser is a fixture)

HEADLINE = 'msgstr "La trata suele empezar con un amigo en línea"'
ONE_IN = 'msgstr "1 de cada {n}"'


def _line(text: str, wanted: str) -> int:
    return text.split("\n").index(wanted) + 1


def _client(folder: Path, tmp_path: Path, **settings) -> TestClient:
    config = ServeConfig(campaigns=(folder,), out_dir=tmp_path / "out",
                         cache_dir=tmp_path / "cache", **settings)
    return TestClient(create_app(config))


def _upload(client: TestClient, data: bytes, name: str = "es.po", **headers):
    return client.post("/translate/content/es/po", files={"po": (name, data, "text/plain")},
                       headers=headers, follow_redirects=False)


@pytest.fixture
def es(content_copy) -> Path:
    """The content copy's Spanish catalog, with one text untranslated and one fuzzy."""
    po = content_copy / "locales" / "es.po"
    edit(po, HEADLINE, 'msgstr ""')
    edit(po, 'msgctxt "meta.audience"', '#, fuzzy\nmsgctxt "meta.audience"')
    return po


def test_the_status_table_has_the_numbers_of_i18n_status(es, tmp_path):
    with _client(es.parent.parent, tmp_path) as client:
        page = client.get("/translate")
    assert page.status_code == 200
    statuses = i18n.status(load_content(es.parent.parent))
    assert {s.locale for s in statuses} == set(re.findall(r'<tr data-locale="([^"]+)"', page.text))
    for status in statuses:
        row = page.text.split(f'<tr data-locale="{status.locale}">')[1].split("</tr>")[0]
        counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', row))
        assert counts == {"translated": str(status.translated), "fuzzy": str(status.fuzzy),
                          "untranslated": str(status.untranslated)}, status.locale
        assert "draft" in row
    (spanish,) = [s for s in statuses if s.locale == "es"]
    assert spanish.fuzzy == 1 and spanish.untranslated == 1


def test_the_po_file_downloads_as_it_is_on_disk(es, tmp_path):
    with _client(es.parent.parent, tmp_path) as client:
        download = client.get("/translate/content/es/po")
    assert download.status_code == 200
    assert download.content == es.read_bytes()
    assert download.headers["content-disposition"] == 'attachment; filename="es.po"'


def test_a_broken_placeholder_is_refused_at_its_line_and_nothing_is_written(es, tmp_path):
    before = es.read_bytes()
    text = before.decode().replace(ONE_IN, 'msgstr "1 de cada"')
    line = _line(before.decode(), ONE_IN)
    with _client(es.parent.parent, tmp_path) as client:
        refused = _upload(client, text.encode())
        extra = _upload(client, before.decode().replace(ONE_IN, 'msgstr "{n} de cada {n}"')
                        .encode())
    assert refused.status_code == 422
    said = unescape(refused.text)
    assert f"Line {line} (labels.one_in): msgstr: {{n}} is missing" in said
    assert 'role="alert"' in refused.text and "es.po was not saved: 1 problem" in said
    assert extra.status_code == 422
    assert f"Line {line} (labels.one_in): msgstr: {{n}} appears twice" in unescape(extra.text)
    assert es.read_bytes() == before


def test_syntax_and_unknown_entries_are_refused_with_their_lines(es, tmp_path):
    before = es.read_bytes().decode()
    unquoted = before.replace(ONE_IN, ONE_IN[:-1])
    unknown = before + '\nmsgctxt "no.such.text"\nmsgid "Hello"\nmsgstr "Hola"\n'
    with _client(es.parent.parent, tmp_path) as client:
        syntax = unescape(_upload(client, unquoted.encode()).text)
        stranger = unescape(_upload(client, unknown.encode()).text)
        french = unescape(_upload(client, (CONTENT / "locales" / "fr.po").read_bytes()).text)
    assert f"Line {_line(before, ONE_IN)} (labels.one_in): the string has no closing quote" in syntax
    hello = _line(unknown, 'msgid "Hello"')
    assert f"Line {hello} (no.such.text): this entry is not in " \
           "the template" in stranger
    assert "the header says Language: fr, but this is the es catalog" in french
    assert es.read_bytes().decode() == before


def test_a_good_upload_replaces_the_catalog(es, tmp_path):
    text = es.read_text(encoding="utf-8").replace(
        'msgctxt "meta.headline"\nmsgid "Trafficking often starts with a friend online"\n'
        'msgstr ""', 'msgctxt "meta.headline"\nmsgid "Trafficking often starts with a friend '
        'online"\nmsgstr "La trata empieza a menudo con un amigo en línea"')
    with _client(es.parent.parent, tmp_path) as client:
        accepted = _upload(client, text.encode())
        assert accepted.status_code == 303
        assert accepted.headers["location"] == "/translate/content/es?saved=1"
        shown = client.get(accepted.headers["location"])
    assert es.read_bytes() == text.encode()
    assert i18n.translation(load_content(es.parent.parent), "es").strings["meta.headline"] == \
        "La trata empieza a menudo con un amigo en línea"
    assert 'role="status"' in shown.text and "La trata empieza a menudo" in shown.text


def test_markup_in_a_translation_is_shown_as_text(es, tmp_path):
    edit(es, ONE_IN, 'msgstr "<script>alert(1)</script><b>{n}</b>"')
    with _client(es.parent.parent, tmp_path) as client:
        page = client.get("/translate/content/es")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;{n}&lt;/b&gt;" in page.text


def test_an_oversized_upload_is_413_and_another_site_cannot_post(es, tmp_path):
    before = es.read_bytes()
    with _client(es.parent.parent, tmp_path) as client:
        big = _upload(client, before + b"#" * PO_BYTES)
        assert big.status_code == 413 and "is over" in big.text
        foreign = _upload(client, before, origin="http://evil.example")
        assert foreign.status_code == 403
        assert _upload(client, before, **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert es.read_bytes() == before


# --- in Chromium, against a real desk on 127.0.0.1 -----------------------------------------

@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A real desk (uvicorn in a thread, 127.0.0.1, a free port) over a copy of the content;
    stopped when the module's tests are done."""
    import uvicorn

    root = tmp_path_factory.mktemp("desk")
    folder = root / "content"
    shutil.copytree(CONTENT, folder)
    app = create_app(ServeConfig(campaigns=(folder,), out_dir=root / "out",
                                 cache_dir=root / "cache"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):  # bounded: until uvicorn says it is serving
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.02)
        assert server.started, "the desk did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", folder
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
    assert not thread.is_alive()


def _page(browser, url: str):  # noqa: F811 (browser is the fixture)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    return page


@pytest.mark.parametrize("path", ["/translate", "/translate/content/es",
                                  "/translate/content/es/page?product=flyer"])
def test_the_translate_pages_pass_axe(desk, browser, path):  # noqa: F811
    page = _page(browser, desk[0] + path)
    try:
        results = _axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        page.close()


def test_a_broken_upload_through_the_form_announces_its_line(desk, browser):  # noqa: F811
    base, folder = desk
    po = folder / "locales" / "es.po"
    before = po.read_bytes()
    broken = before.decode().replace(ONE_IN, 'msgstr "1 de cada"').encode()
    page = _page(browser, base + "/translate/content/es")
    try:
        page.set_input_files("#po", files=[{"name": "es.po", "mimeType": "text/plain",
                                            "buffer": broken}])
        page.get_by_role("button", name="Check and upload").click()
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert f"Line {_line(before.decode(), ONE_IN)} (labels.one_in): msgstr: {{n}} is " \
               "missing" in alert.inner_text()
        assert page.get_attribute("#po", "aria-invalid") == "true"
        shoot(page, "desk-translate-upload.png", height=1250)
    finally:
        page.close()
    assert po.read_bytes() == before


def test_the_page_view_shows_the_page_and_the_strings_on_it(desk, browser):  # noqa: F811
    page = _page(browser, desk[0] + "/translate/content/es/page?product=flyer")
    try:
        image = page.locator(".sheet img")
        assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) \
            == 1000
        listed = page.locator(".placed li")
        ids = listed.locator("code").all_inner_texts()
        assert "meta.headline" in ids and "labels.local_contact" in ids
        assert "deck.slides.cover.notes" not in ids, "speaker notes are not on the flyer"
        number = ids.index("meta.headline") + 1
        item = page.locator(f"#str-{number}")
        assert "La trata suele empezar con un amigo en línea" in item.inner_text()
        item.get_by_role("link").click()
        spot = page.locator(f"#box-{number}")
        assert spot.evaluate("g => g.matches(':target')")
        box, sheet = spot.bounding_box(), image.bounding_box()
        assert box["width"] > 0.3 * sheet["width"], "the headline spans the page"
        assert box["y"] < sheet["y"] + 0.3 * sheet["height"], "it is near the top"
        shoot(page, "desk-translate-page.png", height=1300)
    finally:
        page.close()
