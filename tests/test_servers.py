"""The test session runs against real servers (tooling/pytest_servers.py)."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection


@pytest.mark.django_db
def test_database_is_postgresql_15_or_newer():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.settings_dict["NAME"].startswith("test_")


def test_cache_is_a_real_redis_server():
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)
    assert client.ping() is True
    cache.set("servers-check", {"ok": 1}, timeout=30)
    assert cache.get("servers-check") == {"ok": 1}
    assert client.info("server")["redis_version"]
