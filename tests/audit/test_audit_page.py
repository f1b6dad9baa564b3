"""The audit page: every change across the tracked models, for Administrators."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.history import because
from partnerships.models import Partner, Partnership
from tests.factories import (
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    user_with_role,
    with_authenticator,
)
from tests.forms import opened
from tests.spreadsheets import csv_rows

pytestmark = pytest.mark.django_db

URL = reverse("audit:events")
EXPORT = reverse("audit:export")


@pytest.fixture
def ada(db):
    """An administrator: reads the audit trail."""
    return user_with_role("ada", Role.ADMINISTRATOR, first_name="Ada")


def rows(response):
    return response.context["page"].object_list


def test_managers_and_executives_may_not_read_it(client, alice, erin):
    for user in (alice, erin):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(EXPORT).status_code == 403


def test_an_administrator_sees_every_change(client, ada, alice):
    partner = PartnerFactory(name="Aga Khan")
    Partner.objects.filter(pk=partner.pk).update(city="Kisumu")
    client.force_login(ada)

    response = client.get(URL)

    assert response.status_code == 200
    mine = [e for e in rows(response) if e.event.pgh_obj_model == "partnerships.Partner"]
    assert [e.kind for e in mine] == ["Changed", "Created"]
    assert "Kisumu" in response.content.decode()


def test_a_superuser_reads_it_too(client):
    root = with_authenticator(UserFactory(username="root", is_superuser=True))
    client.force_login(root)
    assert client.get(URL).status_code == 200


def test_it_filters_by_person_record_kind_and_dates(client, ada, alice, bob):
    early = PartnerFactory(name="Early")
    late = PartnerFactory(name="Late")
    Partner.objects.filter(pk=late.pk).update(name="Later")
    client.force_login(ada)
    # Events are stamped by PostgreSQL (the transaction's start), not the clock
    # a test can move: the dates are today's.
    today = timezone.localdate()

    def found(**filters):
        response = client.get(URL, filters)
        assert response.status_code == 200, response.context["form"].errors
        return [(e.event.pgh_obj_id, e.event.pgh_label) for e in rows(response)]

    partner = "partnerships.Partner"
    assert found(model=partner, object_id=early.pk) == [(str(early.pk), "insert")]
    assert found(model=partner, kind="update") == [(str(late.pk), "update")]
    assert len(found(model=partner, since=today, until=today)) == 3
    assert found(model=partner, until=today - dt.timedelta(days=1)) == []
    assert found(model=partner, since=today + dt.timedelta(days=1)) == []
    assert found(person=bob.pk) == []


def test_a_page_edit_is_found_by_its_person(client, ada, alice):
    partnership = PartnershipFactory(owner=alice, title="Before")
    client.force_login(alice)
    edit = reverse("partnerships:partnership_edit", args=[partnership.pk])
    client.post(edit, {"title": "After", "purpose": "clinical_exchange", **opened(client, edit)})
    client.force_login(ada)

    response = client.get(URL, {"person": alice.pk})

    [entry] = rows(response)
    assert (entry.event.pgh_obj_model, entry.actor) == ("partnerships.Partnership", str(alice))


def test_it_refuses_dates_in_the_wrong_order(client, ada):
    client.force_login(ada)
    response = client.get(URL, {"since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 400
    assert "The end comes before the start." in response.content.decode()


def test_it_exports_the_filtered_list_as_csv_with_formulas_made_inert(client, ada):
    partner = PartnerFactory(name="Plain")
    with because("=SUM(A1)"):
        Partner.objects.filter(pk=partner.pk).update(name="Renamed")
    PartnerFactory(name="Other")
    client.force_login(ada)

    response = client.get(EXPORT, {"model": "partnerships.Partner", "object_id": partner.pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *lines = csv_rows(response.content)
    assert header == [
        "When (UTC)",
        "Record",
        "Id",
        "Change",
        "By",
        "Task",
        "Reason",
        "URL",
        "What changed",
    ]
    assert [(line[1], line[2], line[3]) for line in lines] == [
        ("partnerships.Partner", str(partner.pk), "Changed"),
        ("partnerships.Partner", str(partner.pk), "Created"),
    ]
    assert lines[0][6] == "'=SUM(A1)"
    assert lines[0][8] == 'name: "Plain" → "Renamed"'


def test_the_export_names_a_changed_choice_by_its_label(client, ada):
    # A choice's label is a lazy translation, which JSON could not write: any
    # change of a stage, a state or a rating made the whole export a 500.
    partnership = PartnershipFactory(title="Zürich exchange", stage="active")
    Partnership.objects.filter(pk=partnership.pk).update(stage="struggling", title="Zürich link")
    client.force_login(ada)

    response = client.get(EXPORT, {"model": "partnerships.Partnership"})

    assert response.status_code == 200
    _header, changed, _created = csv_rows(response.content)
    assert changed[3] == "Changed"
    assert 'stage: "Active" → "Struggling"' in changed[8]
    assert 'title: "Zürich exchange" → "Zürich link"' in changed[8]


@pytest.mark.parametrize("count", [1, 10])
def test_its_queries_do_not_grow(client, ada, alice, count, django_assert_max_num_queries):
    for index in range(count):
        partner = PartnerFactory(name=f"Partner {index}")
        Partner.objects.filter(pk=partner.pk).update(city=f"City {index}")
    client.force_login(ada)
    # session, user, savepoint, the Administrator check, the people of the
    # filter, the count, the page of events with their users, the menu's
    # permissions (user and group) and unread notifications, release
    with django_assert_max_num_queries(11):
        response = client.get(URL)
    assert len(rows(response)) >= 2 * count


def _partners_changed(count):
    """`count` audit events of partners: each partner created (an event each)."""
    for index in range(count):
        PartnerFactory(name=f"Audited {index}")


@pytest.mark.parametrize("over", [-1, 0])
def test_an_export_up_to_the_limit_is_written(client, ada, settings, over):
    _partners_changed(3)
    settings.ACCORD_AUDIT_EXPORT_MAX_ROWS = 3 - over  # 4 (one spare), then exactly 3
    client.force_login(ada)

    page = client.get(URL, {"model": "partnerships.Partner"})
    assert EXPORT in page.content.decode()
    assert b"export-too-large" not in page.content
    response = client.get(EXPORT, {"model": "partnerships.Partner"})

    assert response.status_code == 200
    _header, *lines = csv_rows(response.content)
    assert len(lines) == 3


def test_an_export_past_the_limit_asks_for_narrower_filters(client, ada, settings):
    _partners_changed(3)
    settings.ACCORD_AUDIT_EXPORT_MAX_ROWS = 2
    client.force_login(ada)

    page = client.get(URL, {"model": "partnerships.Partner"})
    assert page.status_code == 200
    assert EXPORT not in page.content.decode()  # no button that could only be refused
    response = client.get(EXPORT, {"model": "partnerships.Partner"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "These filters hold 3 events; an export holds at most 2." in text
    # The filters are kept, so narrowing them is one change away.
    assert response.context["form"]["model"].value() == "partnerships.Partner"
    # Narrowed to one partner, the same export is written.
    one = Partner.objects.get(name="Audited 0")
    narrowed = client.get(EXPORT, {"model": "partnerships.Partner", "object_id": one.pk})
    assert narrowed.status_code == 200
    assert len(csv_rows(narrowed.content)) == 2


def test_an_export_with_bad_filters_shows_the_page_with_the_error(client, ada):
    client.force_login(ada)
    response = client.get(EXPORT, {"since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 400
    assert "The end comes before the start." in response.content.decode()
