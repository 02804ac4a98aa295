"""Benchmark the build and print one table, measured in one run on this machine.

    .venv/bin/python bench/run.py            # the whole table
    .venv/bin/python bench/run.py --quick    # the rows marked (q): under 5 minutes idle
    .venv/bin/python bench/run.py --markdown # the table as the README shows it

Rows: (q) cold full build (no chapters) and the gallery's share of it, (q) `check`, (q)
one-product builds (deck, flyer) as whole processes with and without their gallery, (q) the
deck-only build against a bare python-pptx script writing the same slides and notes, also
as a whole process, (q) the full build's peak memory, (q) chapters at 1,000 / 5,000 /
10,000 rows (read-check-plan time and peak memory, each in a fresh process; build time per
output on a fixed slice of the 1,000- and 10,000-row lists), (q) two shards plus their
merge against one build; then the full build serial, no-op rebuild, rebuild after one
string changes in one locale, flyer render against bare WeasyPrint on the same HTML (the
tool's overhead), deck render against the bare script in one process, and HarfBuzz against
fontTools font subsetting. Whole-process times are medians of 3 (the deck-only build and the
bare script: of 9, taken in turn).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable


def cli(*args: str) -> float:
    """Run build.py in a fresh process; return wall seconds (failing loudly)."""
    return process(str(ROOT / "build.py"), "-q", *args)


def process(*args: str) -> float:
    """Run python with these arguments in a fresh process; return wall seconds."""
    began = time.perf_counter()
    subprocess.run([PY, *args], check=True, cwd=ROOT)
    return time.perf_counter() - began


def fresh_median(out: Path, run, runs: int = 3) -> float:
    """Median wall seconds of ``run()`` into an emptied ``out`` each time."""
    times = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        times.append(run())
    return statistics.median(times)


def median_time(fn, runs: int = 5) -> float:
    """Median seconds of ``runs`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def flyer_overhead() -> tuple[float, float]:
    """The tool's flyer render against WeasyPrint rendering the same final HTML."""
    from weasyprint import HTML

    from outreach import load_content, localize
    from outreach.render import PRODUCTS, Job, pdf

    edition = localize(load_content(ROOT / "content"), "en")
    job = Job("en", PRODUCTS["flyer"], "letter")
    templates = ROOT / "templates"
    final = pdf.html(edition, job, templates)
    base = (templates / "print").resolve().as_uri() + "/"
    config = pdf._font_config()
    tool = median_time(lambda: pdf.render(edition, job, templates, ROOT / "content"))
    bare = median_time(lambda: HTML(string=final, base_url=base).write_pdf(
        font_config=config, pdf_variant="pdf/ua-1"))
    return tool, bare


def deck_slides() -> list:
    """What the tool's English deck holds, slide by slide, as plain data (JSON-able)."""
    import io

    from pptx import Presentation

    from outreach import load_content, localize
    from outreach.render import PRODUCTS, Job
    from outreach.render import pptx as deck

    edition = localize(load_content(ROOT / "content"), "en")
    job = Job("en", PRODUCTS["deck"], None)
    built = Presentation(io.BytesIO(deck.render(edition, job, ROOT / "templates", ROOT / "content")))
    return [(s.slide_layout.name, [(int(sh.shape_type), sh.left, sh.top, sh.width, sh.height,
                                    sh.text_frame.text if sh.has_text_frame else "")
                                   for sh in s.shapes if not sh.is_placeholder],
             [sh.text_frame.text for sh in s.placeholders],
             s.notes_slide.notes_text_frame.text) for s in built.slides]


def bare_deck(slides: list, target) -> None:
    """Write the slides with python-pptx alone, on the same theme: the bare renderer."""
    from pptx import Presentation

    prs = Presentation(str(ROOT / "templates" / "deck" / "theme.pptx"))
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    for layout, shapes, texts, notes in slides:
        slide = prs.slides.add_slide(layouts[layout])
        for placeholder, text in zip(slide.placeholders, texts):
            placeholder.text_frame.text = text
        for kind, left, top, width, height, text in shapes:
            if kind == 9:  # a connector
                slide.shapes.add_connector(1, left, top, left + width, top + height)
            else:
                box = slide.shapes.add_shape(5, left, top, width, height)
                box.text_frame.text = text
        slide.notes_slide.notes_text_frame.text = notes
    prs.save(target)


def deck_overhead() -> tuple[float, float]:
    """The tool's deck render against the bare python-pptx script, in this process."""
    import io

    from outreach import load_content, localize
    from outreach.render import PRODUCTS, Job
    from outreach.render import pptx as deck

    edition = localize(load_content(ROOT / "content"), "en")
    job = Job("en", PRODUCTS["deck"], None)
    slides = deck_slides()
    tool = median_time(lambda: deck.render(edition, job, ROOT / "templates", ROOT / "content"))
    return tool, median_time(lambda: bare_deck(slides, io.BytesIO()))


def one_product(tmp: Path, product: str, paper: str | None) -> tuple[float, float]:
    """A cold one-product build (en, no chapters) with its gallery, then without: medians."""
    out = tmp / f"one-{product}"
    args = ["--product", product, "--locale", "en", "--no-chapters", "--force", "--out", str(out)]
    args += ["--paper", paper] if paper else []
    return (fresh_median(out, lambda: cli(*args)),
            fresh_median(out, lambda: cli(*args, "--no-gallery")))


def deck_processes(tmp: Path, runs: int = 9) -> tuple[float, float]:
    """The deck-only build against the bare script, both as whole processes: medians of
    runs taken in turn, so that a slower minute of a shared machine slows both alike."""
    data = tmp / "slides.json"
    data.write_text(json.dumps(deck_slides()), encoding="utf-8")
    out = tmp / "deck"
    tools, bares = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        tools.append(cli("--product", "deck", "--locale", "en", "--no-chapters", "--force",
                         "--out", str(out)))
        bares.append(process(str(Path(__file__).resolve()), "--bare-deck", str(data),
                             str(tmp / "bare.pptx")))
    return statistics.median(tools), statistics.median(bares)


def subsetting() -> tuple[float, float]:
    """One Arabic flyer (three fonts to subset) with HarfBuzz's subsetter, then fontTools'."""
    import logging

    import weasyprint.pdf.fonts as wfonts

    from outreach import load_content, localize
    from outreach.render import PRODUCTS, Job, pdf

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    edition = localize(load_content(ROOT / "content"), "ar")
    job = Job("ar", PRODUCTS["flyer"], "a4")
    run = lambda: pdf.render(edition, job, ROOT / "templates", ROOT / "content")
    with_hb = median_time(run, 3)
    saved, wfonts.harfbuzz_subset = wfonts.harfbuzz_subset, None
    try:
        without = median_time(run, 3)
    finally:
        wfonts.harfbuzz_subset = saved
    return with_hb, without


CHAPTER_HEADER = "name,locales,contact_name,contact_phone,event_title,event_date,event_start,event_place\n"


def chapters_csv(path: Path, count: int) -> Path:
    """A generated list of ``count`` schools (every third also in Spanish)."""
    with path.open("w", encoding="utf-8") as out:
        out.write(CHAPTER_HEADER)
        for n in range(1, count + 1):
            out.write(f"School {n},{'en es' if n % 3 == 0 else 'en'},Front desk,"
                      f"(555) 010-{n % 10000:04d},Parent night,2027-03-11,18:30,Library\n")
    return path


def plan_chapters(path: str) -> None:
    """In its own process: read, check and plan a chapters file (every product); print the
    job count, the seconds it took after loading the content, and this process's peak RSS."""
    from outreach import load_content
    from outreach.pipeline import BuildOptions, chapter_stream, plan_stream

    content = load_content(ROOT / "content")
    options = BuildOptions(chapters=Path(path))
    problems: list = []
    began = time.perf_counter()
    jobs = sum(1 for _ in plan_stream(content, options, chapter_stream(content, options, problems)))
    seconds = time.perf_counter() - began
    assert not problems, problems[:3]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"jobs": jobs, "seconds": seconds, "rss_mb": peak}))


def chapter_rows(tmp: Path) -> list[tuple[str, str, str]]:
    """Chapters at 1,000 / 5,000 / 10,000 rows: read-check-plan time and peak memory, then
    the build time per output of a fixed slice (about 20 English flyers) of each list."""
    rows = []
    for count in (1_000, 5_000, 10_000):
        path = chapters_csv(tmp / f"chapters-{count}.csv", count)
        done = subprocess.run([PY, str(Path(__file__).resolve()), "--plan-chapters", str(path)],
                              check=True, cwd=ROOT, capture_output=True, text=True)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append((f"chapters: {count:,} rows read, checked, planned ({got['jobs']:,} outputs)",
                     f"{got['seconds']:.2f} s", f"peak RSS {got['rss_mb']:.0f} MB (flat = same "
                     "at every size)"))
    for count in (1_000, 10_000):
        summary, out = tmp / f"slice-{count}.json", tmp / f"slice-{count}"
        seconds = cli("--chapters", str(tmp / f"chapters-{count}.csv"), "--product", "flyer",
                      "--locale", "en", "--paper", "letter", "--shard", f"1/{count // 20}",
                      "--no-gallery", "--out", str(out), "--json", str(summary))
        made = len(json.loads(summary.read_text(encoding="utf-8"))["outputs"])
        rows.append((f"chapters: a fixed slice of the {count:,}-row list (--shard 1/{count // 20})",
                     f"{seconds / made:.2f} s/output", f"{made} flyers in {seconds:.1f} s, "
                     "the whole process"))
    return rows


def shard_rows(tmp: Path) -> list[tuple[str, str, str]]:
    """Two shards run one after the other and merged, against one build of the same list
    (both one process each, --jobs 1, flyers and decks of 12 chapters in English)."""
    path = chapters_csv(tmp / "chapters-12.csv", 12)
    args = ["--chapters", str(path), "--product", "flyer,deck", "--locale", "en", "--paper",
            "letter", "--jobs", "1"]
    one = cli(*args, "--out", str(tmp / "single"))
    shards = [cli(*args, "--shard", f"{k}/2", "--no-gallery", "--out", str(tmp / f"shard-{k}"))
              for k in (1, 2)]
    merged = cli("merge", str(tmp / "shard-1"), str(tmp / "shard-2"), "--out", str(tmp / "merged"))
    total = sum(shards) + merged
    return [("2 shards + merge vs one build (26 outputs, 1 process each)",
             f"{total:.1f} / {one:.1f} s", f"overhead {total / one - 1:+.0%}: shards "
             f"{shards[0]:.1f} + {shards[1]:.1f} s, merge with its gallery {merged:.1f} s")]


def quick_rows(tmp: Path) -> list[tuple[str, str, str]]:
    """The rows of --quick: full build and its gallery, check, one-product builds."""
    out = tmp / "out"
    bare_build = cli("--force", "--no-gallery", "--no-chapters", "--out", str(out))
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    outputs = len([p for p in out.rglob("*") if p.suffix in (".pdf", ".pptx", ".png", ".jpg",
                   ".html") and not p.relative_to(out).parts[0].startswith(".")
                   and p.name != "index.html"])
    with_gallery = cli("--no-chapters", "--out", str(out))  # all up to date: only the gallery
    noop = statistics.median(cli("--no-chapters", "--out", str(out)) for _ in range(3))
    share = with_gallery - noop
    full = bare_build + share
    check = statistics.median(cli("check") for _ in range(3))
    cores = len(os.sched_getaffinity(0))
    rows = [(f"full build (no chapters), {outputs} outputs, cold, {cores} processes", f"{full:.2f} s",
             f"build {bare_build:.2f} s + gallery {share:.2f} s"),
            ("gallery's share of the full build", f"{share / full:.1%}",
             "target < 10%; decks copy their slides PDF's thumbnails"),
            ("no-op rebuild", f"{noop:.2f} s", "target <= 0.5 s"),
            ("build.py check", f"{check:.2f} s", "target <= 0.5 s, no WeasyPrint import")]
    tool, bare = deck_processes(tmp)
    rows.append(("deck-only build vs bare python-pptx script, whole processes",
                 f"{tool:.2f} / {bare:.2f} s", f"ratio {tool / bare:.2f} (target <= 2)"))
    for product, paper in (("deck", None), ("flyer", "letter")):
        built, alone = one_product(tmp, product, paper)
        rows.append((f"{product}-only build with / without its gallery", f"{built:.2f} / {alone:.2f} s",
                     f"x{built / alone:.2f} (target <= 1.3)"))
    rows.append(("peak RSS of the full build (largest process)", f"{rss_mb:.0f} MB",
                 "target < 500 MB"))
    return rows + chapter_rows(tmp) + shard_rows(tmp)


def slow_rows(tmp: Path) -> list[tuple[str, str, str]]:
    """The rows only the full run measures."""
    rows = []
    out = Path(tmp) / "cold"
    full = cli("--force", "--out", str(out))
    serial = cli("--force", "--jobs", "1", "--out", str(Path(tmp) / "serial"))
    cores = len(os.sched_getaffinity(0))
    rows.append(("full build with its gallery in one process, cold", f"{full:.2f} s",
                 f"serial {serial:.2f} s, speed-up x{serial / full:.2f} on {cores} cores"))
    content = Path(tmp) / "content"
    shutil.copytree(ROOT / "content", content)
    cli("--content", str(content), "--out", str(out))
    po = content / "locales" / "es.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgstr "Señales de alerta"', 'msgstr "Señales de advertencia"'), encoding="utf-8")
    summary = Path(tmp) / "one.json"
    one = cli("--content", str(content), "--out", str(out), "--json", str(summary))
    rebuilt = len(json.loads(summary.read_text(encoding="utf-8"))["outputs"])
    rows.append(("rebuild after one string in one locale (es)", f"{one:.2f} s",
                 (f"rebuilds that locale's {rebuilt} outputs only (its own set and chapters' "
                  "sets), and their thumbnails")))
    tool, bare = flyer_overhead()
    rows.append(("flyer render vs bare WeasyPrint, same HTML", f"{tool:.3f} / {bare:.3f} s",
                 f"overhead ratio {tool / bare:.2f} (target <= 1.10)"))
    tool, bare = deck_overhead()
    rows.append(("deck render vs bare python-pptx, same slides, in one process",
                 f"{tool:.3f} / {bare:.3f} s", f"ratio {tool / bare:.2f}"))
    with_hb, without = subsetting()
    rows.append(("Arabic flyer, HarfBuzz vs fontTools subsetting", f"{with_hb:.3f} / {without:.3f} s",
                 f"x{without / with_hb:.1f} faster with libharfbuzz-subset0"))
    return rows


def main(argv: list[str]) -> int:
    """Measure everything (or the --quick rows) and print the table."""
    if argv[:1] == ["--bare-deck"]:  # the bare script, run as its own process
        bare_deck(json.loads(Path(argv[1]).read_text(encoding="utf-8")), argv[2])
        return 0
    if argv[:1] == ["--plan-chapters"]:  # chapter_rows' measuring process
        plan_chapters(argv[1])
        return 0
    began, load = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(f"(q) {name}", value, note) for name, value, note in quick_rows(Path(tmp))]
        if "--quick" not in argv:
            rows += slow_rows(Path(tmp))
    took = (f"measured in {time.perf_counter() - began:.0f} s on {len(os.sched_getaffinity(0))} "
            f"cores, load average {load:.2f} before and {os.getloadavg()[0]:.2f} after")
    if "--markdown" in argv:  # the README's table, as it stands
        print(f"{took}:\n\n| measure | result | note |\n|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return 0
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':>16}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>16}  {note}")
    print(f"({took})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
