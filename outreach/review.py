"""Review state: a catalog is final only once a native speaker has read it against the English.

``i18n review LANG --by NAME`` records in the catalog's own header (PO editors keep X-
fields) who reviewed it, when, and a hash of every text as reviewed: the id, the current
English source and the translation used. Any later change to either makes the locale a
draft again, even before ``i18n update`` marks the entry fuzzy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass

from . import i18n, pofile
from .content import Content
from .errors import UsageError
from .output import atomic_write

BY, DATE, HASH = pofile.REVIEW_FIELDS


@dataclass(frozen=True)
class Review:
    """Whether a locale's catalog is reviewed, and by whom."""

    locale: str
    state: str
    """``source`` (needs no catalog), ``reviewed``, ``draft`` or ``changed`` (since review)."""
    by: str = ""
    date: str = ""

    @property
    def draft(self) -> bool:
        """True if the locale's products must say they are a draft translation."""
        return self.state in ("draft", "changed")

    def describe(self) -> str:
        """The status table's review column."""
        return {"source": "source", "draft": "draft",
                "reviewed": f"reviewed by {self.by} on {self.date}",
                "changed": f"draft (changed since review by {self.by})"}[self.state]


def digest(content: Content, tr: i18n.Translation) -> str:
    """Hash every text as printed: its id, its current English source and its translation."""
    hashed = hashlib.sha256()
    for text in i18n.texts(content):
        row = [text.id, text.value, tr.strings.get(text.id)]
        hashed.update(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    return "sha256:" + hashed.hexdigest()


def of(content: Content, locale: str, tr: i18n.Translation) -> Review:
    """The review state of the catalog ``tr`` was read from."""
    header = tr.header
    if not header.get(BY) or not header.get(HASH):
        return Review(locale, "draft")
    same = header[HASH] == digest(content, tr)
    return Review(locale, "reviewed" if same else "changed", header[BY], header.get(DATE, ""))


def state(content: Content, locale: str) -> Review:
    """The review state of a locale's catalog; the source language needs none."""
    if locale == content.campaign.meta.source_language:
        return Review(locale, "source")
    return of(content, locale, i18n.translation(content, locale))


def _today() -> str:
    """Today's date, or SOURCE_DATE_EPOCH's (for reproducible tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


def _reviewer(name: str) -> str:
    """A reviewer's name as it may go in the header: one printable line."""
    name = " ".join(name.split())
    if not name or pofile.control_character(name) or len(name) > 100:
        raise UsageError("say who reviewed it in one line of at most 100 characters, e.g. "
                         "--by 'Amira Haddad'")
    return name


def mark(content: Content, locale: str, by: str) -> Review:
    """Record in ``locale``'s catalog that ``by`` reviewed every text today."""
    if locale not in i18n.catalog_locales(content):
        raise UsageError(f"there is no catalog for {locale!r}; have: "
                         f"{', '.join(i18n.catalog_locales(content)) or 'none'}")
    name = _reviewer(by)
    tr = i18n.translation(content, locale)
    if tr.fuzzy or tr.missing:
        ids = tr.fuzzy + tr.missing
        more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
        raise UsageError(f"{locale} cannot be marked reviewed: {len(tr.fuzzy)} fuzzy and "
                         f"{len(tr.missing)} untranslated text(s) ({', '.join(ids[:5])}{more}); "
                         "translate and confirm every text first (see 'i18n status')")
    review = Review(locale, "reviewed", name, _today())
    path = i18n.po_path(content, locale)
    text = path.read_text(encoding="utf-8")
    fields = {BY: review.by, DATE: review.date, HASH: digest(content, tr)}
    atomic_write(path, pofile.set_fields(text, fields).encode("utf-8"))
    return review
