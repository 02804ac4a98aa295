"""Interface labels: the short words every product prints around the content.

The tool ships a default for each (``outreach/interface/labels.yaml``) with translations
in every shipped language (``outreach/interface/<locale>.po``), so a new campaign never
re-declares "Call" or "Source"; a campaign may still say any of them its own way in the
``labels`` of its campaign.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ContentError, Problem
from .fielddocs import describe
from .fields import TRANSLATABLE
from .pofile import placeholder_problems

INTERFACE_DIR = Path(__file__).resolve().parent / "interface"
DEFAULTS_FILE = INTERFACE_DIR / "labels.yaml"

PATTERNS = {"one_in": ("{n}",), "at_least": ("{n}",), "quoted": ("{text}",),
            "cite": ("{source}", "{year}"), "attribution": ("{speaker}", "{role}"),
            "reviewed": ("{date}",), "hosted_by": ("{host}",), "slide": ("{n}",),
            "continued": ("{title}",), "step": ("{n}", "{title}"),
            "arrow": ("{from}", "{to}"), "scan_qr": (), "qr_alt": ("{name}", "{address}"),
            "link_call": ("{name}", "{number}"), "link_text": ("{name}", "{number}"),
            "link_web": ("{name}", "{address}"), "link_mail": ("{name}", "{address}"),
            "share_alt": ("{headline}", "{number}", "{label}", "{source}", "{year}", "{help}"),
            "share_help": ("{name}", "{ways}")}
"""Labels that are patterns, and the placeholders each must keep."""

_Label = Annotated[str | None, Field(None, min_length=1, max_length=300), TRANSLATABLE]


def fill(pattern: str, **values: str) -> str:
    """Put values into a label pattern such as "Source: {source}, {year}"."""
    for key, value in values.items():
        pattern = pattern.replace("{" + key.rstrip("_") + "}", value)
    return pattern


class Labels(BaseModel):
    """Short interface words the products print, speak or describe around the content."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              json_schema_extra=describe)

    cite: _Label
    """Pattern for the small print beside a number; keep {source} and {year}."""
    attribution: _Label
    """Pattern naming who said a quote; keep {speaker} and {role}."""
    sources: _Label
    """Heading over the list of sources."""
    get_help: _Label
    """Heading over the help lines, where the content gives no resources section title."""
    call: _Label
    """Before a phone number: the verb for calling."""
    text: _Label
    """Before a text (SMS) number: the verb for texting."""
    online: _Label
    """Before a web address."""
    email: _Label
    """Before an e-mail address."""
    scan_qr: _Label
    """Caption under the QR code."""
    qr_alt: _Label
    """Alternative text of the QR code; keep {name} and {address}."""
    link_call: _Label
    """What a phone link does, read by screen readers in a PDF; keep {name} and {number}."""
    link_text: _Label
    """What a text (SMS) link does; keep {name} and {number}."""
    link_web: _Label
    """Where a web link leads; keep {name} and {address}."""
    link_mail: _Label
    """What an e-mail link does; keep {name} and {address}."""
    reviewed: _Label
    """Pattern for the review date in the footer; keep {date}."""
    one_in: _Label
    """Pattern for a one-in-N figure; keep {n} where the number goes."""
    at_least: _Label
    """Pattern for a figure that is a lower bound, e.g. {n}+; keep {n}."""
    quoted: _Label
    """How this language marks a quotation; keep {text} where the quote goes, e.g. “{text}”."""
    myth: _Label
    """Tag before a myth."""
    fact: _Label
    """Tag before the fact that answers a myth."""
    emergency_now: _Label
    """Name shown for the emergency number."""
    local_contact: _Label
    """Heading of the box with a local contact (a school counselor, a local service)."""
    stamp_here: _Label
    """Hint in the blank contact box, when no local contact is given."""
    join_us: _Label
    """Small heading over an event (a parent night) on the flyer, poster and title slide."""
    hosted_by: _Label
    """Pattern naming an event's host; keep {host}."""
    speaker_notes: _Label
    """Heading over the script in the presenter handout."""
    notes: _Label
    """Heading over the ruled lines of the audience handout."""
    slide: _Label
    """Pattern numbering a slide in the handouts; keep {n}."""
    continued: _Label
    """Title of a slide that continues a section; keep {title}."""
    step: _Label
    """Alternative text of one step of a diagram; keep {n} and {title}."""
    arrow: _Label
    """Alternative text of an arrow between two steps; keep {from} and {to}."""
    skip_to_main: _Label
    """The web page's first link, for keyboard users: it jumps past the headline."""
    draft_translation: _Label
    """Small line on every product of a translation nobody has marked reviewed yet."""
    share_alt: _Label
    """Alternative text of a share card (its .txt file); keep {headline}, {number},
    {label}, {source}, {year} and {help}."""
    share_help: _Label
    """The help line in a share card's alternative text; keep {name} and {ways}."""

    @field_validator(*PATTERNS)
    @classmethod
    def _keeps_placeholders(cls, value: str | None, info) -> str | None:
        """Patterns keep each of their placeholders exactly once, and add none (the rule a
        catalog's translations follow too)."""
        if value is not None:
            if problems := placeholder_problems(" ".join(PATTERNS[info.field_name]), value):
                raise ValueError("; ".join(problems))
        return value

    def merged(self, defaults: dict[str, str]) -> dict[str, str]:
        """Every label: this campaign's where it sets one, else the default."""
        return {name: getattr(self, name) or defaults[name] for name in type(self).model_fields}


LABEL_NAMES = tuple(Labels.model_fields)


def defaults() -> dict[str, str]:
    """The tool's English default for every label; a missing one is a packaging error."""
    from .yamlsafe import read_yaml

    doc, problems = read_yaml(DEFAULTS_FILE, str(DEFAULTS_FILE))
    data = doc.data if isinstance(doc.data, dict) else {}
    missing = [name for name in LABEL_NAMES if not data.get(name)]
    if missing:
        problems.append(Problem(str(DEFAULTS_FILE), 1, 1, "", "labels missing: " + ", ".join(missing)))
    if problems:
        raise ContentError(problems)
    Labels.model_validate(data)
    return {name: str(data[name]) for name in LABEL_NAMES}
