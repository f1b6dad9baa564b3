"""History is written by the database: whatever changes a row leaves an event,
with who or what changed it and, for a decision, why."""

import datetime as dt

import pghistory
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from audit.history import object_history
from partnerships import services
from partnerships.models import Agreement, Partner
from partnerships.tasks import expire_agreements
from tests.factories import AgreementFactory, PartnerFactory, PartnershipFactory
from tests.forms import opened

pytestmark = pytest.mark.django_db


def changes(entry):
    return [(change.field, change.old, change.new) for change in entry.changes]


def test_it_records_a_bulk_queryset_update_with_old_and_new_values():
    partner = PartnerFactory(city="Nairobi")
    Partner.objects.filter(pk=partner.pk).update(city="Mombasa")

    newest, created = object_history(partner)
    assert (newest.kind, created.kind) == ("Changed", "Created")
    assert changes(newest) == [("city", "Nairobi", "Mombasa")]
    assert newest.actor == "the system"


def test_it_records_raw_sql():
    partner = PartnerFactory(name="Old name")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Partner._meta.db_table} SET name = %s WHERE id = %s", ["New name", partner.pk]
        )

    newest = object_history(partner)[0]
    assert changes(newest) == [("name", "Old name", "New name")]


def test_it_records_a_delete_with_the_last_values():
    partnership = PartnershipFactory()
    agreement = AgreementFactory(partnership=partnership, title="Draft MoU", status="draft")
    pk = agreement.pk
    agreement.delete()

    deleted = Agreement.pgh_event_model.objects.filter(pgh_obj_id=pk).latest("pgh_id")
    assert (deleted.pgh_label, deleted.title) == ("delete", "Draft MoU")


def test_a_page_edit_records_the_user_and_the_page(client, alice):
    partnership = PartnershipFactory(owner=alice, title="Before")
    client.force_login(alice)
    edit = reverse("partnerships:partnership_edit", args=[partnership.pk])

    response = client.post(
        edit, {"title": "After", "purpose": "clinical_exchange", **opened(client, edit)}
    )

    assert response.status_code == 302
    newest = object_history(partnership)[0]
    assert newest.event.user == alice
    assert newest.event.url == edit
    assert ("title", "Before", "After") in changes(newest)


def test_a_task_records_its_name_and_run():
    agreement = AgreementFactory(
        status="active", effective_date=dt.date(2019, 2, 1), expiry_date=dt.date(2020, 1, 31)
    )

    result = expire_agreements.apply()

    assert result.get() == 1
    newest = object_history(agreement)[0]
    assert changes(newest) == [("status", "Active", "Expired")]
    assert newest.event.task == "partnerships.tasks.expire_agreements"
    assert newest.event.pgh_context["task_id"] == result.id
    assert newest.actor == "task partnerships.tasks.expire_agreements"


def test_a_stage_change_records_its_reason(alice):
    partnership = PartnershipFactory(owner=alice, stage="active")

    services.partnership_change_stage(
        partnership=partnership, stage="struggling", reason="Trust fell.", by=alice
    )

    newest = object_history(partnership)[0]
    assert newest.event.reason == "Trust fell."
    assert ("stage", "Active", "Struggling") in changes(newest)


def test_a_role_given_and_taken_is_history(alice):
    from django.contrib.auth.models import Group

    reviewers = Group.objects.get(name="Reviewer")
    alice.groups.add(reviewers)
    alice.groups.remove(reviewers)

    events = alice.groups.through.pgh_event_model.objects.filter(group=reviewers, user=alice)
    assert sorted(events.values_list("pgh_label", flat=True)) == ["delete", "insert"]


def test_a_password_is_never_history(alice):
    alice.set_password("a new secret 123")
    alice.save()

    event = type(alice).pgh_event_model.objects.filter(pgh_obj=alice).latest("pgh_id")
    assert event.pgh_label == "password_change"
    assert not hasattr(event, "password")


def test_the_changes_are_labelled_in_the_readers_language():
    """Models leave most labels to Django ("end date"); the forms' labels are
    the catalogues', so the history reads "Date de fin" in French."""
    from django.utils import translation

    partner = PartnerFactory(city="Nairobi")
    Partner.objects.filter(pk=partner.pk).update(city="Kisumu")
    with translation.override("fr"):
        (change,) = object_history(partner)[0].changes
        assert (change.field, change.label) == ("city", "Ville")
    with translation.override("en"):
        assert object_history(partner)[0].changes[0].label == "City"


def test_a_documents_stored_name_is_not_history_its_name_and_checksum_are():
    agreement = AgreementFactory()
    Agreement.objects.filter(pk=agreement.pk).update(
        document="agreements/ab/" + "ab" * 32,
        document_name="MoU signed.pdf",
        document_sha256="ab" * 32,
        document_size=1234,
    )
    fields = [change.field for change in object_history(agreement)[0].changes]
    assert "document" not in fields
    assert {"document_name", "document_sha256"} <= set(fields)


