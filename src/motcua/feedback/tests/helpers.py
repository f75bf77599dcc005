"""Returned dossiers for the feedback tests, built through the dossier services."""

from __future__ import annotations

from typing import Any

from motcua.core import clock
from motcua.dossiers import services as s
from motcua.dossiers.tests.helpers import World, at


def handled(w: World, day: int = 2) -> Any:
    """Return a dossier received on 3/``day``/2026 with its result ready (not returned)."""
    with clock.frozen(at(2026, 3, day, 9)):
        d = w.receive()
    d = w.to_handler(d, at(2026, 3, day, 10))
    with clock.frozen(at(2026, 3, day, 11)):
        d = s.dossier_hand_over(dossier=d, actor=w.handler, to_user=w.leader)
        d = s.dossier_decide(dossier=d, actor=w.leader, decision="granted")
    return d


def returned(w: World, day: int = 2) -> Any:
    """Return a dossier received, handled and returned at the counter on 3/``day``/2026."""
    d = handled(w, day)
    with clock.frozen(at(2026, 3, day, 14)):
        return s.dossier_return(
            dossier=d, actor=w.intake, method="counter", received_by="Trần Thị Bích Ngọc"
        )


__all__ = ["World", "at", "handled", "returned"]
