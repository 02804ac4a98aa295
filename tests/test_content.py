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


def test_real_content_loads_with_all_required_parts():
    content = load_content(CONTENT)
    c = content.campaign
    assert len(c.statistics) >= 4
    assert all(s.source and s.year and s.url for s in c.statistics)
    names = {r.name for r in c.resources}
    assert {"National Human Trafficking Hotline", "NCMEC CyberTipline"} <= names
    assert any(r.emergency and r.phone == "911" for r in c.resources)
    assert all(q.speaker and q.source for q in c.quotes)
    assert 14 <= len(content.deck.slides) <= 22


def test_missing_field_names_file_line_column_and_path(content_copy):
    edit(content_copy / "campaign.yaml", "    source: ilo-2017\n    year: 2016\n", "    year: 2016\n")
    found = problems(content_copy)
    assert len(found) == 1
    file, line, col, rest = found[0].split(":", 3)
    assert file.endswith("campaign.yaml")
    assert rest == " statistics[0].source: field required"
    lines = (content_copy / "campaign.yaml").read_text().splitlines()
    assert lines[int(line) - 1].strip() == "- id: forced-sexual-exploitation"
    assert int(col) == 5


def test_unknown_key_is_an_error_that_lists_allowed_keys(content_copy):
    edit(content_copy / "campaign.yaml", "  - id: children\n", "  - id: children\n    colour: red\n")
    (found,) = problems(content_copy)
    line = (content_copy / "campaign.yaml").read_text().splitlines().index("    colour: red") + 1
    assert f":{line}:5: statistics[1].colour: unknown key; allowed here: id, note, do_not_translate, value, unit" in found


def test_every_problem_is_reported_in_one_run(content_copy):
    edit(content_copy / "campaign.yaml", "unit: percent", "unit: percentage")
    edit(content_copy / "campaign.yaml", "  last_reviewed: 2026-11-29", "  last_reviewed: someday")
    edit(content_copy / "deck.yaml", "    layout: Title Slide\n", "    layout: Title Slide\n    colour: red\n")
    found = problems(content_copy)
    assert len(found) == 3
    assert any("statistics[3].unit: input should be 'count', 'percent'" in p for p in found)
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
    edit(content_copy / "campaign.yaml", "    source: crc-article\n", "    source: nowhere\n")
    edit(content_copy / "deck.yaml", "content: myth/kidnapping", "content: myth/aliens")
    found = problems(content_copy)
    assert any("quotes[0].source: no entry in sources has the id 'nowhere'" in p for p in found)
    assert any("slides[4].content: no myth has the id 'aliens'" in p for p in found)


def test_duplicate_ids_and_slide_titles_are_errors(content_copy):
    edit(content_copy / "campaign.yaml", "  - id: withdrawal", "  - id: secret-contact")
    edit(content_copy / "deck.yaml", "title: The way forward", "title: Sources")
    found = problems(content_copy)
    assert any("warning_signs[3].id: duplicate id 'secret-contact'" in p for p in found)
    assert any("title: the same title as slides[" in p for p in found)


def test_exactly_three_featured_statistics(content_copy):
    edit(content_copy / "campaign.yaml", "    featured: true\n", "")
    (found,) = problems(content_copy)
    assert "statistics: mark exactly 3 statistics as featured: true for the flyer (found 2)" in found


def test_shipped_json_schemas_match_the_model():
    for name, model in SCHEMAS.items():
        shipped = (CONTENT / "schema" / name).read_text(encoding="utf-8")
        assert shipped == schema_text(model), f"run: python build.py schema ({name} is stale)"
        schema = json.loads(shipped)
        assert schema["additionalProperties"] is False


@pytest.mark.parametrize("old,new,expected", [
    ("    phone: 1-888-373-7888\n", "    phone: call us any time\n",
     "resources[1].phone: string should match pattern"),
    ("    url: https://report.cybertip.org\n", "    url: http://report.cybertip.org\n",
     "resources[2].url: string should match pattern"),
    ("    region: US\n    primary: true\n", "    primary: true\n",
     "resources[1].region: field required"),
    ("    year: 2016\n    url: https://www.ilo.org", "    url: https://www.ilo.org",
     "statistics[0].year: field required"),
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
