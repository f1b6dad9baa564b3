import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core import formatting
from health import services
from health.models import Cadence, Respondent, Round, Statement
from partnerships.models import PartnershipLead
from tests.factories import MemberFactory, PartnershipFactory, UserFactory
from tests.health.builders import (
    answer_all,
    closed_round,
    in_a_month,
    open_round,
    partner_of,
    ratings_for,
    running,
    shipped_instrument,
)

pytestmark = pytest.mark.django_db


def languages(partnership) -> dict:
    """Each member's language box as a browser posts it (a select always sends one)."""
    return {f"language_{m.partner_id}": "en" for m in partnership.members.all()}


@pytest.fixture
def partnership(alice):
    return PartnershipFactory(owner=alice, title="Nairobi exchange")


class TestOpeningARound:
    def test_the_owner_opens_a_round_and_invites_both_sides(self, client, alice, partnership):
        partner = partner_of(partnership)
        colleague = UserFactory(role=Role.MANAGER)
        client.force_login(alice)

        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                "users": [alice.pk, colleague.pk],
                f"emails_{partner.pk}": "ana@partner.example\n\n  joao@partner.example ",
                f"language_{partner.pk}": "pt",
            },
        )

        health_round = Round.objects.get(partnership=partnership)
        assert response.status_code == 302 and response.url == reverse(
            "health:round", args=[health_round.pk]
        )
        invited = health_round.respondents.all()
        assert {r.user for r in invited if r.user} == {alice, colleague}
        assert {(r.email, r.language) for r in invited if r.email} == {
            ("ana@partner.example", "pt"),
            ("joao@partner.example", "pt"),
        }

    def test_executives_are_not_offered_and_a_forged_one_is_refused_at_the_field(
        self, client, alice, erin, partnership
    ):
        client.force_login(alice)
        url = reverse("health:round_open", args=[partnership.pk])

        offered = client.get(url).context["form"].fields["users"].queryset
        response = client.post(url, {"closes_on": in_a_month(), "users": [alice.pk, erin.pk]})

        assert alice in offered and erin not in offered
        assert response.status_code == 400
        assert response.context["form"].errors["users"]
        assert not Respondent.objects.exists()

    def test_a_bad_address_is_named_next_to_its_box_and_the_rest_is_kept(
        self, client, alice, partnership
    ):
        partner = partner_of(partnership)
        client.force_login(alice)

        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                f"emails_{partner.pk}": "ana@partner.example\nnot-an-address",
            },
        )

        assert response.status_code == 400
        field = response.context["form"][f"emails_{partner.pk}"]
        assert field.errors == ["Not an email address: not-an-address."]
        assert "ana@partner.example\nnot-an-address" in response.content.decode()
        assert not Round.objects.exists()

    def test_addresses_pasted_from_a_mail_program_are_split(self, client, alice, partnership):
        partner = partner_of(partnership)
        client.force_login(alice)

        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                f"emails_{partner.pk}": "ana@partner.example, joao@partner.example; not-an-address",
            },
        )

        # Only the bad one is named; the good ones would be invited.
        field = response.context["form"][f"emails_{partner.pk}"]
        assert field.errors == ["Not an email address: not-an-address."]
        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                f"emails_{partner.pk}": "ana@partner.example, joao@partner.example;",
                f"language_{partner.pk}": "fr",
            },
        )
        assert response.status_code == 302
        assert sorted(Respondent.objects.values_list("email", flat=True)) == [
            "ana@partner.example",
            "joao@partner.example",
        ]

    def test_an_address_typed_twice_is_invited_once(self, client, alice, partnership):
        first, second = (
            MemberFactory(partnership=partnership, partner__name=name).partner
            for name in ("Aga Khan Hospital", "Moi Teaching Hospital")
        )
        client.force_login(alice)

        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                f"emails_{first.pk}": (
                    "ana@partner.example; Ana@Partner.example\nana@partner.example"
                ),
                f"emails_{second.pk}": "joao@partner.example, ANA@partner.example",
                **languages(partnership),
            },
        )

        assert response.status_code == 302
        health_round = Round.objects.get(partnership=partnership)
        # The first box it was typed in keeps it.
        assert sorted(health_round.respondents.values_list("email", "partner")) == [
            ("ana@partner.example", first.pk),
            ("joao@partner.example", second.pk),
        ]

    def test_an_address_typed_twice_counts_once_towards_the_cap(self, client, alice, partnership):
        partner = partner_of(partnership)
        client.force_login(alice)
        addresses = [f"p{n}@partner.example" for n in range(services.MAX_ADDRESSES_PER_ROUND)]

        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                f"emails_{partner.pk}": "\n".join([*addresses, addresses[0].upper()]),
                f"language_{partner.pk}": "en",
            },
        )

        assert response.status_code == 302
        assert Respondent.objects.count() == services.MAX_ADDRESSES_PER_ROUND

    def test_the_cap_of_addresses_is_invited(self, client, alice, partnership):
        partner = partner_of(partnership)
        client.force_login(alice)
        addresses = [f"p{n}@partner.example" for n in range(services.MAX_ADDRESSES_PER_ROUND)]

        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                f"emails_{partner.pk}": "\n".join(addresses),
                f"language_{partner.pk}": "en",
            },
        )

        assert response.status_code == 302
        health_round = Round.objects.get(partnership=partnership)
        assert sorted(health_round.respondents.values_list("email", flat=True)) == sorted(addresses)

    def test_one_address_over_the_cap_is_refused_next_to_its_box_and_kept(
        self, client, alice, partnership
    ):
        first, second = (
            MemberFactory(partnership=partnership, partner__name=name).partner
            for name in ("Aga Khan Hospital", "Moi Teaching Hospital")
        )
        client.force_login(alice)
        cap = services.MAX_ADDRESSES_PER_ROUND
        # Over the cap between the two boxes: the second one takes it over.
        typed = {
            first.pk: ", ".join(f"a{n}@first.example" for n in range(cap - 10)),
            second.pk: "\n".join(f"b{n}@second.example" for n in range(11)),
        }

        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": in_a_month(),
                "users": [alice.pk],
                **{f"emails_{pk}": text for pk, text in typed.items()},
                **languages(partnership),
            },
        )

        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors == {
            f"emails_{second.pk}": [
                f"A health check is sent to at most {cap} email addresses; "
                f"this would make {cap + 1}."
            ]
        }
        page = response.content.decode()
        assert typed[first.pk] in page and typed[second.pk] in page
        assert not Round.objects.exists() and not Respondent.objects.exists()

    def test_a_second_open_round_is_refused_on_the_form(self, client, alice, partnership):
        open_round(partnership, by=alice, ours=1, **running())
        client.force_login(alice)
        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {"closes_on": in_a_month(), "users": [alice.pk], **languages(partnership)},
        )
        assert response.status_code == 400
        assert "already has an open health check" in response.content.decode()
        assert Round.objects.count() == 1

    @pytest.mark.parametrize("days, opened", [(89, True), (90, True), (91, False)])
    @pytest.mark.parametrize("invited", [True, False])
    def test_a_round_stays_open_90_days_at_most(
        self, client, alice, partnership, days, opened, invited
    ):
        client.force_login(alice)
        last_day = timezone.localdate() + dt.timedelta(days=days)
        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {
                "closes_on": last_day.isoformat(),
                "users": [alice.pk] if invited else [],
                **languages(partnership),
            },
        )
        opened = opened and invited  # nobody invited: said above the form
        assert Round.objects.filter(closes_on=last_day).exists() == opened
        if days > 90:
            assert response.status_code == 400
            form = response.context["form"]
            assert form.errors["closes_on"] == [
                "A health check stays open for 90 days at most: the last day for answers is "
                f"{formatting.day(timezone.localdate() + dt.timedelta(days=90))} at the latest."
            ]
            assert form["closes_on"].value() == last_day.isoformat()  # kept as typed

    def test_the_database_holds_the_limit_too(self, alice, partnership):
        health_round = open_round(partnership, by=alice, ours=1, **running())
        health_round.closes_on = health_round.opened_on + dt.timedelta(days=91)
        with pytest.raises(IntegrityError), transaction.atomic():
            health_round.save(update_fields=["closes_on"])

    @pytest.mark.parametrize("stage", ["completed", "withdrawn"])
    def test_an_ended_partnership_is_not_checked(self, client, alice, partnership, stage):
        partnership.stage, partnership.end_date = stage, dt.date(2025, 6, 30)
        partnership.save()
        client.force_login(alice)
        assert (
            "Open a health check"
            not in client.get(reverse("health:partnership", args=[partnership.pk])).content.decode()
        )
        response = client.post(
            reverse("health:round_open", args=[partnership.pk]),
            {"closes_on": in_a_month(), "users": [alice.pk], **languages(partnership)},
        )
        assert response.status_code == 400
        assert "This partnership has ended" in response.content.decode()
        assert not Round.objects.exists()

    def test_a_co_lead_opens_one_too(self, client, alice, bob, partnership):
        PartnershipLead.objects.create(
            partnership=partnership, user=bob, functional_area="administrative"
        )
        client.force_login(bob)
        assert client.get(reverse("health:round_open", args=[partnership.pk])).status_code == 200

    @pytest.mark.parametrize("who", ["bob", "erin", "rita"])
    def test_others_never_reach_it(self, client, request, alice, partnership, who):
        client.force_login(request.getfixturevalue(who))
        url = reverse("health:round_open", args=[partnership.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"closes_on": in_a_month(), "users": [alice.pk]}).status_code == 403
        schedule = client.post(
            reverse("health:cadence", args=[partnership.pk]), {"every_months": 6}
        )
        assert schedule.status_code == 403
        assert not Round.objects.exists() and not Cadence.objects.exists()
        health_round = open_round(partnership, by=alice, ours=1, **running())
        close = client.post(reverse("health:round_close", args=[health_round.pk]))
        assert close.status_code == 403
        health_round.refresh_from_db()
        assert health_round.is_open

    def test_an_unknown_partnership_answers_404(self, client, alice):
        client.force_login(alice)
        assert client.get(reverse("health:round_open", args=[999999])).status_code == 404
        assert client.get(reverse("health:partnership", args=[999999])).status_code == 404
        assert client.get(reverse("health:round", args=[999999])).status_code == 404


