"""Request limits per client that hold across processes and machines.

Counts live in the shared cache (:mod:`motcua.core.sharedcache`: Redis, or
the database), keyed by the client's bucket (:func:`motcua.core.net.client_bucket`:
the real client address behind a trusted proxy, an IPv6 client's /64).
A client's window opens with its first counted request and lasts
``window`` seconds; within it, ``limit`` requests pass.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from motcua.core.net import client_bucket


def rate_limit_hit(scope: str, request: HttpRequest, *, limit: int, window: int = 60) -> bool:
    """Count one request of ``request``'s client in ``scope``; True when it is over ``limit``."""
    return counter_add(f"rate:{scope}:{client_bucket(request)}", window=window) > limit


def counter_value(key: str) -> int:
    """Return the count under ``key`` in its open window (0 when none is open)."""
    return int(cache.get(key) or 0)


def counter_add(key: str, *, window: int = 60) -> int:
    """Count one event under ``key`` (any subject: a client, a dossier); return the count."""
    count_in_window = getattr(cache, "count", None)
    if count_in_window is not None:  # sharedcache.RedisCache: one round trip
        return int(count_in_window(key, window))
    try:
        count = cache.incr(key)
    except ValueError:  # no window open: open one
        count = 1 if cache.add(key, 1, timeout=window) else cache.incr(key)
    else:
        if count == 1:
            # Redis' INCR re-created a key that expired after Django's
            # existence check, without a timeout: give it one.
            cache.touch(key, timeout=window)
    return int(count)
