"""Colour contrast (WCAG 2.2 AA): the themes' actual colour pairs are checked before rendering."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from .errors import TemplateError

AA_BODY, AA_LARGE = 4.5, 3.0
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# (text colour, background colour, where it is used, large text?) by CSS custom property.
FLYER_PAIRS = (
    ("ink", "paper", "body text", False),
    ("muted", "paper", "small print and labels", False),
    ("primary", "paper", "headings, numbers and phone numbers", False),
    ("alert", "paper", "the emergency number", True),
    ("paper", "primary", "the headline band and step numbers", False),
    ("ink", "tint", "text in the 'how it starts' panel", False),
    ("muted", "tint", "the quote's attribution", False),
    ("primary", "tint", "the panel's heading", False),
)
# The web page adds white on the emergency line's red button and ink on the amber one.
WEB_PAIRS = FLYER_PAIRS + (("paper", "alert", "the emergency number's button", False),
                           ("ink", "accent", "the button down to the help", False))
# The share cards (standard colours only: they are never photocopied), by CSS property.
SHARE_PAIRS = (
    ("paper", "primary", "the headline band", False),
    ("primary", "paper", "the key number", False),
    ("ink", "paper", "what the number counts", False),
    ("muted", "paper", "the number's source and the organization", False),
    ("ink", "accent", "the help band", False),
)
# The same for the deck, by theme colour name (the renderer draws with these too).
DECK_PAIRS = (
    ("dk1", "lt1", "body text", False),
    ("dk2", "lt1", "titles and numbers", False),
    ("lt1", "dk2", "title and section slides, the highlighted cycle step", False),
    ("dk2", "lt2", "comparison headers and number cards", False),
    ("dk1", "lt2", "text on number cards", False),
    ("accent4", "lt2", "citations on number cards", False),
    ("accent4", "lt1", "small print and slide numbers", False),
    ("hlink", "lt1", "links", False),
    ("alert", "lt1", "the emergency number", True),
)
ALERT = "A3271B"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two #RRGGBB colours, from 1 to 21."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _failures(colours: dict[str, str], pairs, source: str) -> list[str]:
    problems = []
    for fg, bg, where, large in pairs:
        if fg not in colours or bg not in colours:
            missing = fg if fg not in colours else bg
            problems.append(f"{source}: colour {missing!r} is not defined")
            continue
        needed = AA_LARGE if large else AA_BODY
        value = ratio(colours[fg], colours[bg])
        if value < needed:
            problems.append(f"{source}: {fg} #{colours[fg].lstrip('#')} on {bg} "
                            f"#{colours[bg].lstrip('#')} ({where}) has contrast {value:.2f}:1; "
                            f"WCAG AA needs {needed}:1")
    return problems


def css_colours(css: str, selector: str = ":root") -> dict[str, str]:
    """Read the ``--name: #RRGGBB`` custom properties that a stylesheet's rule for
    ``selector`` (by default :root) sets."""
    root = re.search(re.escape(selector) + r"\s*{([^}]*)}", css)
    found = re.findall(r"--([a-z-]+):\s*#([0-9A-Fa-f]{6})\b", root.group(1) if root else "")
    return {name: value.upper() for name, value in found}


def theme_colours(pptx: Path) -> dict[str, str]:
    """Read a deck theme's colour scheme (dk1, lt1, dk2, lt2, accent1-6, hlink)."""
    with zipfile.ZipFile(pptx) as package:
        name = next(n for n in package.namelist() if re.match(r"ppt/theme/theme\d+\.xml$", n))
        scheme = etree.fromstring(package.read(name)).find(f".//{_A}clrScheme")
    colours = {}
    for slot in scheme:
        value = slot.find(f"{_A}srgbClr")
        system = slot.find(f"{_A}sysClr")
        if value is not None:
            colours[etree.QName(slot).localname] = value.get("val").upper()
        elif system is not None:
            colours[etree.QName(slot).localname] = system.get("lastClr", "000000").upper()
    colours["alert"] = ALERT
    return colours


PHOTOCOPIER = ".mode-photocopier"
"""The rule in modes.css that sets the grayscale palette."""


def check_print(folder: Path) -> None:
    """Raise TemplateError naming every colour pair of the print palettes that fails AA:
    base.css's :root, and the photocopier palette that modes.css puts over it."""
    base = folder / "base.css"
    colours = css_colours(base.read_text(encoding="utf-8"))
    problems = _failures(colours, FLYER_PAIRS, str(base))
    modes = folder / "modes.css"
    if modes.is_file():
        copier = {**colours, **css_colours(modes.read_text(encoding="utf-8"), PHOTOCOPIER)}
        problems += _failures(copier, FLYER_PAIRS, f"{modes} ({PHOTOCOPIER})")
    if problems:
        raise TemplateError("\n".join(problems))


def check_web(stylesheet: Path) -> None:
    """Raise TemplateError naming every colour pair of the web page's palette that fails AA."""
    colours = css_colours(stylesheet.read_text(encoding="utf-8"))
    problems = _failures(colours, WEB_PAIRS, str(stylesheet))
    if problems:
        raise TemplateError("\n".join(problems))


def check_share(folder: Path) -> None:
    """Raise TemplateError naming every colour pair of the share cards that fails AA."""
    base = folder / "base.css"
    problems = _failures(css_colours(base.read_text(encoding="utf-8")), SHARE_PAIRS, str(base))
    if problems:
        raise TemplateError("\n".join(problems))


def check_deck(theme: Path) -> None:
    """Raise TemplateError naming every colour pair of the deck theme that fails AA."""
    problems = _failures(theme_colours(theme), DECK_PAIRS, str(theme))
    if problems:
        raise TemplateError("\n".join(problems))
