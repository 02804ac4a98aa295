"""One exception tree for everything a user can cause; the CLI maps it to exit codes."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One located finding: where it is, which field, and what to do."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class OutreachError(Exception):
    """Raised when the tool cannot do what was asked; base of every error we raise."""

    exit_code = 1


class UsageError(OutreachError):
    """Raised when the command line asks for something that does not exist."""

    exit_code = 2


class ContentError(OutreachError):
    """Raised when content files cannot be read or do not match the schema.

    Carries every problem found in one pass, so a maintainer fixes them all at once.
    """

    exit_code = 2

    def __init__(self, problems: list[Problem], outcome: str = "nothing was built."):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        self.outcome = outcome
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{lines}\n{count} {noun} in the content; {outcome}")

    def __reduce__(self):
        return (type(self), (self.problems, self.outcome))

    def scoped(self, outcome: str) -> ContentError:
        """The same problems, saying what was left out when the rest of the build went on."""
        return type(self)(self.problems, outcome)


class RenderError(OutreachError):
    """Raised when a renderer cannot produce an output (overflow, missing font, bad theme)."""

    exit_code = 1


class TemplateError(RenderError):
    """Raised when a print template or deck theme lacks something the content needs."""


class FetchRefused(RenderError):
    """Raised when a document asks the PDF engine for a resource outside the project's assets."""


class EnvironmentProblem(OutreachError):
    """Raised when the machine stops a build: a folder that cannot be written, a full
    disk, a path that is a file, a port in use. The user's to fix, not a bug."""

    exit_code = 1


class OutputBusy(EnvironmentProblem):
    """Raised when another build keeps an output folder locked for too long."""


_ADVICE = {
    errno.EACCES: ("permission denied", "fix its permissions or choose another folder with --out"),
    errno.EPERM: ("permission denied", "fix its permissions or choose another folder with --out"),
    errno.EROFS: ("the file system is read-only", "choose another folder with --out"),
    errno.ENOSPC: ("no space left on the disk", "free some space, then build again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, then build again"),
    errno.ENOTDIR: ("a file stands where a folder is needed",
                    "move or delete that file, or choose another folder with --out"),
    errno.EEXIST: ("a file stands where a folder is needed",
                   "move or delete that file, or choose another folder with --out"),
    errno.EISDIR: ("a folder stands where a file is needed", "move or delete that folder"),
    errno.EADDRINUSE: ("the port is already in use (another preview or server?)",
                       "stop that program, or choose another port with --port (0: any free one)"),
    errno.EADDRNOTAVAIL: ("that address is not on this machine", "use 127.0.0.1"),
}


def explain_os_error(exc: OSError, where: Path | str | None = None,
                     doing: str = "write") -> OSError | EnvironmentProblem:
    """Turn an operating-system error a user can fix into an EnvironmentProblem that says
    what is wrong and what to do; return any other error unchanged, for the caller to raise."""
    advice = _ADVICE.get(exc.errno or 0)
    if advice is None:
        return exc
    what, todo = advice
    place = exc.filename or where
    return EnvironmentProblem(f"cannot {doing} {place or 'the output'}: {what}; {todo}")


class BuildFailed(OutreachError):
    """Raised when several locales failed and none could be built; carries each error."""

    def __init__(self, failures: list[OutreachError]):
        self.failures = failures
        self.exit_code = max(f.exit_code for f in failures)
        super().__init__("\n".join(str(f) for f in failures))

    def __reduce__(self):
        return (type(self), (self.failures,))
