"""Bulk writes: all rows or none, every bad row named, and a retry saved once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.hooks import roles_changed
from accounts.models import Role
from api.models import IdempotentRequest
from partnerships.models import Measurement, Partner

JULY, OCTOBER = dt.date(2025, 7, 1), dt.date(2025, 10, 1)


@pytest.fixture
def metrics(ours):
    return list(ours.objectives.get().metrics.order_by("name"))


def url(partnership):
    return f"/api/v1/partnerships/{partnership.pk}/measurements/"


def test_it_records_and_corrects_measurements_by_metric_and_period(
    client_for, alice, ours, metrics
):
    first, second = metrics
    read = Measurement.objects.get(metric=second, period_start=JULY).version
    response = client_for(alice).post(
        url(ours),
        {
            "rows": [
                {"metric": first.pk, "period_start": "2025-10-01", "value": "31.5"},
                {
                    "metric": second.pk,
                    "period_start": "2025-07-01",
                    "value": 25,
                    "evidence": "HMIS",
                    "version": read,
                },
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["created"], response.json()["updated"]) == (1, 1)
    assert Measurement.objects.get(metric=first, period_start=OCTOBER).value == Decimal("31.5")
    corrected = Measurement.objects.get(metric=second, period_start=JULY)
    assert (corrected.value, corrected.evidence, corrected.entered_by) == (
        Decimal(25),
        "HMIS",
        alice,
    )


def test_one_bad_row_saves_nothing_and_is_named(client_for, alice, ours, metrics):
    first, second = metrics
    before = list(Measurement.objects.order_by("pk").values_list("pk", "value"))
    response = client_for(alice).post(
        url(ours),
        {
            "rows": [
                {"metric": first.pk, "period_start": "2025-10-01", "value": "31"},
                {"metric": second.pk, "period_start": "2025-10-15", "value": "7"},
                {"metric": second.pk, "period_start": "2025-10-01", "value": "8"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert list(errors) == ["rows[1].period_start"]
    assert list(Measurement.objects.order_by("pk").values_list("pk", "value")) == before


def test_wrong_types_are_named_by_row_and_field(client_for, alice, ours, metrics):
    response = client_for(alice).post(
        url(ours),
        {"rows": [{"metric": metrics[0].pk, "period_start": "October", "value": "many"}]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"rows[0].period_start", "rows[0].value"}


def test_the_same_metric_and_period_twice_is_a_bad_row(client_for, alice, ours, metrics):
    row = {"metric": metrics[0].pk, "period_start": "2025-10-01", "value": "3"}
    response = client_for(alice).post(url(ours), {"rows": [row, row]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[1].period_start"]
    assert not Measurement.objects.filter(period_start=OCTOBER).exists()


def test_a_retried_request_with_its_idempotency_key_is_saved_once(client_for, alice, ours, metrics):
    client = client_for(alice)
    body = {"rows": [{"metric": metrics[0].pk, "period_start": "2025-10-01", "value": "40"}]}
    first = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-42")
    assert first.status_code == 200, first.content
    # Meanwhile someone types another value in the grid: a retry must not undo it.
    Measurement.objects.filter(metric=metrics[0], period_start=OCTOBER).update(value=41)

    again = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-42")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Measurement.objects.get(metric=metrics[0], period_start=OCTOBER).value == 41
    assert IdempotentRequest.objects.filter(user=alice, key="upload-42").count() == 1


def take_off_the_dyad(user):
    """`user` becomes an executive instead of a partnership manager, as an
    administrator does it (accounts.admin): the role change takes them off the
    dyads they co-lead (partnerships.services.leads_follow_roles)."""
    user.groups.remove(Group.objects.get(name=Role.MANAGER))
    user.groups.add(Group.objects.get(name=Role.EXECUTIVE))
    roles_changed.fire_now(user=user)


def test_a_retry_by_a_co_lead_taken_off_the_dyad_is_refused_and_told_nothing(
    client_for, bob, ours, metrics
):
    client = client_for(bob)
    body = {"rows": [{"metric": metrics[0].pk, "period_start": "2025-10-01", "value": "40"}]}
    first = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-7")
    assert first.status_code == 200, first.content
    take_off_the_dyad(bob)
    assert not ours.leads.filter(user=bob).exists()

    again = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-7")
    # As a new request of his is answered: he still reads the partnership.
    fresh = client.post(url(ours), body, format="json")
    assert (again.status_code, again.json()) == (403, fresh.json())
    assert not again.has_header("Idempotent-Replayed")
    assert str(first.json()["ids"][0]) not in again.content.decode()
    assert Measurement.objects.filter(metric=metrics[0], period_start=OCTOBER).count() == 1


def test_a_retry_from_an_account_deactivated_since_is_refused_and_told_nothing(
    client_for, bob, ours, metrics
):
    client = client_for(bob)
    body = {"rows": [{"metric": metrics[0].pk, "period_start": "2025-10-01", "value": "40"}]}
    first = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-9")
    assert first.status_code == 200, first.content
    bob.is_active = False
    bob.save(update_fields=["is_active"])

    again = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-9")
    assert again.status_code == 401
    assert not again.has_header("Idempotent-Replayed")
    assert "ids" not in again.json()


def test_a_retry_by_a_co_lead_still_on_the_dyad_gets_the_first_answer(
    client_for, bob, ours, metrics
):
    client = client_for(bob)
    body = {"rows": [{"metric": metrics[0].pk, "period_start": "2025-10-01", "value": "40"}]}
    first = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-8")
    assert first.status_code == 200, first.content
    again = client.post(url(ours), body, format="json", HTTP_IDEMPOTENCY_KEY="upload-8")
    assert (again.status_code, again.json()) == (200, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Measurement.objects.filter(metric=metrics[0], period_start=OCTOBER).count() == 1
    assert IdempotentRequest.objects.filter(user=bob, key="upload-8").count() == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(client_for, alice, ours, metrics):
    client = client_for(alice)
    row = {"metric": metrics[0].pk, "period_start": "2025-10-01", "value": "40"}
    client.post(url(ours), {"rows": [row]}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = client.post(
        url(ours), {"rows": [{**row, "value": "50"}]}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422
    assert Measurement.objects.get(metric=metrics[0], period_start=OCTOBER).value == 40


def test_a_refused_request_stores_no_answer_for_its_key(client_for, alice, ours, metrics):
    client = client_for(alice)
    bad = {"rows": [{"metric": metrics[0].pk, "period_start": "2025-10-15", "value": "4"}]}
    assert client.post(url(ours), bad, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    good = {"rows": [{"metric": metrics[0].pk, "period_start": "2025-10-01", "value": "4"}]}
    assert client.post(url(ours), good, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 200


# --- partners in bulk ---------------------------------------------------------------------


def partner(name, **fields):
    return {
        "name": name,
        "kind": "hospital",
        "organisation_type": "15",
        "sector": "government",
        "country": "KE",
        "time_zone": "Africa/Nairobi",
        **fields,
    }


def test_it_creates_partners_in_bulk(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/bulk/",
        {"rows": [partner("Moi Teaching Hospital"), partner("Aga Khan Hospital", city="Kisumu")]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2
    assert Partner.objects.get(name="Aga Khan Hospital").city == "Kisumu"


def test_bulk_partners_name_every_bad_row_and_save_none(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/bulk/",
        {
            "rows": [
                partner("Moi Teaching Hospital"),
                partner("Kenyatta Hospital", sector="space"),
                partner("moi teaching hospital"),
                partner("Aga Khan Hospital", languages=["xx"]),
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "rows[1].sector" in errors
    assert not Partner.objects.exists()


def test_bulk_partners_name_a_duplicate_within_the_batch(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/bulk/",
        {"rows": [partner("Moi Teaching Hospital"), partner("MOI teaching hospital")]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "rows[1].name": ["A partner with this name already exists in this country."]
    }
    assert not Partner.objects.exists()


def test_a_row_with_the_version_read_is_refused_once_the_value_moved_on(
    client_for, alice, ours, metrics
):
    """As a grid cell: the version read (0 for a period with none) makes the
    write depend on it; a value changed since is refused, the row named, and
    nothing of the batch saved."""
    first, second = metrics
    stored = Measurement.objects.get(metric=second, period_start=JULY)
    read = client_for(alice).get(f"/api/v1/measurements/{stored.pk}/").json()
    assert read["version"] == stored.version
    Measurement.objects.filter(pk=stored.pk).update(value=55, version=stored.version + 1)

    def send(version_read):
        rows = [
            {"metric": first.pk, "period_start": "2025-10-01", "value": "31", "version": 0},
            {
                "metric": second.pk,
                "period_start": "2025-07-01",
                "value": "7",
                "version": version_read,
            },
        ]
        return client_for(alice).post(url(ours), {"rows": rows}, format="json")

    response = send(read["version"])
    assert response.status_code == 400
    assert "Someone else changed this" in response.json()["errors"]["rows[1]"][0]
    assert Measurement.objects.get(pk=stored.pk).value == 55
    assert not Measurement.objects.filter(metric=first, period_start=OCTOBER).exists()

    response = send(stored.version + 1)
    assert response.status_code == 200, response.content
    assert Measurement.objects.get(pk=stored.pk).value == 7


def test_a_row_with_version_0_is_refused_where_a_value_was_entered_since(
    client_for, alice, ours, metrics
):
    _, second = metrics
    response = client_for(alice).post(
        url(ours),
        {"rows": [{"metric": second.pk, "period_start": "2025-07-01", "value": "7", "version": 0}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[0]"]


@pytest.mark.parametrize("typed", ["1_000", "1e3", "NaN", "Infinity", "١٢"])
def test_what_python_reads_as_a_number_but_a_person_does_not_write_is_refused(
    client_for, alice, ours, metrics, typed
):
    row = {"metric": metrics[0].pk, "period_start": "2025-10-01", "value": typed}
    response = client_for(alice).post(url(ours), {"rows": [row]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"rows[0].value": ["A valid number is required."]}
    assert not Measurement.objects.filter(period_start=OCTOBER).exists()


@pytest.mark.parametrize(("sent", "saved"), [("12.5", Decimal("12.5")), (12.5, Decimal("12.5"))])
def test_a_plain_decimal_is_saved_as_text_or_as_a_json_number(
    client_for, alice, ours, metrics, sent, saved
):
    row = {"metric": metrics[0].pk, "period_start": "2025-10-01", "value": sent}
    response = client_for(alice).post(url(ours), {"rows": [row]}, format="json")
    assert response.status_code == 200, response.content
    assert Measurement.objects.get(metric=metrics[0], period_start=OCTOBER).value == saved


def stored_values():
    return list(
        Measurement.objects.order_by("pk").values_list(
            "pk", "value", "evidence", "version", "entered_by"
        )
    )


def test_a_row_without_a_version_that_would_change_a_recorded_value_is_refused(
    client_for, alice, ours, metrics
):
    """A client that never read the value (a sync from another system) may
    not write over it unseen: the row is named with the value and version to
    read, and nothing of the batch is saved."""
    first, second = metrics
    stored = Measurement.objects.get(metric=second, period_start=JULY)
    before = stored_values()
    rows = [
        {"metric": first.pk, "period_start": "2025-10-01", "value": "31"},
        {"metric": second.pk, "period_start": "2025-07-01", "value": "7"},
    ]
    response = client_for(alice).post(url(ours), {"rows": rows}, format="json")
    assert response.status_code == 400
    shown = f"{stored.value.normalize():f}"
    assert response.json()["errors"] == {
        "rows[1].version": [
            f"A value is already recorded for this period ({shown}, version {stored.version}); "
            "give its version to replace it."
        ]
    }
    assert stored_values() == before


def test_a_row_without_a_version_repeating_the_recorded_value_changes_nothing(
    client_for, alice, bob, ours, metrics
):
    """Sending the same figures again is harmless: the value keeps its
    version and who entered it, and is counted neither created nor updated."""
    first, second = metrics
    stored = Measurement.objects.get(metric=second, period_start=JULY)
    before = stored_values()
    rows = [
        {"metric": first.pk, "period_start": "2025-10-01", "value": "31"},
        {"metric": second.pk, "period_start": "2025-07-01", "value": f"{stored.value:.2f}"},
    ]
    response = client_for(alice).post(url(ours), {"rows": rows}, format="json")
    assert response.status_code == 200, response.content
    created = Measurement.objects.get(metric=first, period_start=OCTOBER)
    assert response.json() == {"created": 1, "updated": 0, "ids": [created.pk, stored.pk]}
    assert [value for value in stored_values() if value[0] != created.pk] == before
