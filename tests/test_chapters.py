"""Chapters: a coordinator's YAML or CSV list of schools loads, and every mistake is located."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image
from pptx import Presentation
from pydantic import ValidationError

from outreach import load_content
from outreach.chapters import COLUMNS, Chapter, Contact, Event, load_chapters, slugify
from outreach.errors import Problem
from outreach.localize import available_locales

from .conftest import CONTENT, run_cli

LOCALES = available_locales(load_content(CONTENT))
HEADER = ",".join(COLUMNS)
BLANK = [""] * len(COLUMNS)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def row(**cells: str) -> str:
    """One CSV row in COLUMNS order, quoted where needed."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([cells.get(c, "") for c in COLUMNS])
    return out.getvalue()


def load(path: Path, content_dir: Path | None = None) -> tuple[list[Chapter], list[Problem]]:
    return load_chapters(path, content_dir or path.parent, LOCALES)


def test_the_locales_the_examples_use_exist():
    assert {"en", "es", "en-GB", "ar"} <= set(LOCALES)


def test_both_example_files_load_without_problems_and_agree():
    from_yaml, problems = load(CONTENT / "chapters.yaml", CONTENT)
    assert problems == []
    from_csv, problems = load(CONTENT / "chapters.example.csv", CONTENT)
    assert problems == []
    assert from_yaml == from_csv
    riverside, cedar = from_yaml
    assert riverside.id == "riverside-elementary-pta"
    assert riverside.locales == ("en", "es", "ar") and riverside.paper == "letter"
    assert riverside.contact.phone == "(555) 010-4477"
    assert riverside.contact.email == "counselor@riverside.example.org"
    assert riverside.event.date.year == 2027
    assert (riverside.event.start, riverside.event.end) == (dt.time(18, 30), dt.time(20, 0))
    assert riverside.event.place == "Riverside Elementary, library"
    assert cedar.id == "cedar-grove-family-centre"
    assert cedar.locales == ("en-GB",) and cedar.paper is None
    assert cedar.contact is None and cedar.event is None
    assert cedar.build_locales("en") == ("en-GB",)
    assert Chapter(name="X").build_locales("en") == ("en",)


def test_csv_bad_date_is_located_and_other_rows_still_load(tmp_path):
    path = write(tmp_path, "chapters.csv", HEADER + "\n"
                 + row(name="Alpha School", event_title="Talk", event_date="2027-01-05",
                       event_place="Hall")
                 + row(name="Beta School", event_title="Talk", event_date="2026-13-40",
                       event_place="Gym")
                 + row(name="Gamma School"))
    chapters, problems = load(path)
    assert [c.name for c in chapters] == ["Alpha School", "Gamma School"]
    (problem,) = problems
    assert (problem.line, problem.column) == (3, COLUMNS.index("event_date") + 1)
    assert problem.path == "event_date"
    assert "event_date: '2026-13-40' is not a date; write YYYY-MM-DD" in str(problem)
    assert str(problem).startswith(f"{problem.file}:3:12:")


def test_yaml_bad_field_is_located_by_line_and_column(tmp_path):
    path = write(tmp_path, "chapters.yaml", """\
chapters:
  - name: Alpha School
  - name: Beta School
    event:
      title: Parent night
      date: 2027-02-30
      place: Library
    contact:
      name: Front desk
      phone: call the office
""")
    chapters, problems = load(path)
    assert [c.name for c in chapters] == ["Alpha School"]
    assert [(p.line, p.column, p.path) for p in problems] == [
        (6, 13, "chapters[1].event.date"), (10, 14, "chapters[1].contact.phone")]
    assert "'2027-02-30' is not a date; write YYYY-MM-DD" in problems[0].message
    assert "write a phone number as dialled, e.g. (555) 010-4477" in problems[1].message


