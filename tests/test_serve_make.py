"""Make on the print desk: the form's checks, the logo's, the render pool's limits, the cache.

One Spanish flyer is rendered for real (and once more with a logo); everything else is
refused before a render, answered from the cache, or a stand-in render that sleeps.
"""

from __future__ import annotations

import io
import os
import re
import struct
import time
import zlib

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from starlette.testclient import TestClient

from outreach.serve import ServeConfig, create_app
from outreach.serve import make as make_module
from outreach.serve.cache import Cache, key_of
from outreach.serve.make import LOGO_BYTES, LOGO_PIXELS, clean_logo

from .conftest import alive

SCHOOL = {
    "campaign": "0", "locale": "es", "product": "flyer", "paper": "", "mode": "standard",
    "name": "Escuela Primaria Riverside", "contact_name": "Dana Rivera, consejera",
    "contact_phone": "(555) 010-4477", "contact_email": "consejera@riverside.example.org",
    "event_title": "Noche de padres", "event_date": "2027-03-11", "event_start": "18:30",
    "event_place": "Biblioteca de la escuela",
}
"""A school's order, as the form sends it."""


def _png(width: int, height: int, **info) -> bytes:
    buffer = io.BytesIO()
    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    Image.new("RGB", (width, height), (11, 93, 102)).save(buffer, "PNG", pnginfo=meta)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    config = ServeConfig(out_dir=folder / "out", cache_dir=folder / "cache")
    with TestClient(create_app(config)) as client:
        yield client


LOGO = None
"""The school's logo: wide, with metadata a re-encoding must drop (made on first use)."""


def _logo() -> bytes:
    global LOGO
    LOGO = LOGO or _png(2400, 600, Author="Someone at home", Comment="GPS 40.7,-74.0")
    return LOGO


def _order(desk, **changes):
    """Post the school's order, with its logo, as the browser sends it."""
    return desk.post("/make", data={**SCHOOL, **changes},
                     files={"logo": ("logo.png", _logo(), "image/png")}, follow_redirects=False)


@pytest.fixture(scope="module")
def flyer(desk):
    """The Spanish flyer's preview page, made once (the one real render of this module)."""
    response = _order(desk)
    assert response.status_code == 303, response.text
    preview = desk.get(response.headers["location"])
    assert preview.status_code == 200
    return preview


def _pool(client):
    return client.app.state.desk.services["renders"]


def _links(html: str) -> dict[str, str]:
    return {m[1].rsplit("/", 1)[1]: m[1] for m in re.finditer(r'href="(/make/[0-9a-f]{64}/[^"]+)"', html)}


def test_a_spanish_flyer_for_a_school_has_its_contact(desk, flyer):
    assert 'lang="es"' in flyer.text and "Your handout is ready" in flyer.text
    links = _links(flyer.text)
    pdf = desk.get(links["flyer-letter.pdf"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    page = PdfReader(io.BytesIO(pdf.content)).pages[0]
    text = page.extract_text()
    for typed in ("Dana Rivera", "(555) 010-4477", "Noche de padres", "Biblioteca"):
        assert typed in text
    assert any(image.image.size == (1200, 300) for image in page.images)  # the logo, scaled
    assert "set.zip" in links
    page = re.search(r'<img src="(/make/[0-9a-f]{64}/page-1\.png)"[^>]* alt="([^"]+)"', flyer.text)
    assert page and page[2].startswith("La trata")  # the flyer's own headline, in Spanish
    image = desk.get(page[1])
    assert image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).width == make_module.PREVIEW_WIDTH


def test_the_same_order_again_comes_from_the_cache(desk, flyer):
    before = _pool(desk).last_pid
    again = _order(desk)
    assert again.status_code == 303
    assert again.headers["location"] == flyer.url.path
    assert _pool(desk).last_pid == before  # no render started
    other = _order(desk, contact_name="")
    assert other.status_code == 400  # a phone without a person: the chapter's own check
    assert "required when a contact is given" in other.text


def test_a_bad_phone_is_shown_beside_its_field(desk):
    before = _pool(desk).last_pid
    response = desk.post("/make", data={**SCHOOL, "contact_phone": "call the office"})
    assert response.status_code == 400
    html = response.text
    assert _pool(desk).last_pid == before
    summary = re.search(r'<div class="errors" id="error-summary" role="alert"[^>]*>(.*?)</div>',
                        html, re.S)
    assert summary and 'href="#f-contact_phone"' in summary[1]
    field = re.search(r'<div class="field invalid">\s*<label for="f-contact_phone">Phone</label>'
                      r'(.*?)</div>', html, re.S)
    assert field, "the phone's field is not marked"
    assert 'id="f-contact_phone-error"' in field[1] and "write a phone number as dialled" in field[1]
    assert re.search(r'<input type="tel" id="f-contact_phone"[^>]*aria-describedby="[^"]*'
                     r'f-contact_phone-error"[^>]*aria-invalid="true"', field[1])
    assert 'value="call the office"' in field[1]  # what was typed stays to be corrected
    assert html.count('class="field invalid"') == 1


def test_every_field_has_a_label(desk):
    html = desk.get("/make").text
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    assert len(ids) > 15
    for ident in ids:
        assert f'<label for="{ident}">' in html, ident
    assert 'lang="es"' in html  # the language names in their own language


def _upload(desk, data: bytes, name: str, kind: str):
    return desk.post("/make", data=SCHOOL, files={"logo": (name, data, kind)})


@pytest.mark.parametrize("name,data,kind,words", [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "image/svg+xml", "SVG logos are not accepted"),
    ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     "image/png", "SVG logos are not accepted"),  # named and sent as a PNG
    ("logo.png", b"GIF89a" + b"\0" * 100, "image/png", "not a PNG or JPEG"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (LOGO_BYTES + 1), "image/png", "the limit is 2 MB"),
])
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(desk, name, data, kind, words):
    before = _pool(desk).last_pid
    response = _upload(desk, data, name, kind)
    assert response.status_code == 400
    assert re.search(r'id="f-logo-error">.*' + re.escape(words), response.text)
    assert _pool(desk).last_pid == before


