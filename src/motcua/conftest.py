"""Suite-wide fixtures."""

from collections.abc import Iterator

import pytest


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