class TestSchedule:
    def test_the_owner_sets_it_and_a_wrong_value_is_shown_next_to_its_field(
        self, client, alice, partnership
    ):
        client.force_login(alice)
        url = reverse("health:cadence", args=[partnership.pk])

        wrong = client.post(url, {"every_months": 30, "open_for_days": 14})
        right = client.post(url, {"every_months": 6, "open_for_days": 14})

        assert wrong.status_code == 400
        assert wrong.context["cadence_form"]["every_months"].errors
        assert 'value="30"' in wrong.content.decode()
        assert right.status_code == 302
        assert Cadence.objects.get(partnership=partnership).every_months == 6


class TestResults:
    def test_it_shows_each_factors_means_gap_change_and_band(
        self, client, erin, alice, partnership
    ):
        closed_round(
            partnership, by=alice, ours=[4, 4, 4], partner=[4, 4, 4], opened_on=dt.date(2025, 7, 1)
        )
        latest = closed_round(
            partnership,
            by=alice,
            ours=[{"trust": 4}, {"trust": 4}, {"trust": 5}],
            partner=[{"trust": 2}, {"trust": 2}, {"trust": 3}],
            opened_on=dt.date(2026, 1, 5),
        )
        client.force_login(erin)

        response = client.get(reverse("health:round", args=[latest.pk]))

        assert response.status_code == 200
        trust = response.context["results"].factors[0]
        # Ours (4+4+5)/3 = 4.33, theirs (2+2+3)/3 = 2.33: apart by 2.00, both 3.33,
        # 0.67 down on the 4.00 of the round before, borderline.
        assert (str(trust.ours), str(trust.partner), str(trust.gap)) == ("4.33", "2.33", "2.00")
        assert (str(trust.overall), str(trust.change), trust.band) == (
            "3.33",
            "-0.67",
            "borderline",
        )
        page = response.content.decode()
        assert 'id="health-radar-spec"' in page and "vendor/chartjs/chart.umd.min" in page
        assert "Close now" not in page

    def test_a_side_with_fewer_than_three_answers_is_not_shown_nor_its_comments(
        self, client, rita, alice, partnership
    ):
        health_round = open_round(partnership, by=alice, ours=3, partner=3)
        answer_all(health_round, ours=[4, 4, 4], partner=[1, 1])
        pending_partner = Respondent.objects.pending().get()
        assert pending_partner.side == "partner"
        Respondent.objects.filter(side="partner", answered_at__isnull=False).update(
            comment="Secret partner view"
        )
        Respondent.objects.filter(side="ours").update(comment="Our team's view")
        from health import services

        services.round_close(health_round=health_round)
        client.force_login(rita)

        response = client.get(reverse("health:round", args=[health_round.pk]))

        page = response.content.decode()
        results = response.context["results"]
        assert results.shown == {"ours": True, "partner": False}
        assert all(f.partner is None and f.gap is None for f in results.factors)
        assert "The partner side: fewer than 3 people answered" in page
        assert "Secret partner view" not in page
        assert "Our team&#x27;s view" in page
        assert "1.00" not in page  # the partner side's ones are nowhere
        assert pending_partner.email not in page

    def test_an_open_rounds_results_wait_for_it_to_close(self, client, alice, partnership):
        health_round = open_round(partnership, by=alice, ours=3, **running())
        answer_all(health_round, ours=[4, 4, 4])
        client.force_login(alice)
        response = client.get(reverse("health:round", args=[health_round.pk]))
        assert response.context["results"] is None
        assert "Results appear when the health check closes." in response.content.decode()
        assert "Close now" in response.content.decode()


