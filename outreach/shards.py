"""Which slice of the build this machine makes: ``--shard K/N`` or ``--shard auto``.

With ``auto`` the slice comes from the scheduler that started the process, so the same
command runs unchanged on every machine of a Kubernetes Indexed Job, a GitHub Actions
matrix or a GitLab ``parallel:`` job. Slices are 1-based (``1/3`` is the first of three).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import UsageError

AUTO = "auto"

SCHEDULERS = (
    # (who, index variable, total variable, first index); the first one set wins.
    ("explicit (GitHub Actions matrix)", "OUTREACH_SHARD_INDEX", "OUTREACH_SHARD_TOTAL", 0),
    ("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", 0),
    ("GitLab parallel job", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1),
)
"""Where each scheduler says which slice a process is. GitHub Actions sets no variable of
its own: the workflow sets OUTREACH_SHARD_INDEX/TOTAL from strategy.job-index/job-total.
Kubernetes sets only JOB_COMPLETION_INDEX: the Job's pod template sets JOB_COMPLETIONS."""


def _names() -> str:
    return "; ".join(f"{index} and {total} ({who}, {first}-based)"
                     for who, index, total, first in SCHEDULERS)


def _number(env: Mapping[str, str], name: str) -> int:
    value = env[name].strip()
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"--shard auto: {name}={env[name]!r} is not a whole number") from None


def from_environment(env: Mapping[str, str]) -> tuple[int, int]:
    """Return the slice (K, N), 1-based, that the scheduler's variables in ``env`` name."""
    for who, index_name, total_name, first in SCHEDULERS:
        if index_name not in env and total_name not in env:
            continue
        missing = index_name if index_name not in env else total_name
        if missing not in env:
            present = total_name if missing == index_name else index_name
            raise UsageError(f"--shard auto: {present} is set but {missing} is not; "
                             f"a {who} needs both")
        index, total = _number(env, index_name), _number(env, total_name)
        if total < 1:
            raise UsageError(f"--shard auto: {total_name}={total} must be at least 1")
        if not first <= index < first + total:
            raise UsageError(f"--shard auto: {index_name}={index} is outside {first}.."
                             f"{first + total - 1} for {total_name}={total} ({who}, "
                             f"{first}-based)")
        return index - first + 1, total
    raise UsageError(f"--shard auto: no scheduler says which slice to build; set {_names()}, "
                     "or give the slice as --shard K/N")


def resolve(which: tuple[int, int] | str, env: Mapping[str, str] | None = None) -> tuple[int, int]:
    """Return ``which`` as (K, N), reading the environment for ``auto``; check its range."""
    if which == AUTO:
        return from_environment(os.environ if env is None else env)
    if isinstance(which, str):
        raise UsageError(f"--shard {which!r}: expected K/N such as 2/4, or auto")
    k, n = which
    if not 1 <= k <= n:
        raise UsageError(f"--shard {k}/{n}: K must be between 1 and N")
    return k, n


def label(which: tuple[int, int]) -> str:
    """How a slice is written in the manifest and messages: ``2/3``."""
    return f"{which[0]}/{which[1]}"
