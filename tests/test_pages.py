"""Every page requires a signed-in user; the login page and every admin page render."""

import datetime as dt
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, IntervalSchedule, SolarSchedule

from accounts.models import User
from dashboards.models import ExchangeRate
from evaluation.models import AssessmentRun, Scorecard, ScoringPolicy
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MemberFactory,
    PartnerFactory,
    with_authenticator,
)
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return with_authenticator(User.objects.create_superuser("root", "root@example.org", "password"))


@pytest.fixture
def one_of_everything(superuser):
    """A row in every table, so change pages have something to show (signing
    in adds the access log and, here, the authenticator)."""
    UserSession.objects.create(user=superuser, ip="127.0.0.1", session_key="other-device")
    EmailAddress.objects.create(user=superuser, email=superuser.email, primary=True)
    SocialAccount.objects.create(user=superuser, provider="sso", uid="root-at-the-idp")
    AccessAttempt.objects.create(  # another's: signing in clears root's own
        username="charlie",
        ip_address="10.0.0.9",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    AccessFailureLog.objects.create(
        username="root", ip_address="127.0.0.1", user_agent="test", path_info="/accounts/login/"
    )
    member = MemberFactory()
    AgreementFactory(partnership=member.partnership)
    MeasurementFactory(metric__objective__partnership=member.partnership)
    PartnerFactory().contacts.create(name="Amina Otieno")
    ExchangeRate.objects.create(
        currency="USD", rate_to_base=Decimal("0.92"), valid_from=dt.date(2026, 1, 1)
    )
    NotificationFactory(user=member.partnership.owner)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude="-1.29", longitude="36.82")
    IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    AssessmentRun.objects.create(
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        policy=ScoringPolicy.objects.get(is_active=True),
    )
    Scorecard.objects.create(
        partnership=member.partnership,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        policy=ScoringPolicy.objects.get(is_active=True),
        overall_score=72,
        rating="amber",
        computed_at=timezone.now(),
    )


# django-axes's records of sign-in attempts are kept, never added by hand.
NO_ADD_PAGE = {AccessAttempt, AccessLog, AccessFailureLog}


def admin_urls():
    """The changelist, add and change page of every model in the admin."""
    for model in admin.site._registry:
        opts = model._meta
        yield f"admin:{opts.app_label}_{opts.model_name}_changelist", model, None
        if model not in NO_ADD_PAGE:
            yield f"admin:{opts.app_label}_{opts.model_name}_add", model, None
        yield f"admin:{opts.app_label}_{opts.model_name}_change", model, "first"


def test_the_login_page_renders(client):
    response = client.get(reverse("login"), follow=True)
    assert response.redirect_chain == [(reverse("account_login"), 302)]
    assert b"Sign in to Accord" in response.content


def test_a_wrong_password_keeps_the_username_and_says_why(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert b'value="alice"' in response.content
    assert b"The username and/or password you specified are not correct" in response.content


def app_urls(patterns=None, namespace=None):
    """Every page of the project outside the admin, with a made-up id where one is needed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            # The account pages (django-allauth) are tested in tests/accounts/.
            if (
                pattern.app_name == "admin"
                or getattr(pattern.urlconf_module, "__name__", "") == "allauth.urls"
            ):
                continue
            inner_namespace = pattern.namespace or namespace
            yield from app_urls(pattern.url_patterns, inner_namespace)
        elif pattern.name not in (None, "login"):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield reverse(name, kwargs=dict.fromkeys(pattern.pattern.regex.groupindex, 1))


# Pages a partner-side health-check respondent opens from an emailed link,
# without an account (tests/health/test_answer_links.py tests them).
PUBLIC = {reverse("health:answer", args=["1"]), reverse("health:thanks", args=["1"])}


def test_every_page_sends_an_anonymous_visitor_to_sign_in(client):
    urls = list(app_urls())
    assert "/evaluation/assessments/" in urls
    for url in [url for url in urls if url not in PUBLIC] + [reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"], url


def test_every_admin_page_renders(client, superuser, one_of_everything):
    client.force_login(superuser)
    checked = 0
    for name, model, which in admin_urls():
        args = []
        if which == "first":
            instance = model._default_manager.order_by("pk").first()
            assert instance is not None, f"no {model.__name__} to open"
            args = [instance.pk]
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        checked += 1
    assert checked >= 3 * 16


def test_every_admin_list_asks_anonymous_visitors_to_sign_in(client):
    for name, _model, which in admin_urls():
        if which is None:
            response = client.get(reverse(name))
            assert response.status_code == 302, name


def test_home_shows_the_portfolio_to_a_signed_in_manager(
    client, alice, django_assert_max_num_queries
):
    # (An executive is sent on to the dashboard: tests/dashboards/test_portfolio_home.py.)
    MemberFactory(partnership__stage="struggling")
    AgreementFactory()
    client.force_login(alice)
    # session, user, savepoint (ATOMIC_REQUESTS), the role check (is this an
    # executive?), family counts, partner counts, expiring agreements with
    # their partnerships, scorecards returned to the user, user and group
    # permissions and unread notifications (the menu), release savepoint
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Struggling" in response.content
