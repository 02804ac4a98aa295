"""Checks beyond the schema: what a careful reviewer of the content would flag."""

from __future__ import annotations

from .content import CAMPAIGN_FILE, DECK_FILE, Content
from .errors import Problem
from .yamlsafe import dotted

FLYER_LIST_MAX = 5
HEADLINE_WORDS_MAX = 10
SLIDE_LINES_MAX = 6
LIST_SLIDES = ("warning_signs", "tips", "conversation_starters", "prosecution", "way_forward")


def _warn(content: Content, doc: str, path: tuple, message: str) -> Problem:
    located = content.located[doc]
    line, col = located.mark(path)
    return Problem(located.file, line, col, dotted(path), message, severity="warning")


def lint(content: Content) -> list[Problem]:
    """Return warnings about valid content that still deserves a second look."""
    c, found = content.campaign, []
    reviewed = c.meta.last_reviewed
    for i, stat in enumerate(c.statistics):
        age = reviewed.year - stat.year
        if age > c.meta.stale_after_years:
            found.append(_warn(content, CAMPAIGN_FILE, ("statistics", i, "year"),
                               f"this figure describes {stat.year}, {age} years before the last "
                               f"review; look for newer figures (limit: meta.stale_after_years = "
                               f"{c.meta.stale_after_years})"))
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
    for name in ("warning_signs", "tips"):
        count = len(getattr(c, name))
        if count > FLYER_LIST_MAX:
            found.append(_warn(content, CAMPAIGN_FILE, (name,),
                               f"{count} items; the flyer reads best with {FLYER_LIST_MAX} at most"))
    for i, slide in enumerate(content.deck.slides):
        kind = slide.content.partition("/")[0]
        if kind in LIST_SLIDES and len(getattr(c, kind)) > SLIDE_LINES_MAX:
            found.append(_warn(content, DECK_FILE, ("slides", i, "content"),
                               f"{kind} has {len(getattr(c, kind))} items; a slide holds "
                               f"{SLIDE_LINES_MAX} at most"))
    return found
