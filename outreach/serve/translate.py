"""Translate in the browser: each locale's status, its strings, a product's page beside the
strings on it, and the PO file to download and upload.

The PO file stays the source of truth: the desk reads it as a build does and writes an
uploaded one in its place only when it has no problem at all (syntax, placeholders, entries
the template does not have, texts the content model refuses), atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .. import i18n, review
from ..content import Content, load_content
from ..errors import ContentError, OutreachError, Problem
from ..localize import check_translation
from ..output import atomic_write
from ..pofile import UTF8_ADVICE
from ..yamlsafe import decode_text
from . import onpage
from .pages import SECURITY_HEADERS, page

PO_BYTES = 1024 * 1024
"""An uploaded PO file larger than this is refused (413); the shipped ones are ~60 KB."""


@dataclass(frozen=True)
class Row:
    """One locale in the status table."""

    locale: str
    name: str
    status: i18n.Status | None
    review: str
    error: str = ""


@dataclass(frozen=True)
class String:
    """One translatable text of a locale, as the strings table lists it."""

    id: str
    source: str
    translation: str
    state: str
    line: int | None


def campaigns(desk) -> dict[str, Path]:
    """The desk's campaign folders by the name their address uses (the folder's name)."""
    found: dict[str, Path] = {}
    for folder in desk.config.campaigns:
        name, n = folder.name, 1
        while name in found:
            n += 1
            name = f"{folder.name}-{n}"
        found[name] = folder
    return found


def _name(locale: str) -> str:
    """A locale's name in English and in itself: "Spanish (español)"."""
    try:
        parsed = Locale.parse(locale, sep="-")
    except (ValueError, UnknownLocaleError):
        return locale
    english, own = parsed.get_display_name("en"), parsed.get_display_name(parsed)
    return english if not own or own == english else f"{english} ({own})"


def _direction(locale: str) -> str:
    try:
        return Locale.parse(locale, sep="-").text_direction
    except (ValueError, UnknownLocaleError):
        return "ltr"


def rows(content: Content) -> list[Row]:
    """The status table: i18n.status's numbers and the review state, locale by locale (a
    broken catalog is a row with its error, not a failed page)."""
    found = []
    for locale in i18n.catalog_locales(content):
        try:
            tr = i18n.translation(content, locale)
        except OutreachError as exc:
            found.append(Row(locale, _name(locale), None, "", str(exc)))
            continue
        status = i18n.Status(locale, len(tr.strings), len(tr.fuzzy), len(tr.missing))
        found.append(Row(locale, _name(locale), status,
                         review.of(content, locale, tr).describe()))
    return found


def strings(content: Content, tr: i18n.Translation) -> list[String]:
    """Every translatable text with its translation and state, in file order."""
    found = []
    for text in i18n.texts(content):
        state = ("fuzzy" if text.id in tr.fuzzy else "untranslated" if text.id in tr.missing
                 else "translated")
        found.append(String(text.id, text.value, tr.strings.get(text.id, ""), state,
                            tr.lines.get(text.id)))
    return found


def check_upload(content: Content, locale: str, data: bytes, display: str) -> list[Problem]:
    """Every problem of an uploaded catalog, each at its line; empty if it may replace the
    locale's catalog."""
    if len(data) > PO_BYTES:
        return [Problem(display, 1, 1, "", f"the file is {len(data)} bytes; the limit is "
                        f"{PO_BYTES}")]
    text, problems = decode_text(data, display, UTF8_ADVICE)
    if text is None:
        return problems
    problems, tr = i18n.check_catalog(content, locale, text, display)
    return problems or check_translation(content, tr)


