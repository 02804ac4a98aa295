"""Hostile values (#13): non-finite numbers and control characters are located problems.

Nothing of the kind may reach a renderer: each is refused when the content is loaded, with
the file, line, column and field, and the build writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach import BuildOptions, ContentError, build, load_content
from outreach.chapters import load_chapters

from .conftest import edit


def located(path: Path, text: str) -> str:
    """``file:line:col:`` of the only occurrence of ``text`` in a file (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    (line,) = [i for i, row in enumerate(lines, 1) if text in row]
    return f"{path}:{line}:{lines[line - 1].index(text) + 1}:"


def problems(folder: Path) -> list[str]:
    """The problem lines load_content raises for a content folder."""
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(("written", "shown"), [
    ("1e309", "1e309"), ("1.0e+309", "inf"), (".inf", "inf"), ("-.inf", "-inf"), (".nan", "nan"),
])
def test_a_number_that_is_not_finite_is_a_located_problem(content_copy, written, shown):
    campaign = content_copy / "campaign.yaml"
    edit(campaign, "value: 4800000", f"value: {written}")
    assert problems(content_copy) == [
        f"{located(campaign, written)} sections[0].items[0].value: must be a finite number "
        f"(got {shown})"]


def test_a_number_too_large_to_print_is_a_located_problem(content_copy):
    campaign = content_copy / "campaign.yaml"
    edit(campaign, "value: 4800000", "value: 2e15")
    (found,) = problems(content_copy)
    assert found.startswith(f"{located(campaign, '2e15')} sections[0].items[0].value: ")
    assert "less than or equal to 1000000000000000" in found


HEADLINE = "headline: Trafficking often starts with a friend online"


@pytest.mark.parametrize(("escaped", "code"), [
    (r"\x01\x07\e[31m", "U+0001"), (r"bell\a", "U+0007"), (r"\x7f", "U+007F"),
    (r"\x85next line", "U+0085"), (r"\x9b31m", "U+009B"), (r"\r", "U+000D"), (r"\0", "U+0000"),
])
def test_a_control_character_written_as_an_escape_is_a_located_problem(content_copy, escaped, code):
    campaign = content_copy / "campaign.yaml"
    edit(campaign, HEADLINE, f'headline: "Trafficking {escaped} starts"')
    where = located(campaign, '"Trafficking')
    assert problems(content_copy) == [
        f"{where} meta.headline: contains the control character {code}; remove it"]


def test_tabs_and_line_breaks_stay_allowed_in_prose(content_copy):
    edit(content_copy / "campaign.yaml", HEADLINE, r'headline: "Trafficking\toften starts\nonline"')
    assert load_content(content_copy).campaign.meta.headline == "Trafficking\toften starts\nonline"


def test_control_characters_are_found_in_every_content_file(content_copy):
    deck, region = content_copy / "deck.yaml", content_copy / "regions" / "GB.yaml"
    text = deck.read_text(encoding="utf-8")
    notes = next(line for line in text.splitlines() if line.strip().startswith("title: "))
    edit(deck, notes, notes.split("title: ")[0] + r'title: "Red \e[31m alert"')
    edit(region, "name: Emergency services", r'name: "Emergency\x1b services"')
    edit(region, "url: https://www.modernslaveryhelpline.org",
         r'url: "https://www.modernslaveryhelpline.org/a\x07b"')
    found = problems(content_copy)
    assert any(p.startswith(located(deck, '"Red')) and "contains the control character U+001B"
               in p for p in found), found
    assert any(p.startswith(located(region, '"Emergency')) and p.endswith(
        "resources[0].name: contains the control character U+001B; remove it") for p in found), found
    assert any(p.startswith(located(region, '"https://www.modern')) and p.endswith(
        "resources[1].url: contains the control character U+0007; remove it") for p in found), found
    assert len(found) == 3, found


def test_a_url_with_a_control_character_never_reaches_a_renderer(content_copy, tmp_path):
    edit(content_copy / "campaign.yaml", "url: https://report.cybertip.org",
         r'url: "https://report.cybertip.org/a\x07b"')
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(content_dir=content_copy, out_dir=tmp_path / "out", locales=("en",),
                           products=("flyer", "deck"), papers=("a4",), no_chapters=True))
    assert "url: contains the control character U+0007; remove it" in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("mark", ["\u202e", "\u2066", "\u200f", "\u061c"])
def test_a_bidirectional_control_in_a_url_is_refused(content_copy, mark):
    campaign = content_copy / "campaign.yaml"
    edit(campaign, "url: https://report.cybertip.org", f"url: https://report.cybertip.org/{mark}gro")
    assert problems(content_copy) == [
        f"{located(campaign, 'https://report.cybertip.org/')} resources[2].url: contains the "
        f"invisible bidirectional control U+{ord(mark):04X}, which can make an address display "
        "as another one; remove it"]


def test_bidirectional_controls_stay_allowed_in_prose(content_copy):
    edit(content_copy / "campaign.yaml", HEADLINE, "headline: \u202bمرحبا\u202c \u2067ok\u2069")
    assert load_content(content_copy).campaign.meta.headline == "\u202bمرحبا\u202c \u2067ok\u2069"


def test_a_chapter_with_a_control_character_is_reported_once(content_copy):
    path = content_copy / "chapters.yaml"
    path.write_text('chapters:\n  - name: "Alpha\\x07"\n  - name: Beta\n', encoding="utf-8")
    chapters, found = load_chapters(path, content_copy, ["en"])
    assert [c.name for c in chapters] == ["Beta"]
    assert [(p.line, p.column, p.path) for p in found] == [(2, 11, "chapters[0].name")]
    assert found[0].message.startswith("contains the control character U+0007; remove it")


def test_a_chapter_address_with_a_bidirectional_control_is_that_rows_problem(content_copy):
    path = content_copy / "chapters.csv"
    path.write_text("name,contact_name,contact_email,contact_url\n"
                    "Alpha,Desk,a\u202eb@school.org,\n"
                    "Beta,Desk,,https://school.org/\u2066x\n"
                    "Gamma,Desk,desk@school.org,\n", encoding="utf-8")
    chapters, found = load_chapters(path, content_copy, ["en"])
    assert [c.name for c in chapters] == ["Gamma"]
    assert [(p.line, p.path) for p in found] == [(2, "contact_email"), (3, "contact_url")]
    assert all("invisible bidirectional control U+2" in p.message for p in found)


def test_a_region_item_is_checked_the_same_way(content_copy):
    region = content_copy / "regions" / "GB.yaml"
    region.write_text(region.read_text(encoding="utf-8") + (
        "  numbers:\n    add:\n      - id: uk-figure\n        value: 1e309\n        unit: percent\n"
        "        label: a figure\n        source: ilo-2017\n        year: 2020\n"
        '        url: "https://example.org/\\x07"\n'), encoding="utf-8")
    url = located(region, '"https://example.org/')
    assert problems(content_copy) == [
        f"{located(region, '1e309')} sections.numbers.add[0].value: must be a finite number "
        "(got 1e309)",
        f"{url} sections.numbers.add[0].url: contains the "
        "control character U+0007; remove it"]
