"""Jobs the apps add to ``motcua periodic`` (registered in their ``AppConfig.ready``).

The command lives with the dossiers; apps above them (feedback, indices)
cannot be imported from there, so they register here instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_jobs: dict[str, Callable[[], Any]] = {}


def periodic_register(name: str, job: Callable[[], Any]) -> None:
    """Run ``job`` (no arguments, idempotent) on every ``motcua periodic`` pass."""
    _jobs[name] = job


def periodic_run_registered() -> list[str]:
    """Run every registered job; return one line of outcome per job."""
    return [f"{name}: {job()}" for name, job in sorted(_jobs.items())]
