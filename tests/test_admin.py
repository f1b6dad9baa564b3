"""The admin is for administrators, and even there the domain's rules hold.

Every URL of every model in the admin (list, add, change, delete, history), as
every role, by GET and by a forged POST: only administrators and superusers
get in, and nobody changes a domain record there. The database is compared
table by table before and after, so a refusal that still wrote is caught.
"""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import CharField, TextField
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from accounts.models import User
from dashboards.models import ExchangeRate
from evaluation.models import AssessmentRun, Scorecard, ScoringPolicy
from health.models import Factor, Instrument
from partnerships.models import DocumentDownload
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MemberFactory,
    PartnerFactory,
    with_authenticator,
)
from tests.notifications.factories import NotificationFactory
from tooling import messages

pytestmark = pytest.mark.django_db

# What administrators keep in the admin; every other model is read-only there.
# Sign-in records (allauth's addresses, second factors and sessions, axes's
# attempts) are the accounts' own: unlocking or resetting them is the point.
MANAGED = {
    User,
    EmailAddress,
    Authenticator,
    SocialAccount,
    UserSession,
    AccessAttempt,
    AccessFailureLog,
    AccessLog,
    ExchangeRate,
    PeriodicTask,
    CrontabSchedule,
    IntervalSchedule,
    ClockedSchedule,
    SolarSchedule,
    Instrument,
    Factor,
}
# Tables a managed model's save also writes, and the history the triggers
# write of each managed model (tests/audit).
MANAGED_TABLES = {
    "accounts_user_groups",
    "django_admin_log",
    "django_celery_beat_periodictasks",
    "health_statement",
    "accounts_userevent",
    "accounts_usergroupsevent",
    "audit_trackedcrontabscheduleevent",
    "audit_trackedintervalscheduleevent",
    "audit_trackedperiodictaskevent",
    "dashboards_exchangerateevent",
    "health_factorevent",
    "health_instrumentevent",
    "health_statementevent",
}