def routes(desk) -> list[BaseRoute]:
    """The translate section's pages under /translate."""
    known = campaigns(desk)

    def campaign_of(request: Request) -> tuple[str, Content, str]:
        name, locale = request.path_params["campaign"], request.path_params.get("locale", "")
        if name not in known:
            raise HTTPException(404, "No such campaign.")
        try:
            content = load_content(known[name])
        except OutreachError as exc:
            raise HTTPException(500, f"The campaign cannot be read: {exc}") from exc
        if locale and locale not in i18n.catalog_locales(content):
            raise HTTPException(404, "This campaign has no catalog for that language.")
        return name, content, locale

    def overview(request: Request) -> Response:
        tables = []
        for name, folder in known.items():
            try:
                content = load_content(folder)
            except OutreachError as exc:
                tables.append((name, name, [], str(exc)))
                continue
            tables.append((name, content.campaign.meta.title, rows(content), ""))
        return page(request, "translate.html.j2", tables=tables)

    def locale_page(request: Request, problems: list[Problem] | None = None,
                    status: int = 200, filename: str = "") -> Response:
        name, content, locale = campaign_of(request)
        try:
            tr, broken = i18n.translation(content, locale), []
        except ContentError as exc:
            tr, broken = None, exc.problems
        return page(request, "translate-locale.html.j2", status, campaign=name,
                    title=content.campaign.meta.title, locale=locale, language=_name(locale),
                    lang=locale, dir=_direction(locale), views=onpage.VIEWS,
                    source_lang=content.campaign.meta.source_language, strings=strings(content, tr) if tr else [], broken=broken,
                    problems=problems, filename=filename,
                    saved=request.query_params.get("saved") == "1", limit=PO_BYTES // 1024,
                    row=next(r for r in rows(content) if r.locale == locale))

    def download(request: Request) -> Response:
        _, content, locale = campaign_of(request)
        return FileResponse(i18n.po_path(content, locale), media_type="text/x-gettext-translation",
                            filename=f"{locale}.po", content_disposition_type="attachment",
                            headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})

    async def upload(request: Request) -> Response:
        _same_site(request)
        name, content, locale = campaign_of(request)
        try:
            form = await request.form(max_files=1, max_fields=4, max_part_size=64 * 1024)
        except Exception as exc:  # a malformed multipart body (starlette raises several kinds)
            if isinstance(exc, HTTPException):
                raise
            raise HTTPException(400, "The upload could not be read; choose the file again.")
        chosen = form.get("po")
        if not isinstance(chosen, UploadFile) or not chosen.filename:
            problem = Problem("the upload", 1, 1, "", "choose a .po file to upload")
            return locale_page(request, [problem], 422)
        data = await chosen.read(PO_BYTES + 1)
        display = Path(chosen.filename).name
        if len(data) > PO_BYTES:
            problem = Problem(display, 1, 1, "", f"the file is over {PO_BYTES // 1024} KB, "
                              "larger than any catalog; is it the right file?")
            return locale_page(request, [problem], 413, display)
        problems = await run_in_threadpool(check_upload, content, locale, data, display)
        if problems:
            return locale_page(request, problems, 422, display)
        atomic_write(i18n.po_path(content, locale), data)
        return RedirectResponse(f"/translate/{name}/{locale}?saved=1", status_code=303,
                                headers=SECURITY_HEADERS)

    async def on_page(request: Request) -> Response:
        name, content, locale = campaign_of(request)
        product = request.query_params.get("product", onpage.VIEWS[0])
        if product not in onpage.VIEWS:
            raise HTTPException(404, "No such product.")

        def shown(status: int = 200, made=None, number: int = 0, problems=()) -> Response:
            return page(request, "translate-page.html.j2", status, campaign=name, locale=locale,
                        language=_name(locale), lang=locale, dir=_direction(locale),
                        views=onpage.VIEWS, product=product, made=made,
                        shown=made.pages[number - 1] if made else None, problems=list(problems),
                        source_lang=content.campaign.meta.source_language)

        try:
            made = await run_in_threadpool(onpage.view, content, locale, product,
                                           desk.config.templates_dir, desk.config.cache_dir)
        except ContentError as exc:
            return shown(422, problems=exc.problems)
        number = request.query_params.get("page", "1")
        if not number.isdigit() or not 1 <= int(number) <= len(made.pages):
            raise HTTPException(404, "No such page.")
        return shown(made=made, number=int(number))

    async def image(request: Request) -> Response:
        _, content, locale = campaign_of(request)
        product, number = request.path_params["product"], request.path_params["page"]
        if product not in onpage.VIEWS:
            raise HTTPException(404, "No such product.")
        try:
            made = await run_in_threadpool(onpage.view, content, locale, product,
                                           desk.config.templates_dir, desk.config.cache_dir)
        except ContentError as exc:
            raise HTTPException(422, "This language cannot be rendered; see its page.") from exc
        if not 1 <= number <= len(made.pages) or not made.image(number).is_file():
            raise HTTPException(404, "No such page.")
        return FileResponse(made.image(number), media_type="image/png",
                            headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

    base = "/translate/{campaign}/{locale}"
    return [Route("/translate", overview),
            Route(base, locale_page),
            Route(base + "/po", download, methods=["GET"]),
            Route(base + "/po", upload, methods=["POST"]),
            Route(base + "/page", on_page),
            Route(base + "/page/{product}/{page:int}.png", image)]


def _same_site(request: Request) -> None:
    """Refuse a form another site posts here (a page in the user's browser could otherwise
    overwrite a catalog on a desk that asks no password). Browsers say where a request
    comes from in Sec-Fetch-Site; Origin is "null" under the desk's no-referrer policy."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise HTTPException(403, "This form can only be sent from the desk's own page.")
    origin = request.headers.get("origin", "null")
    if origin != "null" and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(403, "This form can only be sent from the desk's own page.")
