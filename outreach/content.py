"""Load and validate stage: YAML files -> typed models, every problem located."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .errors import ContentError, Problem
from .images import image_problem
from .model import KINDS, SECTION_MODELS, Campaign, Deck, Region
from .references import Patch, cross_check, region_problems
from .yamlsafe import Located, control_character, dotted, read_yaml

CAMPAIGN_FILE = "campaign.yaml"
DECK_FILE = "deck.yaml"
REGIONS_DIR = "regions"


@dataclass(frozen=True)
class Content:
    """Everything read from a content folder, validated and cross-checked."""

    campaign: Campaign
    deck: Deck
    located: dict[str, Located]
    """The raw documents by file name, kept for located messages in later stages."""
    folder: Path
    """The content folder these were read from."""
    regions: dict[str, Region]
    """Region overlays by ISO code, from regions/*.yaml."""
    patches: dict[str, dict[str, Patch]] = field(default_factory=dict)
    """By region, then section id: the region's checked changes to a section."""

    @property
    def sections(self) -> list:
        """The campaign's sections, then the deck's own."""
        return [*self.campaign.sections, *self.deck.sections]


def _display(path: Path) -> str:
    """Name a file the way a maintainer would type it: relative to the working folder."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Return the keys allowed by the model at a location, for 'unknown key' hints."""
    current: Any = model
    for index, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if part in SECTION_MODELS and index and isinstance(loc[index - 1], int):
            current = SECTION_MODELS[part]  # the kind tag pydantic adds for a section
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            break
        current = info.annotation
        while get_origin(current) is not None:
            args = [a for a in get_args(current) if a is not type(None)]
            current = args[0] if args else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _message(error: dict, model: type[BaseModel]) -> str:
    """Rewrite a pydantic error as a short lowercase message with what to do."""
    kind = error["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, error["loc"][:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return f"unknown key{hint}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"kind must be one of {', '.join(KINDS)}" + (
            f" (got {error['input'].get('kind')!r})" if isinstance(error["input"], dict) and
            error["input"].get("kind") else "")
    if kind == "finite_number":
        return f"must be a finite number (got {error['input']})"
    if kind in ("string_pattern_mismatch", "literal_error"):
        return f"{error['msg'][0].lower()}{error['msg'][1:]} (got {error['input']!r})"
    msg = error["msg"]
    return msg[0].lower() + msg[1:]


def _without_tags(loc: tuple) -> tuple:
    """Drop the section kind pydantic puts in a location: (sections, 2, list, items) ->
    (sections, 2, items), the path as written in the YAML."""
    out: list = []
    for i, part in enumerate(loc):
        if i >= 2 and loc[i - 2] == "sections" and isinstance(loc[i - 1], int) and part in KINDS:
            continue
        out.append(part)
    return tuple(out)


def _validate(model: type[BaseModel], doc: Located) -> tuple[Any, list[Problem]]:
    """Validate one document against its model; return the model or located problems."""
    if not isinstance(doc.data, dict):
        return None, [Problem(doc.file, 1, 1, "", "expected a mapping of keys at the top level")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            if isinstance(error["input"], str) and control_character(error["input"]):
                continue  # read_yaml reported it already, and a pattern error would repeat it
            loc = _without_tags(tuple(p for p in error["loc"] if isinstance(p, (str, int))))
            if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc += ("kind",)
            key = error["type"] in ("extra_forbidden",)
            line, col = doc.mark(loc, key=key)
            problems.append(Problem(doc.file, line, col, dotted(loc), _message(error, model)))
        return None, problems


def load_content(content_dir: Path) -> Content:
    """Read, validate and cross-check the campaign and deck outline in ``content_dir``.

    Raises ContentError listing every problem found, each with file, line and column.
    """
    cdoc, problems = read_yaml(content_dir / CAMPAIGN_FILE, _display(content_dir / CAMPAIGN_FILE))
    ddoc, more = read_yaml(content_dir / DECK_FILE, _display(content_dir / DECK_FILE))
    problems += more
    campaign = deck = None
    if cdoc.data is not None:
        campaign, more = _validate(Campaign, cdoc)
        problems += more
    if ddoc.data is not None:
        deck, more = _validate(Deck, ddoc)
        problems += more
    if campaign is not None and deck is not None:
        problems += cross_check(campaign, deck, cdoc, ddoc)
    regions, regions_docs, more = _load_regions(content_dir / REGIONS_DIR)
    problems += more
    patches: dict[str, dict[str, Patch]] = {}
    if campaign is not None and deck is not None:
        for code, region in regions.items():
            patches[code], more = region_problems(campaign, region, regions_docs[code])
            problems += more
    if campaign is not None:
        problems += asset_problems(cdoc, ("meta", "organization", "logo"),
                                   campaign.meta.organization.logo, content_dir)
    if problems or campaign is None or deck is None:
        raise ContentError(problems)
    return Content(campaign, deck, {CAMPAIGN_FILE: cdoc, DECK_FILE: ddoc}, content_dir, regions,
                   patches)


MAX_IMAGE_BYTES = 2_000_000


def asset_problems(doc: Located, path: tuple, relative: str | None, content_dir: Path) -> list[Problem]:
    """Check that an image named in content is a usable image file inside the content folder."""
    if relative is None:
        return []
    line, col = doc.mark(path)
    where = dotted(path)
    root = content_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        return [Problem(doc.file, line, col, where, f"{relative!r} points outside the content "
                        "folder; put the image under content/ and name it relative to it")]
    if not target.is_file():
        return [Problem(doc.file, line, col, where, f"no file {relative!r} in the content folder")]
    if target.stat().st_size > MAX_IMAGE_BYTES:
        return [Problem(doc.file, line, col, where, f"{relative!r} is larger than "
                        f"{MAX_IMAGE_BYTES // 1_000_000} MB; use a smaller image")]
    problem = image_problem(target)
    if problem:
        return [Problem(doc.file, line, col, where, f"{relative!r} cannot be used: {problem}")]
    return []


def _load_regions(folder: Path) -> tuple[dict[str, Region], dict[str, Located], list[Problem]]:
    """Read every regions/XX.yaml overlay; its file name must match its region code."""
    regions: dict[str, Region] = {}
    docs: dict[str, Located] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        doc, found = read_yaml(path, _display(path))
        problems += found
        if doc.data is None:
            continue
        region, found = _validate(Region, doc)
        problems += found
        if region is None:
            continue
        if path.stem != region.region:
            line, col = doc.mark(("region",))
            problems.append(Problem(doc.file, line, col, "region",
                                    f"the file is named {path.stem}.yaml but holds region "
                                    f"{region.region!r}; name it {region.region}.yaml"))
        for i, resource in enumerate(region.resources):
            if resource.region != region.region:
                line, col = doc.mark(("resources", i, "region"))
                problems.append(Problem(doc.file, line, col, f"resources[{i}].region",
                                        f"a {region.region} overlay may only list "
                                        f"{region.region} resources (got {resource.region!r})"))
        if region.organization is not None:
            problems += asset_problems(doc, ("organization", "logo"), region.organization.logo,
                                       folder.parent)
        if sum(r.primary for r in region.resources) > 1:
            line, col = doc.mark(("resources",))
            problems.append(Problem(doc.file, line, col, "resources",
                                    "mark at most one resource as primary: true"))
        regions[region.region] = region
        docs[region.region] = doc
    return regions, docs, problems
