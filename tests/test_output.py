"""Write stage and reproducibility: outputs land whole, and equal input gives equal bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach import BuildOptions, build
from outreach.output import atomic_write


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


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first, second = tmp_path / "a", tmp_path / "b"
    # Every product, English and Arabic, with Riverside's sets in those locales.
    options = {"locales": ("en", "ar"), "workers": 2}
    build(BuildOptions(out_dir=first, **options))
    build(BuildOptions(out_dir=second, **options))

    def tree(root):  # outputs, the gallery and its thumbnails; not the caches' records
        return sorted(p.relative_to(root) for p in root.rglob("*")  # (they hold mtimes)
                      if p.is_file() and p.name not in (".manifest.json", "thumbs.json"))

    names = tree(first)
    assert names == tree(second)
    outputs = [n for n in names if n.suffix in (".pdf", ".pptx") and n.parts[0] != ".thumbs"]
    # 16 per locale (15 print products and the deck, slides.pdf); Riverside: 5 each.
    assert len(outputs) == 2 * 16 + 2 * 5, outputs
    pictures = [n for n in names if n.suffix in (".png", ".jpg", ".html", ".txt")
                and n.parts[0] not in (".thumbs", "gallery") and n != Path("index.html")]
    assert len(pictures) == 2 * 15 + 2 * 5, pictures  # e-flyers, share cards, alt text, web
    assert any(n.name == "index.html" for n in names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


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
