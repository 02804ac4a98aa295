"""Translation catalogs: every translatable text as a gettext PO entry keyed by its stable id.

msgctxt is the text's id (``statistics.children.label``), msgid the source text, and the
field's documentation plus any ``note:`` in the YAML become extracted comments, so any PO
editor (Poedit, Weblate) shows translators what they are translating and where it goes.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from pydantic import BaseModel

from .content import CAMPAIGN_FILE, DECK_FILE, Content
from .errors import ContentError, Problem, UsageError
from .fielddocs import field_doc
from .fields import FLAT, TRANSLATABLE
from .labels import DEFAULTS_FILE, INTERFACE_DIR, LABEL_NAMES, Labels, defaults
from . import pofile
from .output import atomic_write
from .yamlsafe import read_text

LOCALES_DIR = "locales"
TEMPLATE = "messages.pot"
REVIEW_NOTE = ("# Review: a native speaker reads every text against the English, then runs\n"
               "# 'python build.py i18n review {locale} --by NAME'; until then it prints as a draft.")
"""The header comment of a new catalog; the review itself is recorded in header fields."""


@dataclass(frozen=True)
class Text:
    """One translatable text in the content."""

    id: str
    """Stable id, used as msgctxt: the YAML path with list items named by their id."""
    value: str
    file: str
    line: int
    comments: tuple[str, ...]
    path: tuple[str | int, ...] | None
    """Where the value sits in the model dump: (document, key, index, ...); None for a
    tool default label, which no content file holds."""


def _is_text(annotation: Any) -> bool:
    """True if a field annotation is ``Text`` or ``Text | None``."""
    if get_origin(annotation) is Annotated:
        return TRANSLATABLE in annotation.__metadata__
    if get_origin(annotation) in (Union, type(int | None)):
        return any(_is_text(arg) for arg in get_args(annotation))
    return False


def _field_is_text(info) -> bool:
    return TRANSLATABLE in info.metadata or _is_text(info.annotation)


def walk(model: BaseModel, ident: str = "", path: tuple = (), note: str | None = None,
         keep: frozenset[str] = frozenset()):
    """Yield (id, path, value, field doc, note) for every translatable text under ``model``."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        if _field_is_text(info) and isinstance(value, str):
            if name not in keep:
                yield (f"{ident}.{name}".lstrip("."), path + (name,), value,
                       field_doc(type(model), name), note)
        elif isinstance(value, BaseModel):
            yield from walk(value, f"{ident}.{name}", path + (name,))
        elif isinstance(value, list):
            stem = ident if FLAT in info.metadata else f"{ident}.{name}"
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from walk(item, f"{stem}.{item.id}".lstrip("."), path + (name, index),
                                    getattr(item, "note", None) or note,
                                    frozenset(getattr(item, "do_not_translate", [])))


def texts(content: Content) -> list[Text]:
    """List every translatable text of the campaign and the deck outline, in file order."""
    found = []
    for doc_key, model, prefix in ((CAMPAIGN_FILE, content.campaign, ""),
                                   (DECK_FILE, content.deck, "deck")):
        located = content.located[doc_key]
        for ident, path, value, doc, note in walk(model, prefix):
            comments = tuple(c for c in (doc, f"Note: {note}" if note else None) if c)
            line = located.mark(path)[0]
            found.append(Text(ident, value, doc_key, line, comments, (doc_key,) + path))
    own = {text.id for text in found}
    for name, value in defaults().items():  # the tool's labels this campaign does not set
        if f"labels.{name}" not in own:
            doc = (field_doc(Labels, name) or "").strip()
            found.append(Text(f"labels.{name}", value, TOOL_LABELS, _default_lines()[name],
                              tuple(c for c in (doc, "A default of the tool: shared by every "
                                                "campaign.") if c), None))
    return found


TOOL_LABELS = "interface labels"
"""How the file of the tool's default labels is named in messages and PO locations."""