class TestAnsweringSignedIn:
    def test_one_of_our_people_answers_from_their_list(self, client, alice, partnership):
        health_round = open_round(partnership, by=alice, ours=1, **running())
        respondent = health_round.respondents.get()
        # (Without a role they would see only "ask for a role".)
        respondent.user.groups.add(Group.objects.get(name=Role.MANAGER))
        client.force_login(respondent.user)

        listed = client.get(reverse("health:mine"))
        url = reverse("health:respond", args=[health_round.pk])
        data = {f"s{pk}": r for pk, r in ratings_for(health_round.instrument, 5).items()}
        answered = client.post(url, data)

        assert url in listed.content.decode()
        assert answered.status_code == 302
        respondent.refresh_from_db()
        assert respondent.answered_at is not None
        assert url not in client.get(reverse("health:mine")).content.decode()
        assert client.get(url).status_code == 410

    def test_someone_not_invited_gets_404(self, client, alice, bob, partnership):
        health_round = open_round(partnership, by=alice, ours=1, **running())
        client.force_login(bob)
        assert client.get(reverse("health:respond", args=[health_round.pk])).status_code == 404


# --- what each page costs -----------------------------------------------------------------


def rounds(partnership, alice, count):
    for n in range(count):
        closed_round(
            partnership,
            by=alice,
            ours=[4, 3, 5],
            partner=[3, 3, 4],
            opened_on=dt.date(2024, 1, 1) + dt.timedelta(days=40 * n),
        )


