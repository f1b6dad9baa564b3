"""Each rule refuses a bad row at the database, whatever wrote it.

These tests write with `objects.create()` / `.update()` on purpose: they go
around the services and forms, as a bug or a second worker would.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from partnerships.models import (
    AGREEMENT_TRANSITIONS,
    EVIDENCE_MAX_LENGTH,
    EXPERTISE_MAX_AREAS,
    NOTICE_PERIOD_MAX_DAYS,
    RENEWAL_TERM_MAX_MONTHS,
    STAGE_REASON_MAX_LENGTH,
    Agreement,
    AgreementParty,
    AgreementStatus,
    ChangeKind,
    Contact,
    Measurement,
    Partner,
    Partnership,
    PartnershipLead,
    PartnershipMember,
    StageChange,
)
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MemberFactory,
    MetricFactory,
    ObjectiveFactory,
    PartnerFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def refused(constraint_name):
    """Expect the database to refuse the write, naming the constraint."""
    return pytest.raises(IntegrityError, match=constraint_name)


class TestMeasurement:
    def test_it_refuses_a_second_value_for_one_period(self):
        first = MeasurementFactory(period_start=dt.date(2025, 4, 1))
        with refused("measurement_once_per_period"), transaction.atomic():
            Measurement.objects.create(
                metric=first.metric,
                period_start=dt.date(2025, 4, 1),
                value=Decimal("3"),
                entered_by=first.entered_by,
            )

    def test_it_refuses_a_period_that_does_not_start_a_month(self):
        metric = MetricFactory()
        with refused("measurement_period_starts_a_month"), transaction.atomic():
            Measurement.objects.create(
                metric=metric, period_start=dt.date(2025, 4, 15), value=1, entered_by=metric.owner
            )

    def test_it_keeps_evidence_of_the_limit_and_refuses_a_longer_one(self):
        measurement = MeasurementFactory(evidence="e" * EVIDENCE_MAX_LENGTH)
        with refused("measurement_evidence_bounded"), transaction.atomic():
            Measurement.objects.filter(pk=measurement.pk).update(
                evidence="e" * (EVIDENCE_MAX_LENGTH + 1)
            )
        measurement.refresh_from_db()
        assert len(measurement.evidence) == EVIDENCE_MAX_LENGTH


class TestStageChange:
    def test_it_keeps_a_reason_of_the_limit_and_refuses_a_longer_one(self):
        partnership = PartnershipFactory()
        kept = StageChange.objects.create(
            partnership=partnership,
            from_stage="identified",
            to_stage="active",
            reason="r" * STAGE_REASON_MAX_LENGTH,
            changed_by=partnership.owner,
        )
        with refused("stage_change_reason_bounded"), transaction.atomic():
            StageChange.objects.filter(pk=kept.pk).update(
                reason="r" * (STAGE_REASON_MAX_LENGTH + 1)
            )
        kept.refresh_from_db()
        assert len(kept.reason) == STAGE_REASON_MAX_LENGTH


class TestAgreement:
    def test_it_refuses_an_expiry_before_the_effective_date(self):
        with refused("agreement_expires_after_effective"), transaction.atomic():
            AgreementFactory(effective_date=dt.date(2026, 1, 1), expiry_date=dt.date(2025, 12, 31))

    def test_it_refuses_an_expiry_on_the_effective_date(self):
        with refused("agreement_expires_after_effective"), transaction.atomic():
            AgreementFactory(effective_date=dt.date(2026, 1, 1), expiry_date=dt.date(2026, 1, 1))

    def test_it_refuses_a_signed_agreement_without_its_effective_date(self):
        with refused("agreement_signed_has_effective_date"), transaction.atomic():
            AgreementFactory(status="signed", effective_date=None, expiry_date=None)

    def test_it_allows_a_draft_without_dates(self):
        assert AgreementFactory(status="draft", effective_date=None, expiry_date=None).pk

    def test_it_refuses_an_amendment_that_does_not_say_what_it_is(self):
        original = AgreementFactory()
        with refused("agreement_change_kind_with_changes"), transaction.atomic():
            AgreementFactory(partnership=original.partnership, changes=original, change_kind="")

    def test_it_refuses_an_agreement_that_amends_itself(self):
        agreement = AgreementFactory()
        with refused("agreement_does_not_change_itself"), transaction.atomic():
            Agreement.objects.filter(pk=agreement.pk).update(
                changes=agreement, change_kind="amendment"
            )

    def test_it_refuses_auto_renewal_without_a_term(self):
        with refused("agreement_auto_renewal_has_term"), transaction.atomic():
            AgreementFactory(auto_renewal=True, renewal_term_months=None)

    def test_it_keeps_a_renewal_term_of_ten_years_and_refuses_a_longer_one(self):
        agreement = AgreementFactory(auto_renewal=True, renewal_term_months=RENEWAL_TERM_MAX_MONTHS)
        assert RENEWAL_TERM_MAX_MONTHS == 120
        with refused("agreement_renewal_term_capped"), transaction.atomic():
            Agreement.objects.filter(pk=agreement.pk).update(renewal_term_months=121)
        agreement.refresh_from_db()
        assert agreement.renewal_term_months == 120

    def test_it_keeps_a_notice_of_two_years_and_refuses_a_longer_one(self):
        agreement = AgreementFactory(notice_period_days=NOTICE_PERIOD_MAX_DAYS)
        assert NOTICE_PERIOD_MAX_DAYS == 730
        with refused("agreement_notice_period_capped"), transaction.atomic():
            Agreement.objects.filter(pk=agreement.pk).update(notice_period_days=731)
        agreement.refresh_from_db()
        assert agreement.notice_period_days == 730

    def test_it_refuses_a_reference_used_twice(self):
        AgreementFactory(reference="MOU-2025-01")
        with refused("agreement_reference_unique"), transaction.atomic():
            AgreementFactory(reference="MOU-2025-01")

    def test_it_refuses_a_document_without_its_checksum(self):
        with refused("agreement_document_checksummed"), transaction.atomic():
            AgreementFactory(document="agreements/ab/abc", document_sha256="")


class TestAgreementParty:
    def test_it_refuses_a_negative_funding_amount(self):
        agreement = AgreementFactory()
        with refused("party_contribution_not_negative"), transaction.atomic():
            AgreementParty.objects.create(
                agreement=agreement,
                is_our_organisation=True,
                contribution_kind="financial",
                contribution_amount=Decimal("-1"),
                contribution_currency="EUR",
            )

    def test_it_refuses_a_financial_contribution_without_currency(self):
        agreement = AgreementFactory()
        with refused("party_financial_has_amount_and_currency"), transaction.atomic():
            AgreementParty.objects.create(
                agreement=agreement,
                is_our_organisation=True,
                contribution_kind="financial",
                contribution_amount=Decimal("1000"),
            )

    def test_it_refuses_an_amount_on_an_in_kind_contribution(self):
        agreement = AgreementFactory()
        with refused("party_financial_has_amount_and_currency"), transaction.atomic():
            AgreementParty.objects.create(
                agreement=agreement,
                is_our_organisation=True,
                contribution_kind="in_kind",
                contribution_amount=Decimal("10"),
                contribution_currency="EUR",
            )

    def test_it_refuses_a_party_that_is_both_a_partner_and_us(self):
        agreement = AgreementFactory()
        with refused("party_is_partner_or_us"), transaction.atomic():
            AgreementParty.objects.create(
                agreement=agreement, partner=PartnerFactory(), is_our_organisation=True
            )

    def test_it_refuses_our_organisation_twice(self):
        agreement = AgreementFactory()
        AgreementParty.objects.create(agreement=agreement, is_our_organisation=True)
        with refused("party_us_once_per_agreement"), transaction.atomic():
            AgreementParty.objects.create(agreement=agreement, is_our_organisation=True)


class TestOutcomeMetric:
    def test_it_refuses_a_target_equal_to_the_baseline(self):
        with refused("metric_target_beyond_baseline"), transaction.atomic():
            MetricFactory(baseline_value=Decimal("10"), target_value=Decimal("10"))

    def test_it_refuses_a_lower_is_better_target_above_the_baseline(self):
        with refused("metric_target_beyond_baseline"), transaction.atomic():
            MetricFactory(
                direction="lower", baseline_value=Decimal("10"), target_value=Decimal("12")
            )

    def test_it_refuses_a_target_without_a_baseline(self):
        with refused("metric_target_beyond_baseline"), transaction.atomic():
            MetricFactory(baseline_value=None, target_value=Decimal("12"))

    def test_it_allows_a_metric_without_a_target(self):
        assert MetricFactory(target_value=None).pk

    def test_it_refuses_a_target_date_before_the_baseline_date(self):
        with refused("metric_target_date_after_baseline"), transaction.atomic():
            MetricFactory(baseline_date=dt.date(2026, 1, 1), target_date=dt.date(2025, 1, 1))

    def test_it_refuses_a_weight_of_zero(self):
        with refused("metric_weight_positive"), transaction.atomic():
            MetricFactory(weight=0)


class TestPartnership:
    def test_it_refuses_an_end_before_the_start(self):
        with refused("partnership_ends_after_start"), transaction.atomic():
            PartnershipFactory(start_date=dt.date(2025, 1, 1), end_date=dt.date(2024, 1, 1))

    def test_it_refuses_an_ended_partnership_without_its_end_date(self):
        with refused("partnership_ended_has_end_date"), transaction.atomic():
            PartnershipFactory(stage="failed", end_date=None)

    def test_it_refuses_an_unknown_stage(self):
        with refused("partnership_stage_valid"), transaction.atomic():
            PartnershipFactory(stage="paused")

    def test_it_refuses_a_benefit_outside_the_list(self):
        with refused("partnership_benefits_valid"), transaction.atomic():
            PartnershipFactory(benefits_sought=["innovation", "prestige"])

    def test_it_refuses_the_same_partner_twice(self):
        member = MemberFactory()
        with refused("member_once_per_partnership"), transaction.atomic():
            PartnershipMember.objects.create(
                partnership=member.partnership, partner=member.partner, role="funder"
            )

    def test_it_refuses_a_second_lead_partner(self):
        member = MemberFactory(role="lead")
        with refused("member_one_lead_per_partnership"), transaction.atomic():
            MemberFactory(partnership=member.partnership, role="lead")

    def test_it_refuses_two_co_leads_from_one_area(self, alice, bob):
        partnership = PartnershipFactory(owner=alice)
        PartnershipLead.objects.create(
            partnership=partnership, user=alice, functional_area="clinical"
        )
        with refused("lead_areas_differ"), transaction.atomic():
            PartnershipLead.objects.create(
                partnership=partnership, user=bob, functional_area="clinical"
            )

    def test_it_keeps_members_when_someone_deletes_a_partner(self):
        member = MemberFactory()
        with pytest.raises(ProtectedError):
            member.partner.delete()
        assert PartnershipMember.objects.filter(pk=member.pk).exists()

    def test_it_keeps_objectives_when_someone_deletes_a_partnership(self):
        objective = ObjectiveFactory()
        with pytest.raises(ProtectedError):
            Partnership.objects.filter(pk=objective.partnership_id).delete()


class TestPartner:
    def test_it_refuses_a_country_that_does_not_exist(self):
        with refused("partner_country_iso_3166"), transaction.atomic():
            PartnerFactory(country="XX")

    def test_it_refuses_the_same_name_twice_in_one_country_whatever_the_case(self):
        PartnerFactory(name="Nairobi Referral Hospital", country="KE")
        with refused("partner_name_country_unique"), transaction.atomic():
            PartnerFactory(name="NAIROBI referral hospital", country="KE")

    def test_it_allows_the_same_name_in_another_country(self):
        PartnerFactory(name="St Mary's Hospital", country="GB")
        assert PartnerFactory(name="St Mary's Hospital", country="AU").pk

    def test_it_refuses_an_unknown_sector(self):
        with refused("partner_sector_valid"), transaction.atomic():
            PartnerFactory(sector="military")

    def test_it_refuses_two_primary_contacts(self):
        partner = PartnerFactory()
        Contact.objects.create(partner=partner, name="Amina Otieno", is_primary=True)
        with refused("contact_one_primary_per_partner"), transaction.atomic():
            Contact.objects.create(partner=partner, name="Peter Kamau", is_primary=True)

    def test_it_refuses_a_blank_name(self):
        with refused("partner_name_not_blank"), transaction.atomic():
            Partner.objects.create(
                name="",
                kind="ngo",
                organisation_type="21",
                sector="nonprofit",
                country="KE",
                time_zone="Africa/Nairobi",
            )

    def test_it_keeps_twenty_areas_of_expertise_and_refuses_a_twenty_first(self):
        assert EXPERTISE_MAX_AREAS == 20
        areas = [f"area {n}" for n in range(EXPERTISE_MAX_AREAS)]
        partner = PartnerFactory(expertise=areas)
        with refused("partner_expertise_capped"), transaction.atomic():
            Partner.objects.filter(pk=partner.pk).update(expertise=[*areas, "one more"])
        partner.refresh_from_db()
        assert partner.expertise == areas

    def test_it_keeps_a_partner_without_expertise(self):
        assert PartnerFactory(expertise=[]).expertise == []


def _moves(agreement, status) -> bool:
    """Whether the database lets the agreement's status become `status` (undone after)."""
    try:
        with transaction.atomic():
            Agreement.objects.filter(pk=agreement.pk).update(status=status)
            raise _Undo
    except _Undo:
        return True
    except IntegrityError as error:
        assert "status cannot go from" in str(error) or "superseded only by" in str(error)
        return False


