"""How a build talks to a person: a progress bar on a terminal, plain lines elsewhere, JSON."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .output import atomic_write
from .pipeline import BuildReport


class Plain:
    """No live output; the summary lines come after the build (logs, CI, pipes)."""

    quiet = False

    def waiting(self, holder: str, folder: Path) -> None:
        """Another build holds the output folder: say so once, then wait."""
        if not self.quiet:
            print(f"waiting: another build (process {holder}) is writing into {folder}",
                  file=sys.stderr, flush=True)

    def start(self, total: int) -> None:
        """Rendering begins."""

    def advance(self, description: str) -> None:
        """One output rendered."""

    def stop(self) -> None:
        """Rendering is over."""


class Bar(Plain):
    """A rich progress bar that disappears when the build is done."""

    def __init__(self):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.description}"),
                                 transient=True, stream=sys.stderr)
        self.task = None

    def start(self, total: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("", total=total)

    def advance(self, description: str) -> None:
        self.progress.update(self.task, advance=1, description=description)

    def stop(self) -> None:
        self.progress.stop()


def reporter(quiet: bool) -> Plain:
    """A progress bar on an interactive terminal outside CI, plain otherwise."""
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    chosen = Bar() if interactive and not quiet else Plain()
    chosen.quiet = quiet
    return chosen


def summary(report: BuildReport, out_dir: Path) -> dict:
    """A machine-readable summary of a build."""
    return {
        "out_dir": str(Path(out_dir).resolve()),
        "seconds": round(report.seconds, 3),
        "workers": report.workers,
        "outputs": [{"path": str(b.path), "locale": b.job.locale, "product": b.job.product.name,
                     "paper": b.job.paper, "bytes": b.size, "seconds": round(b.seconds, 3)}
                    for b in report.outputs],
        "unchanged": [str(p) for p in report.unchanged],
        "warnings": report.warnings,
        "failures": [{"error": str(f), "exit_code": f.exit_code} for f in report.failures],
    }


def write_json(report: BuildReport, out_dir: Path, target: Path) -> None:
    """Write the summary as JSON (``-`` for standard output)."""
    text = json.dumps(summary(report, out_dir), indent=2, ensure_ascii=False)
    if str(target) == "-":
        print(text)
    else:
        atomic_write(target, (text + "\n").encode())
