"""The cache every process shares, for counters such as the public look-up limit.

A deployment with ``REDIS_URL`` uses Django's ``RedisCache``, whose ``incr``
is Redis' atomic ``INCR``. Without Redis the cache is a table of the
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
from django.db import connections, router, transaction
from django.utils import timezone

CACHE_TABLE = "motcua_cache"


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