def _default_lines() -> dict[str, int]:
    """The line of each default label in outreach/interface/labels.yaml."""
    lines = {}
    for number, line in enumerate(DEFAULTS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        key = line.split(":", 1)[0]
        if key in LABEL_NAMES:
            lines[key] = number
    return lines


def template(content: Content) -> Catalog:
    """Build the POT catalog: every text, with its id as context and its source line."""
    meta = content.campaign.meta
    catalog = Catalog(project=meta.title, version=str(meta.last_reviewed),
                      copyright_holder=meta.organization.name, fuzzy=False,
                      creation_date=dt.datetime(2026, 1, 1), revision_date=dt.datetime(2026, 1, 1))
    for text in texts(content):
        where = "outreach/interface/labels.yaml" if text.path is None else f"content/{text.file}"
        catalog.add(text.value, context=text.id, locations=[(where, text.line)],
                    auto_comments=text.comments)
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=79, include_previous=True, sort_output=False)
    return buffer.getvalue()


def locales_dir(content: Content) -> Path:
    """The folder holding the POT template and one PO file per locale."""
    return content.folder / LOCALES_DIR


def po_path(content: Content, locale: str) -> Path:
    """Where a locale's catalog lives."""
    return locales_dir(content) / f"{locale}.po"


def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale, sep="-")
    except (ValueError, UnknownLocaleError) as exc:
        raise UsageError(f"{locale!r} is not a known locale code (use e.g. es, fr, ar, zh-Hans, "
                         f"pt-BR): {exc}") from exc


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Read a PO file; raise ContentError with the line number if it is malformed."""
    return _read(path, locale)[0]


def _read(path: Path, locale: str | None = None) -> tuple[Catalog, dict[str, str]]:
    """Check a PO file strictly (see outreach/pofile.py), then read it: (catalog, header)."""
    display = str(path)
    text, problems = read_text(path, display, not_utf8=pofile.UTF8_ADVICE)
    if text is None:
        raise ContentError(problems)
    problems, header = pofile.check(text, display)
    if problems:
        raise ContentError(problems)
    try:
        catalog = read_po(io.StringIO(text), locale=locale and str(_babel_locale(locale)),
                          abort_invalid=True, charset="utf-8")
    except PoFileError as exc:
        raise ContentError([Problem(display, exc.lineno, 1, "", f"PO syntax: {exc}")]) from exc
    except (LookupError, ValueError) as exc:  # a header Babel cannot parse (plural forms)
        raise ContentError([Problem(display, 1, 1, "", f"bad PO header: {exc}")]) from exc
    return catalog, header


def extract(content: Content) -> Path:
    """Write the POT template of every translatable text; return its path."""
    path = locales_dir(content) / TEMPLATE
    atomic_write(path, _po_bytes(template(content)))
    return path


def _merge(catalog: Catalog, pot: Catalog) -> Catalog:
    """Merge a template into a catalog by id: changed source -> fuzzy, removed -> obsolete."""
    merged = Catalog(locale=catalog.locale, project=catalog.project, version=pot.version,
                     copyright_holder=pot.copyright_holder, fuzzy=False,
                     creation_date=catalog.creation_date, revision_date=catalog.revision_date,
                     last_translator=catalog.last_translator, language_team=catalog.language_team,
                     header_comment=catalog.header_comment)
    old = {m.context: m for m in catalog if m.id and m.context}
    current = {m.context for m in pot if m.id}
    # A text whose id changed (a section renamed, content restructured) keeps its translation:
    # an entry whose id is gone gives its translation to a new id with the same source text.
    # A new text whose source is already translated elsewhere in the catalog starts from that.
    orphans = {m.id: m for m in catalog.obsolete.values() if m.id and m.string and not m.fuzzy}
    orphans.update({m.id: m for m in catalog if m.id and m.string and not m.fuzzy})
    orphans.update({m.id: m for m in catalog if m.id and m.context not in current and m.string
                    and not m.fuzzy})
    for message in pot:
        if not message.id:
            continue
        before = old.pop(message.context, None)
        if (before is None or not before.string) and message.id in orphans:
            before = orphans[message.id]
        string, flags, previous = "", set(), ()
        if before is not None:
            string, flags = before.string, set(before.flags) - {"python-format"}
            if before.id != message.id and string:
                flags.add("fuzzy")
                previous = before.id
            elif before.id == message.id:
                previous = before.previous_id
        merged.add(message.id, string, locations=message.locations, flags=flags,
                   auto_comments=message.auto_comments, user_comments=before.user_comments if before else (),
                   previous_id=previous, context=message.context)
    for context, message in old.items():
        if message.string and not any(m.id == message.id and m.string == message.string
                                      and m.context != context for m in merged if m.id):
            merged.obsolete[(message.id, context)] = message
    for message in catalog.obsolete.values():
        merged.obsolete.setdefault((message.id, message.context), message)
    return merged


def init(content: Content, locale: str) -> Path:
    """Create a new, empty catalog for ``locale`` from the current template."""
    babel_locale = _babel_locale(locale)
    path = po_path(content, locale)
    if path.exists():
        raise UsageError(f"{path} already exists; use 'i18n update' to refresh it")
    pot = template(content)
    catalog = Catalog(locale=babel_locale, project=pot.project, version=pot.version,
                      copyright_holder=pot.copyright_holder, fuzzy=False,
                      header_comment=f"# {babel_locale.english_name} translation of "
                                     f"{pot.project}.\n{REVIEW_NOTE.format(locale=locale)}\n#",
                      creation_date=dt.datetime(2026, 1, 1),
                      revision_date=dt.datetime(2026, 1, 1))
    atomic_write(path, _po_bytes(_merge(catalog, pot)))
    return path


def catalog_locales(content: Content) -> list[str]:
    """The locales that have a catalog, sorted."""
    folder = locales_dir(content)
    return sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []


def update(content: Content) -> list[Path]:
    """Refresh the template and merge it into every catalog; nothing translated is lost."""
    paths = [extract(content)]
    pot = template(content)
    for locale in catalog_locales(content):
        path = po_path(content, locale)
        catalog, header = _read(path, locale)
        text = _po_bytes(_merge(catalog, pot)).decode("utf-8")
        if kept := pofile.fields_of(header, pofile.REVIEW_FIELDS):  # Babel would drop them
            text = pofile.set_fields(text, kept)
        atomic_write(path, text.encode("utf-8"))
        paths.append(path)
    return paths


@dataclass(frozen=True)
class Status:
    """How complete one locale's catalog is against the current content."""

    locale: str
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