@pytest.fixture
def one_of_everything(alice):
    """A row in every table, so change pages have something to show."""
    member = MemberFactory(partnership__owner=alice)
    agreement = AgreementFactory(partnership=member.partnership)
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
    DocumentDownload.objects.create(agreement=agreement, user=alice, sha256="a" * 64)
    with_authenticator(alice)
    EmailAddress.objects.create(user=alice, email="alice@example.org", primary=True)
    SocialAccount.objects.create(user=alice, provider="sso", uid="alice-at-the-idp")
    UserSession.objects.create(user=alice, ip="127.0.0.1", session_key="other-device")
    common = {"ip_address": "10.0.0.9", "user_agent": "test", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(
        username="charlie", http_accept="*/*", get_data="", post_data="",
        failures_since_start=1, **common,
    )  # fmt: skip
    AccessFailureLog.objects.create(username="charlie", **common)
    AccessLog.objects.create(username="alice", http_accept="*/*", **common)


def digest(exclude=()) -> dict[str, str]:
    """An md5 of every table's rows, in one query."""
    tables = sorted(set(connection.introspection.table_names()) - {"django_session", *exclude})
    sql = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
        f'FROM "{table}" t'
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def forged(instance) -> dict:
    """The instance's own values as a form would post them, its text changed."""
    data = {}
    for name, value in model_to_dict(instance).items():
        field = instance._meta.get_field(name)
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(field, CharField | TextField) and not field.choices:
            data[name] = f"{value} (forged)"
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def admin_requests(model):
    """Every admin URL of a model, each with a GET and a forged POST."""
    opts = model._meta
    sample = model._default_manager.order_by("pk").first()
    assert sample is not None, f"no {model.__name__} to open"
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    delete_all = {"action": "delete_selected", "_selected_action": [sample.pk], "post": "yes"}
    pages = [
        ("changelist", reverse(f"{prefix}_changelist"), delete_all),
        ("add", reverse(f"{prefix}_add"), forged(sample)),
        ("change", reverse(f"{prefix}_change", args=[sample.pk]), forged(sample)),
        ("delete", reverse(f"{prefix}_delete", args=[sample.pk]), {"post": "yes"}),
        ("history", reverse(f"{prefix}_history", args=[sample.pk]), {}),
    ]
    for page, url, data in pages:
        yield page, "GET", url, {}
        yield page, "POST", url, data


def send(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data)


@pytest.mark.parametrize("who", ["anonymous", "nora", "erin", "alice", "rita"])
def test_everyone_but_administrators_is_kept_out_of_every_admin_page(
    client, request, who, one_of_everything
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    before = digest()
    checked = 0
    for model in admin.site._registry:
        for _page, method, url, data in admin_requests(model):
            response = send(client, method, url, data)
            if who == "anonymous":
                assert response.status_code == 302, (method, url)
                assert response["Location"].startswith(reverse("account_login")), (method, url)
            else:
                assert response.status_code == 403, (method, url, response.status_code)
            checked += 1
    assert checked == 10 * len(admin.site._registry) >= 10 * 20
    assert digest() == before


# What an administrator's forged request gets on a record they may only read.
READ_ONLY = {
    ("changelist", "GET"): {200},
    # No action is offered, so none runs: the list is shown again.
    ("changelist", "POST"): {200, 302},
    ("add", "GET"): {403},
    ("add", "POST"): {403},
    ("change", "GET"): {200},
    ("change", "POST"): {403},
    ("delete", "GET"): {403},
    ("delete", "POST"): {403},
    ("history", "GET"): {200},
    ("history", "POST"): {200},
}


@pytest.mark.parametrize("who", ["adam", "superuser"])
def test_administrators_read_domain_records_in_the_admin_and_change_none(
    client, request, who, one_of_everything
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    managed_tables = {model._meta.db_table for model in MANAGED} | MANAGED_TABLES
    before = digest(exclude=managed_tables)
    for model in admin.site._registry:
        opts = model._meta
        readable = user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        for page, method, url, data in admin_requests(model):
            response = send(client, method, url, data)
            if model in MANAGED:
                # What these allow is tested on its own (tests/accounts/test_admin.py, …).
                assert response.status_code < 500, (method, url)
            elif readable:
                assert response.status_code in READ_ONLY[page, method], (method, url)
            else:
                assert response.status_code == 403, (method, url)
        assert digest(exclude=managed_tables) == before, f"{method} {url} wrote"


def test_an_administrator_reads_every_domain_list_but_no_ones_inbox(client, adam):
    client.force_login(adam)
    assert client.get(reverse("admin:partnerships_partnership_changelist")).status_code == 200
    assert client.get(reverse("admin:partnerships_documentdownload_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 403


def test_a_signed_in_non_administrator_is_told_why_with_a_403(client, rita):
    client.force_login(rita)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 403
    assert b"The admin is for administrators" in response.content
    # The admin's own sign-in page is Accord's (one page with lockout and 2FA).
    assert client.get(reverse("admin:login"))["Location"].startswith(reverse("account_login"))


def test_staff_status_opens_nothing(client, rita):
    rita.is_staff = True
    rita.save()
    client.force_login(rita)
    assert client.get(reverse("admin:index")).status_code == 403


def test_an_administrator_opens_the_admin_and_finds_it_in_the_menu(client, adam):
    client.force_login(adam)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:login")).status_code == 302
    assert b'href="/admin/"' in client.get(reverse("notifications:preferences")).content


def test_the_admin_sign_in_page_sends_to_accords_own(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"
    forged = client.post(reverse("admin:login"), {"username": "root", "password": "password"})
    assert forged.status_code == 302 and "_auth_user_id" not in client.session


# Reference data with a handful of rows: sorting them by their parents costs nothing.
SMALL_TABLES = {Factor}


@pytest.mark.parametrize(
    "model",
    [model for model in admin.site._registry if model not in SMALL_TABLES],
    ids=lambda model: model._meta.label,
)
def test_a_list_is_sorted_by_its_own_columns(model, rf, superuser):
    # A model ordered by a parent (a measurement by its metric's objective's
    # partnership's title) would have the list join and sort the whole table
    # for each page: 1.6 s for a page of 1.1 million measurements, 0.07 s now.
    request = rf.get("/")
    request.user = superuser
    changelist = admin.site._registry[model].get_changelist_instance(request)
    sql = str(changelist.queryset.query)
    ordering = sql.rsplit(" ORDER BY ", 1)[1]
    assert set(re.findall(r'"(\w+)"\."\w+"', ordering)) == {model._meta.db_table}


def test_the_refusal_speaks_the_users_language(client, alice):
    alice.language = "fr"
    alice.save()
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 403
    assert "L’administration est réservée aux administrateurs." in response.content.decode()


def test_a_rate_of_the_base_currency_is_refused_next_to_it(client, adam, settings):
    """It would be kept and never read: the portfolio reads no rate of its own
    currency. Any other currency's rate is kept."""
    settings.ACCORD_BASE_CURRENCY = "EUR"
    client.force_login(adam)
    url = reverse("admin:dashboards_exchangerate_add")
    typed = {"currency": "EUR", "rate_to_base": "2", "valid_from": "2026-11-05"}
    response = client.post(url, typed)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["currency"] == ["EUR is the base currency: it needs no rate."]
    assert not ExchangeRate.objects.filter(currency="EUR").exists()

    response = client.post(url, typed | {"currency": "USD", "rate_to_base": "0.92"})
    assert response.status_code == 302
    assert ExchangeRate.objects.get(
        currency="USD", valid_from="2026-11-05"
    ).rate_to_base == Decimal("0.92")


@pytest.mark.parametrize("typed", ["0026-11-05", "2926-11-05", "1999-12-31"])
def test_a_rate_from_an_implausible_day_is_refused_next_to_it(client, adam, typed):
    """A year typed wrong would convert every amount before the next rate with
    it, or never be read: the admin keeps the window every other date keeps."""
    client.force_login(adam)
    url = reverse("admin:dashboards_exchangerate_add")
    response = client.post(url, {"currency": "USD", "rate_to_base": "0.92", "valid_from": typed})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["valid_from"][0].startswith("Give a date from 2000 to ")
    assert not ExchangeRate.objects.filter(currency="USD").exists()

    response = client.post(
        url, {"currency": "USD", "rate_to_base": "0.92", "valid_from": "2000-01-01"}
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.filter(currency="USD", valid_from="2000-01-01").exists()


# Accord's own apps, whose catalogues `make messages` fills.
OUR_APPS = set(messages.APPS)


@pytest.mark.parametrize(
    "model",
    [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not hasattr(model, "pgh_tracked_model")
    ],
    ids=lambda model: model._meta.label,
)
def test_every_model_of_ours_is_named_for_translation(model):
    """Django names a model from its class ("Scorecard" → "scorecard"), a plain
    string that stays English in every language, on the admin's index and in
    the audit's kinds of record: each names itself, singular and plural, lazily."""
    meta = model._meta
    assert isinstance(meta.verbose_name, Promise), meta.label
    assert isinstance(meta.verbose_name_plural, Promise), meta.label
    assert isinstance(meta.app_config.verbose_name, Promise), meta.app_label


def test_the_admin_index_speaks_the_administrators_language(client, adam):
    adam.language = "fr"
    adam.save()
    client.force_login(adam)
    text = html.unescape(client.get(reverse("admin:index")).content.decode())
    assert "Fiches d'évaluation" in text  # scorecards
    assert "Taux de change" in text  # exchange rates
    assert "Administration d'Accord" in text
    assert "Scorecards" not in text and "Exchange rates" not in text
