"""An executive reads and never reaches an edit page: every URL of the project,
GET and POST, changes nothing and shows no form that would change something."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import timezone

from evaluation.models import AssessmentRun, Scorecard, ScoringPolicy
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MemberFactory,
    MetricFactory,
    ObjectiveFactory,
    PartnerFactory,
    PartnershipFactory,
)
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

# One object of every kind under the same id, so that whatever a URL's
# parameters name (a partner, a partnership, a scorecard…) exists.
SAME_ID = 7_000_001
FORGED = {
    "title": "Forged",
    "name": "Forged",
    "comment": "Forged",
    "justification": "Forged",
    "reason": "Forged",
    "rating": "green",
    "stage": "failed",
    "end_date": "2026-01-01",
    "value": "1",
    "period_start": "2025-04-01",
    "purpose": "joint_research",
    "sector": "industry",
    "country": "FR",
}
# The executive's own sign-in and reminder settings are theirs to change.
PERSONAL = {
    "login",
    "logout",
    "notifications:preferences",
    # One's own API tokens and calendar feed: personal settings, not the domain.
    "api_tokens:list",
    "api_tokens:revoke",
    "calendars:preferences",
    "calendars:revoke",
    # One's own export of the portfolio they read, which the worker writes.
    "dashboards:export_job_create",
}
PERSONAL_MODELS = {"api.ApiToken", "calendars.CalendarFeed", "dashboards.ExportJob"}
# Signing in writes its own bookkeeping: the session and its list entry, the
# access log; the walk signs in before each request.
SIGN_IN_RECORDS = {"sessions.Session", "usersessions.UserSession", "axes.AccessLog"}
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>", re.I)


@pytest.fixture
def everything(alice):
    partner = PartnerFactory(pk=SAME_ID)
    partnership = PartnershipFactory(pk=SAME_ID, owner=alice, member=False)
    MemberFactory(partnership=partnership, partner=partner, role="lead")
    AgreementFactory(pk=SAME_ID, partnership=partnership)
    objective = ObjectiveFactory(pk=SAME_ID, partnership=partnership)
    metric = MetricFactory(pk=SAME_ID, objective=objective)
    MeasurementFactory(pk=SAME_ID, metric=metric)
    policy = ScoringPolicy.objects.get(is_active=True)
    AssessmentRun.objects.create(
        pk=SAME_ID,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        policy=policy,
    )
    Scorecard.objects.create(
        pk=SAME_ID,
        partnership=partnership,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        policy=policy,
        overall_score=60,
        rating="amber",
        review_state="in_review",
        computed_at=timezone.now(),
    )
    NotificationFactory(pk=SAME_ID, user=alice)


def snapshot() -> dict[str, str]:
    """A digest of every table, to tell whether anything changed; signing in
    (the walk's own) writes only the session and the last sign-in time."""
    digests = {}
    for model in apps.get_models():
        # A proxy reads its concrete model's table; pghistory's aggregate of the
        # history tables (unmanaged) has none of its own.
        if (
            model._meta.label in SIGN_IN_RECORDS | PERSONAL_MODELS
            or model._meta.proxy
            or not model._meta.managed
        ):
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        rows = list(model._base_manager.order_by("pk").values_list(*fields))
        digests[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


# Accord's own versions of allauth's account pages: the user's own account, as above.
OWN_ACCOUNT_PAGES = {"usersessions_list"}


def project_urls(patterns=None, namespace=None):
    """(name, url) of every page outside the admin, parameters filled with SAME_ID."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            if getattr(pattern.urlconf_module, "__name__", "") == "allauth.urls":
                continue  # the user's own account pages: password, second factor, sessions
            if pattern.namespace == "ops":
                continue  # health probes for a load balancer: no page, no data (tests/ops/)
            yield from project_urls(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name in OWN_ACCOUNT_PAGES:
            continue
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, SAME_ID)
            try:
                yield name, reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                yield name, reverse(name, kwargs=dict.fromkeys(kwargs, "x"))


def admin_urls():
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        yield f"{prefix}_add", reverse(f"{prefix}_add")
        for action in ("change", "delete"):
            yield f"{prefix}_{action}", reverse(f"{prefix}_{action}", args=[SAME_ID])


def edit_forms(html: str) -> list[str]:
    """POST forms on a page, but the menu's sign-out."""
    return [form for form in POST_FORM.findall(html) if "/logout/" not in form]


def test_the_walk_covers_the_edit_pages():
    names = {name for name, _ in project_urls()}
    assert {"partnerships:partnership_edit", "evaluation:approve", "dashboards:portfolio"} <= names


def test_an_executive_changes_nothing_anywhere(client, erin, everything):
    erin.is_staff = True  # opens nothing: the admin is the Administrator's (tests/test_admin.py)
    erin.save()
    before = snapshot()
    refused = []
    for name, url in [*project_urls(), *admin_urls()]:
        for method in ("get", "post"):
            client.force_login(erin)  # a sign-out along the way must not end the walk
            response = getattr(client, method)(url, FORGED)
            if name in PERSONAL:
                continue
            status = response.status_code
            assert status in (200, 302, 403, 404, 405), f"{method.upper()} {url}: {status}"
            if status == 200 and name.startswith("admin:"):
                assert b'name="_save"' not in response.content, f"{method.upper()} {url}"
            elif status == 200 and response.get("Content-Type", "").startswith("text/html"):
                html = response.content.decode()
                assert edit_forms(html) == [], f"{method.upper()} {url} shows a form"
                assert "hx-post" not in html, f"{method.upper()} {url} shows an editable cell"
            if status != 200:
                refused.append(name)
    assert snapshot() == before
    # The walk did meet the doors it had to find closed.
    assert {"partnerships:partnership_edit", "evaluation:approve"} <= set(refused)
