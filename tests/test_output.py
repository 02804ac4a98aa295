"""Write stage and reproducibility: outputs land whole, and equal input gives equal bytes."""

from __future__ import annotations

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
    build(BuildOptions(out_dir=first))
    build(BuildOptions(out_dir=second))
    names = sorted(p.relative_to(first) for p in first.rglob("*")
                   if p.is_file() and not p.name.startswith("."))
    locales = {name.parts[0] for name in names}
    assert "en" in locales and len(names) == 5 * len(locales)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
