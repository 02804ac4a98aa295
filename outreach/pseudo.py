"""Pseudo-locales, as Chromium and Android ship them, made from the source text at run time.

``en-XA`` accents every letter, brackets each text and pads it by about a third, so a word
of plain source language in an output came from the code, and a designer sees what a long
translation does to every product. ``ar-XB`` is the same text laid out right to left, so a
layout that does not mirror shows at once. Neither is ever committed as a catalog.
"""

from __future__ import annotations

import re

from .pofile import PLACEHOLDER

PSEUDO_LOCALES = {"en-XA": "ltr", "ar-XB": "rtl"}
"""Each pseudo-locale and its text direction."""

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
_PADDING = "ôñé ţŵö ţĥŕéé ƒöûŕ ƒîṽé šîẋ šéṽéñ éîĝĥţ ñîñé ţéñ".split()
# Kept as written: {placeholders}, link targets, e-mail addresses, bare web addresses.
_KEEP = re.compile(PLACEHOLDER.pattern + r"|\]\([^)]*\)|\S+@\S+|https://\S+|www\.\S+")


def is_pseudo(locale: str) -> bool:
    """True for a pseudo-locale tag."""
    return locale in PSEUDO_LOCALES


def script_locale(locale: str, source: str) -> str:
    """The locale whose script chooses fonts: a pseudo-locale is written in its source's."""
    return source if is_pseudo(locale) else locale


def pseudo(text: str) -> str:
    """Accent, pad and bracket one text, keeping placeholders and addresses intact."""
    out, pos = [], 0
    for match in _KEEP.finditer(text):
        out.append(text[pos:match.start()].translate(_ACCENTED))
        out.append(match.group())
        pos = match.end()
    out.append(text[pos:].translate(_ACCENTED))
    body = "".join(out)
    # About 35% longer in characters, brackets included, as long translations run.
    room, words = round(len(text) * 0.35) - 3, []
    while not words or len(" ".join(words)) < room:
        words.append(_PADDING[len(words) % len(_PADDING)])
    return f"[{body} {' '.join(words)}]"