@dataclass(frozen=True)
class Translation:
    """A locale's usable strings by id, and the ids that fall back to the source text."""

    strings: dict[str, str]
    fuzzy: list[str]
    missing: list[str]
    lines: dict[str, int]
    """PO line of each id, for locating errors in translated text."""
    file: str
    header: dict[str, str] = field(default_factory=dict)
    """The catalog's header fields (its review record among them, see outreach/review.py)."""


def translation(content: Content, locale: str) -> Translation:
    """Read a locale's catalog against the current content; stale entries count as fuzzy."""
    path = po_path(content, locale)
    catalog, header = _read(path, locale) if path.is_file() else (Catalog(locale=None), {})
    return _translation(content, locale, catalog, header, str(path))


def _translation(content: Content, locale: str, catalog: Catalog, header: dict[str, str],
                 file: str) -> Translation:
    """A read catalog against the current content (see ``translation``)."""
    by_id = {m.context: m for m in catalog if m.id and m.context}
    tool = tool_strings(locale)
    strings, fuzzy, missing, lines = {}, [], [], {}
    for text in texts(content):
        message = by_id.get(text.id)
        if (message is None or not message.string) and tool.get(text.id, ("", ""))[0] == text.value:
            strings[text.id] = tool[text.id][1]  # the tool's own translation of its label
            continue
        if message is not None:
            lines[text.id] = message.lineno or 1
        if message is None or not message.string:
            missing.append(text.id)
        elif message.fuzzy or message.id != text.value:
            fuzzy.append(text.id)
        else:
            strings[text.id] = message.string
    return Translation(strings, fuzzy, missing, lines, file, header)


