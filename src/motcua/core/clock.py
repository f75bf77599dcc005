"""The one seam for "now", so tests can freeze time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.utils import timezone

_frozen: datetime | None = None


def now() -> datetime:
    """Return the current aware instant (or the frozen one in tests)."""
    return _frozen if _frozen is not None else timezone.now()


def localdate() -> date:
    """Return today's date in the project's time zone."""
    return timezone.localtime(now()).date()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Freeze :func:`now` at ``at`` for the duration of the block.

    The frozen instant is process-wide (threads see it too); tests that run
    threads freeze once around all of them.
    """
    global _frozen
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous
