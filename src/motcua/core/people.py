"""How people's names are shown.

Vietnamese names run family name, middle names, given name ("Nguyễn Thị Thu
Hà"). Accounts keep the given name in ``first_name`` and the family and
middle names in ``last_name``, so Django's ``get_full_name()`` ("Hà Nguyễn
Thị Thu") is the wrong order; use :func:`full_name` everywhere a name is
shown or printed.
"""

from __future__ import annotations

from typing import Any


def full_name(user: Any) -> str:
    """Return "Nguyễn Thị Thu Hà" for a user, or the username when no name is set."""
    if user is None:
        return ""
    parts = [getattr(user, "last_name", "") or "", getattr(user, "first_name", "") or ""]
    name = " ".join(part.strip() for part in parts if part and part.strip())
    return name or str(user.get_username())
