"""One exception tree for everything a user can cause; the CLI maps it to exit codes."""

from __future__ import annotations

from dataclasses import dataclass


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

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{lines}\n{count} {noun} in the content; nothing was built.")

    def __reduce__(self):
        return (type(self), (self.problems,))


class RenderError(OutreachError):
    """Raised when a renderer cannot produce an output (overflow, missing font, bad theme)."""

    exit_code = 1


class TemplateError(RenderError):
    """Raised when a print template or deck theme lacks something the content needs."""


class FetchRefused(RenderError):
    """Raised when a document asks the PDF engine for a resource outside the project's assets."""


class BuildFailed(OutreachError):
    """Raised when several locales failed and none could be built; carries each error."""

    def __init__(self, failures: list[OutreachError]):
        self.failures = failures
        self.exit_code = max(f.exit_code for f in failures)
        super().__init__("\n".join(str(f) for f in failures))

    def __reduce__(self):
        return (type(self), (self.failures,))
