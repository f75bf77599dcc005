"""Small per-process caches for reference data read on every request.

Units, procedure versions and their intake plans change rarely and are read
on every intake. Each :class:`ProcessCache` keeps values for
``MOTCUA_REFERENCE_TTL`` seconds; saving or deleting the models it depends
on drops every cache of the process at once (see the apps' signal
receivers), so a change made in one process shows there immediately and in
the others within the TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings

V = TypeVar("V")

_registry: list[ProcessCache[object]] = []
_registry_lock = threading.Lock()


class ProcessCache(Generic[V]):
    """A dictionary whose entries expire after the reference TTL."""

    def __init__(self, name: str, max_entries: int = 10_000) -> None:
        self.name = name
        self.max_entries = max_entries
        self._data: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()
        with _registry_lock:
            _registry.append(self)  # type: ignore[arg-type]

    def get_or_set(self, key: Hashable, factory: Callable[[], V]) -> V:
        """Return the cached value of ``key``, computing it with ``factory`` when absent or old."""
        now = time.monotonic()
        entry = self._data.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = factory()
        with self._lock:
            if len(self._data) >= self.max_entries:
                self._data.clear()
            self._data[key] = (now + settings.MOTCUA_REFERENCE_TTL, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def discard(self, key: Hashable) -> None:
        """Forget ``key`` (a value not worth keeping, such as "not found")."""
        with self._lock:
            self._data.pop(key, None)

    def clear_on_change(self, *models: type[Any]) -> None:
        """Drop this cache whenever a row of one of ``models`` is saved or deleted in
        this process (other processes see the change within the TTL). Call it from
        ``AppConfig.ready()``; bulk writes send no signal, so clear after them too."""
        from django.db.models.signals import post_delete, post_save

        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._on_change,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"motcua.core.cache.{self.name}.{model._meta.label}",
                )

    def _on_change(self, **_kwargs: object) -> None:
        self.clear()


def process_caches_clear(**_kwargs: object) -> None:
    """Drop every process cache (a signal receiver too)."""
    with _registry_lock:
        caches = list(_registry)
    for cache in caches:
        cache.clear()


REFERENCE_APPS = frozenset({"org", "catalog"})
"""Apps whose rows the process caches hold; a save or delete there clears them."""


def on_reference_change(sender: type, **_kwargs: object) -> None:
    """Receiver for post_save/post_delete: clear the caches when reference data changes."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in REFERENCE_APPS:
        process_caches_clear()
