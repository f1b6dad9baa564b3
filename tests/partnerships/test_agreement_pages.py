"""The agreement pages: alice owns the partnership, bob co-leads it, charlie is a
manager of other partnerships, erin an executive and rita a reviewer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from partnerships import services
from partnerships.forms_agreements import MAX_OBLIGATIONS, MAX_PARTIES
from partnerships.models import (
    NOTICE_PERIOD_MAX_DAYS,
    RENEWAL_TERM_MAX_MONTHS,
    Agreement,
    AgreementParty,
    PartnershipLead,
)
from tests.factories import AgreementFactory, MemberFactory, PartnershipFactory, user_with_role
from tests.forms import opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie(db):
    """A manager who neither owns nor co-leads alice's partnership."""
    return user_with_role("charlie", Role.MANAGER, first_name="Charlie")


@pytest.fixture
def partnership(alice, bob):
    partnership = PartnershipFactory(owner=alice, title="Nairobi exchange", member=False)
    PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="research")
    MemberFactory(partnership=partnership, partner__name="Kenyatta Hospital", role="lead")
    MemberFactory(partnership=partnership, partner__name="Moi University")
    return partnership


def partners_of(partnership):
    return [member.partner for member in partnership.members.order_by("partner__name")]


def form_data(parties=(), obligations=(), initial_parties=0, initial_obligations=0, **fields):
    """The POST of the agreement form: the agreement's fields and both formsets."""
    data = {
        "kind": "mou",
        "title": "Memorandum of understanding",
        "reference": "",
        "status": "signed",
        "goals": "Exchange nurses",
        "effective_date": "2025-01-01",
        "expiry_date": "2027-12-31",
        "signed_on": "2024-12-15",
        "notice_period_days": "90",
        "renewal_term_months": "",
        "governing_law": "Kenya",
        "language": "en",
        "changes": "",
        "change_kind": "",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": str(initial_parties),
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "obligations-TOTAL_FORMS": str(len(obligations)),
        "obligations-INITIAL_FORMS": str(initial_obligations),
        "obligations-MIN_NUM_FORMS": "0",
        "obligations-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    for index, party in enumerate(parties):
        row = {
            "partner": "",
            "signatory_name": "",
            "signatory_title": "",
            "signed_on": "",
            "responsibilities": "",
            "contribution_kind": "none",
            "contribution_amount": "",
            "contribution_currency": "",
            "contribution_description": "",
        } | party
        data.update({f"parties-{index}-{name}": value for name, value in row.items()})
    for index, obligation in enumerate(obligations):
        row = {"description": "", "party_row": "", "due_date": "", "completed_on": ""} | obligation
        data.update({f"obligations-{index}-{name}": value for name, value in row.items()})
    return {name: value for name, value in data.items() if value is not False}


def two_parties(partnership, **second):
    hospital = partners_of(partnership)[0]
    return [
        {
            "is_our_organisation": "on",
            "signatory_name": "Dr A. Chief",
            "signatory_title": "Chief executive",
            "responsibilities": "Host the visiting nurses",
            "contribution_kind": "financial",
            "contribution_amount": "25000.00",
            "contribution_currency": "USD",
        },
        {
            "partner": str(hospital.pk),
            "signatory_name": "Prof B. Mwangi",
            "responsibilities": "Select the nurses",
            "contribution_kind": "in_kind",
            "contribution_description": "Accommodation",
        }
        | second,
    ]


def create_url(partnership):
    return reverse("partnerships:agreement_create", args=[partnership.pk])


def field_errors(response, formset, row, field):
    return response.context[formset].forms[row].errors.get(field, [])


class TestCreate:
    def test_it_creates_an_agreement_with_parties_and_obligations(self, client, alice, partnership):
        client.force_login(alice)
        data = form_data(
            parties=two_parties(partnership),
            obligations=[
                {"description": "First exchange", "party_row": "1", "due_date": "2025-06-30"},
                {"description": "Annual report", "due_date": "2025-12-31"},
            ],
        )
        response = client.post(create_url(partnership), data)

        agreement = Agreement.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("partnerships:agreement_detail", args=[agreement.pk])
        assert agreement.partnership == partnership
        us, hospital = agreement.parties.order_by("-is_our_organisation")
        assert us.is_our_organisation
        assert us.contribution_amount == Decimal("25000.00")
        assert us.contribution_currency == "USD"
        assert hospital.partner.name == "Kenyatta Hospital"
        first, report = agreement.obligations.order_by("due_date")
        assert first.party == hospital
        assert report.party is None

    def test_it_ignores_empty_extra_rows(self, client, alice, partnership):
        client.force_login(alice)
        parties = two_parties(partnership) + [{}]
        response = client.post(create_url(partnership), form_data(parties=parties))
        assert response.status_code == 302
        assert AgreementParty.objects.count() == 2

    def test_a_forged_count_of_rows_is_refused_without_building_them(
        self, client, alice, partnership
    ):
        """A POST claiming a thousand parties and obligations made the page build
        and render every one (minutes and gigabytes): refused, at most the
        allowed rows built."""
        client.force_login(alice)
        data = form_data(parties=two_parties(partnership))
        data |= {"parties-TOTAL_FORMS": "1000", "obligations-TOTAL_FORMS": "100000"}
        response = client.post(create_url(partnership), data)
        parties, obligations = response.context["parties"], response.context["obligations"]
        assert len(parties.forms) == MAX_PARTIES
        assert len(obligations.forms) == MAX_OBLIGATIONS
        assert f"at most {MAX_PARTIES} forms" in " ".join(parties.non_form_errors())
        assert f"at most {MAX_OBLIGATIONS} forms" in " ".join(obligations.non_form_errors())
        assert not Agreement.objects.exists()

    def test_it_shows_a_negative_amount_next_to_its_field_and_keeps_the_input(
        self, client, alice, partnership
    ):
        client.force_login(alice)
        parties = two_parties(
            partnership,
            contribution_kind="financial",
            contribution_amount="-10",
            contribution_currency="EUR",
        )
        response = client.post(create_url(partnership), form_data(parties=parties))

        assert response.status_code == 400
        assert field_errors(response, "parties", 1, "contribution_amount")
        assert not field_errors(response, "parties", 0, "contribution_amount")
        assert b'value="-10"' in response.content
        assert b"Host the visiting nurses" in response.content
        assert not Agreement.objects.exists()
        assert not AgreementParty.objects.exists()

    def test_it_refuses_an_unknown_currency(self, client, alice, partnership):
        client.force_login(alice)
        parties = two_parties(partnership)
        parties[0]["contribution_currency"] = "XYZ"
        response = client.post(create_url(partnership), form_data(parties=parties))

        assert field_errors(response, "parties", 0, "contribution_currency")
        assert not Agreement.objects.exists()

    def test_it_shows_an_expiry_before_the_effective_date_next_to_the_expiry(
        self, client, alice, partnership
    ):
        client.force_login(alice)
        data = form_data(effective_date="2026-01-01", expiry_date="2025-01-01")
        response = client.post(create_url(partnership), data)

        assert response.status_code == 400
        assert response.context["form"].errors["expiry_date"] == [
            "The expiry date must be after the effective date."
        ]
        assert b'value="2026-01-01"' in response.content
        assert not Agreement.objects.exists()

    def test_it_puts_an_error_of_the_service_on_the_right_row(self, client, alice, partnership):
        # Two rows for our own organisation pass each form and are refused by the
        # database constraint the service checks on the second row.
        client.force_login(alice)
        us = two_parties(partnership)[0]
        response = client.post(create_url(partnership), form_data(parties=[us, dict(us)]))

        assert response.status_code == 400
        assert response.context["parties"].forms[1].non_field_errors()
        assert not Agreement.objects.exists()

    def test_it_offers_only_agreements_of_the_same_partnership_to_change(
        self, client, alice, partnership
    ):
        own = AgreementFactory(partnership=partnership, title="Our first MoU")
        other = AgreementFactory(title="Somebody else's MoU")
        client.force_login(alice)
        response = client.get(create_url(partnership))

        choices = list(response.context["form"].fields["changes"].queryset)
        assert choices == [own]
        assert other.title.encode() not in response.content

    def test_it_refuses_a_forged_change_of_another_partnership(self, client, alice, partnership):
        other = AgreementFactory(title="Somebody else's MoU")
        client.force_login(alice)
        data = form_data(changes=str(other.pk), change_kind="renewal")
        response = client.post(create_url(partnership), data)

        assert response.context["form"].errors["changes"]
        assert Agreement.objects.count() == 1

    def test_it_refuses_a_partner_that_is_not_a_member(self, client, alice, partnership):
        outsider = MemberFactory().partner
        client.force_login(alice)
        parties = two_parties(partnership, partner=str(outsider.pk))
        response = client.post(create_url(partnership), form_data(parties=parties))

        assert field_errors(response, "parties", 1, "partner")
        assert not Agreement.objects.exists()

    def test_it_refuses_an_obligation_owed_by_an_empty_party_row(self, client, alice, partnership):
        client.force_login(alice)
        us = two_parties(partnership)[0]
        data = form_data(
            parties=[us, {}],
            obligations=[{"description": "Report", "party_row": "1", "due_date": "2025-06-30"}],
        )
        response = client.post(create_url(partnership), data)

        assert field_errors(response, "obligations", 0, "party_row") == [
            "This row of the parties is empty."
        ]
        assert not Agreement.objects.exists()

    def test_a_co_lead_creates_an_agreement(self, client, bob, partnership):
        client.force_login(bob)
        response = client.post(create_url(partnership), form_data())
        assert response.status_code == 302
        assert Agreement.objects.get().partnership == partnership


def existing_agreement(partnership):
    hospital = partners_of(partnership)[0]
    return services.agreement_create(
        partnership=partnership,
        title="Exchange MoU",
        status="active",
        effective_date=dt.date(2025, 1, 1),
        expiry_date=dt.date(2027, 12, 31),
        parties=[services.Party(partner=hospital, signatory_name="Prof B. Mwangi")],
        obligations=[
            services.ObligationSpec(
                description="Annual report", due_date=dt.date(2025, 12, 31), party_index=0
            )
        ],
    )


class TestRenewalTerm:
    """Ten years (RENEWAL_TERM_MAX_MONTHS) at most, said in words, not as the
    database's limit of 32,767."""

    MESSAGE = (
        "A renewal term is at most 120 months (10 years). Enter it in months, e.g. 12 for one year."
    )

    def post(self, client, partnership, months):
        data = form_data(auto_renewal="on", renewal_term_months=str(months))
        return client.post(create_url(partnership), data)

    @pytest.mark.parametrize("months", [RENEWAL_TERM_MAX_MONTHS - 1, RENEWAL_TERM_MAX_MONTHS])
    def test_a_term_up_to_ten_years_is_saved(self, client, alice, partnership, months):
        client.force_login(alice)
        response = self.post(client, partnership, months)
        assert response.status_code == 302
        assert Agreement.objects.get().renewal_term_months == months

    @pytest.mark.parametrize("months", [RENEWAL_TERM_MAX_MONTHS + 1, 365, 32767, 40000])
    def test_a_longer_term_is_refused_next_to_the_field_and_kept(
        self, client, alice, partnership, months
    ):
        client.force_login(alice)
        response = self.post(client, partnership, months)
        assert response.status_code == 400
        assert response.context["form"].errors == {"renewal_term_months": [self.MESSAGE]}
        assert f'value="{months}"'.encode() in response.content
        assert not Agreement.objects.exists()

    def test_an_edit_to_a_longer_term_is_refused_and_the_stored_one_kept(
        self, client, alice, partnership
    ):
        agreement = existing_agreement(partnership)
        Agreement.objects.filter(pk=agreement.pk).update(auto_renewal=True, renewal_term_months=24)
        party = agreement.parties.get()
        client.force_login(alice)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        data = form_data(
            title=agreement.title,
            status="active",
            auto_renewal="on",
            renewal_term_months="121",
            parties=[{"id": str(party.pk), "partner": str(party.partner_id)}],
            initial_parties=1,
        )
        response = client.post(url, data | opened(client, url))
        assert response.status_code == 400
        assert response.context["form"].errors == {"renewal_term_months": [self.MESSAGE]}
        agreement.refresh_from_db()
        assert agreement.renewal_term_months == 24


class TestNoticePeriod:
    """Two years (NOTICE_PERIOD_MAX_DAYS) at most, said in words, not as the
    database's limit of 32,767."""

    MESSAGE = (
        "A notice period is at most 730 days (two years). "
        "Enter it in days, e.g. 90 for three months."
    )

    @pytest.mark.parametrize("days", [NOTICE_PERIOD_MAX_DAYS - 1, NOTICE_PERIOD_MAX_DAYS])
    def test_a_notice_of_up_to_two_years_is_saved(self, client, alice, partnership, days):
        client.force_login(alice)
        response = client.post(create_url(partnership), form_data(notice_period_days=str(days)))
        assert response.status_code == 302
        assert Agreement.objects.get().notice_period_days == days

    @pytest.mark.parametrize("days", [NOTICE_PERIOD_MAX_DAYS + 1, 32767, 40000])
    def test_a_longer_notice_is_refused_next_to_the_field_and_kept(
        self, client, alice, partnership, days
    ):
        client.force_login(alice)
        response = client.post(create_url(partnership), form_data(notice_period_days=str(days)))
        assert response.status_code == 400
        assert response.context["form"].errors == {"notice_period_days": [self.MESSAGE]}
        assert f'value="{days}"'.encode() in response.content
        assert not Agreement.objects.exists()


class TestReference:
    """A reference names one agreement: one another agreement has is refused
    next to the reference, on the new page and the edit page alike."""

    TAKEN = "Another agreement has this reference."

    def test_a_new_agreement_with_a_taken_reference_is_refused_next_to_it_and_kept(
        self, client, alice, partnership
    ):
        AgreementFactory(reference="MOU-2025-01", title="Elsewhere")
        client.force_login(alice)
        response = client.post(create_url(partnership), form_data(reference="MOU-2025-01"))

        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors["reference"] == [self.TAKEN]
        assert form.non_field_errors() == []
        assert b'value="MOU-2025-01"' in response.content
        assert list(Agreement.objects.values_list("title", flat=True)) == ["Elsewhere"]

    def test_a_new_agreement_with_a_reference_of_its_own_is_saved(self, client, alice, partnership):
        AgreementFactory(reference="MOU-2025-01", title="Elsewhere")
        AgreementFactory(reference="", title="Unreferenced")
        client.force_login(alice)
        response = client.post(create_url(partnership), form_data(reference="MOU-2025-02"))
        assert response.status_code == 302
        again = client.post(create_url(partnership), form_data(reference=""))
        assert again.status_code == 302
        assert sorted(Agreement.objects.values_list("reference", flat=True)) == [
            "",
            "",
            "MOU-2025-01",
            "MOU-2025-02",
        ]

    def test_an_edit_to_a_taken_reference_is_refused_next_to_it_and_the_stored_one_kept(
        self, client, alice, partnership
    ):
        AgreementFactory(reference="MOU-2025-01", title="Elsewhere")
        agreement = existing_agreement(partnership)
        Agreement.objects.filter(pk=agreement.pk).update(reference="MOU-2025-07")
        client.force_login(alice)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        data = form_data(title="Exchange MoU", status="active", reference="MOU-2025-01")
        response = client.post(url, data | opened(client, url))

        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors["reference"] == [self.TAKEN]
        assert form.non_field_errors() == []
        assert form["reference"].value() == "MOU-2025-01"
        agreement.refresh_from_db()
        assert (agreement.reference, agreement.version) == ("MOU-2025-07", 1)

    def test_an_edit_that_keeps_its_own_reference_is_saved(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        Agreement.objects.filter(pk=agreement.pk).update(reference="MOU-2025-07")
        client.force_login(alice)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        data = form_data(title="Exchange MoU (kept)", status="active", reference="MOU-2025-07")
        response = client.post(url, data | opened(client, url))

        assert response.status_code == 302
        agreement.refresh_from_db()
        assert (agreement.title, agreement.reference) == ("Exchange MoU (kept)", "MOU-2025-07")


class TestEdit:
    def test_it_updates_the_agreement_its_parties_and_obligations(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        party = agreement.parties.get()
        obligation = agreement.obligations.get()
        client.force_login(alice)
        data = form_data(
            title="Exchange MoU (signed)",
            status="active",
            parties=[
                {
                    "id": str(party.pk),
                    "partner": str(party.partner_id),
                    "signatory_name": "Prof B. Mwangi",
                    "contribution_kind": "financial",
                    "contribution_amount": "1000",
                    "contribution_currency": "KES",
                },
                {"is_our_organisation": "on", "signatory_name": "Dr A. Chief"},
            ],
            obligations=[
                {
                    "id": str(obligation.pk),
                    "description": "Annual report",
                    "party_row": "1",
                    "due_date": "2025-12-31",
                    "completed_on": "2025-12-20",
                }
            ],
            initial_parties=1,
            initial_obligations=1,
        )
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        response = client.post(url, data | opened(client, url))

        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.title == "Exchange MoU (signed)"
        party.refresh_from_db()
        assert party.contribution_amount == Decimal("1000")
        us = agreement.parties.get(is_our_organisation=True)
        obligation.refresh_from_db()
        assert obligation.party == us
        assert obligation.completed_on == dt.date(2025, 12, 20)
        assert agreement.history.count() == 2

    def test_it_ignores_fields_the_form_does_not_show(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        elsewhere = PartnershipFactory(owner=alice)
        client.force_login(alice)
        data = form_data(
            title="Exchange MoU",
            status="active",
            partnership=str(elsewhere.pk),
            document_sha256="0" * 64,
            document_size="1",
        )
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        response = client.post(url, data | opened(client, url))

        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.partnership == partnership
        assert agreement.document_sha256 == ""
        assert agreement.document_size is None

    def test_it_refuses_a_forged_party_of_another_agreement(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        elsewhere = PartnershipFactory(owner=alice, member=False)
        MemberFactory(partnership=elsewhere)
        other = existing_agreement(elsewhere)
        foreign = other.parties.get()
        client.force_login(alice)
        data = form_data(
            parties=[
                {
                    "id": str(foreign.pk),
                    "is_our_organisation": "on",
                    "signatory_name": "Forger",
                }
            ],
            initial_parties=1,
        )
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        client.post(url, data | opened(client, url))

        assert agreement.parties.count() == 1
        foreign.refresh_from_db()
        assert foreign.signatory_name == "Prof B. Mwangi"
        assert foreign.agreement == other

    def test_a_refused_edit_answers_400_saves_nothing_and_keeps_what_was_typed(
        self, client, alice, partnership
    ):
        """As the partnership pages do: a refused post is a 400, the page shown
        again with the errors next to the fields and the input kept."""
        agreement = existing_agreement(partnership)
        party = agreement.parties.get()
        client.force_login(alice)
        data = form_data(
            title="Exchange MoU (renewed)",
            status="active",
            effective_date="2028-01-01",
            expiry_date="2027-12-31",
            parties=[
                {
                    "id": str(party.pk),
                    "partner": str(party.partner_id),
                    "signatory_name": "Prof C. Otieno",
                }
            ],
            initial_parties=1,
        )
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        response = client.post(url, data | opened(client, url))

        assert response.status_code == 400
        assert response.context["form"].errors["expiry_date"] == [
            "The expiry date must be after the effective date."
        ]
        assert response.context["form"]["title"].value() == "Exchange MoU (renewed)"
        assert b'value="Exchange MoU (renewed)"' in response.content
        assert b'value="Prof C. Otieno"' in response.content
        agreement.refresh_from_db()
        assert (agreement.title, agreement.effective_date, agreement.version) == (
            "Exchange MoU",
            dt.date(2025, 1, 1),
            1,
        )
        assert agreement.history.count() == 1
        party.refresh_from_db()
        assert party.signatory_name == "Prof B. Mwangi"

    def test_it_shows_the_saved_rows(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        client.force_login(alice)
        response = client.get(reverse("partnerships:agreement_edit", args=[agreement.pk]))
        assert response.status_code == 200
        assert b"Prof B. Mwangi" in response.content
        assert b"Annual report" in response.content


class TestRights:
    @pytest.fixture(params=["charlie", "erin", "rita"])
    def reader(self, request, charlie, erin, rita):
        return {"charlie": charlie, "erin": erin, "rita": rita}[request.param]

    def test_a_reader_cannot_open_the_create_page(self, client, reader, partnership):
        client.force_login(reader)
        assert client.get(create_url(partnership)).status_code == 403

    def test_a_reader_cannot_create(self, client, reader, partnership):
        client.force_login(reader)
        response = client.post(create_url(partnership), form_data())
        assert response.status_code == 403
        assert not Agreement.objects.exists()

    def test_a_reader_cannot_edit(self, client, reader, partnership):
        agreement = existing_agreement(partnership)
        client.force_login(reader)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        assert client.get(url).status_code == 403
        response = client.post(url, form_data(title="Changed"))
        assert response.status_code == 403
        agreement.refresh_from_db()
        assert agreement.title == "Exchange MoU"

    def test_a_reader_cannot_supersede(self, client, reader, partnership):
        agreement = existing_agreement(partnership)
        renewal = AgreementFactory(
            partnership=partnership, changes=agreement, change_kind="renewal"
        )
        client.force_login(reader)
        url = reverse("partnerships:agreement_supersede", args=[agreement.pk])
        assert client.post(url, {"by": renewal.pk}).status_code == 403
        agreement.refresh_from_db()
        assert agreement.status == "active"

    def test_a_reader_sees_the_agreement_without_edit_buttons(self, client, reader, partnership):
        agreement = existing_agreement(partnership)
        AgreementFactory(partnership=partnership, changes=agreement, change_kind="renewal")
        client.force_login(reader)
        response = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))
        assert response.status_code == 200
        assert reverse("partnerships:agreement_edit", args=[agreement.pk]).encode() not in (
            response.content
        )
        assert b'enctype="multipart/form-data"' not in response.content
        assert b"Mark superseded" not in response.content

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, partnership):
        agreement = existing_agreement(partnership)
        response = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


class TestDetail:
    def test_it_shows_parties_obligations_timeline_and_history(
        self, client, alice, erin, partnership
    ):
        agreement = existing_agreement(partnership)
        amendment = AgreementFactory(
            partnership=partnership,
            title="Amendment 1",
            changes=agreement,
            change_kind="amendment",
            effective_date=dt.date(2026, 3, 1),
        )
        client.force_login(alice)
        url = reverse("partnerships:agreement_edit", args=[agreement.pk])
        client.post(url, form_data(title="Exchange MoU v2", status="active") | opened(client, url))
        client.force_login(erin)
        response = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))

        content = response.content.decode()
        assert "Kenyatta Hospital" in content
        assert "Prof B. Mwangi" in content
        assert "Annual report" in content
        assert "Overdue" in content  # due at the end of 2025 and not done
        labels = [milestone.label for milestone in response.context["timeline"]]
        assert labels == [
            "Signed",
            "In effect",
            "Amendment: Amendment 1",
            "Last day for notice (90 days)",
            "Expires",
        ]
        assert reverse("partnerships:agreement_detail", args=[amendment.pk]) in content
        newest = response.context["history"][0]
        assert newest.event.user == alice
        assert ("title", "Exchange MoU", "Exchange MoU v2") in [
            (change.field, change.old, change.new) for change in newest.changes
        ]

    def test_an_amendment_links_to_the_agreement_it_changes(self, client, erin, partnership):
        agreement = existing_agreement(partnership)
        amendment = AgreementFactory(
            partnership=partnership, changes=agreement, change_kind="amendment"
        )
        client.force_login(erin)
        response = client.get(reverse("partnerships:agreement_detail", args=[amendment.pk]))
        assert reverse("partnerships:agreement_detail", args=[agreement.pk]).encode() in (
            response.content
        )

    @pytest.mark.parametrize("rows", [1, 5])
    def test_it_reads_the_agreement_in_a_fixed_number_of_queries(
        self, client, alice, partnership, rows, django_assert_num_queries
    ):
        partners = [MemberFactory(partnership=partnership).partner for _ in range(rows)]
        agreement = services.agreement_create(
            partnership=partnership,
            title="Big MoU",
            parties=[services.Party(partner=partner) for partner in partners],
            obligations=[
                services.ObligationSpec(
                    description=f"Report {i}", due_date=dt.date(2025, 1, 1), party_index=i
                )
                for i in range(rows)
            ],
        )
        for index in range(rows):
            AgreementFactory(
                partnership=partnership,
                changes=agreement,
                change_kind="amendment",
                title=f"Amendment {index}",
            )
        client.force_login(alice)
        # session, user, the savepoint of the request's transaction and its release,
        # the user's permissions (2), the agreement with its partnership and the one
        # it changes, parties, obligations, amendments, the edit right, history, and
        # the unread-notification count.
        with django_assert_num_queries(13):
            response = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))
        assert response.status_code == 200


