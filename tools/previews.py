"""Render the built outputs to PNG for looking at them and for the README's pictures.

    python tools/previews.py                # every page and slide -> output/previews/
    python tools/previews.py --readme       # also refresh docs/images/ used by README.md

Needs poppler-utils (pdftoppm) and LibreOffice (soffice), which ``setup.sh --test`` installs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README_PICTURES = {  # output file, page or slide number, picture name
    ("en/flyer-letter.pdf", 1): "flyer-letter.png",
    ("en/deck.pptx", 3): "slide-numbers.png",
    ("en/deck.pptx", 8): "slide-cycle.png",
    ("en/brochure-letter.pdf", 1): "brochure-outside.png",
    ("en/brochure-letter.pdf", 2): "brochure-inside.png",
    ("en/cards-letter.pdf", 1): "cards-front.png",
    ("ar/poster-a3.pdf", 1): "poster-ar.png",
    ("en/handout-audience-letter.pdf", 1): "handout-audience.png",
}


def pdf_to_pngs(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    """Render every page of ``pdf`` into ``folder``; return the PNGs in page order."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(stem)], check=True)
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def deck_to_pdf(deck: Path, folder: Path) -> Path:
    """Convert a deck to PDF with LibreOffice headless, the way a user's app opens it."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", "--headless", "--norestore",
                        f"-env:UserInstallation=file://{profile}",
                        "--convert-to", "pdf", "--outdir", str(folder), str(deck)],
                       check=True, capture_output=True)
    return folder / f"{deck.stem}.pdf"


def main() -> int:
    """Render every output under output/ to PNG files."""
    args = argparse.ArgumentParser(description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--out", type=Path, default=ROOT / "output")
    args.add_argument("--dpi", type=int, default=100)
    args.add_argument("--readme", action="store_true", help="refresh docs/images/")
    opts = args.parse_args()
    previews = opts.out / "previews"
    shutil.rmtree(previews, ignore_errors=True)
    rendered: dict[str, list[Path]] = {}
    for output in sorted(p for p in opts.out.glob("*/*.*") if not p.parent.name.startswith(".")):
        rel = output.relative_to(opts.out).as_posix()
        folder = previews / output.parent.name
        if output.suffix == ".pdf":
            rendered[rel] = pdf_to_pngs(output, folder, opts.dpi)
        elif output.suffix == ".pptx":
            pdf = deck_to_pdf(output, folder)
            rendered[rel] = pdf_to_pngs(pdf, folder / output.stem, opts.dpi)
    for rel, pngs in rendered.items():
        print(f"{rel}: {len(pngs)} page(s) -> {pngs[0].parent if pngs else '-'}")
    if opts.readme:
        images = ROOT / "docs" / "images"
        images.mkdir(parents=True, exist_ok=True)
        for (rel, number), name in README_PICTURES.items():
            shutil.copyfile(rendered[rel][number - 1], images / name)
            print(f"updated docs/images/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
