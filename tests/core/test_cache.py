"""With Redis away the cache misses and drops, at once, and never raises."""

import time

import pytest
from django.core.cache import cache

from tests.ops.faults import redis_down


def test_with_redis_down_every_read_misses_and_every_write_is_dropped():
    cache.set("kept", "before")
    with redis_down():
        started = time.monotonic()
        assert cache.get("kept") is None
        assert cache.get("kept", "default") == "default"
        assert cache.get_or_set("computed", lambda: 42) == 42
        assert cache.add("new", 1) is False
        cache.set("dropped", 1)
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("kept") is False
        with pytest.raises(ValueError):
            cache.incr("counter")
        assert cache.is_reachable() is False
        took = time.monotonic() - started
    assert took < 1, f"{took:.2f} s: the cache must fail fast"
    assert cache.is_reachable() is True
    assert cache.get("dropped") is None
    cache.set("after", 2)
    assert cache.get("after") == 2
