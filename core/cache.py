"""A Redis cache that degrades instead of failing.

The cache only spares work: with Redis away every read is a miss and every
write is dropped, so a page is computed from the database (slower, never a
500). The log says so once per process when Redis goes, every five minutes
while it stays away, and once when it is back (core/outage.py). A failed call costs one
refused connection (redis-py's own retries, about 4 s a call, are switched
off) and then none for SKIP_FOR seconds, so a Redis that does not answer at
all costs a page at most its connect timeout. Once Redis is back the cache
fills again by itself. What it cannot do while away is forget: a key a change
should have moved on (a generation number) keeps its old value, so what was
cached before the outage may be served until its timeout.

`add` of a lock (a key ending ":lock") answers True while Redis is away:
allauth's rate limits take one around every sign-in, and a lock that can never
be had would refuse every sign-in, 429, for as long as Redis is away (the
limits are not counted during an outage; django-axes's lockout, kept in
PostgreSQL, still is). Any other `add` answers False, as "already there": it
marks something used once (a second-factor code, a single sign-on token's
id), and answered True it would let a code or token be replayed while Redis
is away. So people with a second factor, and single sign-on, wait for Redis.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from .outage import Outage

logger = logging.getLogger(__name__)

SKIP_FOR = 5


def _fail_soft(fallback):
    """Run the method; on a Redis error return `fallback(*args, **kwargs)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < FailSoftRedisCache._skip_until:
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except self._errors as error:
                self._failed(error)
                return fallback(*args, **kwargs)
            FailSoftRedisCache.outage.answered()
            return result

        return wrapper

    return decorate


class FailSoftRedisCache(RedisCache):
    # Per process, shared by the threads that may each hold an instance.
    outage = Outage(
        "Cache",
        logger,
        meanwhile="pages are computed from the database (slower), and what was cached "
        "before may be served until its timeout",
    )
    _skip_until = 0.0

    def __init__(self, server, params):
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        options = {"retry": Retry(NoBackoff(), 0), **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})

    @functools.cached_property
    def _errors(self):
        import redis

        return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

    def _failed(self, error):
        FailSoftRedisCache._skip_until = time.monotonic() + SKIP_FOR
        FailSoftRedisCache.outage.failed(error)

    def is_reachable(self) -> bool:
        """Asks Redis, even while calls are being skipped."""
        try:
            reachable = bool(self._cache.get_client(write=True).ping())
        except self._errors as error:
            self._failed(error)
            return False
        FailSoftRedisCache._skip_until = 0.0
        FailSoftRedisCache.outage.answered()
        return reachable

    @_fail_soft(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fail_soft(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_soft(lambda key, *args, **kwargs: str(key).endswith(":lock"))
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_fail_soft(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_fail_soft(lambda keys_values, *args, **kwargs: list(keys_values))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_fail_soft(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_fail_soft(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fail_soft(lambda *args, **kwargs: False)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_fail_soft(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    def incr(self, key, delta=1, version=None):
        try:
            if time.monotonic() < FailSoftRedisCache._skip_until:
                raise ValueError(f"Key '{key}' not found: the cache is unreachable")
            value = super().incr(key, delta, version)
        except self._errors as error:
            self._failed(error)
            # What RedisCache raises for a missing key, which callers handle.
            raise ValueError(f"Key '{key}' not found: the cache is unreachable") from error
        FailSoftRedisCache.outage.answered()
        return value

    @_fail_soft(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()
