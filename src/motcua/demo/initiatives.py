"""Demo data of the initiatives app: none yet (the app is being built)."""

from __future__ import annotations

from typing import Any


def load_demo_initiatives(*, actor: str, units: Any) -> dict[str, Any]:
    return {}
