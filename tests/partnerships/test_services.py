"""Services refuse bad input with a message naming the field, and write nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnerships import services
from partnerships.models import (
    Agreement,
    AgreementParty,
    Contact,
    Measurement,
    Obligation,
    Partner,
    Partnership,
    PartnershipMember,
)
from partnerships.services import Lead, Member, ObligationSpec, Party
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MetricFactory,
    ObjectiveFactory,
    PartnerFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

PARTNER = {
    "name": "Siam Tropical Medicine Institute",
    "kind": "research_institute",
    "organisation_type": "80",
    "sector": "academic",
    "country": "TH",
    "city": "Bangkok",
    "languages": ["th", "en"],
    "time_zone": "Asia/Bangkok",
    "expertise": ["tropical medicine"],
}


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


class TestPartnerCreate:
    def test_it_creates_a_partner_with_its_contacts(self):
        partner = services.partner_create(
            **PARTNER, contacts=[{"name": "Somchai Prasert", "email": "s.prasert@example.org"}]
        )
        assert partner.contacts.get().name == "Somchai Prasert"
        assert partner.continent == "AS"

    def test_it_saves_nothing_when_a_contact_is_invalid(self):
        with pytest.raises(ValidationError) as excinfo:
            services.partner_create(
                **PARTNER,
                contacts=[
                    {"name": "Somchai Prasert", "email": "s.prasert@example.org"},
                    {"name": "Nok Chaiyaporn", "email": "not an address"},
                ],
            )
        assert "contacts[1].email" in errors_of(excinfo)
        assert not Partner.objects.exists()
        assert not Contact.objects.exists()

    def test_it_names_an_unknown_language(self):
        with pytest.raises(ValidationError) as excinfo:
            services.partner_create(**(PARTNER | {"languages": ["th", "xx"]}))
        assert "languages" in errors_of(excinfo)

    def test_it_names_an_unknown_country(self):
        with pytest.raises(ValidationError) as excinfo:
            services.partner_create(**(PARTNER | {"country": "XX"}))
        assert "country" in errors_of(excinfo)

    def test_it_refuses_a_duplicate_with_a_clear_message(self):
        services.partner_create(**PARTNER)
        with pytest.raises(ValidationError) as excinfo:
            services.partner_create(**(PARTNER | {"name": PARTNER["name"].upper()}))
        assert "already exists in this country" in str(excinfo.value)


class TestPartnershipCreate:
    def test_it_creates_a_partnership_with_members_and_a_dyad(self, alice, bob):
        lead, funder = PartnerFactory(), PartnerFactory(sector="industry")
        partnership = services.partnership_create(
            title="Cardiac surgery fellowship exchange",
            purpose="exchange_programme",
            owner=alice,
            benefits_sought=["knowledge_exchange", "patient_outcomes"],
            members=[Member(lead, "lead"), Member(funder, "funder")],
            leads=[Lead(alice, "clinical"), Lead(bob, "administrative")],
        )
        assert set(partnership.members.values_list("role", flat=True)) == {"lead", "funder"}
        assert partnership.leads.count() == 2
        assert partnership.family == "potential"

    def test_it_saves_nothing_when_a_partner_is_listed_twice(self, alice):
        partner = PartnerFactory()
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_create(
                title="Shared procurement of dialysis supplies",
                purpose="shared_services",
                owner=alice,
                members=[Member(partner, "lead"), Member(partner, "member")],
            )
        assert "already a member" in str(excinfo.value)
        assert not Partnership.objects.exists()
        assert not PartnershipMember.objects.exists()

    def test_it_refuses_two_leads(self, alice):
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_create(
                title="Stroke care network",
                purpose="clinical_exchange",
                owner=alice,
                members=[Member(PartnerFactory(), "lead"), Member(PartnerFactory(), "lead")],
            )
        assert "at most one lead" in str(excinfo.value)
        assert not Partnership.objects.exists()

    def test_it_refuses_a_dyad_from_one_area(self, alice, bob):
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_create(
                title="Nursing exchange",
                purpose="exchange_programme",
                owner=alice,
                members=[Member(PartnerFactory())],
                leads=[Lead(alice, "clinical"), Lead(bob, "clinical")],
            )
        assert "different areas" in str(excinfo.value)
        assert not Partnership.objects.exists()

    def test_it_names_the_end_date_when_it_comes_before_the_start(self, alice):
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_create(
                title="Telehealth pilot",
                purpose="technology_access",
                owner=alice,
                members=[Member(PartnerFactory())],
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2025, 1, 1),
            )
        assert errors_of(excinfo) == {"end_date": ["The end date cannot be before the start date."]}


class TestAgreementCreate:
    @pytest.fixture
    def partnership(self, alice):
        return PartnershipFactory(owner=alice, member__role="lead")

    def test_it_creates_an_agreement_with_parties_and_obligations(self, partnership):
        partner = partnership.members.get().partner
        agreement = services.agreement_create(
            partnership=partnership,
            title="Memorandum of understanding",
            reference="MOU-2026-001",
            status="active",
            effective_date=dt.date(2026, 1, 1),
            expiry_date=dt.date(2028, 12, 31),
            parties=[
                Party(
                    is_our_organisation=True,
                    contribution_kind="financial",
                    contribution_amount=Decimal("50000"),
                    contribution_currency="EUR",
                ),
                Party(
                    partner=partner,
                    contribution_kind="in_kind",
                    contribution_description="Faculty time for teaching",
                ),
            ],
            obligations=[ObligationSpec("Annual progress report", dt.date(2026, 12, 31), 1)],
        )
        assert agreement.parties.count() == 2
        assert agreement.obligations.get().party.partner == partner
        assert agreement.notice_date == dt.date(2028, 10, 2)

    def test_it_saves_nothing_when_a_contribution_is_negative(self, partnership):
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_create(
                partnership=partnership,
                title="Funding agreement",
                parties=[
                    Party(
                        is_our_organisation=True,
                        contribution_kind="financial",
                        contribution_amount=Decimal("-10"),
                        contribution_currency="USD",
                    )
                ],
            )
        assert "parties[0].contribution_amount" in errors_of(excinfo)
        assert not Agreement.objects.exists()
        assert not AgreementParty.objects.exists()

    def test_it_names_a_currency_that_does_not_exist(self, partnership):
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_create(
                partnership=partnership,
                title="Funding agreement",
                parties=[
                    Party(
                        is_our_organisation=True,
                        contribution_kind="financial",
                        contribution_amount=Decimal("10"),
                        contribution_currency="ABC",
                    )
                ],
            )
        assert "is not an ISO 4217 currency code" in str(
            errors_of(excinfo)["parties[0].contribution_currency"]
        )

    def test_it_refuses_a_party_that_is_not_a_member(self, partnership):
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_create(
                partnership=partnership,
                title="Data-sharing agreement",
                parties=[Party(partner=PartnerFactory(name="Stranger Clinic"))],
            )
        assert errors_of(excinfo) == {
            "parties[0].partner": ["Stranger Clinic is not a member of this partnership."]
        }
        assert not Agreement.objects.exists()

    def test_a_changed_agreement_refuses_a_party_that_is_not_a_member_too(self, partnership):
        # The rule lives in the service for a new agreement and a changed one:
        # the edit form's picker offers members only, but no door is exempt.
        agreement = AgreementFactory(partnership=partnership, title="Data-sharing agreement")
        stranger = AgreementParty(partner=PartnerFactory(name="Stranger Clinic"))
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_update(
                agreement=agreement, fields={"title": "Renamed"}, parties=[stranger]
            )
        assert errors_of(excinfo) == {
            "parties[0].partner": ["Stranger Clinic is not a member of this partnership."]
        }
        agreement.refresh_from_db()
        assert agreement.title == "Data-sharing agreement"
        assert not AgreementParty.objects.filter(agreement=agreement).exists()

    def test_it_names_the_expiry_when_it_is_not_after_the_effective_date(self, partnership):
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_create(
                partnership=partnership,
                title="Memorandum",
                status="signed",
                effective_date=dt.date(2026, 1, 1),
                expiry_date=dt.date(2025, 6, 30),
            )
        assert errors_of(excinfo) == {
            "expiry_date": ["The expiry date must be after the effective date."]
        }

    def test_a_reference_another_agreement_has_is_refused_next_to_the_reference(self, partnership):
        AgreementFactory(reference="MOU-2026-001", title="Elsewhere")
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_create(
                partnership=partnership, title="Memorandum", reference="MOU-2026-001"
            )
        assert errors_of(excinfo) == {"reference": ["Another agreement has this reference."]}
        assert list(Agreement.objects.values_list("title", flat=True)) == ["Elsewhere"]

    def test_a_change_to_a_reference_another_agreement_has_is_refused_next_to_it(self, partnership):
        AgreementFactory(reference="MOU-2026-001", title="Elsewhere")
        agreement = AgreementFactory(partnership=partnership, reference="MOU-2026-002")
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_update(agreement=agreement, fields={"reference": "MOU-2026-001"})
        assert errors_of(excinfo) == {"reference": ["Another agreement has this reference."]}
        agreement.refresh_from_db()
        assert (agreement.reference, agreement.version) == ("MOU-2026-002", 1)

    def test_it_saves_nothing_when_an_obligation_is_invalid(self, partnership):
        with pytest.raises(ValidationError):
            services.agreement_create(
                partnership=partnership,
                title="Memorandum",
                parties=[Party(is_our_organisation=True)],
                obligations=[ObligationSpec("", dt.date(2026, 1, 1))],
            )
        assert not Agreement.objects.exists()
        assert not Obligation.objects.exists()

    def test_a_renewal_must_belong_to_the_same_partnership(self, partnership):
        elsewhere = AgreementFactory()
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_create(
                partnership=partnership,
                title="Renewal",
                changes=elsewhere,
                change_kind="renewal",
            )
        assert "changes" in errors_of(excinfo)

    def test_superseding_keeps_the_old_agreement(self, partnership):
        old = AgreementFactory(partnership=partnership)
        new = AgreementFactory(partnership=partnership, changes=old, change_kind="renewal")
        services.agreement_supersede(agreement=old, by=new)
        old.refresh_from_db()
        assert old.status == "superseded"


class TestAgreementSupersede:
    """An agreement is superseded only by one of its renewals, whichever door asks."""

    @pytest.fixture
    def partnership(self, alice):
        return PartnershipFactory(owner=alice, member__role="lead")

    @pytest.fixture
    def old(self, partnership):
        return AgreementFactory(partnership=partnership)

    def test_it_refuses_an_amendment_of_it(self, partnership, old):
        amendment = AgreementFactory(partnership=partnership, changes=old, change_kind="amendment")
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_supersede(agreement=old, by=amendment)
        assert errors_of(excinfo) == {"by": ["Choose one of the renewals of this agreement."]}
        old.refresh_from_db()
        assert (old.status, old.version) == ("active", 1)

    def test_it_refuses_an_agreement_that_changes_nothing(self, partnership, old):
        other = AgreementFactory(partnership=partnership)
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_supersede(agreement=old, by=other)
        assert "by" in errors_of(excinfo)
        old.refresh_from_db()
        assert old.status == "active"

    def test_it_refuses_the_renewal_of_another_agreement(self, partnership, old):
        sibling = AgreementFactory(partnership=partnership)
        renewal = AgreementFactory(partnership=partnership, changes=sibling, change_kind="renewal")
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_supersede(agreement=old, by=renewal)
        assert "by" in errors_of(excinfo)
        old.refresh_from_db()
        assert old.status == "active"

    def test_it_reads_the_renewal_as_stored_not_as_given(self, partnership, old):
        amendment = AgreementFactory(partnership=partnership, changes=old, change_kind="amendment")
        amendment.change_kind = "renewal"  # changed in memory only
        with pytest.raises(ValidationError):
            services.agreement_supersede(agreement=old, by=amendment)
        old.refresh_from_db()
        assert old.status == "active"

    def test_the_status_alone_cannot_supersede_even_with_a_renewal(self, partnership, old):
        AgreementFactory(partnership=partnership, changes=old, change_kind="renewal")
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_update(agreement=old, fields={"status": "superseded"})
        assert "renewals" in errors_of(excinfo)["status"][0]
        old.refresh_from_db()
        assert old.status == "active"

    def test_an_agreement_is_not_recorded_superseded(self, partnership):
        with pytest.raises(ValidationError) as excinfo:
            services.agreement_create(
                partnership=partnership,
                title="Old MoU",
                status="superseded",
                effective_date=dt.date(2020, 1, 1),
            )
        assert "status" in errors_of(excinfo)
        assert not Agreement.objects.exists()

    def test_a_superseded_agreement_is_still_edited(self, partnership, old):
        renewal = AgreementFactory(partnership=partnership, changes=old, change_kind="renewal")
        services.agreement_supersede(agreement=old, by=renewal)
        services.agreement_update(agreement=old, fields={"goals": "Kept for the record."})
        old.refresh_from_db()
        assert (old.status, old.goals) == ("superseded", "Kept for the record.")


class TestAgreementsExpire:
    def test_it_marks_only_agreements_past_their_expiry(self):
        past = AgreementFactory(status="active", expiry_date=dt.date(2026, 11, 20))
        today = AgreementFactory(status="active", expiry_date=dt.date(2026, 11, 22))
        draft = AgreementFactory(status="draft", expiry_date=dt.date(2026, 1, 31))

        assert services.agreements_expire(today=dt.date(2026, 11, 22)) == 1

        statuses = dict(Agreement.objects.values_list("pk", "status"))
        assert statuses == {past.pk: "expired", today.pk: "active", draft.pk: "draft"}

    def test_a_rerun_changes_nothing(self):
        AgreementFactory(status="signed", expiry_date=dt.date(2026, 1, 31))
        assert services.agreements_expire(today=dt.date(2026, 11, 22)) == 1
        assert services.agreements_expire(today=dt.date(2026, 11, 22)) == 0


class TestObjectivesAndMetrics:
    def test_it_names_a_target_on_the_wrong_side_of_the_baseline(self, alice):
        objective = ObjectiveFactory(partnership__owner=alice)
        with pytest.raises(ValidationError) as excinfo:
            services.metric_create(
                objective=objective,
                name="30-day readmission rate",
                unit="%",
                owner=alice,
                direction="lower",
                baseline_value=Decimal("12"),
                target_value=Decimal("15"),
            )
        assert errors_of(excinfo) == {
            "target_value": ["When lower is better, the target must be below the baseline."]
        }

    def test_it_names_a_target_date_before_the_baseline_date(self, alice):
        objective = ObjectiveFactory(partnership__owner=alice)
        with pytest.raises(ValidationError) as excinfo:
            services.metric_create(
                objective=objective,
                name="Fellows trained",
                unit="fellows",
                owner=alice,
                baseline_value=0,
                target_value=20,
                baseline_date=dt.date(2026, 1, 1),
                target_date=dt.date(2025, 12, 31),
            )
        assert list(errors_of(excinfo)) == ["target_date"]

    def test_it_refuses_a_zero_weight_for_an_objective(self, alice):
        partnership = PartnershipFactory(owner=alice)
        with pytest.raises(ValidationError) as excinfo:
            services.objective_create(
                partnership=partnership,
                title="Joint publications",
                owner=alice,
                benefit="research_capability",
                weight=0,
            )
        assert list(errors_of(excinfo)) == ["weight"]


class TestMeasurementRecord:
    def test_it_records_a_value_for_a_quarter(self, alice):
        metric = MetricFactory(frequency="quarterly", objective__partnership__owner=alice)
        measurement = services.measurement_record(
            metric=metric, period_start=dt.date(2026, 7, 1), value=Decimal("31"), entered_by=alice
        )
        assert measurement.period.label == "Q3 2026"

    def test_it_refuses_a_date_that_does_not_start_a_quarter(self, alice):
        metric = MetricFactory(frequency="quarterly")
        with pytest.raises(ValidationError) as excinfo:
            services.measurement_record(
                metric=metric, period_start=dt.date(2026, 8, 1), value=3, entered_by=alice
            )
        assert errors_of(excinfo) == {
            "period_start": [
                "This metric is reported quarterly: choose the first day of a period, "
                "such as 1 July 2026."
            ]
        }
        assert not Measurement.objects.exists()

    def test_it_refuses_a_second_value_for_a_period(self, alice):
        first = MeasurementFactory(period_start=dt.date(2026, 4, 1))
        with pytest.raises(ValidationError) as excinfo:
            services.measurement_record(
                metric=first.metric, period_start=dt.date(2026, 4, 1), value=9, entered_by=alice
            )
        assert "already has a value for this period" in str(excinfo.value)
        assert Measurement.objects.count() == 1


class TestRecordablePeriods:
    """A value is known once its period is over, and only since the partnership began."""

    @pytest.fixture(autouse=True)
    def fifth_of_november_2025(self):
        with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
            yield

    @pytest.fixture
    def metric(self, alice):
        # The factory's partnership started on 1 January 2025.
        return MetricFactory(frequency="quarterly", objective__partnership__owner=alice)

    @pytest.mark.parametrize(
        ("period_start", "message"),
        [
            (
                dt.date(2025, 10, 1),
                "Q4 2025 has not ended yet: the latest period that can be recorded is Q3 2025.",
            ),
            (
                dt.date(2027, 4, 1),
                "Q2 2027 has not ended yet: the latest period that can be recorded is Q3 2025.",
            ),
            (
                dt.date(2024, 10, 1),
                "Q4 2024 ended before the partnership started (1 January 2025).",
            ),
        ],
    )
    def test_it_refuses_a_period_that_cannot_be_recorded(
        self, alice, metric, period_start, message
    ):
        for service in (services.measurement_record, services.measurement_save):
            with pytest.raises(ValidationError) as excinfo:
                service(metric=metric, period_start=period_start, value=3, entered_by=alice)
            assert errors_of(excinfo) == {"period_start": [message]}
        assert not Measurement.objects.exists()

    def test_it_takes_a_period_that_ended_yesterday(self, alice, metric):
        with time_machine.travel(dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False):
            measurement = services.measurement_record(
                metric=metric, period_start=dt.date(2025, 7, 1), value=3, entered_by=alice
            )
        assert measurement.period.label == "Q3 2025"

    def test_it_takes_the_period_the_partnership_started_in(self, alice, metric):
        metric.objective.partnership.start_date = dt.date(2025, 3, 31)
        metric.objective.partnership.save()
        measurement = services.measurement_record(
            metric=metric, period_start=dt.date(2025, 1, 1), value=3, entered_by=alice
        )
        assert measurement.period.label == "Q1 2025"

    def test_clearing_a_value_keeps_its_history(self, alice, metric):
        MeasurementFactory(metric=metric, period_start=dt.date(2025, 4, 1), value=Decimal(8))
        assert services.measurement_clear(metric=metric, period_start=dt.date(2025, 4, 1), by=alice)
        assert not Measurement.objects.exists()
        deleted = Measurement.pgh_event_model.objects.get(pgh_label="delete")
        assert (deleted.value, deleted.pgh_context["user"]) == (Decimal(8), alice.pk)
        assert not services.measurement_clear(
            metric=metric, period_start=dt.date(2025, 4, 1), by=alice
        )


class TestAnEndedPartnershipHasEnded:
    """An ended partnership cannot have ended in the future: its end date is
    today at the latest, whichever way it gets there (`refuse_end_after_today`)."""

    MESSAGE = (
        "An ended partnership cannot end after today (1 December 2026): give the day it ended."
    )

    @pytest.fixture(autouse=True)
    def first_of_december_2026(self):
        with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
            yield

    def change(self, partnership, stage, end_date, by):
        return services.partnership_change_stage(
            partnership=partnership, stage=stage, reason="It ended.", by=by, end_date=end_date
        )

    @pytest.mark.parametrize("stage", ["completed", "failed", "withdrawn"])
    @pytest.mark.parametrize("end", [dt.date(2026, 12, 2), dt.date(2030, 6, 30)])
    def test_a_move_into_an_ended_stage_refuses_an_end_after_today(self, alice, stage, end):
        partnership = PartnershipFactory(owner=alice, stage="active")
        with pytest.raises(ValidationError) as excinfo:
            self.change(partnership, stage, end, alice)
        assert errors_of(excinfo) == {"end_date": [self.MESSAGE]}
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == ("active", None)
        assert not partnership.stage_changes.exists()

    @pytest.mark.parametrize("end", [dt.date(2026, 12, 1), dt.date(2026, 11, 30)])
    def test_today_or_before_is_taken(self, alice, end):
        partnership = PartnershipFactory(owner=alice, stage="active")
        self.change(partnership, "completed", end, alice)
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == ("completed", end)

    def test_today_is_the_readers(self, alice):
        """20:00 UTC on 1 December is 9:00 on the 2nd in Auckland: their today."""
        partnership = PartnershipFactory(owner=alice, stage="active")
        evening = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
        with time_machine.travel(evening, tick=False), timezone.override("Pacific/Auckland"):
            self.change(partnership, "completed", dt.date(2026, 12, 2), alice)
        partnership.refresh_from_db()
        assert partnership.end_date == dt.date(2026, 12, 2)

    def test_a_planned_end_kept_by_the_move_is_refused_too(self, alice):
        partnership = PartnershipFactory(
            owner=alice,
            stage="active",
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2027, 6, 30),
        )
        with pytest.raises(ValidationError) as excinfo:
            self.change(partnership, "completed", None, alice)
        assert errors_of(excinfo) == {"end_date": [self.MESSAGE]}

    def test_a_move_between_ended_stages_checks_the_end_it_keeps(self, alice):
        """An end stored before the rule is corrected when the stage next moves."""
        partnership = PartnershipFactory(
            owner=alice, stage="completed", end_date=dt.date(2029, 1, 1)
        )
        with pytest.raises(ValidationError):
            self.change(partnership, "failed", None, alice)
        self.change(partnership, "failed", dt.date(2026, 10, 31), alice)
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == ("failed", dt.date(2026, 10, 31))

    @pytest.mark.parametrize("stage", ["active", "struggling", "negotiating"])
    def test_taking_an_ended_partnership_up_again_clears_the_day_it_ended(self, alice, stage):
        partnership = PartnershipFactory(
            owner=alice, stage="withdrawn", start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2026, 6, 30),
        )  # fmt: skip
        self.change(partnership, stage, None, alice)
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == (stage, None)
        assert partnership.history.filter(end_date=dt.date(2026, 6, 30)).exists()

    def test_taking_it_up_again_with_a_planned_end_keeps_that_one(self, alice):
        partnership = PartnershipFactory(
            owner=alice, stage="completed", end_date=dt.date(2026, 6, 30)
        )
        self.change(partnership, "active", dt.date(2027, 12, 31), alice)
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == ("active", dt.date(2027, 12, 31))

    def test_an_active_partnership_may_plan_its_end_years_ahead(self, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        services.partnership_update(partnership=partnership, end_date=dt.date(2030, 6, 30))
        partnership.refresh_from_db()
        assert partnership.end_date == dt.date(2030, 6, 30)

    def test_an_ended_partnerships_end_moved_past_today_is_refused(self, alice):
        partnership = PartnershipFactory(
            owner=alice, stage="completed", end_date=dt.date(2026, 6, 30)
        )
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_update(partnership=partnership, end_date=dt.date(2028, 6, 30))
        assert errors_of(excinfo) == {"end_date": [self.MESSAGE]}
        partnership.refresh_from_db()
        assert partnership.end_date == dt.date(2026, 6, 30)

    def test_an_end_stored_before_the_rule_does_not_block_another_edit(self, alice):
        partnership = PartnershipFactory(
            owner=alice, stage="completed", end_date=dt.date(2029, 1, 1)
        )
        services.partnership_update(
            partnership=partnership, description="Lessons written up.", end_date=dt.date(2029, 1, 1)
        )
        partnership.refresh_from_db()
        assert partnership.description == "Lessons written up."

    def test_a_partnership_created_ended_has_ended(self, alice):
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_create(
                title="Telehealth pilot",
                purpose="technology_access",
                owner=alice,
                stage="completed",
                members=[Member(PartnerFactory())],
                start_date=dt.date(2025, 1, 1),
                end_date=dt.date(2027, 1, 1),
            )
        assert errors_of(excinfo) == {"end_date": [self.MESSAGE]}
        assert not Partnership.objects.exists()
