"""Make: a school's own handout from a form, previewed page by page, downloaded.

The form asks what a row of a chapters file holds (the school, its local contact and its
event) and checks it with the same models and messages (``outreach.chapters``,
``outreach.chapter_rows``), each message beside its field. The order is then a chapter
set of one row, planned and rendered by the library (``pipeline.plan``, ``workers.run_all``)
in a child process of the render pool; the files land in the cache under the hash of the
order, and the preview page and the downloads are served from there. Nothing else a user
typed is kept: a logo is checked and re-encoded in memory, and a render's temporary
folder is removed as it ends.
"""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..chapter_rows import _csv_column, _errors, _message
from ..chapters import COLUMNS, Chapter, slugify
from ..content import Content, load_content
from ..errors import ContentError, OutreachError
from ..localize import available_locales, localize
from ..render import MODES, PAPERS, PRODUCTS
from .cache import KEY, Cache, key_of
from .pages import page
from .renders import RETRY_AFTER, Busy, Crashed, TimedOut, pool_for

PERSONAL = tuple(name for name, product in PRODUCTS.items() if product.personal)
"""The products that carry a school's contact and event: the ones the form offers."""
TEXT_FIELDS = tuple(c for c in COLUMNS if c not in ("id", "locales", "paper", "logo"))
"""The form's text fields: a chapters file's columns, by the same names."""
LOGO_BYTES = 2 * 2**20
"""The largest logo file accepted."""
LOGO_PIXELS = 12_000_000
"""The most pixels a logo may have, read from its header before any pixel is decoded."""
LOGO_SIDE = 1200
"""A logo is scaled down to at most this many pixels on its longer side."""
LOGO_NAME = "desk-logo.png"
"""The re-encoded logo's name inside a render's private copy of the campaign."""
SET_FACTOR = 3
"""A whole set (ten products, the brochure's fitting alone a single product's worth) may
take this many times the per-render limit."""
PREVIEW_WIDTH = 640
"""Preview pages' width in pixels."""
_PNG, _JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"


# --- campaigns ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Campaign:
    """A campaign the desk offers: its folder, loaded content, title and locales."""

    folder: Path
    content: Content
    title: str
    locales: tuple[str, ...]


@lru_cache(maxsize=16)
def _load(folder: Path, stamp: tuple) -> Campaign:
    content = load_content(folder)
    edition = localize(content, content.campaign.meta.source_language)
    return Campaign(folder, content, str(edition.campaign.meta.title),
                    tuple(available_locales(content)))


def campaign(folder: Path) -> Campaign:
    """The campaign in ``folder``, loaded again whenever one of its files changed."""
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                         for p in Path(folder).rglob("*") if p.is_file()))
    return _load(Path(folder), stamp)