def test_yaml_times_are_read_as_clock_times_not_numbers(tmp_path):
    path = write(tmp_path, "chapters.yaml", """\
chapters:
  - name: Alpha School
    event: {title: Talk, date: 2027-01-05, start: 18:30, end: 8 pm, place: Hall}
  - name: Beta School
    event: {title: Talk, date: 2027-01-05, start: 19:00, end: 18:00, place: Hall}
  - name: Gamma School
    contact: {name: Desk, phone: 01234}
""")
    chapters, problems = load(path)
    assert chapters[0].event.start == dt.time(18, 30) and chapters[0].event.end == dt.time(20)
    assert chapters[1].contact.phone == "01234"
    (problem,) = problems
    assert (problem.line, problem.path) == (5, "chapters[1].event.end")
    assert "ends at 18:00, not after it starts (19:00)" in problem.message


@pytest.mark.parametrize("where,text", [
    ("contact", ("  - name: Alpha School\n    contact:\n      name: Shelter desk\n"
                 "      phone: (555) 010-0000\n      address: 12 Hidden Lane\n")),
    ("chapter", "  - name: Alpha School\n    address: 12 Hidden Lane\n"),
])
def test_an_address_is_refused_with_the_reason(tmp_path, where, text):
    path = write(tmp_path, "chapters.yaml", "chapters:\n" + text)
    chapters, (problem,) = load(path)
    assert chapters == []
    assert problem.path.endswith(".address")
    line = path.read_text().splitlines()[problem.line - 1]
    assert line.strip().startswith("address:") and line.index("address") + 1 == problem.column
    assert "never print the address of a shelter" in problem.message
    assert "phone, email or url instead" in problem.message


def test_an_address_column_is_refused_with_the_reason(tmp_path):
    path = write(tmp_path, "chapters.csv", "name,contact_name,contact_phone,contact_address\n"
                 "Alpha School,Desk,(555) 010-0000,\n")
    chapters, (problem,) = load(path)
    assert chapters == []
    assert (problem.line, problem.column, problem.path) == (1, 4, "contact_address")
    assert "never print the address of a shelter" in problem.message


def test_unknown_column_refuses_the_file_and_lists_known_ones(tmp_path):
    path = write(tmp_path, "chapters.csv", "name,locales,colour\nAlpha School,en,red\n")
    chapters, (problem,) = load(path)
    assert chapters == []
    assert (problem.line, problem.column, problem.path) == (1, 3, "colour")
    assert "unknown column 'colour'" in problem.message
    assert "contact_phone" in problem.message and "event_date" in problem.message


def test_unknown_locale_names_the_known_ones(tmp_path):
    path = write(tmp_path, "chapters.csv", "name,locales\nAlpha School,en de\n"
                 "Beta School,EN-gb; ZH-HANS\n")
    chapters, (problem,) = load(path)
    assert chapters[0].locales == ("en-GB", "zh-Hans")
    assert (problem.line, problem.column, problem.path) == (2, 2, "locales")
    assert "no locale de" in problem.message
    assert f"known: {', '.join(LOCALES)}" in problem.message


@pytest.mark.parametrize("name,text,kept,line,path", [
    ("chapters.yaml", "chapters:\n  - name: Alpha\n  - name: Beta\n  - name: alpha\n",
     ["Alpha", "Beta"], 4, "chapters[2].name"),
    ("chapters.yaml", "chapters:\n  - name: Alpha\n  - name: Beta\n    id: alpha\n",
     ["Alpha"], 4, "chapters[1].id"),
    ("chapters.csv", "name,id\nAlpha,\nBeta,\nGamma,alpha\n", ["Alpha", "Beta"], 4, "id"),
])
def test_duplicate_id_is_reported_at_the_second(tmp_path, name, text, kept, line, path):
    chapters, (problem,) = load(write(tmp_path, name, text))
    assert [c.name for c in chapters] == kept
    assert (problem.line, problem.path) == (line, path)
    assert "duplicate id 'alpha' (first used by 'Alpha' on line 2)" in problem.message


def test_excel_csv_with_bom_semicolons_and_crlf_loads(tmp_path):
    text = "\ufeffName;Locales;Contact Name;Contact Email\r\nÉcole Saint-Léon;fr;Accueil;" \
           "accueil@ecole.example.org\r\n"
    chapters, problems = load(write(tmp_path, "chapters.csv", text))
    assert problems == []
    (chapter,) = chapters
    assert chapter.id == "ecole-saint-leon" and chapter.name == "École Saint-Léon"
    assert chapter.contact == Contact(name="Accueil", email="accueil@ecole.example.org")


