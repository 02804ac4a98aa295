"""outreach: one YAML campaign -> print-ready PDFs and editable decks, in every locale.

The pipeline is load -> validate -> localize -> render -> write; each stage is a
module, and ``build`` runs them in order.
"""

from .content import Content, load_content
from .errors import (
                     BuildFailed,
                     ContentError,
                     FetchRefused,
                     OutreachError,
                     Problem,
                     RenderError,
                     TemplateError,
                     UsageError,
)
from .localize import Edition, localize
from .pipeline import BuildOptions, BuildReport, build, check, plan

__all__ = [
    "BuildFailed", "BuildOptions", "BuildReport", "Content", "ContentError", "Edition", "FetchRefused",
    "OutreachError", "Problem", "RenderError", "TemplateError", "UsageError", "build",
    "check", "load_content", "localize", "plan",
]
__version__ = "0.1.0"