class TestQueries:
    @pytest.mark.parametrize("size", [1, 4])
    def test_the_health_section_costs_the_same_with_more_rounds(
        self, client, alice, partnership, size, django_assert_max_num_queries
    ):
        rounds(partnership, alice, size)
        client.force_login(alice)
        # session, user, savepoint, user and group permissions (view check),
        # partnership, cadence, can-edit, rounds with their counts, unread
        # notifications, release savepoint
        with django_assert_max_num_queries(11):
            response = client.get(reverse("health:partnership", args=[partnership.pk]))
        assert len(response.context["rounds"]) == size

    @pytest.mark.parametrize("size", [1, 4])
    def test_a_rounds_page_costs_the_same_with_more_rounds_and_people(
        self, client, alice, partnership, size, django_assert_max_num_queries
    ):
        rounds(partnership, alice, size)
        latest = Round.objects.filter(partnership=partnership).order_by("-opened_on").first()
        client.force_login(alice)
        # session, user, savepoint, user and group permissions, the round with its
        # counts, the sums of this round, the sums of the rounds before, the
        # instrument's factors, factor comments, overall comments, can-edit, our
        # respondents, unread notifications, release savepoint
        with django_assert_max_num_queries(15):
            response = client.get(reverse("health:round", args=[latest.pk]))
        assert response.context["results"].anything_shown

    @pytest.mark.parametrize("size", [1, 4])
    def test_opening_a_round_costs_the_same_with_more_partners(
        self, client, alice, partnership, size, django_assert_max_num_queries
    ):
        for _ in range(size):
            partner_of(PartnershipFactory())  # unrelated partners
        from tests.factories import MemberFactory

        for _ in range(size):
            MemberFactory(partnership=partnership)
        rounds(partnership, alice, 1)
        client.force_login(alice)
        # session, user, savepoint, partnership, user and group permissions,
        # can-edit, last round, its respondents, which of them may still be
        # asked, the partners, unread notifications, the users to choose from,
        # release savepoint
        with django_assert_max_num_queries(14):
            response = client.get(reverse("health:round_open", args=[partnership.pk]))
        assert response.status_code == 200

    @pytest.mark.parametrize("size", [1, 4])
    def test_my_open_checks_cost_the_same_with_more_of_them(
        self, client, alice, size, django_assert_max_num_queries
    ):
        for _ in range(size):
            health_round = open_round(PartnershipFactory(owner=alice), by=alice, **running())
            from health import services

            services.respondents_invite(health_round=health_round, users=[alice])
        client.force_login(alice)
        # session, user, savepoint, open checks with their partnerships, user and
        # group permissions, unread notifications, release savepoint
        with django_assert_max_num_queries(8):
            response = client.get(reverse("health:mine"))
        assert len(response.context["checks"]) == size

    def test_the_answer_page_costs_the_same_whatever_the_instruments_size(
        self, client, alice, partnership, django_assert_max_num_queries
    ):
        # The instrument is the only thing the page grows with: its statements come
        # with its factors in one prefetch. A draft with one factor against the
        # shipped nine factors shows it.
        from health import services

        small = services.instrument_new_version(instrument=shipped_instrument())
        statements = Statement.objects.filter(factor__instrument=small)
        statements.exclude(pk=statements.filter(factor__code="trust").first().pk).delete()
        small.factors.exclude(code="trust").delete()
        small = services.instrument_publish(instrument=small)
        for instrument in (small, shipped_instrument()):
            Round.objects.update(state="closed", closed_at="2026-01-01T00:00Z")
            health_round = services.round_open(
                partnership=partnership,
                opened_by=alice,
                **running(),
                instrument=instrument,
                users=[alice],
            )
            client.force_login(alice)
            # session, user, savepoint, respondent with round, partnership and
            # instrument, factors, statements, user and group permissions,
            # whether they may still answer (not made an executive since),
            # unread notifications, release savepoint
            with django_assert_max_num_queries(11):
                response = client.get(reverse("health:respond", args=[health_round.pk]))
            assert response.status_code == 200
