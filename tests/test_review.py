"""Review state: an unreviewed translation says so on every product until a reviewer signs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from outreach import BuildOptions, build, i18n, load_content, localize, review

from .conftest import edit, run_cli

AR_DRAFT = "ترجمة أولية لم يراجعها متحدث أصلي بعد"
"""The Arabic draft_translation label (outreach/interface/ar.po)."""
REVIEWER = "Amira Haddad"


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def _cover(path: Path) -> tuple[str, str]:
    """The title slide's text and its speaker notes."""
    slide = Presentation(str(path)).slides[0]
    shown = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    return shown, slide.notes_slide.notes_text_frame.text


def _build_ar(content: Path, out: Path):
    return build(BuildOptions(content_dir=content, out_dir=out, locales=("ar",),
                              products=("flyer", "deck"), papers=("letter",), no_chapters=True))


def _says_draft(out: Path) -> tuple[bool, bool, bool]:
    shown, notes = _cover(out / "ar" / "deck.pptx")
    return AR_DRAFT in _pdf_text(out / "ar" / "flyer-letter.pdf"), AR_DRAFT in shown, \
        AR_DRAFT in notes


def test_draft_line_until_reviewed_and_again_after_a_source_change(content_copy, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    out = tmp_path / "out"
    _build_ar(content_copy, out)
    assert _says_draft(out) == (True, True, True)

    done = review.mark(load_content(content_copy), "ar", REVIEWER)
    assert done.describe() == f"reviewed by {REVIEWER} on 2026-12-01"
    report = _build_ar(content_copy, out)
    assert len(report.outputs) == 2, "the review is in the catalog, so its outputs are rebuilt"
    assert _says_draft(out) == (False, False, False)

    # One English text changes, before anyone runs 'i18n update': a draft again.
    edit(content_copy / "campaign.yaml", "text: Gifts, money or a phone you cannot explain",
         "text: Gifts, money or a new phone you cannot explain")
    content = load_content(content_copy)
    assert review.state(content, "ar").describe() == f"draft (changed since review by {REVIEWER})"
    _build_ar(content_copy, out)
    assert _says_draft(out) == (True, True, True)


def test_status_column_and_strict_build(content_copy, tmp_path):
    status = run_cli("i18n", "status", "--content", str(content_copy))
    assert status.returncode == 0
    assert [line.split("%  ")[1] for line in status.stdout.splitlines()[1:]] == ["draft"] * 4
    assert status.stdout.splitlines()[0].endswith("percent  review")

    strict = run_cli("--strict", "--locale", "ar", "--product", "flyer", "--paper", "letter",
                     "--no-chapters", "--content", str(content_copy), "--out", str(tmp_path))
    assert strict.returncode == 2, strict.stderr
    assert (f"ar.po:1:1: ar is a draft translation, not yet reviewed by a native speaker; once "
            f"it is, run 'python build.py i18n review ar --by NAME' (or drop --strict)"
            in strict.stderr), strict.stderr
    assert not (tmp_path / "ar" / "flyer-letter.pdf").exists()

    signed = run_cli("i18n", "review", "ar", "--by", REVIEWER, "--content", str(content_copy))
    assert signed.returncode == 0, signed.stderr
    assert f"ar reviewed by {REVIEWER} on " in signed.stdout
    status = run_cli("i18n", "status", "--content", str(content_copy))
    assert f"%  reviewed by {REVIEWER} on " in status.stdout.splitlines()[1]
    assert status.stdout.splitlines()[2].endswith("%  draft"), "only ar was reviewed"


def test_review_refuses_an_incomplete_catalog_and_a_bad_name(content_copy):
    po = content_copy / "locales" / "es.po"
    edit(po, 'msgctxt "warning-signs.unexplained-gifts.text"',
         '#, fuzzy\nmsgctxt "warning-signs.unexplained-gifts.text"')
    result = run_cli("i18n", "review", "es", "--by", "Ana Ruiz", "--content", str(content_copy))
    assert result.returncode == 2
    assert ("es cannot be marked reviewed: 1 fuzzy and 0 untranslated text(s) "
            "(warning-signs.unexplained-gifts.text); translate and confirm every text first"
            in result.stderr), result.stderr
    assert "X-Outreach" not in po.read_text(encoding="utf-8")
    no_name = run_cli("i18n", "review", "fr", "--content", str(content_copy))
    assert no_name.returncode == 2 and "needs a language and who reviewed it" in no_name.stderr
    with pytest.raises(review.UsageError, match="one line of at most 100 characters"):
        review.mark(load_content(content_copy), "fr", "Ana\x1b[2J")


def test_a_review_survives_update_and_a_changed_translation_undoes_it(content_copy):
    content = load_content(content_copy)
    review.mark(content, "fr", "Claire Martin")
    i18n.update(content)
    assert review.state(content, "fr").state == "reviewed"
    text = (content_copy / "locales" / "fr.po").read_text(encoding="utf-8")
    assert text.count("X-Outreach-Reviewed-By: Claire Martin") == 1
    edit(content_copy / "locales" / "fr.po", "la traite", "le trafic")
    assert review.state(content, "fr").describe() == "draft (changed since review by Claire Martin)"


@pytest.mark.parametrize("locale,draft", [("en", False), ("en-GB", False), ("en-XA", False),
                                          ("ar-XB", False), ("ar", True), ("zh-Hans", True)])
def test_which_editions_are_drafts(locale, draft, content_copy):
    assert localize(load_content(content_copy), locale).draft is draft