def language_name(code: str) -> str:
    """A locale's name in its own language, e.g. es -> español."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        return code
    return locale.get_display_name(locale) or code


def language_dir(code: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code, sep="-").text_direction
    except (ValueError, UnknownLocaleError):
        return "ltr"


# --- orders -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Order:
    """Everything one render is made from (plain data, sent to the render's process)."""

    folder: Path
    templates: Path
    locale: str
    product: str | None
    """None: the whole set (every personal product), as a zip."""
    paper: str | None
    mode: str
    chapter: dict
    """The chapter's fields, as a chapters file would give them (already checked)."""
    logo: bytes | None = None
    """The re-encoded PNG, if a logo was uploaded."""

    def key(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k not in ("folder", "templates", "logo")}
        return key_of("make", fields, self.logo or b"", folders=(self.folder, self.templates))


def render_order(order: Order, content: Content | None, scratch: Path
                 ) -> tuple[dict[str, bytes], dict]:
    """Render an order (in the render pool's child): its files and what the preview shows.

    A single product comes with a PNG of each page; the whole set comes as one zip, made
    by forked workers that die with this process. ``scratch`` is an empty folder the caller
    removes afterwards, even when this process is killed.
    """
    from ..pipeline import _COST, BuildOptions, plan
    from ..workers import Task, _edition, run_all, workers_for

    folder, data = order.folder, dict(order.chapter)
    if order.logo:  # a private copy of the campaign, with the logo inside it
        folder = Path(scratch) / "content"
        shutil.copytree(order.folder, folder, ignore=shutil.ignore_patterns(".*"))
        (folder / LOGO_NAME).write_bytes(order.logo)
        data["logo"] = LOGO_NAME
        content = None
    content = content or load_content(folder)
    chapter = Chapter.model_validate(data, context={"locales": available_locales(content)})
    options = BuildOptions(content_dir=folder, templates_dir=order.templates,
                           locales=(order.locale,), modes=MODES, no_chapters=True,
                           products=(order.product,) if order.product else ())
    jobs = [job for job in plan(content, options, [chapter]) if job.chapter == chapter.id
            and job.mode == (order.mode if order.mode in job.product.modes else "standard")]
    tasks = [Task(folder, order.templates, job.locale, job.product.name, job.paper, False,
                  job.mode, chapter) for job in jobs]
    if not tasks:
        raise ContentError([], f"there is nothing to make for {order.locale} in that "
                               "finish; choose another")
    # A whole set uses every core, longest first, as a build does (the brochure's fitting
    # takes longest); one product renders here, in this process.
    tasks.sort(key=lambda task: -_COST.get(task.product, 1))
    results = run_all(tasks, workers_for(len(tasks)), content=content)
    jobs = [result.job for result in results]
    for result in results:
        if result.error is not None:
            raise result.error
    edition = _edition(tasks[0])
    record = {"locale": order.locale, "lang": edition.lang, "dir": edition.direction,
              "headline": str(edition.campaign.meta.headline),
              "school": chapter.name, "product": order.product, "mode": order.mode,
              "paper": jobs[0].paper}
    files = {result.job.relpath.name: result.data for result in results}
    if order.product is None:
        name = f"{chapter.id}-{order.locale}.zip"
        record["main"] = name
        return {name: _zip(files)}, record
    main = next(iter(files))
    record["main"] = main
    pages = _previews(main, files[main])
    for number, png in enumerate(pages, 1):
        files[f"page-{number}.png"] = png
    record["pages"] = [f"page-{n}.png" for n in range(1, len(pages) + 1)]
    return files, record


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2000, 1, 1, 0, 0, 0)), data,
                             zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _previews(name: str, data: bytes) -> list[bytes]:
    """A PNG of each page of an output as it will print (a web page has none)."""
    from .. import fonts
    from ..thumbnails import _png, pdf_thumbnails

    suffix = Path(name).suffix
    if suffix == ".pdf":
        return pdf_thumbnails(data, PREVIEW_WIDTH)
    if suffix == ".pptx":
        from ..render.slideview import deck_pdf

        return pdf_thumbnails(deck_pdf(data, fonts.css_families()), PREVIEW_WIDTH)
    if suffix in (".png", ".jpg"):
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return [_png(image, min(PREVIEW_WIDTH, image.width))]
    return []


# --- the form -----------------------------------------------------------------------------

class _Form:
    """The form's values as typed, and a message for each field that has a problem."""

    def __init__(self, values: dict[str, str]):
        self.values = values
        self.errors: dict[str, str] = {}

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)


def _choices(desk, values: dict[str, str], form: _Form | None = None):
    """The campaign the values name (by its place in config.campaigns) and what it offers."""
    campaigns = desk.config.campaigns
    index = values.get("campaign", "0")
    if not index.isdigit() or int(index) >= len(campaigns):
        if form:
            form.error("campaign", "choose one of the campaigns listed")
        index = "0"
    values["campaign"] = index
    return campaign(campaigns[int(index)])


def _check(desk, form: _Form, chosen: Campaign) -> dict | None:
    """The chapter's data if the form is right; otherwise None, with form.errors filled."""
    values = form.values
    if values.get("locale") not in chosen.locales:
        form.error("locale", "choose one of the languages listed")
    product = PRODUCTS.get(values.get("product", "")) if values.get("product") in PERSONAL else None
    if product is None:
        form.error("product", "choose one of the products listed")
    if values.get("paper", "") not in ("", *PAPERS):
        form.error("paper", "choose letter, A4 or the usual paper for the language")
    mode = values.get("mode", "")
    if mode not in MODES:
        form.error("mode", "choose one of the finishes listed")
    elif product is not None and mode not in product.modes:
        form.error("mode", "this product is made in the office printer finish only; choose "
                           "that finish, or a printed product such as the flyer")
    data: dict = {"name": values.get("name", "")}
    if not slugify(data["name"]):
        data["id"] = "school"  # a name in another script: the folder name does not show
    for group in ("contact", "event"):
        part = {key.split("_", 1)[1]: values[key] for key in TEXT_FIELDS
                if key.startswith(group + "_") and values.get(key, "").strip()}
        if part:
            data[group] = part
    data["locales"] = [values.get("locale", "")]
    if values.get("paper") in PAPERS:
        data["paper"] = values["paper"]
    try:
        Chapter.model_validate(data, context={"locales": list(chosen.locales)})
    except ValidationError as exc:
        for error in _errors(exc):
            column, _ = _csv_column(error["loc"], list(COLUMNS))
            field = {"locales": "locale", "id": "name"}.get(column, column)
            form.error(field if field in TEXT_FIELDS or field in ("locale", "paper") else "name",
                       _message(error))
    return None if form.errors else data


