"""The shared cache: a table made by migrate, counts that are never lost, Redis counters that expire."""

from __future__ import annotations

import threading
import unittest
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import RequestFactory, TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from motcua.core.models import CacheEntry
from motcua.core.ratelimit import counter_add, counter_value, rate_limit_hit
from motcua.core.sharedcache import DatabaseCache
from motcua.portal.tests.test_lookup_processes import REDIS, redis_reachable


class DatabaseCacheTests(TestCase):
    def test_the_default_cache_is_the_table_migrate_made(self):
        self.assertIsInstance(caches["default"], DatabaseCache)
        self.assertEqual(CacheEntry._meta.db_table, "motcua_cache")
        cache.set("k", 1)
        self.assertEqual(CacheEntry.objects.count(), 1)

    def test_incr_counts_and_refuses_a_missing_or_expired_key(self):
        with self.assertRaises(ValueError):
            cache.incr("counter")
        cache.add("counter", 1, timeout=60)
        self.assertEqual(cache.incr("counter"), 2)
        self.assertEqual(cache.incr("counter", 3), 5)
        self.assertEqual(cache.get("counter"), 5)
        CacheEntry.objects.update(expires=timezone.now() - timedelta(seconds=1))
        with self.assertRaises(ValueError):
            cache.incr("counter")

    def test_a_limit_window_opens_with_the_first_request(self):
        request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
        hits = [rate_limit_hit("test", request, limit=2) for _ in range(3)]
        self.assertEqual(hits, [False, False, True])
        CacheEntry.objects.update(expires=timezone.now() - timedelta(seconds=1))
        self.assertIs(rate_limit_hit("test", request, limit=2), False)


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class ConcurrentIncrementTests(TransactionTestCase):
    serialized_rollback = True

    def test_parallel_increments_from_many_connections_lose_nothing(self):
        cache.add("parallel", 0, timeout=300)
        threads, per_thread = 8, 25
        barrier = threading.Barrier(threads)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                barrier.wait()
                for _ in range(per_thread):
                    cache.incr("parallel")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(cache.get("parallel"), threads * per_thread)


@unittest.skipUnless(redis_reachable(), "Redis is not running on 127.0.0.1:6379")
class RedisCounterTests(TestCase):
    """The deployed backend (one round trip per count)."""

    backend = "motcua.core.sharedcache.RedisCache"

    def setUp(self):
        self.prefix = f"motcua-test-{uuid.uuid4().hex}"
        redis_cache = {
            "BACKEND": self.backend,
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            "KEY_PREFIX": self.prefix,
        }
        self.enterContext(override_settings(CACHES={"default": redis_cache}))
        import redis

        self.redis = redis.Redis(host=REDIS[0], port=REDIS[1], db=0)
        self.addCleanup(self.redis.close)
        self.addCleanup(self._drop_keys)

    def _drop_keys(self) -> None:
        keys = list(self.redis.scan_iter(f"{self.prefix}:*"))
        if keys:
            self.redis.delete(*keys)
        caches["default"].close()

    def test_a_counter_recreated_without_expiry_gets_one(self):
        """Redis' INCR re-creates a key that expired just before it, with no timeout."""
        request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
        key = f"{self.prefix}:1:rate:lookup:198.51.100.7"
        self.redis.set(key, 0)  # as INCR leaves it: no TTL
        self.assertEqual(self.redis.ttl(key), -1)
        self.assertIs(rate_limit_hit("lookup", request, limit=5), False)
        self.assertEqual(int(self.redis.get(key)), 1)
        self.assertGreater(self.redis.ttl(key), 0)
        self.assertLessEqual(self.redis.ttl(key), 60)

    def test_the_limit_counts_in_redis(self):
        self.assertEqual(settings.CACHES["default"]["KEY_PREFIX"], self.prefix)
        request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.8")
        hits = [rate_limit_hit("lookup", request, limit=2) for _ in range(3)]
        self.assertEqual(hits, [False, False, True])
        self.assertGreater(self.redis.ttl(f"{self.prefix}:1:rate:lookup:198.51.100.8"), 0)
        # The cache reads back what the counter wrote.
        self.assertEqual(counter_value("rate:lookup:198.51.100.8"), 3)

    def test_a_window_closes_and_the_next_count_opens_a_new_one(self):
        key = f"{self.prefix}:1:rate:quiz:198.51.100.9"
        self.assertEqual(counter_add("rate:quiz:198.51.100.9", window=60), 1)
        self.assertEqual(counter_add("rate:quiz:198.51.100.9", window=60), 2)
        self.redis.delete(key)  # the window's end
        self.assertEqual(counter_add("rate:quiz:198.51.100.9", window=30), 1)
        self.assertLessEqual(self.redis.ttl(key), 30)
        self.assertGreater(self.redis.ttl(key), 0)


class DjangoRedisCounterTests(RedisCounterTests):
    """Django's own Redis backend, which a deployment may name: the counter's other path."""

    backend = "django.core.cache.backends.redis.RedisCache"
