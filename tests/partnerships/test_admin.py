"""The managers' records in the admin: read-only, even for administrators.

Each rule the pages keep (only the owner and co-leads change a partnership, a
stage change needs its reason, a measurement is entered by its metric's
people, a signed document is checked and checksummed) is tried through the
admin, and the row is read back unchanged.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from partnerships.models import StageChange
from tests.factories import AgreementFactory, MeasurementFactory, PartnershipFactory
from tests.partnerships.test_documents import TINY_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["adam", "superuser"])
def administrator(request, client):
    user = request.getfixturevalue(request.param)
    client.force_login(user)
    return user


def as_posted(instance, **changes) -> dict:
    data = {name: "" if value is None else value for name, value in model_to_dict(instance).items()}
    return {**data, **changes}


def test_a_partnerships_owner_and_stage_are_not_changed_in_the_admin(client, administrator, alice):
    partnership = PartnershipFactory(owner=alice, stage="active")
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])

    page = client.get(url)
    response = client.post(
        url, as_posted(partnership, owner=administrator.pk, stage="failed", title="Taken over")
    )

    assert page.status_code == 200 and b'name="owner"' not in page.content
    assert response.status_code == 403
    partnership.refresh_from_db()
    assert (partnership.owner, partnership.stage, partnership.title) == (
        alice,
        "active",
        partnership.title,
    )
    assert partnership.title != "Taken over"
    assert not StageChange.objects.exists()


def test_a_measurement_is_not_edited_in_the_admin(client, administrator):
    measurement = MeasurementFactory()
    url = reverse("admin:partnerships_measurement_change", args=[measurement.pk])

    response = client.post(url, as_posted(measurement, value="999"))

    assert response.status_code == 403
    measurement.refresh_from_db()
    assert measurement.value == 20


def test_no_document_is_uploaded_on_an_agreement_in_the_admin(
    client, administrator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    agreement = AgreementFactory()
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])

    page = client.get(url)
    response = client.post(
        url,
        as_posted(
            agreement,
            document=SimpleUploadedFile("x.pdf", TINY_PDF, content_type="application/pdf"),
            document_sha256="0" * 64,
        ),
    )

    assert b'type="file"' not in page.content
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert (agreement.document.name, agreement.document_sha256) == ("", "")
    assert not any(tmp_path.iterdir())


def test_nothing_is_added_or_deleted_in_the_admin(client, administrator):
    partnership = PartnershipFactory()
    add = client.post(
        reverse("admin:partnerships_partnership_add"),
        as_posted(partnership, title="Made in the admin"),
    )
    delete = client.post(
        reverse("admin:partnerships_partnership_delete", args=[partnership.pk]), {"post": "yes"}
    )
    assert (add.status_code, delete.status_code) == (403, 403)
    assert partnership.__class__.objects.get().pk == partnership.pk
