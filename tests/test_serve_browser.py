"""Make in a real browser: Debian's Chromium, driven by Playwright, against a real desk.

A school in Spanish fills the form, sees the preview and downloads its flyer, which has its
contact; a bad phone number is shown beside its field and announced; axe-core finds no
violations on the home page, the form, the form with errors, and the preview.

With OUTREACH_SCREENSHOTS=<folder> set, the form and the preview are saved there as
desk-make.png and desk-preview.png (the README's pictures: docs/images/).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from .desk_server import desk_server, shoot as _shoot
from .test_serve_make import SCHOOL
from .test_web import _axe, browser  # noqa: F401 - the module's Chromium fixture

@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    with desk_server(tmp_path_factory.mktemp("desk"), render_seconds=120) as server:
        yield server


@pytest.fixture
def page(browser):  # noqa: F811 - the fixture imported above
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield page
    page.close()


def _no_violations(page) -> None:
    results = _axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _fill(page, values: dict) -> None:
    """Fill the form as a person would: each field found by its label."""
    page.get_by_label("Language").select_option(values["locale"])
    page.get_by_label("What to make").select_option(values["product"])
    labels = {"name": "School or group name", "contact_name": "Contact person",
              "contact_phone": "Phone", "contact_email": "Email", "event_title": "Event title",
              "event_date": "Date", "event_start": "Starts at", "event_place": "Place"}
    for name, label in labels.items():
        page.get_by_label(label).fill(values[name])


def _submit_by_keyboard(page) -> None:
    page.get_by_role("button", name="See the pages").focus()
    page.keyboard.press("Enter")


def test_home_page_passes_axe_and_starts_with_the_skip_link(desk, page):
    page.goto(desk.url)
    _no_violations(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"


def test_a_school_makes_its_spanish_flyer(desk, page):
    page.goto(desk.url + "make")
    _no_violations(page)
    _fill(page, SCHOOL)
    _shoot(page, "desk-make.png")
    _submit_by_keyboard(page)
    page.wait_for_url(re.compile(r"/make/[0-9a-f]{64}$"), timeout=150_000)
    assert page.get_by_role("heading", level=1).inner_text() == "Your handout is ready"
    preview = page.locator("ol.pages img").first
    assert preview.get_attribute("lang") == "es"
    assert preview.evaluate("img => img.complete && img.naturalWidth") > 0
    _no_violations(page)
    _shoot(page, "desk-preview.png")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download flyer-letter\.pdf")).click()
    text = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages[0].extract_text()
    assert "Dana Rivera" in text and "(555) 010-4477" in text


def test_a_bad_phone_is_announced_beside_its_field(desk, page):
    page.goto(desk.url + "make")
    _fill(page, {**SCHOOL, "contact_phone": "call the office"})
    _submit_by_keyboard(page)
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"  # read out first
    assert page.get_attribute("#error-summary", "role") == "alert"
    phone = page.get_by_label("Phone")
    assert phone.get_attribute("aria-invalid") == "true"
    assert "call the office" == phone.input_value()
    described = phone.get_attribute("aria-describedby").split()
    errors = [page.locator(f"#{ident}").inner_text() for ident in described]
    assert any("phone number as dialled" in text for text in errors)
    box = page.locator("#f-contact_phone-error").bounding_box()
    field = phone.bounding_box()
    assert 0 <= field["y"] - (box["y"] + box["height"]) < 40  # right above the field
    page.locator("#error-summary a").first.click()  # the summary's link goes to the field
    assert page.evaluate("document.activeElement.id") == "f-contact_phone"
    _no_violations(page)
