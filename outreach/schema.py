"""JSON Schema files for editors, generated from the content model."""

from __future__ import annotations

import json
from pathlib import Path

from .chapters import ChapterList
from .model import Campaign, Deck, Region

SCHEMAS = {"campaign.schema.json": Campaign, "deck.schema.json": Deck,
           "region.schema.json": Region, "chapters.schema.json": ChapterList}


def schema_text(model) -> str:
    """Return the model's JSON Schema as stable, pretty-printed text."""
    schema = model.model_json_schema()
    chapter = schema.get("$defs", {}).get("Chapter")
    if chapter is not None:  # a chapter's id may be left out: it is made from its name
        chapter["required"] = [name for name in chapter["required"] if name != "id"]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written