def clean_logo(upload: UploadFile | None, data: bytes) -> tuple[bytes | None, str | None]:
    """Check an uploaded logo and re-encode it as a PNG without metadata; or say why not.

    Its type comes from its first bytes (never its name or the browser's word), its pixel
    count from its header before anything is decoded, so a decompression bomb is refused
    unopened."""
    from PIL import Image, ImageOps

    if not data:
        return None, None
    head = data[:512].lstrip().lower()
    named_svg = bool(upload and ((upload.filename or "").lower().endswith(".svg")
                                 or (upload.content_type or "").startswith("image/svg")))
    if named_svg or head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        return None, ("SVG logos are not accepted here, because an SVG can carry scripts and "
                      "links; save the logo as a PNG or JPEG and upload that")
    if len(data) > LOGO_BYTES:
        return None, (f"the file is {len(data) / 2**20:.1f} MB; the limit is "
                      f"{LOGO_BYTES // 2**20} MB, so save a smaller PNG or JPEG")
    if not data.startswith((_PNG, _JPEG)):
        return None, "this is not a PNG or JPEG image; save the logo as a PNG or JPEG"
    saved = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        Image.MAX_IMAGE_PIXELS = LOGO_PIXELS
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ("PNG", "JPEG", "MPO"):
                    return None, "this is not a PNG or JPEG image; save the logo as a PNG or JPEG"
                width, height = image.size
                if width * height > LOGO_PIXELS:
                    return None, (f"the image is {width}x{height} pixels; the limit is "
                                  f"{LOGO_PIXELS // 1_000_000} megapixels, so scale it down")
                image.load()
                picture = ImageOps.exif_transpose(image).convert("RGBA")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return None, (f"the image has more than {LOGO_PIXELS // 1_000_000} megapixels; "
                          "scale it down")
        except Exception:  # noqa: BLE001 - any failure on untrusted bytes means "unusable"
            return None, "the image is damaged or cannot be read; save it again as a PNG or JPEG"
        finally:
            Image.MAX_IMAGE_PIXELS = saved
    picture.thumbnail((LOGO_SIDE, LOGO_SIDE))
    clean = Image.frombytes("RGBA", picture.size, picture.tobytes())  # no metadata at all
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), None


# --- pages --------------------------------------------------------------------------------

