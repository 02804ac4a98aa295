"""Load and validate stage: every mistake a maintainer can make is located and explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach import ContentError, load_content
from outreach.schema import SCHEMAS, schema_text
from outreach.yamlsafe import read_yaml

from .conftest import CONTENT, edit


def problems(folder: Path) -> list[str]:
    """Return the problem lines raised for a content folder."""
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return [str(p) for p in caught.value.problems]


def of_kind(campaign, kind: str) -> list:
    """Every item of the campaign's sections of one kind, in order."""
    return [item for s in campaign.sections if s.kind == kind for item in s.items]


def test_real_content_loads_with_all_required_parts():
    content = load_content(CONTENT)
    c = content.campaign
    kinds = {s.kind for s in c.sections}
    assert {"statistics", "steps", "list", "myths", "quote", "resources", "call_to_action"} <= kinds
    statistics = of_kind(c, "statistics")
    assert len(statistics) >= 4
    assert all(s.source and s.year and s.url for s in statistics)
    names = {r.name for r in c.resources}
    assert {"National Human Trafficking Hotline", "NCMEC CyberTipline"} <= names
    assert any(r.emergency and r.phone == "911" for r in c.resources)
    quotes = of_kind(c, "quote")
    assert quotes and all(q.speaker and q.source for q in quotes)
    assert 14 <= len(content.deck.slides) <= 22


def test_missing_field_names_file_line_column_and_path(content_copy):
    edit(content_copy / "campaign.yaml", "      source: ilo-2017\n      year: 2016\n",
         "      year: 2016\n")
    found = problems(content_copy)
    assert len(found) == 1
    file, line, col, rest = found[0].split(":", 3)
    assert file.endswith("campaign.yaml")
    assert rest == " sections[0].items[0].source: field required"
    lines = (content_copy / "campaign.yaml").read_text().splitlines()
    assert lines[int(line) - 1].strip() == "- id: forced-sexual-exploitation"
    assert int(col) == lines[int(line) - 1].index("id:") + 1 == 7  # where the item's mapping starts


def test_unknown_key_is_an_error_that_lists_allowed_keys(content_copy):
    edit(content_copy / "campaign.yaml", "    - id: children\n", "    - id: children\n      colour: red\n")
    (found,) = problems(content_copy)
    line = (content_copy / "campaign.yaml").read_text().splitlines().index("      colour: red") + 1
    assert (f":{line}:7: sections[0].items[1].colour: unknown key; allowed here: id, note, "
            "do_not_translate, value, unit, display, qualifier, label, source, year, url, "
            "featured") in found


def test_every_problem_is_reported_in_one_run(content_copy):
    edit(content_copy / "campaign.yaml", "unit: percent", "unit: percentage")
    edit(content_copy / "campaign.yaml", "  last_reviewed: 2026-11-29", "  last_reviewed: someday")
    edit(content_copy / "deck.yaml", "    layout: Title Slide\n", "    layout: Title Slide\n    colour: red\n")
    found = problems(content_copy)
    assert len(found) == 3
    assert any("sections[0].items[3].unit: input should be 'count', 'percent'" in p for p in found)
    assert any("meta.last_reviewed: input should be a valid date" in p for p in found)
    assert any(p.startswith(str(content_copy / "deck.yaml")) and "slides[0].colour" in p
               for p in found)


def test_duplicate_keys_are_rejected_with_both_lines(content_copy):
    edit(content_copy / "campaign.yaml", "  audience: Parents", "  audience: Teachers\n  audience: Parents")
    (found,) = problems(content_copy)
    assert "meta.audience: duplicate key 'audience' (first defined on line" in found


def test_python_tags_are_refused(content_copy):
    (content_copy / "deck.yaml").write_text("slides: !!python/object/apply:os.system ['true']\n")
    (found,) = problems(content_copy)
    assert "deck.yaml:1:9: slides: the tag" in found and "is not allowed" in found


def test_alias_bomb_is_rejected_quickly(content_copy):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    (content_copy / "deck.yaml").write_text("\n".join(lines) + "\n")
    (found,) = problems(content_copy)
    assert "expands to more than" in found


def test_syntax_error_points_at_the_line(content_copy):
    edit(content_copy / "campaign.yaml", "  audience: Parents", "  audience: [Parents")
    (found,) = problems(content_copy)
    assert "campaign.yaml:" in found and "YAML syntax" in found


