"""Demo data of the outreach app: none yet (the app is being built)."""

from __future__ import annotations

from typing import Any


def load_demo_outreach(*, actor: str, units: Any) -> dict[str, Any]:
    return {}
