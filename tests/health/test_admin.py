"""The instrument library in the admin: published versions are read-only."""

import pytest
from django.urls import reverse

from accounts.models import User
from health.models import Instrument, Statement
from tests.factories import with_authenticator
from tests.health.builders import shipped_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        with_authenticator(User.objects.create_superuser("root", "root@example.org", "password"))
    )
    return client


def test_a_published_instrument_opens_read_only_and_a_change_is_refused(admin_client):
    shipped = shipped_instrument()
    url = reverse("admin:health_instrument_change", args=[shipped.pk])

    page = admin_client.get(url)
    refused = admin_client.post(url, {"name": "Renamed", "version": 1})

    assert page.status_code == 200 and b"Save" not in page.content
    assert refused.status_code == 403
    shipped.refresh_from_db()
    assert shipped.name == "Partnership health check"


def test_new_version_makes_a_draft_that_can_be_edited_then_published(admin_client):
    shipped = shipped_instrument()
    changelist = reverse("admin:health_instrument_changelist")

    admin_client.post(changelist, {"action": "new_version", "_selected_action": [shipped.pk]})

    draft = Instrument.objects.get(version=2)
    assert draft.published_at is None
    page = admin_client.get(reverse("admin:health_instrument_change", args=[draft.pk]))
    assert b"Save" in page.content
    statement = Statement.objects.filter(factor__instrument=draft).first()
    factor_page = admin_client.get(
        reverse("admin:health_factor_change", args=[statement.factor_id])
    )
    assert factor_page.status_code == 200 and b"Save" in factor_page.content

    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.published_at is not None
    assert (
        admin_client.post(
            reverse("admin:health_instrument_change", args=[draft.pk]), {"name": "x", "version": 2}
        ).status_code
        == 403
    )


def test_reviewers_keep_the_library_and_the_others_read_it(client, rita, alice, erin):
    for user in (rita, alice, erin):
        user.is_staff = True
        user.save()
    add = reverse("admin:health_instrument_add")
    listing = reverse("admin:health_instrument_changelist")

    client.force_login(rita)
    assert client.get(add).status_code == 200
    for reader in (alice, erin):
        client.force_login(reader)
        assert client.get(listing).status_code == 200
        assert client.get(add).status_code == 403