def test_the_values_read_as_the_reader_writes_them_and_the_export_keeps_them():
    """A day was shown as JSON keeps it ("Date de début : 2026-09-01 → 2025-01-01"),
    a value with a point, a yes as "True", on French, Spanish and Portuguese pages."""
    from decimal import Decimal

    from django.utils import translation

    from partnerships.models import Measurement, OutcomeMetric, Partnership
    from tests.factories import MeasurementFactory

    partnership = PartnershipFactory(start_date=dt.date(2026, 9, 1))
    Partnership.objects.filter(pk=partnership.pk).update(start_date=dt.date(2025, 1, 1))
    measurement = MeasurementFactory(value=Decimal("1500.5"))
    Measurement.objects.filter(pk=measurement.pk).update(value=Decimal("12.25"))
    OutcomeMetric.objects.filter(pk=measurement.metric_id).update(is_active=False)

    (start,) = object_history(partnership)[0].changes
    (value,) = [c for c in object_history(measurement)[0].changes if c.field == "value"]
    (active,) = [c for c in object_history(measurement.metric)[0].changes if c.field == "is_active"]
    assert (start.old, start.new) == ("2026-09-01", "2025-01-01")  # as kept, for the export
    with translation.override("fr"):
        assert (start.old_shown, start.new_shown) == ("1 sept. 2026", "1 janv. 2025")
        assert (value.old_shown, value.new_shown) == ("1500,5", "12,25")
        assert (active.old_shown, active.new_shown) == ("Oui", "Non")
    with translation.override("en-gb"):
        assert start.new_shown == "1 Jan 2025"
        assert value.new_shown == "12.25"


# A field's label that the language writes as English does.
SAME_WORD = {
    "fr": {"Description", "Expertise", "Notes", "Version", "SHA-256"},
    "es": {"SHA-256", "Sector"},
    "pt": {"SHA-256", "Email"},
}


@pytest.mark.parametrize("language", ["fr", "es", "pt"])
def test_every_field_a_record_page_shows_the_history_of_is_labelled_in_the_readers_language(
    language,
):
    """The partner, partnership, agreement and scorecard pages show the history
    of their record and its parts: every field that history can name reads in
    the reader's language, whether a form labels it or not."""
    from django.db import models
    from django.utils import translation
    from django.utils.text import capfirst

    from audit.history import _label, tracked_models

    shown = {
        label: event_model
        for label, event_model in tracked_models().items()
        if label.startswith("partnerships.") or label == "evaluation.Scorecard"
    }
    english = []
    for label, event_model in shown.items():
        tracked = {f.name for f in event_model._meta.fields}
        for field in event_model.pgh_tracked_model._meta.concrete_fields:
            if field.primary_key or isinstance(field, models.FileField):
                continue
            if field.name not in tracked:
                continue
            words = capfirst(str(field.verbose_name))
            with translation.override(language):
                read = _label(field)
            if read == words and words not in SAME_WORD[language]:
                english.append(f"{label}.{field.name}: {words}")
    assert english == []


@pytest.mark.parametrize(
    "language, by_system, by_task, by_person",
    [
        ("en", "by the system, ", "by the task partnerships.tasks.expire_agreements, ", "by "),
        ("fr", "par le système, ", "par la tâche partnerships.tasks.expire_agreements, ", "par "),
        ("es", "por el sistema, ", "por la tarea partnerships.tasks.expire_agreements, ", "por "),
        # Portuguese joins "por" to the article: "pelo sistema", never "por o sistema".
        ("pt", "pelo sistema, ", "pela tarefa partnerships.tasks.expire_agreements, ", "por "),
    ],
)
def test_who_and_when_read_as_one_phrase_in_each_language(
    client, alice, language, by_system, by_task, by_person
):
    agreement = AgreementFactory(
        status="active", effective_date=dt.date(2019, 2, 1), expiry_date=dt.date(2020, 1, 31)
    )
    expire_agreements.apply()
    alice.language = "" if language == "en" else language
    alice.save()
    with pghistory.context(user=alice.pk):
        services.partnership_change_stage(
            partnership=agreement.partnership, stage="struggling", reason="Trust fell.", by=alice
        )
    client.force_login(alice)

    with translation.override(language):
        by_task_entry, by_system_entry = object_history(agreement)[:2]
        assert by_task_entry.byline.startswith(by_task)
        assert by_system_entry.byline.startswith(by_system)
        assert object_history(agreement.partnership)[0].byline.startswith(f"{by_person}{alice}, ")
    page = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))
    assert by_system in page.content.decode()
