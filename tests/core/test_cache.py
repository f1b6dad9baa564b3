"""With Redis away the cache misses and drops, at once, and never raises."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.ops.faults import redis_down


def test_with_redis_down_every_read_misses_and_every_write_is_dropped():
    cache.set("kept", "before")
    with redis_down():
        started = time.monotonic()
        assert cache.get("kept") is None
        assert cache.get("kept", "default") == "default"
        assert cache.get_or_set("computed", lambda: 42) == 42
        # A lock is had, so allauth's rate limits do not wait for Redis; a
        # marker of single use (a second-factor code used) is refused, so
        # nothing is replayed meanwhile.
        assert cache.add("allauth:rl:sign-in:lock", 1) is True
        assert cache.add("allauth.mfa.totp.used?user=1&code=123456", "y") is False
        assert cache.add(key="jwt:iss=https://idp,jti=1", value=True, timeout=60) is False
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


def test_with_redis_down_people_still_sign_in(client, alice):
    # allauth takes a cache lock around its sign-in rate limit: one that can
    # never be had answered every sign-in 429 for as long as Redis was away.
    with redis_down():
        response = client.post(reverse("account_login"), {"login": "alice", "password": "password"})

    assert response.status_code == 302, response.status_code
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_an_outage_is_one_warning_and_its_end_one_line(caplog):
    """As beat and the workers say theirs (core/outage.py): not a warning a minute."""
    cache.get("warm")
    with caplog.at_level(logging.INFO, logger="core.cache"), redis_down():
        for _ in range(50):
            cache.get("kept")
            cache.set("dropped", 1)
        assert cache.is_reachable() is False
        said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "core.cache"]
    assert len(said) == 1
    level, message = said[0]
    assert level == "WARNING" and message.startswith("Cache unreachable since ")
    assert "pages are computed from the database" in message

    with caplog.at_level(logging.INFO, logger="core.cache"):
        cache.set("after", 1)
        cache.set("after", 2)
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "core.cache"]
    assert len(said) == 2
    assert said[1][0] == "INFO" and said[1][1].startswith("Cache reachable again, after ")
