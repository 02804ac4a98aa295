"""Field types shared by the content model and the interface labels."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field


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
# No backslash before the quote: JSON Schema patterns are ECMA regexes, where \" is invalid.
Url = Annotated[str, Field(pattern="^https://[A-Za-z0-9.-]+\\.[A-Za-z]{2,}(/[^\\s<>\"']*)?$",
                           max_length=500, description="An https:// address.")]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9A-Z][0-9A-Z ()-]{1,30}$",
                             description="A phone number or short code as dialled, e.g. 1-888-373-7888.")]
RegionCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 code, e.g. US.")]
