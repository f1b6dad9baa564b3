"""The portfolio's tiles and charts, cached in Redis until what they show changes.

A cached portfolio is keyed by its filters, the day, the reader's language and a
generation number.
Whatever changes what executives see (a run finishing, a scorecard approved or
overridden, a new scoring policy, a manager's change to a partner, a
partnership's stage or members, an agreement) bumps the generation once its
transaction commits (the hooks of `evaluation.hooks` and `partnerships.hooks`,
registered in `apps.py`, after the read model's refresh), so every
cached portfolio is left behind at once, with no key to hunt down.

The cached value is HTML the page shows unescaped, so it is signed with the
SECRET_KEY (and bound to its key): whoever can write to Redis cannot make the
dashboard show their markup. A value whose signature does not hold is logged
and computed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.core import signing
from django.core.cache import cache
from django.templatetags.static import static
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from core.charts import WORLD_ATLAS

logger = logging.getLogger(__name__)

GENERATION_KEY = "dashboards:portfolio:generation"
# A change made outside the services (none should be) is seen within the hour.
TIMEOUT = 60 * 60


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def bump_generation(**_payload) -> None:
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
    # The HTML is in the reader's language: each language is cached apart.
    language = translation.get_language()
    key = f"{today.isoformat()}|{language}|{atlas}|{filters}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"dashboards:portfolio:{generation()}:{digest}"


def _signer(key: str) -> signing.Signer:
    # The key in the salt: a value signed for one filter cannot be replayed under another.
    return signing.Signer(salt=f"dashboards.cache:{key}")


def cached_portfolio(data: dict, today: dt.date, compute) -> SafeString:
    """The portfolio's HTML for these filters, from the cache or from
    `compute()`; safe to show, because only what Accord signed is used."""
    key = portfolio_key(data, today)
    signer = _signer(key)
    cached = cache.get(key)
    if cached is not None:
        try:
            return mark_safe(signer.unsign(cached))  # the signature holds: Accord wrote it
        except (signing.BadSignature, TypeError):
            logger.warning("portfolio cache entry %s has a bad signature; recomputed", key)
    body = compute()
    cache.set(key, signer.sign(body), timeout=TIMEOUT)
    return mark_safe(body)  # rendered by our own template just now
