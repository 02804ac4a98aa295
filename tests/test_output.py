"""Write stage and reproducibility: outputs land whole, and equal input gives equal bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach import BuildOptions, build
from outreach.output import LOCK, atomic_write


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "en" / "flyer.pdf"
    atomic_write(target, b"good")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"half")
    assert target.read_bytes() == b"good"
    assert [p.name for p in target.parent.iterdir()] == ["flyer.pdf"]


def test_two_builds_are_byte_identical(built, tmp_path):
    """A second build, of English and Arabic only, repeats the session's full build byte for
    byte: an output depends on its own inputs, not on the time, the environment (no
    SOURCE_DATE_EPOCH either time) or whatever else the same workers rendered before it."""
    second = tmp_path / "b"
    # Every product, English and Arabic, with Riverside's sets in those locales.
    build(BuildOptions(out_dir=second, locales=("en", "ar"), workers=2))

    # Outputs and their thumbnails; not the caches' records (they hold mtimes), the lock
    # (it names the build's process), or the gallery's pages, which list what each holds.
    names = sorted(n for n in (p.relative_to(second) for p in second.rglob("*") if p.is_file())
                   if n.name not in (".manifest.json", "thumbs.json", LOCK)
                   and n.parts[0] != "gallery" and n != Path("index.html"))
    outputs = [n for n in names if n.suffix in (".pdf", ".pptx") and n.parts[0] != ".thumbs"]
    # 16 per locale (15 print products and the deck, slides.pdf); Riverside: 5 each.
    assert len(outputs) == 2 * 16 + 2 * 5, outputs
    pictures = [n for n in names if n.suffix in (".png", ".jpg", ".html", ".txt")
                and n.parts[0] != ".thumbs"]
    assert len(pictures) == 2 * 15 + 2 * 5, pictures  # e-flyers, share cards, alt text, web
    assert any(n.parts[0] == ".thumbs" for n in names), "the gallery's thumbnails compare too"
    assert [n for n in names if not (built / n).is_file()] == []
    different = [n for n in names if (built / n).read_bytes() != (second / n).read_bytes()]
    assert different == [], different


def test_a_build_reads_its_content_once(tmp_path, monkeypatch):
    from outreach import content, pipeline, workers

    calls = []
    real = content.load_content
    monkeypatch.setattr(pipeline, "load_content", lambda folder: calls.append(folder) or real(folder))
    monkeypatch.setattr(workers, "load_content", lambda folder: calls.append(folder) or real(folder))
    report = build(BuildOptions(out_dir=tmp_path, products=("deck",), locales=("en",),
                                no_chapters=True, workers=1))
    assert [b.path.name for b in report.outputs] == ["deck.pptx"]
    assert len(calls) == 1, "the renderers use the content the build already checked"