class TestSupersede:
    def test_an_editor_marks_an_agreement_superseded_by_its_renewal(
        self, client, alice, partnership
    ):
        agreement = existing_agreement(partnership)
        renewal = AgreementFactory(
            partnership=partnership, changes=agreement, change_kind="renewal"
        )
        client.force_login(alice)
        detail = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))
        assert b"Mark superseded by this renewal" in detail.content

        url = reverse("partnerships:agreement_supersede", args=[agreement.pk])
        response = client.post(url, {"by": renewal.pk})

        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.status == "superseded"
        assert agreement.history.count() == 2

    def test_it_refuses_an_agreement_that_is_not_its_renewal(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        unrelated = AgreementFactory(partnership=partnership)
        client.force_login(alice)
        url = reverse("partnerships:agreement_supersede", args=[agreement.pk])
        response = client.post(url, {"by": unrelated.pk})

        assert response.status_code == 400
        agreement.refresh_from_db()
        assert agreement.status == "active"

    def test_it_refuses_an_amendment_and_says_so_next_to_the_renewals(
        self, client, alice, partnership
    ):
        agreement = existing_agreement(partnership)
        amendment = AgreementFactory(
            partnership=partnership, changes=agreement, change_kind="amendment"
        )
        client.force_login(alice)
        url = reverse("partnerships:agreement_supersede", args=[agreement.pk])
        response = client.post(url, {"by": amendment.pk})

        assert response.status_code == 400
        assert response.context["supersede_form"].errors["by"] == [
            "Choose one of the renewals of this agreement."
        ]
        assert b"Choose one of the renewals of this agreement." in response.content
        agreement.refresh_from_db()
        assert agreement.status == "active"

    def test_it_only_accepts_post(self, client, alice, partnership):
        agreement = existing_agreement(partnership)
        client.force_login(alice)
        url = reverse("partnerships:agreement_supersede", args=[agreement.pk])
        assert client.get(url).status_code == 405
