"""Demo data of the contests app: none yet (the app is being built)."""

from __future__ import annotations

from typing import Any


def load_demo_contests(*, actor: str, units: Any) -> dict[str, Any]:
    return {}