def test_references_between_parts_must_exist(content_copy):
    edit(content_copy / "campaign.yaml", "      source: crc-article\n", "      source: nowhere\n")
    edit(content_copy / "campaign.yaml", "    highlight: exploitation\n", "    highlight: rescue\n")
    edit(content_copy / "deck.yaml", "content: myths/kidnapping", "content: myths/aliens")
    found = problems(content_copy)
    assert any("sections[2].items[0].source: no entry in sources has the id 'nowhere'" in p
               for p in found)  # the first quote
    assert any("sections[1].highlight: no step of 'how-it-starts' has the id 'rescue'" in p
               for p in found)
    assert any("slides[4].content: section 'myths' has no item 'aliens'" in p for p in found)


def test_duplicate_ids_and_slide_titles_are_errors(content_copy):
    edit(content_copy / "campaign.yaml", "    - id: withdrawal", "    - id: secret-contact")
    edit(content_copy / "campaign.yaml", "  - id: way-forward\n", "  - id: prosecution\n")
    edit(content_copy / "deck.yaml", "title: The way forward", "title: Sources")
    found = problems(content_copy)
    assert any("sections[3].items[3].id: duplicate id 'secret-contact'" in p for p in found)
    assert any("sections[8].id: duplicate id 'prosecution'" in p for p in found)
    assert any("slides[16].title: the same title as slides[13]" in p for p in found)


def test_featured_statistics_default_to_the_first_three(content_copy):
    # The flyer shows at most three big numbers: those marked featured, else the first three.
    from outreach.localize import localize

    edit(content_copy / "campaign.yaml", "      featured: true\n", "", count=3)
    assert "featured" not in (content_copy / "campaign.yaml").read_text()
    edition = localize(load_content(content_copy), "en")
    (numbers,) = edition.of_kind("statistics")
    assert len(numbers.items) == 4
    assert [s.id for s in edition.featured(numbers)] == [s.id for s in numbers.items[:3]]
    # Marking one picks just that one, even when it is not among the first three.
    edit(content_copy / "campaign.yaml", "      unit: percent\n", "      unit: percent\n      featured: true\n")
    edition = localize(load_content(content_copy), "en")
    assert [s.id for s in edition.featured(edition.of_kind("statistics")[0])] == ["women-and-girls"]


def test_more_than_three_featured_statistics_is_a_located_error(content_copy):
    edit(content_copy / "campaign.yaml", "      unit: percent\n", "      unit: percent\n      featured: true\n")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    (problem,) = caught.value.problems
    assert problem.file.endswith("campaign.yaml") and problem.path.startswith("sections[0]")
    assert "featured" in problem.message and "3" in problem.message


