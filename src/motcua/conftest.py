"""Suite-wide fixtures."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """Start every test with empty caches (reference data, calendars, rate counters)."""
    from django.core.cache import cache

    from motcua.core.cache import process_caches_clear
    from motcua.workdays.loader import calendar_cache_clear

    process_caches_clear()
    calendar_cache_clear()
    cache.clear()
    yield
