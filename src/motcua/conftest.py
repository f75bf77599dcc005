"""Suite-wide fixtures."""

import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class _LiveServer(ThreadedWSGIServer):
    """The browser tests' server: one request at a time on an in-memory SQLite database.

    There the server's threads share the test's one SQLite connection (Django's
    ``connections_override``), and two requests at once (a double tap, a page
    and its pictures) interleave their transactions on it: "cannot start a
    transaction within a transaction", foreign keys checked half-way. Each
    request's view runs under a lock instead; connections still stay open
    side by side. On PostgreSQL every thread has its own connection and
    requests run concurrently, as in production.
    """

    def set_app(self, application: Any) -> None:
        if not self.connections_override:
            super().set_app(application)
            return
        lock = threading.Lock()

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            with lock:
                return application(environ, start_response)  # type: ignore[no-any-return]

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _LiveServer


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """Start every test with empty per-process caches (reference data, calendars).

    The shared cache (rate counters) is a table of the test database: each
    test's rollback, or the flush after a transactional test, empties it.
    """
    from motcua.core.cache import process_caches_clear
    from motcua.workdays.loader import calendar_cache_clear

    process_caches_clear()
    calendar_cache_clear()
    yield