def test_quoted_newline_keeps_line_numbers_right(tmp_path):
    path = write(tmp_path, "chapters.csv", HEADER + "\n"
                 + row(name="Alpha School", contact_name="Desk", contact_phone="555 0100",
                       contact_hours="Mon-Fri 8-3\nSat 9-12")
                 + row(name="Beta School", paper="A5")
                 + row(name="Gamma School", paper="A4"))
    chapters, problems = load(path)
    assert [(c.name, c.paper) for c in chapters] == [("Gamma School", "a4")]
    hours, paper = problems
    assert (hours.line, hours.column, hours.path) == (2, COLUMNS.index("contact_hours") + 1,
                                                      "contact_hours")
    assert "line break; write it on one line" in hours.message
    assert (paper.line, paper.column, paper.path) == (4, COLUMNS.index("paper") + 1, "paper")
    assert "write letter or a4" in paper.message


def test_slug_default_and_names_that_give_no_slug():
    assert slugify("  Riverside Elementary PTA!! ") == "riverside-elementary-pta"
    assert slugify("Ærøskøbing Skole / Straße-Schule") == "aeroskobing-skole-strasse-schule"
    assert slugify("Łódź Œuvre Þingvellir") == "lodz-oeuvre-thingvellir"
    assert slugify("مدرسة النور") == ""
    assert len(slugify("word " * 40)) <= 63 and not slugify("word " * 40).endswith("-")
    assert Chapter(name="St. Mary's School #2").id == "st-mary-s-school-2"
    assert Chapter(name="Anything", id="given").id == "given"


def test_name_without_latin_letters_needs_an_id(tmp_path):
    path = write(tmp_path, "chapters.yaml", "chapters:\n  - name: مدرسة النور\n"
                 "  - name: مدرسة الأمل\n    id: al-amal\n")
    chapters, (problem,) = load(path)
    assert [c.id for c in chapters] == ["al-amal"]
    assert problem.path == "chapters[0].id" and "add an id" in problem.message


def test_logo_outside_the_content_folder_or_missing_is_refused(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    Image.new("RGB", (30, 10)).save(content / "images" / "ok.png")  # a real one (#13)
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = write(content, "chapters.csv", "name,logo\nAlpha,images/ok.png\nBeta,../secret.png\n"
                 "Gamma,images/none.png\n")
    chapters, (outside, missing) = load(path, content)
    assert [c.logo for c in chapters] == ["images/ok.png"]
    assert (outside.line, outside.column, outside.path) == (3, 2, "logo")
    assert "points outside the content folder" in outside.message
    assert missing.line == 4 and "no file 'images/none.png'" in missing.message


def test_control_characters_are_refused(tmp_path):
    path = write(tmp_path, "chapters.csv", "name,contact_name,contact_phone\n"
                 "Alpha\x07,Desk,555 0100\nBeta,Desk\x1b[31m,555 0100\n")
    chapters, problems = load(path)
    assert chapters == []
    assert [(p.line, p.path) for p in problems] == [(2, "name"), (3, "contact_name")]
    assert all("control character U+00" in p.message for p in problems)


def test_contact_needs_a_way_to_reach_it(tmp_path):
    path = write(tmp_path, "chapters.csv", "name,contact_name,contact_hours,contact_phone\n"
                 "Alpha,Ms. Rivera,Mon-Fri,\n")
    _, (problem,) = load(path)
    assert (problem.column, problem.path) == (4, "contact_phone")
    assert "a phone, an email or a url" in problem.message


def test_whole_file_problems_give_no_chapters(tmp_path):
    for name, text, expected in [
        ("a.yaml", "chapters: [unclosed\n", "YAML syntax"),
        ("b.yaml", "- name: Alpha\n", "expected chapters: at the top"),
        ("c.yaml", "chapters: !!python/object/apply:os.system [true]\n", "is not allowed"),
        ("d.csv", "", "the file is empty"),
        ("e.txt", "name\nAlpha\n", ".yaml, .yml or .csv"),
        ("f.csv", "name\n" + "x" * 1_000_001, "the limit is 1000000 (2,000 bytes for each "
         "of --max-chapters 500)"),
    ]:
        chapters, problems = load_chapters(write(tmp_path, name, text), tmp_path, LOCALES, 500)
        assert chapters == [] and any(expected in p.message for p in problems), (name, problems)
    chapters, (problem,) = load(write(tmp_path, "h.csv", "name\n\xe9cole\n", "latin-1"))
    assert chapters == [] and problem.line == 2 and "CSV UTF-8" in problem.message


def test_models_can_be_built_in_code():
    event = Event(title="Talk", date="2027-01-05", start="6:30 PM", end="21h00", place="Hall")
    assert (event.start, event.end) == (dt.time(18, 30), dt.time(21))
    with pytest.raises(ValidationError, match="address"):
        Contact(name="Desk", phone="555 0100", address="12 Hidden Lane")
    with pytest.raises(ValidationError, match="not a date"):
        Event(title="Talk", date="1700000000", place="Hall")
    with pytest.raises(ValidationError, match="not a time"):
        Event(title="Talk", date="2027-01-05", start="1110", place="Hall")


cell = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(["2027-01-05", "18:30", "8 pm", "en", "en es", "a4", "images/x.png",
                     "../x.png", "https://a.example.org", "a@b.org", "(555) 010-0000",
                     "\u202eevil", '"', "\r\n", ";", "\x00", "address"]),
)


