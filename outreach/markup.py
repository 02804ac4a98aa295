"""The little formatting content may use: **strong**, *emphasis* and [text](https://...).

Content is never HTML. The tool finds these three patterns and turns them into markup
or slide runs itself; everything else, including anything that looks like a tag, is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\*\*(?P<strong>[^*]+)\*\*|\*(?P<em>[^*]+)\*"
                    r"|\[(?P<label>[^\]]+)\]\((?P<url>https://[^\s()<>\"']+)\)")


@dataclass(frozen=True)
class Span:
    """A piece of text and how it is set."""

    text: str
    strong: bool = False
    em: bool = False
    link: str | None = None


def spans(text: str) -> list[Span]:
    """Split text into plain, strong, emphasised and linked spans."""
    out, pos = [], 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            out.append(Span(text[pos:match.start()]))
        if match["strong"]:
            out.append(Span(match["strong"], strong=True))
        elif match["em"]:
            out.append(Span(match["em"], em=True))
        else:
            out.append(Span(match["label"], link=match["url"]))
        pos = match.end()
    if pos < len(text):
        out.append(Span(text[pos:]))
    return out


def to_html(text: str) -> Markup:
    """Render content text as safe HTML: escaped, with only the three patterns as markup."""
    parts = []
    for span in spans(text):
        piece = escape(span.text)
        if span.strong:
            piece = Markup("<strong>%s</strong>") % piece
        elif span.em:
            piece = Markup("<em>%s</em>") % piece
        elif span.link:
            # the link's own words describe it (a PDF link's description, from content)
            piece = Markup('<a href="%s" title="%s">%s</a>') % (span.link, span.text, piece)
        parts.append(piece)
    return Markup("").join(parts)


def plain(text: str) -> str:
    """Drop the formatting marks, keeping the words (for speaker notes and metadata)."""
    return "".join(span.text for span in spans(text))
