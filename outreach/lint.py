"""Checks beyond the schema: what a careful reviewer of the content would flag."""

from __future__ import annotations

import re

from .content import CAMPAIGN_FILE, DECK_FILE, Content
from .errors import Problem
from .i18n import walk
from .model import items_of
from .yamlsafe import dotted

FLYER_LIST_MAX = 5
HEADLINE_WORDS_MAX = 10
SLIDE_LINES_MAX = 6
PLACEHOLDER = re.compile(r"\bTODO\b")
"""Marks text that `python build.py new` wrote for the maintainer to replace."""


def _warn(content: Content, doc: str, path: tuple, message: str) -> Problem:
    located = content.located[doc]
    line, col = located.mark(path)
    return Problem(located.file, line, col, dotted(path), message, severity="warning")


def _placeholders(content: Content) -> list[Problem]:
    """Every text still holding a TODO placeholder, in file order."""
    found = []
    for doc, model, prefix in ((CAMPAIGN_FILE, content.campaign, ""),
                               (DECK_FILE, content.deck, "deck")):
        for ident, path, value, _, _ in walk(model, prefix):
            if PLACEHOLDER.search(value):
                found.append(_warn(content, doc, path, f"placeholder text in {ident}: "
                                   "replace it with the campaign's own words"))
    return found


def lint(content: Content) -> list[Problem]:
    """Return warnings about valid content that still deserves a second look."""
    c, found = content.campaign, _placeholders(content)
    reviewed = c.meta.last_reviewed
    for s_index, section in enumerate(c.sections):
        if section.kind != "statistics":
            continue
        for i, stat in enumerate(section.items):
            age = reviewed.year - stat.year
            if age > c.meta.stale_after_years:
                found.append(_warn(content, CAMPAIGN_FILE, ("sections", s_index, "items", i, "year"),
                                   f"this figure describes {stat.year}, {age} years before the "
                                   f"last review; look for newer figures (limit: "
                                   f"meta.stale_after_years = {c.meta.stale_after_years})"))
    cited = set(c.cited())
    for i, source in enumerate(c.sources):
        if source.id not in cited:
            found.append(_warn(content, CAMPAIGN_FILE, ("sources", i),
                               f"source {source.id!r} is not cited by any statistic, quote or "
                               "myth; cite it or remove it"))
    words = len(c.meta.headline.split())
    if words > HEADLINE_WORDS_MAX:
        found.append(_warn(content, CAMPAIGN_FILE, ("meta", "headline"),
                           f"the headline has {words} words; a parent takes in "
                           f"{HEADLINE_WORDS_MAX} at most at a glance"))
    for i, section in enumerate(c.sections):
        if section.kind == "list" and len(section.items) > FLYER_LIST_MAX:
            found.append(_warn(content, CAMPAIGN_FILE, ("sections", i, "items"),
                               f"{section.id} has {len(section.items)} items; a printed list "
                               f"reads best with {FLYER_LIST_MAX} at most"))
    sections = {s.id: s for s in (*c.sections, *content.deck.sections)}
    for i, slide in enumerate(content.deck.slides):
        section = sections.get((slide.content or "").partition("/")[0])
        if section is not None and section.kind == "list" and "/" not in slide.content \
                and len(items_of(section)) > SLIDE_LINES_MAX:
            found.append(_warn(content, DECK_FILE, ("slides", i, "content"),
                               f"{section.id} has {len(items_of(section))} items; they continue "
                               f"on a second slide (a slide holds {SLIDE_LINES_MAX} at most)"))
    return found