@settings(max_examples=int(os.environ.get("OUTREACH_FUZZ_EXAMPLES", "60")), deadline=None,
          derandomize=not os.environ.get("OUTREACH_FUZZ_EXAMPLES"),
          suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True),
       rows=st.lists(st.lists(cell, min_size=0, max_size=9), max_size=5),
       raw=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_arbitrary_cells_never_crash_the_loader(header, rows, raw):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        results = [load(write(folder, "chapters.csv", out.getvalue())),
                   load(write(folder, "raw.csv", raw, "utf-8")),
                   load(write(folder, "raw.yaml", raw, "utf-8"))]
        entries = []
        for cells in rows:
            entry: dict = {}
            for column, value in zip(header, cells):
                group, _, key = column.partition("_")
                (entry.setdefault(group, {}) if key else entry)[key or group] = value
            entries.append(entry)
        document = yaml.safe_dump({"chapters": entries}, allow_unicode=True)
        results.append(load(write(folder, "rows.yaml", document)))
        event("a chapter loaded" if any(c for c, _ in results) else "problems only")
        for chapters, problems in results:
            assert all(isinstance(c, Chapter) for c in chapters)
            assert all(isinstance(p, Problem) and p.line >= 1 and p.column >= 1 and p.message
                       for p in problems)


# --- a state's worth of chapters: streamed, checked and planned row by row -----------------

def state_rows(count: int, bad: dict[int, str] | None = None) -> str:
    """A generated chapters CSV of ``count`` schools; ``bad`` replaces some rows' paper."""
    lines = [HEADER + "\n"]
    for number in range(1, count + 1):
        cells = {"name": f"School {number}", "locales": "en es" if number % 3 == 0 else "en"}
        if number % 2:
            cells.update(contact_name="Front desk", contact_phone=f"(555) 010-{number % 10000:04d}",
                         event_title="Parent night", event_date="2027-03-11",
                         event_start="18:30", event_place="Library")
        if bad and number in bad:
            cells["paper"] = bad[number]
        lines.append(row(**cells))
    return "".join(lines)


def test_ten_thousand_rows_are_read_checked_and_planned_as_a_stream(tmp_path):
    import tracemalloc

    from outreach.pipeline import BuildOptions, chapter_stream, plan, plan_stream

    path = write(tmp_path, "state.csv", state_rows(10_000))
    content = load_content(CONTENT)
    options = BuildOptions(chapters=path, products=("flyer",), locales=("en", "es"))
    main = len(plan(content, BuildOptions(products=("flyer",), locales=("en", "es"),
                                          no_chapters=True)))
    problems: list[Problem] = []
    tracemalloc.start()
    try:
        counted = chapter_jobs = 0
        seen = set()
        for job, chapter in plan_stream(content, options, chapter_stream(content, options,
                                                                          problems)):
            counted += 1
            if chapter is not None:
                chapter_jobs += 1
                seen.add(chapter.id)
                assert job.chapter == chapter.id and job.product.name == "flyer"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == []
    assert len(seen) == 10_000 and counted == main + chapter_jobs
    assert chapter_jobs == 10_000 + 10_000 // 3  # every third school also builds Spanish
    # Nothing is held per row but its id: far less than the rows as objects would take.
    assert peak < 16 * 2**20, f"{peak / 2**20:.1f} MiB traced while streaming 10,000 rows"


