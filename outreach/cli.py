"""Command line: parse arguments, call the library once, map errors to exit codes."""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

from .errors import ContentError, OutreachError, UsageError, explain_os_error
from .render import PRODUCTS

EXIT_OK, EXIT_RENDER, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Build print-ready PDF handouts and an editable PowerPoint deck from the campaign
in content/. With no command, builds everything into output/<locale>/.

commands:
  build                render the products (the default)
  check                validate the content only; fast, renders nothing
  schema               regenerate content/schema/*.json from the content model
  i18n extract         write content/locales/messages.pot (every translatable text)
  i18n init LANG       start content/locales/LANG.po for a new language
  i18n update          merge the template into every catalog (changed -> fuzzy)
  i18n status          translated / fuzzy / untranslated and review state per locale
  i18n review LANG --by NAME
                       record that NAME, a native speaker, reviewed LANG's catalog
  watch                the print desk in watch mode: rebuild on every save, and show
                       the outputs with the build's errors at /gallery/
  serve                the print desk: make, translate and browse in a web browser
                       (127.0.0.1 unless --host and OUTREACH_PASSWORD are set)
  gallery              draw the slide previews a build leaves out of the gallery
                       (output/index.html); slow, it draws every slide with WeasyPrint
  new DIR              start a new campaign in DIR (see README: start a new campaign)
  merge SHARD_DIR... --out DIR
                       join the folders of a --shard build into one, with one gallery
"""

EPILOG = """\
exit codes: 0 built, 1 a render failed, 2 bad content or usage.
examples:
  python build.py                         build every product, paper and locale
  python build.py --product flyer --paper a4
  python build.py --product poster,flyer --mode print-shop,photocopier
  python build.py --chapters schools.csv --no-chapters   (see README: chapters)
  python build.py check
  python build.py i18n status --min-percent 90
  python build.py watch --locale es --product flyer
Only outputs whose inputs changed are rebuilt (output/.manifest.json); --force rebuilds all.
"""


def _shard(value: str) -> tuple[int, int] | str:
    if value == "auto":  # resolved by the build, so a bad environment is a UsageError
        return value
    try:
        k, n = (int(part) for part in value.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N such as 2/4, or auto, got {value!r}") \
            from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"K must be between 1 and N in {value!r}")
    return k, n


def _count(value: str) -> int:
    try:
        number = int(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value!r}")
    return number


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parser() -> argparse.ArgumentParser:
    """Return the argument parser (also used to document the options)."""
    p = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", default="build",
                   choices=("build", "check", "schema", "i18n", "watch", "new", "merge",
                            "gallery", "serve"),
                   help=argparse.SUPPRESS)
    p.add_argument("action", nargs="?", help=argparse.SUPPRESS)
    p.add_argument("lang", nargs="?", help=argparse.SUPPRESS)
    p.add_argument("more", nargs="*", help=argparse.SUPPRESS)  # merge's third folder on
    p.add_argument("--product", type=_split, default=(), metavar="LIST",
                   help=f"products to build, comma-separated, from: {', '.join(PRODUCTS)} "
                        "(default: all)")
    p.add_argument("--paper", type=_split, default=(), metavar="LIST",
                   help="paper families for print products: letter (posters on tabloid), "
                        "a4 (posters on A3), or 'region' for each locale's usual one "
                        "(default: both)")
    p.add_argument("--mode", type=_split, default=("standard",), metavar="LIST",
                   help="finishes for print products: standard, print-shop (bleed, crop "
                        "marks, fold guides), photocopier (grayscale, ink-saving) "
                        "(default: standard)")
    p.add_argument("--chapters", type=Path, default=None, metavar="FILE",
                   help="build a personalized set per school or chapter listed in FILE "
                        "(CSV or YAML; default: content/chapters.yaml if it exists)")
    p.add_argument("--max-chapters", type=_count, default=100_000, metavar="N",
                   help="read at most N chapters from the chapters file, and a file of at "
                        "most 2,000 bytes a chapter (default: 100,000)")
    p.add_argument("--no-chapters", action="store_true",
                   help="build only the campaign's own set, no chapter sets")
    p.add_argument("--no-gallery", action="store_true",
                   help="do not refresh the gallery (output/index.html) after building")
    p.add_argument("--locale", type=_split, default=(), metavar="LIST",
                   help="locales to build, e.g. en (default: every available one)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="output folder (default: output/; for another campaign's --content "
                        "folder, output/campaigns/<its name>/)")
    p.add_argument("--content", type=Path, default=None, metavar="DIR",
                   help="content folder (default: content/ beside build.py)")
    p.add_argument("--templates", type=Path, default=None, metavar="DIR",
                   help="templates folder (default: templates/ beside build.py)")
    p.add_argument("--strict", action="store_true",
                   help="treat untranslated or stale (fuzzy) texts, and draft (unreviewed) "
                        "locales, as errors, not warnings")
    p.add_argument("--by", default=None, metavar="NAME",
                   help="with 'i18n review': who reviewed the catalog")
    p.add_argument("--min-percent", type=float, default=None, metavar="N",
                   help="with 'i18n status': fail if a locale is less than N%% translated")
    p.add_argument("--force", action="store_true",
                   help="rebuild every output, even those already up to date")
    p.add_argument("--shard", type=_shard, default=(1, 1), metavar="K/N",
                   help="build only slice K of N of the outputs (for a CI matrix); 'auto' "
                        "reads it from JOB_COMPLETION_INDEX/JOB_COMPLETIONS (Kubernetes), "
                        "CI_NODE_INDEX/CI_NODE_TOTAL (GitLab) or OUTREACH_SHARD_INDEX/"
                        "OUTREACH_SHARD_TOTAL (set from a GitHub Actions matrix)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="render with N processes (default: one per core)")
    p.add_argument("--json", type=Path, default=None, metavar="FILE",
                   help="write a machine-readable summary (outputs, time, warnings); - for stdout")
    p.add_argument("--port", type=int, default=8000,
                   help="with 'watch' or 'serve': the port to serve on (0: any free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="with 'serve' or 'watch': the address to bind (default 127.0.0.1, "
                        "this machine only; any other needs a password in OUTREACH_PASSWORD)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    return p


def default_out(content: Path | None, defaults) -> Path:
    """Where a build goes unless --out says: output/ for the campaign in content/, and
    output/campaigns/<name>/ for any other campaign folder, so each has its own."""
    if content is None or content.resolve() == defaults.content_dir.resolve():
        return defaults.out_dir
    return defaults.out_dir / "campaigns" / content.resolve().name


def _options(args: argparse.Namespace):
    from .pipeline import BuildOptions

    defaults = BuildOptions()
    return BuildOptions(
        content_dir=args.content or defaults.content_dir,
        templates_dir=args.templates or defaults.templates_dir,
        out_dir=args.out or default_out(args.content, defaults),
        products=args.product, papers=args.paper, locales=args.locale,
        strict=args.strict, force=args.force, shard=args.shard, workers=args.jobs,
        modes=args.mode, chapters=args.chapters, no_chapters=args.no_chapters,
        gallery=not args.no_gallery, max_chapters=args.max_chapters)


def _run(args: argparse.Namespace) -> int:
    from . import pipeline

    say = (lambda *a: None) if args.quiet else print
    if args.more and args.command != "merge":
        raise UsageError(f"unexpected argument(s): {' '.join(args.more)}")
    if args.command == "merge":
        return _merge(args, say)
    options = _options(args)
    if args.command == "new":
        from .new import create

        if not args.action:
            raise UsageError("say where: new DIR, e.g. 'new campaigns/teen-safety'")
        for path in create(Path(args.action)):
            say(f"wrote {path}")
        say(f"next: replace the TODO texts, then 'python build.py check --content "
            f"{args.action}' and 'python build.py --content {args.action}'")
        return EXIT_OK
    if args.command == "check":
        from .lint import lint

        content = pipeline.check(options)
        bad_rows: list = []
        chapters = sum(1 for _ in pipeline.chapter_stream(content, options, bad_rows))
        if bad_rows:
            raise ContentError(bad_rows)
        warnings = lint(content)
        for warning in warnings if args.strict or not args.quiet else []:
            print(f"{'error' if args.strict else 'warning'}: {warning}", file=sys.stderr)
        if warnings and args.strict:
            print(f"{len(warnings)} problem(s) with --strict; fix them or drop --strict",
                  file=sys.stderr)
            return EXIT_USAGE
        say(f"content OK: {len(content.campaign.sections)} sections, "
            f"{len(content.deck.slides)} slides, {chapters:,} chapter(s), "
            f"{len(warnings)} warning(s) ({options.content_dir})")
        return EXIT_OK
    if args.command == "i18n":
        return _i18n(args, pipeline.check(options), say)
    if args.command == "schema":
        from .schema import write_schemas

        for path in write_schemas(options.content_dir / "schema"):
            say(f"wrote {path}")
        return EXIT_OK
    if args.command == "gallery":
        return _gallery(options, say)
    if args.command == "serve":
        return _serve(args, options)
    if args.command == "watch":
        return _serve(args, options, watch=True)
    from . import report as talk

    progress = talk.reporter(args.quiet)
    try:
        report = pipeline.build(options, progress)
    finally:
        progress.stop()
    if args.json is not None:
        talk.write_json(report, options.out_dir, args.json)
    for warning in [] if args.quiet else report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for item in sorted(report.outputs, key=lambda built: str(built.path)):
        say(f"wrote {item.path}  ({item.size / 1024:.0f} KiB, {item.seconds:.2f} s)")
    fresh = f", {len(report.unchanged)} already up to date" if report.unchanged else ""
    say(f"built {len(report.outputs)} files into {os.path.abspath(options.out_dir)} "
        f"in {report.seconds:.2f} s ({report.workers} process(es){fresh})")
    for failure in report.failures:
        print(f"error: {failure}", file=sys.stderr)
    if report.failures:
        print(f"{len(report.failures)} part(s) of the build failed (see above); every other "
              "file was written",
              file=sys.stderr)
        return max(f.exit_code for f in report.failures)
    return EXIT_OK


def _serve(args: argparse.Namespace, options, watch: bool = False) -> int:
    """Start the print desk over the same content, templates and output folder; in watch
    mode it also rebuilds what ``options`` asks for on every save."""
    from .serve import ServeConfig, run
    from .serve.config import password_from_environment

    config = ServeConfig(campaigns=(options.content_dir,), templates_dir=options.templates_dir,
                         out_dir=options.out_dir, host=args.host, port=args.port,
                         password=password_from_environment(), watch=watch,
                         watch_build=options if watch else None)
    try:
        return run(config, lambda *a: print(*a, flush=True))
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM once the desk has stopped: a normal end
        return EXIT_OK


def _merge(args: argparse.Namespace, say) -> int:
    from .merge import merge

    folders = [Path(name) for name in (args.action, args.lang, *args.more) if name]
    if args.out is None:
        raise UsageError("merge needs the folder to merge into: merge SHARD_DIR... --out DIR")
    report = merge(folders, args.out, args.jobs)
    say(f"merged {report.shards} shard(s) into {os.path.abspath(args.out)}: "
        f"{len(report.copied)} file(s) copied, {len(report.unchanged)} already there; "
        f"gallery {os.path.abspath(args.out / 'index.html')}")
    return EXIT_OK


def _gallery(options, say) -> int:
    """Bring the gallery of an output folder up to date, slide previews included."""
    from . import gallery
    from .output import locked
    from .workers import workers_for

    if not options.out_dir.is_dir():
        raise UsageError(f"{options.out_dir} does not exist; build into it first "
                         "(python build.py --out DIR), then run gallery --out DIR")
    with locked(options.out_dir, options.lock_timeout):
        index = gallery.update(options.out_dir, gallery.deck_thumbnails,
                               workers_for(10**6, options.workers))
    say(f"wrote {index}")
    return EXIT_OK


def _i18n(args: argparse.Namespace, content, say) -> int:
    from . import i18n, review
    from .errors import UsageError

    if args.action not in ("extract", "init", "update", "status", "review"):
        raise UsageError("say what to do: i18n extract | init LANG | update | status | "
                         "review LANG --by NAME")
    if args.action == "review":
        if not args.lang or not args.by:
            raise UsageError("i18n review needs a language and who reviewed it, e.g. "
                             "'i18n review es --by \"Ana Ruiz\"'")
        done = review.mark(content, args.lang, args.by)
        say(f"recorded in {i18n.po_path(content, args.lang)}: {done.locale} {done.describe()}; "
            "its products no longer say 'draft translation' (until a text changes)")
        return EXIT_OK
    if args.action == "init":
        if not args.lang:
            raise UsageError("i18n init needs a language code, e.g. 'i18n init es'")
        path = i18n.init(content, args.lang)
        say(f"wrote {path}: open it in Poedit or any PO editor, translate, then build")
        return EXIT_OK
    if args.action in ("extract", "update"):
        paths = [i18n.extract(content)] if args.action == "extract" else i18n.update(content)
        for path in paths:
            say(f"wrote {path}")
        return EXIT_OK
    rows = i18n.status(content)
    print(f"{'locale':<10}{'translated':>12}{'fuzzy':>8}{'untranslated':>14}{'percent':>10}"
          "  review")
    failed = []
    for row in rows:
        print(f"{row.locale:<10}{row.translated:>12}{row.fuzzy:>8}{row.untranslated:>14}"
              f"{row.percent:>9.1f}%  {review.state(content, row.locale).describe()}")
        if (args.strict and row.translated < row.total) or \
                (args.min_percent is not None and row.percent < args.min_percent):
            failed.append(row.locale)
    if failed:
        print(f"incomplete: {', '.join(failed)}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


class Terminated(KeyboardInterrupt):
    """SIGTERM (from timeout, a CI runner or a service manager), handled like Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (also used by the console script)."""
    # What is loaded by now (the library, pydantic's validators) lives as long as the
    # process: out of the collector's reach, it is not walked again at every collection.
    gc.freeze()
    args = parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _run(args)
    except OutreachError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        written = getattr(exc, "written", [])
        done = f"after writing {len(written)} file(s) whole; the others were not written" \
            if written else "before writing any file"
        print(f"interrupted {done}. Every file already in place was left as it was; nothing "
              "half-written was kept.", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except OSError as exc:  # the machine's, not ours: a folder, a disk, a port
        explained = explain_os_error(exc)
        if args.debug or explained is exc:
            return _internal(exc, args.debug)
        print(f"error: {explained}", file=sys.stderr)
        return explained.exit_code
    except Exception as exc:
        return _internal(exc, args.debug)


def exit_now(code: int) -> NoReturn:
    """End the process once main() has returned: the exit handlers run and the output is
    flushed, but the interpreter does not free its objects one by one on the way out, which
    took a one-deck build tens of milliseconds. Whatever main() wrote is whole and closed."""
    run_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's; else exit as usual
    if run_handlers is None or sys.getprofile() or sys.gettrace():
        sys.exit(code)  # a profiler or debugger writes its report after the script returns
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    os._exit(code)


def _internal(exc: Exception, debug: bool) -> int:
    """Report a bug in outreach itself (or re-raise it with --debug)."""
    if debug:
        raise exc
    print(f"internal error: {type(exc).__name__}: {exc}\n"
          "This is a bug in outreach; rerun with --debug and report the traceback.",
          file=sys.stderr)
    return EXIT_RENDER
