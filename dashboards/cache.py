"""The portfolio's tiles and charts, cached in Redis until what they show changes.

A cached portfolio is keyed by its filters, the day and a generation number.
Whatever changes what executives see (a run finishing, a scorecard approved or
overridden, a new scoring policy, a manager's change to a partner, a
partnership's stage or members, an agreement) bumps the generation once its
transaction commits (the hooks of `evaluation.hooks` and `partnerships.hooks`,
registered in `apps.py`), so every
cached portfolio is left behind at once, with no key to hunt down.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.cache import cache
from django.templatetags.static import static

from core.charts import WORLD_ATLAS

GENERATION_KEY = "dashboards:portfolio:generation"
# A change made outside the services (none should be) is seen within the hour.
TIMEOUT = 60 * 60


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted: any new number will do
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


def portfolio_key(data: dict, today: dt.date) -> str:
    filters = json.dumps(
        {
            name: str(getattr(value, "pk", value))
            for name, value in sorted(data.items())
            if value not in (None, "", False)
        },
        sort_keys=True,
    )
    # The cached HTML names the world atlas by its hashed static name: a deploy
    # that changes the file must not serve pages pointing at the old one.
    atlas = static(WORLD_ATLAS)
    digest = hashlib.sha256(f"{today.isoformat()}|{atlas}|{filters}".encode()).hexdigest()[:32]
    return f"dashboards:portfolio:{generation()}:{digest}"


def cached_portfolio(data: dict, today: dt.date, compute):
    """The portfolio for these filters, from the cache or from `compute()`."""
    return cache.get_or_set(portfolio_key(data, today), compute, timeout=TIMEOUT)
