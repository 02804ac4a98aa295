"""Benchmark the build and print one table, measured in one run on this machine.

    .venv/bin/python bench/run.py            # about eight minutes on 2 cores

Rows: cold full build (parallel and serial), no-op rebuild, rebuild after one string
changes in one locale, `check`, flyer render against bare WeasyPrint on the same HTML
(the tool's overhead), deck build against a bare python-pptx script writing the same
slides, HarfBuzz against fontTools font subsetting, and the full build's peak memory.
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
    began = time.perf_counter()
    subprocess.run([PY, str(ROOT / "build.py"), "-q", *args], check=True, cwd=ROOT)
    return time.perf_counter() - began


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


def deck_overhead() -> tuple[float, float]:
    """The tool's deck against a bare python-pptx script writing the same slides."""
    import io

    from pptx import Presentation

    from outreach import load_content, localize
    from outreach.render import PRODUCTS, Job
    from outreach.render import pptx as deck

    edition = localize(load_content(ROOT / "content"), "en")
    job = Job("en", PRODUCTS["deck"], None)
    templates = ROOT / "templates"
    built = Presentation(io.BytesIO(deck.render(edition, job, templates, ROOT / "content")))
    slides = [(s.slide_layout.name, [(sh.shape_type, sh.left, sh.top, sh.width, sh.height,
                                       sh.text_frame.text if sh.has_text_frame else "")
                                      for sh in s.shapes if not sh.is_placeholder],
               [sh.text_frame.text for sh in s.placeholders],
               s.notes_slide.notes_text_frame.text) for s in built.slides]

    def bare() -> None:
        prs = Presentation(str(templates / "deck" / "theme.pptx"))
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
        prs.save(io.BytesIO())

    tool = median_time(lambda: deck.render(edition, job, templates, ROOT / "content"))
    return tool, median_time(bare)


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


def main() -> int:
    """Measure everything and print the table."""
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        full = cli("--force", "--out", str(out))
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        outputs = len([p for p in out.rglob("*") if p.suffix in (".pdf", ".pptx")
                       and not p.relative_to(out).parts[0].startswith(".")])
        serial = cli("--force", "--jobs", "1", "--out", str(Path(tmp) / "serial"))
        noop = min(cli("--out", str(out)) for _ in range(3))
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        cli("--content", str(content), "--out", str(out))
        po = content / "locales" / "es.po"
        po.write_text(po.read_text(encoding="utf-8").replace(
            'msgstr "Señales de alerta"', 'msgstr "Señales de advertencia"'), encoding="utf-8")
        summary = Path(tmp) / "one.json"
        one = cli("--content", str(content), "--out", str(out), "--json", str(summary))
        rebuilt = len(json.loads(summary.read_text(encoding="utf-8"))["outputs"])
        check = min(cli("check") for _ in range(3))
    cores = len(os.sched_getaffinity(0))
    rows.append((f"full build, {outputs} outputs, cold, {cores} processes", f"{full:.2f} s",
                 f"serial {serial:.2f} s, speed-up x{serial / full:.2f} on {cores} cores"))
    rows.append(("no-op rebuild", f"{noop:.2f} s", "target <= 0.5 s"))
    rows.append(("rebuild after one string in one locale (es)", f"{one:.2f} s",
                 (f"rebuilds that locale's {rebuilt} outputs only (its own set and chapters' "
                 "sets), and their thumbnails")))
    rows.append(("build.py check", f"{check:.2f} s", "target <= 0.5 s, no WeasyPrint import"))
    tool, bare = flyer_overhead()
    rows.append(("flyer render vs bare WeasyPrint, same HTML", f"{tool:.3f} / {bare:.3f} s",
                 f"overhead ratio {tool / bare:.2f} (target <= 1.10)"))
    tool, bare = deck_overhead()
    rows.append(("deck build vs bare python-pptx, same slides", f"{tool:.3f} / {bare:.3f} s",
                 f"ratio {tool / bare:.2f}"))
    with_hb, without = subsetting()
    rows.append(("Arabic flyer, HarfBuzz vs fontTools subsetting", f"{with_hb:.3f} / {without:.3f} s",
                 f"x{without / with_hb:.1f} faster with libharfbuzz-subset0"))
    rows.append(("peak RSS of the full build (largest process)", f"{rss_mb:.0f} MB",
                 "target < 500 MB"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':>16}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>16}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
