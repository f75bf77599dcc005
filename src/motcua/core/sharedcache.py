"""The cache every process shares, for counters such as the public look-up limit.

A deployment with ``REDIS_URL`` uses :class:`RedisCache`, Django's with a
:meth:`~RedisCache.count` that opens or advances a counting window in one
round trip (Django's ``incr`` asks whether the key exists first, and a new
window needs a third call to set its expiry). Without Redis the cache is a table of the
database (``motcua_cache``, created by core's migrations, so ``migrate`` is
enough). Django's database cache increments by reading the value and
writing it back: two processes counting the same client at once would both
write the same number and the limit would let more through than it says.
:class:`DatabaseCache` here increments under a row lock instead (``SELECT …
FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``, the project's
setting, serialises writers), so no count is lost.

The per-process caches of reference data (:mod:`motcua.core.cache`) are a
different thing and stay in each process's memory.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.db import connections, router, transaction
from django.utils import timezone

CACHE_TABLE = "motcua_cache"


# INCR, and the expiry when the INCR created the key: atomic, one round trip.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with a one-round-trip counter (rate limits)."""

    _counter_client: Any = None

    def count(self, key: Any, window: int) -> int:
        """Add one to the counter ``key``, opening a ``window``-second window when it has none."""
        cache_key = self.make_and_validate_key(key)
        # Django builds a client per call (a few hundred microseconds of response-callback
        # tables); one is kept instead. It borrows connections from the same pool per call,
        # and Django's cache objects are per thread.
        client = self._counter_client
        if client is None:
            client = self._counter_client = self._cache.get_client(cache_key, write=True)
        return int(client.eval(_COUNT_SCRIPT, 1, cache_key, int(window)))


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with an ``incr`` that holds the row locked."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)  # type: ignore[attr-defined]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')} FROM {table} "  # noqa: S608 - quoted names only
                f"WHERE {quote_name('cache_key')} = %s AND {quote_name('expires')} > %s{lock}",
                [cache_key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 - the cache wrote it
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s "  # noqa: S608 - quoted names only
                f"WHERE {quote_name('cache_key')} = %s",
                [encoded, cache_key],
            )
        return value
