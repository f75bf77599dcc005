"""Demo data of the reform apps (outreach, initiatives, PAR INDEX, contests, quizzes).

Each app's loader lives in its own module of this package and is listed in
``LOADERS``; ``motcua seed demo`` runs them in order after the dossiers and
the feedback, and prints what each one made. A loader is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

LOADERS: list[tuple[str, str]] = [
    ("outreach", "load_demo_outreach"),
    ("initiatives", "load_demo_initiatives"),
    ("parindex", "load_demo_parindex"),
    ("contests", "load_demo_contests"),
    ("quizzes", "load_demo_quizzes"),
]
"""(module, function) pairs under ``motcua.demo``, run in this order."""


def reform_loaders() -> list[Callable[..., dict[str, Any]]]:
    return [getattr(import_module(f"motcua.demo.{module}"), name) for module, name in LOADERS]