class _Undo(Exception):
    pass


def test_the_database_lets_an_agreements_status_move_only_as_the_table_says():
    agreements = {old: AgreementFactory(status=old) for old in AgreementStatus}
    for old, agreement in agreements.items():
        # A renewal of each, so "superseded" is refused only where the table refuses it.
        AgreementFactory(
            partnership=agreement.partnership, changes=agreement, change_kind=ChangeKind.RENEWAL
        )
        for new in AgreementStatus:
            allowed = new == old or new in AGREEMENT_TRANSITIONS[old]
            assert _moves(agreement, new) is allowed, (old, new)


@pytest.mark.parametrize("old", [AgreementStatus.SIGNED, AgreementStatus.EXPIRED])
def test_the_database_supersedes_an_agreement_only_with_a_renewal_recorded(old):
    agreement = AgreementFactory(status=old)
    assert not _moves(agreement, AgreementStatus.SUPERSEDED)
    AgreementFactory(
        partnership=agreement.partnership, changes=agreement, change_kind=ChangeKind.AMENDMENT
    )
    assert not _moves(agreement, AgreementStatus.SUPERSEDED)  # an amendment is not enough
    AgreementFactory(
        partnership=agreement.partnership, changes=agreement, change_kind=ChangeKind.RENEWAL
    )
    assert _moves(agreement, AgreementStatus.SUPERSEDED)