def test_shipped_json_schemas_match_the_model():
    for name, model in SCHEMAS.items():
        shipped = (CONTENT / "schema" / name).read_text(encoding="utf-8")
        assert shipped == schema_text(model), f"run: python build.py schema ({name} is stale)"
        schema = json.loads(shipped)
        assert schema["additionalProperties"] is False


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the only line of a file that holds ``text``."""
    (number,) = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return number


def located_at(path: Path, text: str) -> str:
    """``file:line:col`` of the only occurrence of ``text`` in a file (1-based)."""
    line = line_of(path, text)
    return f"{path}:{line}:{path.read_text().splitlines()[line - 1].index(text) + 1}:"


def test_unknown_section_kind_is_located_and_lists_the_kinds(content_copy):
    edit(content_copy / "campaign.yaml", "    kind: myths\n", "    kind: legends\n")
    (found,) = problems(content_copy)
    assert found == (
        f"{located_at(content_copy / 'campaign.yaml', 'legends')} sections[6].kind: kind must be "
        "one of statistics, steps, list, myths, quote, text, resources, call_to_action "
        "(got 'legends')")


def test_slides_must_show_known_sections_and_items(content_copy):
    deck = content_copy / "deck.yaml"
    edit(deck, "content: way-forward\n", "content: way-onward\n")
    edit(deck, "content: myths/not-my-family\n", "content: myths/nope\n")
    edit(deck, "content: get-help\n", "content: get-help/hotline\n")
    found = problems(content_copy)
    assert len(found) == 3, found
    item, section, no_items = found  # sorted by line: slides 5, 13, 14
    assert item.startswith(f"{located_at(deck, 'myths/nope')} slides[5].content: section 'myths' "
                           "has no item 'nope'; its items: kidnapping, not-my-family, "
                           "will-ask-for-help") and item.endswith("will-ask-for-help"), item
    assert section.startswith(f"{located_at(deck, 'way-onward')} slides[13].content: no section "
                              "has the id 'way-onward'; known: numbers, how-it-starts,"), section
    # The deck's own sections and the campaign's parts are offered too.
    assert section.endswith(", agenda, meta, sources, resources"), section
    assert no_items == (f"{located_at(deck, 'get-help/hotline')} slides[14].content: section "
                        "'get-help' has no item 'hotline'; a resources section has no items, "
                        "write just 'get-help'")


def test_slots_must_name_known_slots_and_sections_they_can_lay_out(content_copy):
    campaign = content_copy / "campaign.yaml"
    edit(campaign, "    flap: [myths, conversation]\n",
         "    flap: [myths, conversation]\n    panel-9: [quotes]\n    help: [myths]\n"
         "  billboard:\n    top: [numbers]\n")
    edit(campaign, "    panel-4: [warning-signs, what-you-can-do, way-forward]\n",
         "    panel-4: [warning-signs, what-you-can-do, way-backward]\n")
    found = problems(content_copy)
    assert len(found) == 4, found
    unknown_section, unknown_slot, wrong_kind, unknown_product = found  # sorted by line
    assert unknown_section.startswith(
        f"{located_at(campaign, 'way-backward')} slots.brochure.panel-4[2]: no section has the "
        "id 'way-backward'; known: numbers, how-it-starts, "), unknown_section
    assert unknown_slot == (f"{located_at(campaign, '[quotes]')} slots.brochure.panel-9: the "
                            "brochure has no slot 'panel-9'; its slots: panel-2, panel-3, "
                            "panel-4, flap, help, action")
    assert wrong_kind == (f"{located_at(campaign, 'myths]')} slots.brochure.help[0]: the "
                          "brochure's help cannot lay out a myths section (myths); it takes: "
                          "resources")
    file, line, _, message = unknown_product.split(":", 3)
    assert file == str(campaign)
    assert int(line) in (line_of(campaign, "billboard:"), line_of(campaign, "top: [numbers]"))
    assert message == (" slots.billboard: no product 'billboard' has slots; products with "
                       "slots: flyer, flyer-large, brochure, cards, poster")


def test_a_slot_names_each_section_once(content_copy):
    campaign = content_copy / "campaign.yaml"
    edit(campaign, "    flap: [myths, conversation]\n", "    flap: [myths, conversation, myths]\n")
    (problem,) = problems(content_copy)
    assert problem == (f"{located_at(campaign, 'myths]')} slots.brochure.flap[2]: 'myths' is "
                       "named twice in the brochure's flap; name each section once")


def _check_jsonschema() -> str:
    import sys

    from .conftest import need_tool

    local = Path(sys.executable).parent / "check-jsonschema"
    return str(local) if local.exists() else need_tool("check-jsonschema")


def _schema_for(document: Path) -> Path:
    name = "region" if document.parent.name == "regions" else document.stem
    return CONTENT / "schema" / f"{name}.schema.json"


SHIPPED_YAML = sorted([CONTENT / "campaign.yaml", CONTENT / "deck.yaml", CONTENT / "chapters.yaml",
                       *CONTENT.glob("regions/*.yaml")])


@pytest.mark.parametrize("document", SHIPPED_YAML, ids=lambda p: p.relative_to(CONTENT).as_posix())
def test_shipped_yaml_validates_against_its_json_schema(document):
    import subprocess

    assert (CONTENT / "regions" / "GB.yaml") in SHIPPED_YAML
    result = subprocess.run([_check_jsonschema(), "--schemafile", str(_schema_for(document)),
                             str(document)], capture_output=True, text=True, check=False,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_shipped_json_schemas_pass_the_metaschema_and_reject_bad_content(content_copy):
    import subprocess

    tool = _check_jsonschema()
    schemas = sorted((CONTENT / "schema").glob("*.schema.json"))
    assert {p.name for p in schemas} == set(SCHEMAS)
    result = subprocess.run([tool, "--check-metaschema", *map(str, schemas)], capture_output=True,
                            text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # The schemas are not vacuous: an editor flags what load_content flags.
    edit(content_copy / "campaign.yaml", "unit: percent", "unit: percentage")
    edit(content_copy / "campaign.yaml", "    kind: myths\n", "    kind: legends\n")
    edit(content_copy / "deck.yaml", "    layout: Title Slide\n", "    layout: Title Slide\n    colour: red\n")
    for name in ("campaign", "deck"):
        result = subprocess.run([tool, "--schemafile", str(CONTENT / "schema" / f"{name}.schema.json"),
                                 str(content_copy / f"{name}.yaml")], capture_output=True,
                                text=True, check=False, timeout=120)
        assert result.returncode == 1, (name, result.stdout + result.stderr)


@pytest.mark.parametrize("old,new,expected", [
    ("    phone: 1-888-373-7888\n", "    phone: call us any time\n",
     "resources[1].phone: string should match pattern"),
    ("    url: https://report.cybertip.org\n", "    url: http://report.cybertip.org\n",
     "resources[2].url: string should match pattern"),
    ("    region: US\n    primary: true\n", "    primary: true\n",
     "resources[1].region: field required"),
    ("      year: 2016\n      url: https://www.ilo.org", "      url: https://www.ilo.org",
     "sections[0].items[0].year: field required"),
])
def test_malformed_data_fields_are_located_errors(content_copy, old, new, expected):
    edit(content_copy / "campaign.yaml", old, new)
    found = problems(content_copy)
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 2026-13-40\n", "y.yaml:1:4: a: '2026-13-40' is not a valid date"),
    ("a: ok\nb: \x07bell\n", "y.yaml:2:1: the control character U+0007 is not allowed"),
])
def test_impossible_dates_and_control_characters_are_located_problems(tmp_path, text, expected):
    path = tmp_path / "y.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = read_yaml(path, "y.yaml")
    assert [str(p)[:len(expected)] for p in problems] == [expected]


def test_a_clock_time_stays_text_and_a_bom_is_fine(tmp_path):
    path = tmp_path / "y.yaml"
    path.write_bytes("\ufeffstart: 18:30\n".encode())
    doc, problems = read_yaml(path, "y.yaml")
    assert problems == [] and doc.data == {"start": "18:30"}  # not 1110 (YAML 1.1 base 60)


def test_a_typo_in_the_review_date_is_a_content_error_not_a_crash(content_copy):
    edit(content_copy / "campaign.yaml", "last_reviewed: 2026-11-29", "last_reviewed: 2026-11-31")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert "campaign.yaml:" in str(caught.value) and "2026-11-31" in str(caught.value)


def test_a_region_changes_sections_by_id_and_only_for_its_own_locales():
    from outreach.localize import localize

    content = load_content(CONTENT)
    uk = [i.id for i in localize(content, "en-GB").section("what-you-can-do").items]
    us = [i.id for i in localize(content, "en").section("what-you-can-do").items]
    assert uk == [*us, "report-remove"] and "report-remove" not in us


def test_region_items_cite_the_campaigns_sources(content_copy):
    region = content_copy / "regions" / "GB.yaml"
    region.write_text(region.read_text() + (
        "  numbers:\n    add:\n      - id: uk-figure\n        value: 10\n        unit: percent\n"
        "        label: a figure\n        source: nowhere\n        year: 2020\n"
        "        url: https://example.org\n"), encoding="utf-8")
    (problem,) = problems(content_copy)
    assert problem.startswith(f"{located_at(region, 'nowhere')} sections.numbers.add[0].source: "
                              "no entry in the campaign's sources has the id 'nowhere'")


def test_a_region_specific_section_never_falls_back_to_another_region(content_copy):
    from outreach.localize import localize

    edit(content_copy / "campaign.yaml", "    title: What you can do\n",
         "    title: What you can do\n    region_specific: true\n")
    content = load_content(content_copy)
    assert localize(content, "en").section("what-you-can-do") is not None  # its own region
    assert localize(content, "en-GB").section("what-you-can-do") is not None  # GB gives it
    region = content_copy / "regions" / "GB.yaml"
    edit(region, "sections:\n  what-you-can-do:", "sections:\n  conversation:")
    edit(region, "    add:\n      - id: report-remove", "    add:\n      - id: report-remove-2")
    with pytest.raises(ContentError) as caught:
        localize(load_content(content_copy), "en-GB")
    assert "section 'what-you-can-do' is region-specific" in str(caught.value)
