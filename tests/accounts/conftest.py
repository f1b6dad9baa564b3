import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth keeps its rate-limit counters and used TOTP codes in the cache:
    each test starts without another's."""
    cache.clear()
    yield
    cache.clear()