def check_catalog(content: Content, locale: str, text: str,
                  display: str) -> tuple[list[Problem], Translation | None]:
    """Check a catalog's text before it may replace a locale's catalog (the print desk's
    upload): its syntax and placeholders, the language its header names, and every entry
    against the current template. Return the problems, each with its line, and the
    translation the text makes when there are none (for ``localize.check_translation``)."""
    problems, header = pofile.check(text, display)
    if problems:
        return problems, None
    try:
        catalog = read_po(io.StringIO(text), locale=str(_babel_locale(locale)),
                          abort_invalid=True, charset="utf-8")
    except PoFileError as exc:
        return [Problem(display, exc.lineno, 1, "", f"PO syntax: {exc}")], None
    except (LookupError, ValueError) as exc:
        return [Problem(display, 1, 1, "", f"bad PO header: {exc}")], None
    language = header.get("Language", "").replace("_", "-")
    if language and language.lower() != locale.lower():
        line = next((n for n, row in enumerate(text.split("\n"), 1) if row.startswith('"Language:')), 1)
        problems.append(Problem(display, line, 1, "", f"the header says Language: {language}, "
                                f"but this is the {locale} catalog; upload the file on the "
                                f"{language} page, or fix the header"))
    source = {t.id: t.value for t in texts(content)}
    for message in catalog:
        if not message.id:
            continue
        where = message.lineno or 1
        if message.context not in source:
            problems.append(Problem(display, where, 1, message.context or "", "this entry is not "
                                    "in the template: the campaign has no text with this msgctxt; "
                                    "remove it, or download the current file and start from it"))
        elif message.id != source[message.context] and not message.fuzzy:
            problems.append(Problem(display, where, 1, message.context, "this msgid is not the "
                                    "current source text (it changed since the file was made); "
                                    "download the current file and translate from it"))
    if problems:
        return problems, None
    return [], _translation(content, locale, catalog, header, display)


def tool_catalog_path(locale: str) -> Path:
    """Where the tool keeps its translation of the interface labels for a locale."""
    return INTERFACE_DIR / f"{locale}.po"


def tool_strings(locale: str) -> dict[str, tuple[str, str]]:
    """The tool's translated labels for a locale (or its language): id -> (source, translation)."""
    for name in (locale, locale.split("-")[0]):
        path = tool_catalog_path(name)
        if path.is_file():
            catalog = read_catalog(path, name)
            return {m.context: (m.id, m.string) for m in catalog
                    if m.id and m.context and m.string and not m.fuzzy}
    return {}


def status(content: Content) -> list[Status]:
    """Count translated, fuzzy and untranslated texts for every catalog."""
    result = []
    for locale in catalog_locales(content):
        t = translation(content, locale)
        result.append(Status(locale, len(t.strings), len(t.fuzzy), len(t.missing)))
    return result


def fallbacks(tr: Translation, locale: str, source: str, strict: bool,
              draft: str | None = None) -> list[str]:
    """Warn about texts printed in the source language (or, with ``strict``, refuse them,
    and refuse the ``draft`` catalog's locale too)."""
    stale = [(ident, "fuzzy: the source text changed") for ident in tr.fuzzy]
    stale += [(ident, "untranslated") for ident in tr.missing]
    if (stale or draft) and strict:
        raise ContentError([Problem(tr.file, tr.lines.get(i, 1), 1, i,
                                    f"{why}; translate it or drop --strict") for i, why in stale]
                           + ([Problem(tr.file, 1, 1, "", f"{locale} is a draft translation, not "
                                       "yet reviewed by a native speaker; once it is, run "
                                       f"'python build.py i18n review {draft} --by NAME' (or "
                                       "drop --strict)")] if draft else []))
    warnings = []
    for why in ("untranslated", "fuzzy: the source text changed"):
        ids = [ident for ident, reason in stale if reason == why]
        if len(ids) == 1:
            warnings.append(f"{locale}: {ids[0]} is {why}; printing the {source} text")
        elif ids:
            more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
            warnings.append(f"{locale}: {len(ids)} texts are {why.split(':')[0]}, printed in "
                            f"{source}: {', '.join(ids[:5])}{more} "
                            f"(see 'python build.py i18n status')")
    return warnings
