"""Health endpoints for a load balancer and a monitor: JSON, no sign-in."""

import time

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import CHECKS


# Neither view opens a transaction: with the database away one could not
# begin, and these answers must not depend on it.
@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_safe
def live(request):
    """The process answers: all a load balancer should ask (see the README)."""
    return JsonResponse({"status": "ok"})


@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_safe
def ready(request):
    """Every dependency: 200 when all are fine, 503 naming those that are not."""
    checks = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        problem = check()
        checks[name] = {"ok": problem is None, "ms": round((time.monotonic() - started) * 1000)}
        if problem is not None:
            checks[name]["problem"] = problem
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
