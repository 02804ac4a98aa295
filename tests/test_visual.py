"""Visual regression: page one of each product against tests/visual/ (see visual_refs.py)."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from .visual_refs import (
    PAGES,
    TOLERANCE,
    difference,
    first_page,
    reference_path,
    within_tolerance,
)


@pytest.mark.parametrize(("locale", "name"), PAGES, ids=[f"{l}-{n}" for l, n in PAGES])
def test_first_page_matches_its_reference(built, tmp_path, locale, name):
    reference = reference_path(locale, name)
    assert reference.is_file(), (f"no reference image {reference.name}; create it with "
                                 "'python -m tests.visual_refs --update'")
    actual = first_page(built / locale / name)
    measured = difference(actual, Image.open(reference).convert("L"))
    if not within_tolerance(measured):
        actual.save(tmp_path / reference.name)
        pytest.fail(f"{locale}/{name} looks different from {reference.name}: {measured} "
                    f"(tolerance {TOLERANCE}); new rendering at {tmp_path / reference.name}. "
                    "If the change is deliberate, look at it, then run "
                    "'python -m tests.visual_refs --update'")


def test_the_comparison_catches_a_moved_block():
    """The tolerance lets antialiasing through but not a layout change."""
    page = Image.new("L", (300, 400), 255)
    draw = ImageDraw.Draw(page)
    for y in range(40, 360, 14):
        draw.rectangle((30, y, 270, y + 6), fill=40)  # lines of "text"
    assert within_tolerance(difference(page, page.copy()))
    shifted = Image.new("L", page.size, 255)
    shifted.paste(page.crop((0, 0, 300, 380)), (0, 20))  # everything moved down 20 px
    assert not within_tolerance(difference(shifted, page))
    resized = page.resize((300, 401))
    assert not within_tolerance(difference(resized, page))
