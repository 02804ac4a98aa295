"""Field types shared by the content model and the interface labels."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError


class Translatable:
    """Marker placed in a field's metadata: the value is text for translators."""

    def __repr__(self) -> str:
        return "Translatable()"


class Flat:
    """Marker on a list field: its items' ids stand in the text id without the field's name
    (``numbers.children.label``, not ``sections.numbers.items.children.label``)."""

    def __repr__(self) -> str:
        return "Flat()"


TRANSLATABLE = Translatable()
FLAT = Flat()
Text = Annotated[str, Field(min_length=1, max_length=2000), TRANSLATABLE]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
                          description="Stable lowercase id (a-z, 0-9, -); translations refer to it.")]
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
"""Bidirectional marks, embeddings, overrides and isolates: right in Arabic prose, but in
an address they can make it display as another one."""
UNSEEN = r"\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069"
"""Control characters and BIDI_CONTROLS as a pattern class body that JSON Schema reads too."""


def _no_bidi(value: object) -> object:
    """Refuse a bidirectional control in an address, with a message that names it."""
    found = next((c for c in value if c in BIDI_CONTROLS), None) if isinstance(value, str) \
        else None
    if found:
        raise PydanticCustomError(
            "bidi_control", "contains the invisible bidirectional control U+{code}, which "
            "can make an address display as another one; remove it",
            {"code": f"{ord(found):04X}"})
    return value


NO_BIDI = BeforeValidator(_no_bidi)
"""Put on every address type (URLs, e-mail addresses)."""
# No backslash before the quote: JSON Schema patterns are ECMA regexes, where \" is invalid.
Url = Annotated[str, Field(pattern="^https://[A-Za-z0-9.-]+\\.[A-Za-z]{2,}(/[^\\s<>\"'"
                                   + UNSEEN + "]*)?$",
                           max_length=500, description="An https:// address."), NO_BIDI]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9A-Z][0-9A-Z ()-]{1,30}$",
                             description="A phone number or short code as dialled, e.g. 1-888-373-7888.")]
RegionCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 code, e.g. US.")]
