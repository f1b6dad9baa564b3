import pytest
from django.core.cache import cache
from django.db import connection


@pytest.mark.django_db
def test_db():
    with connection.cursor() as c:
        c.execute("SELECT 1")
        assert c.fetchone() == (1,)


def test_cache():
    cache.set("smoke", "ok", 10)
    assert cache.get("smoke") == "ok"