def test_the_chapter_limit_is_an_option_with_a_clear_error(tmp_path):
    from outreach.chapters import MAX_CHAPTERS

    assert MAX_CHAPTERS == 100_000
    path = write(tmp_path, "chapters.csv", state_rows(5))
    chapters, (problem,) = load_chapters(path, tmp_path, LOCALES, max_chapters=3)
    assert [c.name for c in chapters] == ["School 1", "School 2", "School 3"]
    assert (problem.line, problem.column) == (5, 1)
    assert problem.message.startswith("more than 3 chapters (the limit, --max-chapters); this "
                                      "row and the ones after it were not read")
    text = "chapters:\n" + "".join(f"  - name: School {n}\n" for n in range(1, 6))
    chapters, (problem,) = load_chapters(write(tmp_path, "chapters.yaml", text), tmp_path,
                                         LOCALES, max_chapters=4)
    assert len(chapters) == 4 and (problem.line, problem.path) == (6, "chapters[4]")
    assert "more than 4 chapters (the limit, --max-chapters)" in problem.message

    result = run_cli("check", "--chapters", str(path), "--max-chapters", "2")
    assert result.returncode == 2
    assert f"{path}:4:1: more than 2 chapters (the limit, --max-chapters)" in result.stderr
    result = run_cli("check", "--chapters", str(path), "--max-chapters", "10,000")
    assert result.returncode == 0 and "5 chapter(s)" in result.stdout, result.stderr
    result = run_cli("check", "--max-chapters", "0")
    assert result.returncode == 2 and "--max-chapters: must be at least 1" in result.stderr


def test_problems_beyond_the_first_ones_are_counted_not_listed(tmp_path):
    from outreach.chapters import MAX_PROBLEMS

    bad = {n: "A5" for n in range(2, 2 + MAX_PROBLEMS + 50)}
    chapters, problems = load(write(tmp_path, "chapters.csv", state_rows(MAX_PROBLEMS + 100, bad)))
    assert len(chapters) == 50 and len(problems) == MAX_PROBLEMS + 1
    last = problems[-1]
    assert last.line == MAX_PROBLEMS + 3  # the 201st bad row: school 202, on line 203
    assert last.message.startswith(f"and 50 more problem(s) from this line on, not listed")


def test_a_bad_row_is_reported_with_its_line_and_the_others_are_built(tmp_path):
    from outreach import BuildOptions, build

    path = write(tmp_path, "chapters.csv", state_rows(3))
    out = tmp_path / "out"
    first = build(BuildOptions(out_dir=out, products=("deck",), locales=("en",), chapters=path,
                               gallery=False))
    assert first.failures == [] and len(first.outputs) == 4
    decks = {n: out / "chapters" / f"school-{n}" / "en" / "deck.pptx" for n in (1, 2, 3)}
    before = {n: deck.read_bytes() for n, deck in decks.items()}
    # School 2 gets a paper that does not exist; schools 1 and 3 a new event title.
    path.write_text(state_rows(3, {2: "A5"}).replace("Parent night", "Family evening"),
                    encoding="utf-8")
    second = run_cli("--product", "deck", "--locale", "en", "--chapters", str(path),
                     "--no-gallery", "--out", str(out), "-q")
    assert second.returncode == 2
    paper = COLUMNS.index("paper") + 1
    assert f"error: {path}:3:{paper}: paper: write letter or a4" in second.stderr
    assert "1 problem in the content; those rows were not built." in second.stderr
    assert "every other file was written" in second.stderr
    for n in (1, 3):
        assert "Join us: Family evening" in _title_text(decks[n]), "the good rows were built"
    assert decks[2].read_bytes() == before[2], "a good earlier build is never destroyed"


def _title_text(path: Path) -> str:
    slide = Presentation(path).slides[0]
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