def test_a_decompression_bomb_is_refused_unopened():
    side = int(LOGO_PIXELS ** 0.5) + 200
    bomb = _png(side, side)  # a few KB of one colour, far too many pixels
    assert len(bomb) < 200_000
    logo, problem = clean_logo(None, bomb)
    assert logo is None and "megapixels" in problem
    small = _png(1, 1)
    header = b"IHDR" + struct.pack(">II", 65536, 65536) + small[24:29]
    huge = small[:12] + header + struct.pack(">I", zlib.crc32(header)) + small[33:]
    logo, problem = clean_logo(None, huge)  # a header claiming 65536x65536
    assert logo is None and "megapixels" in problem


def test_a_png_logo_is_reencoded_without_its_metadata(desk, flyer):
    assert b"Someone at home" in _logo()
    logo, problem = clean_logo(None, _logo())
    assert problem is None and logo.startswith(b"\x89PNG")
    assert b"Someone at home" not in logo and b"GPS" not in logo
    assert Image.open(io.BytesIO(logo)).size == (1200, 300)  # scaled to LOGO_SIDE
    key = flyer.url.path.rsplit("/", 1)[1]
    stored = desk.get(f"/make/{key}/logo.png")  # kept with the order, for its whole set
    assert stored.content == logo
    pool = _pool(desk)
    slots = [pool.claim() for _ in range(pool.slots)]  # so a render is refused, not made
    try:
        without = desk.post("/make", data=SCHOOL, follow_redirects=False)
    finally:
        for slot in slots:
            slot.release()
    assert without.status_code == 503  # not in the cache: the logo is part of the order's key


def _sleeps(*args, **kwargs):
    time.sleep(60)


def test_a_render_past_its_time_is_killed_and_answered_504(tmp_path, monkeypatch):
    monkeypatch.setattr(make_module, "render_order", _sleeps)
    config = ServeConfig(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache",
                         render_seconds=0.5)
    with TestClient(create_app(config)) as client:
        response = client.post("/make", data=SCHOOL)
        assert response.status_code == 504
        assert "took longer than 0.5 seconds" in response.text and 'role="alert"' in response.text
        pid = _pool(client).last_pid
        assert pid is not None and not alive(pid)
        assert _pool(client).running() == []
        assert not any((tmp_path / "cache").glob("*/entry.json"))  # nothing was cached
        assert list((tmp_path / "cache").iterdir()) == []  # nor its scratch folder left


def test_when_every_slot_is_taken_the_answer_is_503_at_once(tmp_path):
    config = ServeConfig(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", renders=1)
    with TestClient(create_app(config)) as client:
        slot = _pool(client).claim()
        try:
            response = client.post("/make", data=SCHOOL)
        finally:
            slot.release()
        assert response.status_code == 503
        assert response.headers["retry-after"].isdigit()
        assert _pool(client).last_pid is None  # refused before any process started


def test_a_broken_campaign_is_a_clear_page(tmp_path, content_copy):
    (content_copy / "campaign.yaml").write_text("meta: [unclosed\n", encoding="utf-8")
    config = ServeConfig(campaigns=(content_copy,), out_dir=tmp_path / "out",
                         cache_dir=tmp_path / "cache")
    with TestClient(create_app(config)) as client:
        for response in (client.get("/make"), client.post("/make", data=SCHOOL)):
            assert response.status_code == 500
            assert "This campaign cannot be used now" in response.text
            assert "campaign.yaml" in response.text  # the located problem, for its keeper


@pytest.mark.parametrize("path", [
    "/make/..%2F..%2Fetc%2Fpasswd", "/make/{key}/..%2Fentry.json", "/make/{key}/entry.json",
    "/make/{upper}/flyer-letter.pdf", "/make/{key}x/flyer-letter.pdf", "/make/{key}/.hidden",
    "/make/" + "0" * 64 + "/flyer-letter.pdf", "/make/%2e%2e/%2e%2e/set.zip",
])
def test_a_download_names_only_a_file_of_a_cache_entry(desk, flyer, path):
    key = flyer.url.path.rsplit("/", 1)[1]
    response = desk.get(path.format(key=key, upper=key.upper()))
    assert response.status_code == 404


def test_the_cache_keeps_the_recently_used_within_its_size(tmp_path):
    cache = Cache(tmp_path, max_bytes=2500)
    first, second, third = (key_of(name) for name in ("first", "second", "third"))
    cache.put(first, {"flyer.pdf": b"1" * 1000})
    cache.put(second, {"flyer.pdf": b"2" * 1000})
    os.utime(tmp_path / first, (1, 1))
    os.utime(tmp_path / second, (2, 2))
    assert cache.get(first) is not None  # reading marks it used: now the newest
    cache.put(third, {"flyer.pdf": b"3" * 1000})
    assert cache.get(second) is None and cache.get(first) and cache.get(third)
    assert cache.size() <= 2500
    assert cache.file(third, "flyer.pdf").read_bytes() == b"3" * 1000
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no .part left
    with pytest.raises(ValueError):
        cache.put("../escape", {"flyer.pdf": b""})
    with pytest.raises(ValueError):
        cache.put(key_of("x"), {"../flyer.pdf": b""})
