"""The docstring written under each field of the content model, read when first asked for.

A field's docstring is its description: translators see it as the comment of each PO
entry, and editors see it in the JSON Schemas. pydantic can read these itself
(``use_attribute_docstrings``), but it parses each class's source as the class is made,
which cost every build about 35 ms (of a deck-only build's 0.58 s) while only the
catalogs and the schemas print them. Here each module's source is parsed once, the
first time a description is needed.
"""

from __future__ import annotations

import ast
import inspect
import sys
from functools import lru_cache
from pathlib import Path

__all__ = ["describe", "field_doc"]


@lru_cache(maxsize=None)
def _module_docs(filename: str) -> dict[str, dict[str, str]]:
    """Each top-level class of a module, with the docstring under each annotated field."""
    tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    found: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs = found[node.name] = {}
        for field, after in zip(node.body, node.body[1:]):
            if (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
                    and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)):
                docs[field.target.id] = inspect.cleandoc(after.value.value)
    return found


def field_doc(model: type, name: str) -> str | None:
    """A field's description: its ``Field(description=...)``, else the docstring written
    under it in its class or the nearest base class that declares it."""
    info = model.model_fields.get(name)
    if info is not None and info.description:
        return info.description
    for cls in model.__mro__:
        filename = getattr(sys.modules.get(cls.__module__), "__file__", None)
        if filename and "." not in cls.__qualname__:
            doc = _module_docs(filename).get(cls.__name__, {}).get(name)
            if doc is not None:
                return doc
    return None


def describe(schema: dict, model: type) -> None:
    """Give each property of a model's JSON Schema its field's description (pydantic
    calls this as the models' ``json_schema_extra``)."""
    for name, prop in schema.get("properties", {}).items():
        doc = field_doc(model, name) if "description" not in prop else None
        if doc:
            prop["description"] = doc
