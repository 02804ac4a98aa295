"""Visual regression: page one of every product, compared with reference PNGs in tests/visual/.

After a deliberate design change, look at the new pages, then update the references with

    python -m tests.visual_refs --update

which builds the references' outputs into a temporary folder and writes tests/visual/*.png.
tests/test_visual.py compares a fresh build against them within TOLERANCE.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "tests" / "visual"
DPI = 36
"""Low enough to keep the references small, high enough to see layout changes."""
TOLERANCE = {"mean": 2.0, "changed": 0.006}
"""A page passes when its mean absolute gray difference is under 2 (of 255) and fewer
than 0.6% of its pixels differ by more than a quarter of the range: font hinting and
antialiasing may move, a block of text may not."""
PAGES = [
    ("en", "flyer-letter.pdf"), ("en", "flyer-large-letter.pdf"), ("en", "brochure-letter.pdf"),
    ("en", "cards-letter.pdf"), ("en", "poster-tabloid.pdf"),
    ("en", "handout-notes-letter.pdf"), ("en", "handout-audience-letter.pdf"), ("en", "deck.pptx"),
    ("ar", "flyer-a4.pdf"), ("ar", "flyer-large-a4.pdf"), ("ar", "brochure-a4.pdf"),
    ("ar", "cards-a4.pdf"), ("ar", "poster-a3.pdf"),
    ("ar", "handout-notes-a4.pdf"), ("ar", "handout-audience-a4.pdf"), ("ar", "deck.pptx"),
]
"""(locale, output) pairs whose first page is kept as a reference."""


def reference_path(locale: str, name: str) -> Path:
    return REFERENCES / f"{locale}-{name.rsplit('.', 1)[0]}.png"


def first_page(path: Path) -> Image.Image:
    """Page one of a PDF, or slide one of a deck (drawn as the gallery draws it), in gray."""
    import pypdfium2

    data = path.read_bytes()
    if path.suffix == ".pptx":
        from outreach import fonts
        from outreach.render.slideview import deck_pdf

        data = deck_pdf(data, fonts.css_families())
    document = pypdfium2.PdfDocument(data)
    try:
        return document[0].render(scale=DPI / 72).to_pil().convert("L")
    finally:
        document.close()


def difference(actual: Image.Image, expected: Image.Image) -> dict[str, float]:
    """Mean absolute difference (0-255) and the share of pixels that changed a lot."""
    if actual.size != expected.size:
        return {"mean": 255.0, "changed": 1.0}
    diff = ImageChops.difference(actual, expected)
    histogram = diff.histogram()
    total = actual.size[0] * actual.size[1]
    mean = sum(value * count for value, count in enumerate(histogram)) / total
    changed = sum(histogram[64:]) / total
    return {"mean": mean, "changed": changed}


def within_tolerance(measured: dict[str, float]) -> bool:
    return all(measured[key] <= limit for key, limit in TOLERANCE.items())


def build_outputs(out: Path) -> None:
    """Build what the references show: every product in en and ar, no chapter sets."""
    from outreach import BuildOptions, build

    build(BuildOptions(out_dir=out, locales=("en", "ar"), no_chapters=True))


def update() -> list[Path]:
    """Rebuild and write every reference image; return their paths."""
    REFERENCES.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build_outputs(out)
        for locale, name in PAGES:
            target = reference_path(locale, name)
            first_page(out / locale / name).save(target, optimize=True)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="rewrite tests/visual/*.png")
    args = parser.parse_args(argv)
    if not args.update:
        parser.print_help()
        return 2
    for path in update():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
