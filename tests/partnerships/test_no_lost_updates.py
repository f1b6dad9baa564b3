"""No lost updates (#12): a form opened on a version someone else has changed
since is refused, says what changed, and keeps what was typed.

alice opens each form; bob (her co-lead) or a worker changes the row through
the service; alice's save is refused, and saving again, having seen the
change, replaces it.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from core.versioning import StaleVersion
from partnerships import services
from partnerships.models import (
    Agreement,
    Measurement,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
)
from tests.factories import PartnerFactory, PartnershipFactory, partnership_with_data
from tests.forms import opened
from tests.locks import locked_elsewhere
from tests.partnerships.test_agreement_pages import existing_agreement, form_data
from tests.partnerships.test_measurement_grid import HTMX
from tests.partnerships.test_partner_pages import VALID


@pytest.fixture
def partnership(alice, bob):
    partnership = PartnershipFactory(
        owner=alice,
        title="Nairobi exchange",
        stage="active",
        member__partner__name="Kenyatta Hospital",
        member__role="lead",
    )
    PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="research")
    return partnership


def hidden(response, form="form") -> dict:
    """The version and snapshot a refused form now carries, to save again."""
    bound = response.context[form]
    return {name: bound.data[name] for name in ("version", "snapshot")}


class TestPartnership:
    def test_it_refuses_a_save_on_a_changed_version_and_shows_the_change(
        self, client, alice, partnership
    ):
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        client.force_login(alice)
        form = opened(client, url)
        services.partnership_update(partnership=partnership, title="Renamed by Bob")
        typed = {"title": "Renamed by Alice", "purpose": partnership.purpose, "description": "Hers"}

        response = client.post(url, typed | form)

        assert response.status_code == 400
        assert Partnership.objects.get().title == "Renamed by Bob"
        [message] = response.context["form"].non_field_errors()
        assert "Title: “Nairobi exchange” → “Renamed by Bob” (you changed it too" in message
        assert response.context["form"]["title"].value() == "Renamed by Alice"
        assert response.context["form"]["description"].value() == "Hers"

        # Having seen bob's change, saving again replaces it.
        response = client.post(url, typed | hidden(response))
        assert response.status_code == 302
        assert Partnership.objects.get().title == "Renamed by Alice"

    def test_a_fresh_form_saves(self, client, alice, partnership):
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        services.partnership_update(partnership=partnership, title="Renamed by Bob")
        client.force_login(alice)
        typed = {"title": "Renamed by Alice", "purpose": partnership.purpose}
        assert client.post(url, typed | opened(client, url)).status_code == 302
        assert Partnership.objects.get().version == 3

    def test_a_member_change_moves_the_version_but_does_not_refuse_the_edit_form(
        self, client, alice, partnership
    ):
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        client.force_login(alice)
        form = opened(client, url)
        services.partnership_member_add(partnership=partnership, partner=PartnerFactory())
        assert Partnership.objects.get().version == 2

        response = client.post(url, {"title": "Renamed", "purpose": partnership.purpose} | form)

        assert response.status_code == 302
        assert (Partnership.objects.get().title, Partnership.objects.get().version) == (
            "Renamed",
            3,
        )

    def test_a_change_to_nothing_the_form_shows_does_not_refuse_it(
        self, client, alice, bob, partnership
    ):
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        client.force_login(alice)
        form = opened(client, url)
        services.partnership_change_stage(
            partnership=partnership, stage="struggling", reason="Stalled.", by=bob
        )
        response = client.post(url, {"title": "Renamed", "purpose": partnership.purpose} | form)
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert (partnership.title, partnership.stage) == ("Renamed", "struggling")

    def test_a_post_without_a_version_is_refused(self, client, alice, partnership):
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        client.force_login(alice)
        response = client.post(url, {"title": "Renamed", "purpose": partnership.purpose})
        assert response.status_code == 400
        assert Partnership.objects.get().title == "Nairobi exchange"

    def test_the_service_refuses_the_second_of_two_saves_on_one_version(self, partnership):
        services.partnership_update(partnership=partnership, expected_version=1, title="First")
        with pytest.raises(StaleVersion):
            services.partnership_update(
                partnership=Partnership.objects.get(), expected_version=1, title="Second"
            )
        assert Partnership.objects.get().title == "First"


class TestPartner:
    def test_a_field_left_alone_now_shows_the_new_value_and_saving_again_keeps_it(
        self, client, alice
    ):
        partner = PartnerFactory(**{k: v for k, v in VALID.items() if k != "expertise"})
        url = reverse("partnerships:partner_edit", args=[partner.pk])
        client.force_login(alice)
        form = opened(client, url)
        services.partner_update(partner=Partner.objects.get(), city="Mombasa")

        response = client.post(url, VALID | {"notes": "Hers"} | form)

        assert response.status_code == 400
        assert Partner.objects.get().city == "Mombasa"
        [message] = response.context["form"].non_field_errors()
        assert "City: “Nairobi” → “Mombasa” (now shown)" in message
        # alice left the city alone: the form now shows bob's; her notes are kept.
        assert response.context["form"]["city"].value() == "Mombasa"
        assert response.context["form"]["notes"].value() == "Hers"

        response = client.post(url, VALID | {"notes": "Hers", "city": "Mombasa"} | hidden(response))
        assert response.status_code == 302
        partner = Partner.objects.get()
        assert (partner.city, partner.notes) == ("Mombasa", "Hers")


class TestAgreement:
    def test_it_refuses_a_save_on_a_changed_version_and_shows_the_change(
        self, client, alice, partnership
    ):
        agreement = existing_agreement(partnership)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        client.force_login(alice)
        form = opened(client, url)
        services.agreement_update(agreement=agreement, fields={"title": "Bob's MoU"})

        response = client.post(url, form_data(title="Alice's MoU", status="active") | form)

        assert response.status_code == 400
        assert Agreement.objects.get().title == "Bob's MoU"
        [message] = response.context["form"].non_field_errors()
        assert "Title: “Exchange MoU” → “Bob's MoU”" in message
        assert response.context["form"]["title"].value() == "Alice's MoU"

    def test_a_change_to_a_party_makes_an_open_form_stale(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        client.force_login(alice)
        form = opened(client, url)
        party = agreement.parties.get()
        party.signatory_name = "Dr C. Otieno"
        services.agreement_update(agreement=agreement, fields={}, parties=[party])

        response = client.post(url, form_data(title="Alice's MoU", status="active") | form)

        assert Agreement.objects.get().title == "Exchange MoU"
        [message] = response.context["form"].non_field_errors()
        assert message.startswith("Someone else saved a change since you opened this form.")

    def test_the_change_reads_in_the_readers_language_and_writing_of_dates(
        self, client, alice, partnership
    ):
        """Before: “2027-12-31” → “2028-06-30” and “no” → “yes”, in English quotes."""
        alice.language = "fr"
        alice.save(update_fields=["language"])
        agreement = existing_agreement(partnership)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        client.force_login(alice)
        form = opened(client, url)
        services.agreement_update(
            agreement=agreement,
            fields={
                "expiry_date": dt.date(2028, 6, 30),
                "auto_renewal": True,
                "renewal_term_months": 12,
            },
        )

        response = client.post(url, form_data(title="Alice's MoU", status="active") | form)

        assert response.status_code == 400
        assert Agreement.objects.get().title == "Exchange MoU"
        [message] = response.context["form"].non_field_errors()
        # Quoted as French quotes: « », with the spaces that never break.
        assert "«\u00a031 déc. 2027\u00a0» → «\u00a030 juin 2028\u00a0»" in message
        assert "«\u00a0Non\u00a0» → «\u00a0Oui\u00a0»" in message
        assert "2027-12-31" not in message and "2028-06-30" not in message
        # Left as they were, the new values are now in the form.
        assert response.context["form"]["expiry_date"].value() == "2028-06-30"
        assert response.context["form"]["title"].value() == "Alice's MoU"

    def test_a_worker_expiring_it_makes_an_open_form_stale(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        client.force_login(alice)
        form = opened(client, url)
        assert services.agreements_expire(today=dt.date(2028, 1, 1)) == 1

        response = client.post(url, form_data(title="Exchange MoU", status="active") | form)

        assert Agreement.objects.get().status == "expired"
        [message] = response.context["form"].non_field_errors()
        assert "Status: “Active” → “Expired” (now shown)" in message
        assert response.context["form"]["status"].value() == "expired"

    def test_a_fresh_form_saves(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        services.agreements_expire(today=dt.date(2020, 1, 1))  # nothing to expire
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        client.force_login(alice)
        data = form_data(title="Alice's MoU", status="active") | opened(client, url)
        assert client.post(url, data).status_code == 302
        assert Agreement.objects.get().title == "Alice's MoU"


class TestMeasurementCell:
    @pytest.fixture
    def metric(self, alice):
        # Its measurements are of 2025: the third quarter of 2024 is empty.
        partnership = partnership_with_data(owner=alice, metrics=1, start_date=dt.date(2024, 1, 1))
        return partnership.objectives.get().metrics.get()

    def post(self, client, metric, value, version):
        return client.post(
            reverse("partnerships:measurement_save", args=[metric.objective.partnership_id]),
            {"metric": metric.pk, "period_start": "2024-07-01", "value": value, "version": version},
            **HTMX,
        )

    def test_a_value_entered_since_the_grid_opened_is_not_overwritten(
        self, client, alice, bob, metric
    ):
        client.force_login(alice)
        services.measurement_save(
            metric=metric, period_start=dt.date(2024, 7, 1), value=Decimal(5), entered_by=bob
        )

        response = self.post(client, metric, "7", version=0)  # the grid showed it empty

        assert response.status_code == 400
        assert Measurement.objects.get(period_start=dt.date(2024, 7, 1)).value == 5
        content = response.content.decode()
        assert "changed this value to “5”" in content
        assert 'value="7"' in content  # what she typed
        assert 'name="version" value="1"' in content

        assert self.post(client, metric, "7", version=1).status_code == 200
        assert Measurement.objects.get(period_start=dt.date(2024, 7, 1)).value == 7

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_a_correction_locks_its_value_and_holds_only_its_partnerships_start(self, bob, metric):
        services.measurement_save(
            metric=metric, period_start=dt.date(2024, 7, 1), value=Decimal(5), entered_by=bob
        )
        stored = Measurement.objects.get(metric=metric, period_start=dt.date(2024, 7, 1))
        with transaction.atomic():
            services.measurement_save(
                metric=metric,
                period_start=dt.date(2024, 7, 1),
                value=Decimal(6),
                entered_by=bob,
                expected_version=stored.version,
            )
            assert locked_elsewhere(Measurement, stored.pk)
            # Others go on entering the partnership's other values meanwhile,
            assert not locked_elsewhere(OutcomeMetric, metric.pk)
            assert not locked_elsewhere(Partnership, metric.objective.partnership_id, share=True)
            # but a change of its start date waits for this value.
            assert locked_elsewhere(Partnership, metric.objective.partnership_id)
        assert Measurement.objects.get(pk=stored.pk).value == 6

    def test_a_cell_typed_to_the_value_entered_meanwhile_is_saved_as_it_is(
        self, client, alice, bob, metric
    ):
        """bob entered 5 since alice's grid showed the cell empty; she types 5
        too: nothing would be lost, so nothing is refused, and nothing written
        (bob stays its enterer, at its version). Another figure still is refused."""
        client.force_login(alice)
        services.measurement_save(
            metric=metric, period_start=dt.date(2024, 7, 1), value=Decimal(5), entered_by=bob
        )
        before = Measurement.objects.values_list("value", "version", "entered_by").get(
            period_start=dt.date(2024, 7, 1)
        )

        assert self.post(client, metric, "5.00", version=0).status_code == 200
        assert self.post(client, metric, "6", version=0).status_code == 400
        after = Measurement.objects.values_list("value", "version", "entered_by").get(
            period_start=dt.date(2024, 7, 1)
        )
        assert after == before == (Decimal(5), 1, bob.pk)

    def test_a_value_cleared_since_the_grid_opened_is_said_to_be_empty(
        self, client, alice, bob, metric
    ):
        client.force_login(alice)
        services.measurement_save(
            metric=metric, period_start=dt.date(2024, 7, 1), value=Decimal(5), entered_by=bob
        )
        services.measurement_clear(metric=metric, period_start=dt.date(2024, 7, 1), by=bob)

        response = self.post(client, metric, "", version=1)

        assert response.status_code == 400
        assert "changed this value to empty" in response.content.decode()