def _form_page(request: Request, desk, form: _Form, status: int = 200) -> Response:
    chosen = _choices(desk, form.values)
    campaigns = []
    for index, folder in enumerate(desk.config.campaigns):
        try:
            campaigns.append((str(index), campaign(folder).title))
        except OutreachError:
            continue
    languages = [(code, language_name(code), language_dir(code)) for code in chosen.locales]
    return page(request, "make.html.j2", status, values=form.values, errors=form.errors,
                campaigns=campaigns, languages=languages, products=PERSONAL, papers=PAPERS,
                modes=MODES, logo_mb=LOGO_BYTES // 2**20)


def _problem(request: Request, status: int, title: str, message: str,
             headers: dict | None = None) -> Response:
    response = page(request, "make-problem.html.j2", status, title=title, message=message)
    response.headers.update(headers or {})
    return response


async def _render(request: Request, desk, cache: Cache, order: Order, key: str):
    """Render an order into the cache, or the page that says why not."""
    pool = pool_for(desk)
    try:
        slot = pool.claim()
    except Busy:
        return _problem(request, 503, "The desk is busy",
                        f"Every render slot is in use. Try again in {RETRY_AFTER} seconds; "
                        "nothing you typed was lost (go back to your form).",
                        {"Retry-After": str(RETRY_AFTER)})
    content = None
    try:
        content = campaign(order.folder).content
    except OutreachError:
        pass
    scratch = cache.scratch()
    try:
        limit = desk.config.render_seconds * (SET_FACTOR if order.product is None else 1)
        files, record = await run_in_threadpool(
            lambda: slot.run(render_order, order, content, scratch, seconds=limit))
    except TimedOut as exc:
        return _problem(request, 504, "That took too long",
                        f"Making this took longer than {exc.seconds:g} seconds, so it was "
                        "stopped. Try again, or choose a smaller product.")
    except OutreachError as exc:
        return _problem(request, 422, "This could not be made", str(exc))
    except Crashed:
        return _problem(request, 500, "Something went wrong",
                        "The desk could not make this because of a fault in the desk itself, "
                        "not in what you typed. Please tell whoever runs this desk.")
    finally:
        slot.release()
        shutil.rmtree(scratch, ignore_errors=True)
    if order.logo:
        files = {**files, "logo.png": order.logo}
    record["order"] = {k: v for k, v in asdict(order).items() if k not in ("logo", "folder",
                                                                              "templates")}
    record["campaign"] = str(desk.config.campaigns.index(order.folder))
    return cache.put(key, files, record)


def routes(desk) -> list[BaseRoute]:
    """GET /make (the form), POST /make (render, then the preview), the preview and the
    downloads, from the cache."""
    config = desk.config
    cache = Cache(config.cache_dir, config.cache_bytes)
    pool_for(desk)

    async def form(request: Request) -> Response:
        try:
            return _blank_form(request)
        except OutreachError as exc:
            return _broken(request, exc)

    def _blank_form(request: Request) -> Response:
        values = {"campaign": request.query_params.get("campaign", "0"), "mode": "standard",
                  "product": "flyer", "paper": ""}
        chosen = _choices(desk, values)
        wanted = request.query_params.get("locale", "")
        values["locale"] = wanted if wanted in chosen.locales else chosen.locales[0]
        return _form_page(request, desk, _Form(values))

    async def make(request: Request) -> Response:
        try:
            return await _make(request)
        except OutreachError as exc:
            return _broken(request, exc)

    async def _make(request: Request) -> Response:
        async with request.form(max_files=1, max_fields=40) as submitted:
            values = {k: v.strip() for k, v in submitted.items() if isinstance(v, str)}
            upload = submitted.get("logo")
            upload = upload if isinstance(upload, UploadFile) else None
            logo_data = await upload.read(LOGO_BYTES + 1) if upload else b""
        checked = _Form(values)
        chosen = _choices(desk, values, checked)
        data = _check(desk, checked, chosen)
        logo, problem = clean_logo(upload, logo_data)
        if problem:
            checked.error("logo", problem)
        if checked.errors:
            return _form_page(request, desk, checked, 400)
        order = Order(chosen.folder, config.templates_dir, values["locale"], values["product"],
                      values.get("paper") or None, values["mode"], data, logo)
        key = order.key()
        if cache.get(key) is None:
            done = await _render(request, desk, cache, order, key)
            if isinstance(done, Response):
                return done
        return RedirectResponse(f"/make/{key}", status_code=303)

    async def preview(request: Request) -> Response:
        key = request.path_params["key"]
        record = cache.get(key)
        if record is None or "pages" not in record:
            return _gone(request)
        return page(request, "make-preview.html.j2", key=key, record=record,
                    language=language_name(record["locale"]),
                    size=record["files"][record["main"]])

    async def whole_set(request: Request) -> Response:
        key = request.path_params["key"]
        record = cache.get(key)
        if record is None or "order" not in record:
            return _gone(request)
        order_data = dict(record["order"], product=None)
        campaigns = config.campaigns
        index = record.get("campaign", "0")
        if not index.isdigit() or int(index) >= len(campaigns):
            return _gone(request)
        logo = cache.file(key, "logo.png")
        order = Order(campaigns[int(index)], config.templates_dir,
                      logo=logo.read_bytes() if logo else None, **order_data)
        set_key = order.key()
        found = cache.get(set_key)
        if found is None:
            found = await _render(request, desk, cache, order, set_key)
            if isinstance(found, Response):
                return found
        return _download(cache, set_key, found["main"]) or _gone(request)

    async def download(request: Request) -> Response:
        return _download(cache, request.path_params["key"], request.path_params["name"]) \
            or _gone(request)

    return [Route("/make", form, methods=["GET"]), Route("/make", make, methods=["POST"]),
            Route("/make/{key}", preview), Route("/make/{key}/set.zip", whole_set),
            Route("/make/{key}/{name}", download)]


def _download(cache: Cache, key: str, name: str) -> Response | None:
    if not KEY.match(key or ""):
        return None
    path = cache.file(key, name)
    if path is None:
        return None
    inline = path.suffix == ".png" and name.startswith("page-")
    return FileResponse(path, filename=None if inline else name,
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"Cache-Control": "private, max-age=3600",
                                 "X-Content-Type-Options": "nosniff"})


def _broken(request: Request, error: OutreachError) -> Response:
    """The page for a campaign that cannot be loaded: a fault for whoever runs the desk."""
    return _problem(request, 500, "This campaign cannot be used now",
                    "The campaign's files have a problem, so nothing can be made from it until "
                    f"whoever looks after it fixes this:\n{error}")


def _gone(request: Request) -> Response:
    return _problem(request, 404, "Not found",
                    "There is nothing here: the link is wrong, or the file was made long ago "
                    "and has been cleared away. Make it again from the form.")
