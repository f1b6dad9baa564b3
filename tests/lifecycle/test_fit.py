"""Fit assessment: the computed facts worked by hand, the form, its history, its rights."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from lifecycle import fit, services
from lifecycle.models import FitAssessment
from tests.factories import MemberFactory, PartnerFactory, PartnershipFactory, UserFactory

from .helpers import LAST_MONTH, scorecard

JUDGED = {
    "goals_rating": 4,
    "strengths_rating": 5,
    "prior_rating": 2,
    "languages_rating": 3,
    "hours_rating": 2,
    "regulatory_rating": 3,
}


class TestLanguages:
    def test_languages_shared_with_each_partner_and_with_all(self):
        shared = fit.languages_shared({"Lyon": ["en", "fr"], "Bonn": ["fr", "de"]}, ["en", "fr"])
        assert shared.by_partner == {"Lyon": ["en", "fr"], "Bonn": ["fr"]}
        assert shared.common == ["fr"]
        assert shared.in_words() == "Lyon: English, French; Bonn: French. Common to all: French."

    def test_no_language_in_common(self):
        shared = fit.languages_shared({"Osaka": ["ja"]}, ["en"])
        assert (shared.by_partner, shared.common) == ({"Osaka": []}, [])
        assert shared.in_words() == "Osaka: none shared. Common to all: none."

    def test_no_partner_yet(self):
        assert fit.languages_shared({}, ["en"]).common == []


class TestHours:
    def test_london_and_nairobi_in_winter_share_five_hours(self):
        # London 09–17 UTC; Nairobi (UTC+3) 06–14 UTC: 09–14 in common.
        assert (
            fit.hours_shared(["Africa/Nairobi"], ours="Europe/London", on=dt.date(2026, 1, 15)) == 5
        )

    def test_in_summer_london_moves_an_hour_and_they_share_six(self):
        # London (BST) 08–16 UTC; Nairobi 06–14 UTC: 08–14.
        assert (
            fit.hours_shared(["Africa/Nairobi"], ours="Europe/London", on=dt.date(2026, 7, 15)) == 6
        )

    def test_london_and_tokyo_share_none(self):
        # Tokyo (UTC+9) 00–08 UTC.
        assert fit.hours_shared(["Asia/Tokyo"], ours="Europe/London", on=dt.date(2026, 1, 15)) == 0

    def test_three_zones_share_what_all_three_have(self):
        # New York (UTC−5) 14–22 UTC: nothing left with Nairobi's 06–14.
        zones = ["Africa/Nairobi", "America/New_York"]
        assert fit.hours_shared(zones, ours="Europe/London", on=dt.date(2026, 1, 15)) == 0


@pytest.mark.django_db
class TestFacts:
    @override_settings(
        ACCORD_ORGANISATION_LANGUAGES=["en", "fr"], ACCORD_ORGANISATION_TIME_ZONE="Europe/London"
    )
    def test_the_facts_read_the_partners(self, alice):
        partner = PartnerFactory(name="Lyon", languages=["fr"], time_zone="Europe/Paris")
        earlier = PartnershipFactory(
            owner=alice,
            stage="failed",
            end_date=dt.date(2025, 12, 31),
            title="Before",
            member=False,
        )
        MemberFactory(partnership=earlier, partner=partner)
        card = scorecard(earlier, LAST_MONTH)
        card.overall_score, card.rating = 35, "red"
        card.save()
        prospect = PartnershipFactory(owner=alice, stage="outreach", title="Again", member=False)
        MemberFactory(partnership=prospect, partner=partner)
        facts = fit.facts(prospect, today=dt.date(2026, 1, 15), reader=alice)
        assert facts["prior"] == [
            {"id": earlier.pk, "title": "Before", "stage": "Failed", "rating": "red"}
        ]
        assert facts["languages"] == {"by_partner": {"Lyon": ["fr"]}, "common": ["fr"]}
        # London 09–17 UTC, Paris (UTC+1) 08–16 UTC: 09–16.
        assert facts["shared_hours"] == 7
        assert facts["time_zones"] == ["Europe/Paris"]

    @override_settings(ACCORD_ORGANISATION_TIME_ZONE="Europe/London")
    def test_a_partner_in_our_own_time_zone_does_not_name_it_twice(self, alice):
        prospect = PartnershipFactory(owner=alice, stage="outreach", member=False)
        for zone in ("Europe/London", "Africa/Nairobi"):
            MemberFactory(partnership=prospect, partner=PartnerFactory(time_zone=zone))

        facts = fit.facts(prospect, today=dt.date(2026, 1, 15), reader=alice)

        # Read "09:00–17:00 in Europe/London, Africa/Nairobi", not London twice.
        assert facts["time_zones"] == ["Africa/Nairobi"]
        assert facts["shared_hours"] == 5


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("today")
class TestPages:
    def prospect(self, owner):
        partnership = PartnershipFactory(owner=owner, stage="outreach", title="Hanoi", member=False)
        MemberFactory(partnership=partnership)
        return partnership

    def test_the_owner_records_an_assessment_and_the_earlier_one_stays(self, client, alice):
        partnership = self.prospect(alice)
        client.force_login(alice)
        url = reverse("lifecycle:fit_new", args=[partnership.pk])
        first = client.post(
            url, JUDGED | {"recommendation": "conditions", "goals_note": "Same aims."}
        )
        assert first.status_code == 302
        client.post(url, JUDGED | {"recommendation": "pursue"})
        page = client.get(reverse("lifecycle:fit", args=[partnership.pk]))
        assert page.context["latest"].recommendation == "pursue"
        assert [a.recommendation for a in page.context["earlier"]] == ["conditions"]
        kept = FitAssessment.objects.get(recommendation="conditions")
        assert kept.goals_note == "Same aims."
        assert kept.facts["languages"]["by_partner"]

    def test_a_french_reader_reads_the_facts_rating_and_day_in_french(self, client, alice):
        """The prior partnership's rating was its code ("dernière notation : red")
        and the day ISO's ("le 2026-11-20")."""
        partnership = self.prospect(alice)
        earlier = PartnershipFactory(owner=alice, stage="active", title="Before", member=False)
        MemberFactory(partnership=earlier, partner=partnership.members.get().partner)
        card = scorecard(earlier, LAST_MONTH)
        card.overall_score, card.rating = 35, "red"
        card.save()
        alice.language = "fr"
        alice.save(update_fields=["language"])
        client.force_login(alice)

        page = client.get(reverse("lifecycle:fit", args=[partnership.pk])).content.decode()

        assert "20 novembre 2026" in page and "2026-11-20" not in page
        assert "Rouge" in page and "red" not in page

    def test_a_rating_out_of_scale_and_a_missing_one_are_shown_next_to_their_fields(
        self, client, alice
    ):
        partnership = self.prospect(alice)
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:fit_new", args=[partnership.pk]),
            JUDGED
            | {
                "goals_rating": 6,
                "hours_rating": "",
                "recommendation": "pursue",
                "summary": "Kept",
            },
        )
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"goals_rating", "hours_rating"}
        assert "Kept" in response.content.decode()
        assert not FitAssessment.objects.exists()

    @pytest.mark.parametrize("who", ["erin", "rita", "carol"])
    def test_only_owners_and_co_leads_reach_the_form(self, client, alice, erin, rita, who):
        partnership = self.prospect(alice)
        users = {"erin": erin, "rita": rita}
        user = users.get(who) or UserFactory(username="carol", role="Partnership manager")
        client.force_login(user)
        url = reverse("lifecycle:fit_new", args=[partnership.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, JUDGED | {"recommendation": "pursue"}).status_code == 403
        page = client.get(reverse("lifecycle:fit", args=[partnership.pk]))
        assert page.status_code == 200
        assert url not in page.content.decode()

    def test_an_active_partnership_is_not_assessed_for_fit(self, client, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        client.force_login(alice)
        assert client.get(reverse("lifecycle:fit_new", args=[partnership.pk])).status_code == 404

    @pytest.mark.parametrize("size", [1, 8])
    def test_the_fit_page_takes_the_same_queries_at_two_sizes(
        self, client, alice, size, django_assert_max_num_queries
    ):
        partnership = self.prospect(alice)
        for n in range(size):
            MemberFactory(partnership=partnership)
            earlier = PartnershipFactory(
                owner=alice, stage="active", title=f"Earlier {n}", member=False
            )
            MemberFactory(partnership=earlier, partner=partnership.members.first().partner)
            services.fit_assessment_record(
                partnership=partnership,
                by=alice,
                today=dt.date(2026, 11, 20),
                recommendation="pursue",
                **JUDGED,
            )
        client.force_login(alice)
        # session, user, savepoint and release, the partnership with owner, its
        # members and partners, the assessments with their assessors, the
        # partners (facts), the prior partnerships with their last ratings,
        # whether alice may edit, user and group permissions, unread count
        with django_assert_max_num_queries(13):
            response = client.get(reverse("lifecycle:fit", args=[partnership.pk]))
        assert len(response.context["earlier"]) == size - 1


@pytest.mark.django_db
@pytest.mark.usefixtures("today")
@pytest.mark.parametrize("members", [1, 8])
def test_the_assessment_form_takes_the_same_queries_at_two_sizes(
    client, alice, members, django_assert_max_num_queries
):
    partnership = PartnershipFactory(owner=alice, stage="negotiating", member=False)
    for _ in range(members):
        MemberFactory(partnership=partnership)
    client.force_login(alice)
    # session, user, savepoint and release, the partnership, whether alice may
    # edit it, the partners (facts), the prior partnerships, user and group
    # permissions, unread count
    with django_assert_max_num_queries(11):
        response = client.get(reverse("lifecycle:fit_new", args=[partnership.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("today")
class TestPriorRatingsAnExecutiveReads:
    """Executives rely on approved numbers only (evaluation.models.sees_provisional),
    on every page but this one: the facts named the rating of a prior partnership's
    scorecard still in review, unlabelled, as its last rating."""

    def prospect_after(self, owner, review_state, reviewer=None):
        prospect = PartnershipFactory(owner=owner, stage="outreach", title="Again", member=False)
        partner = MemberFactory(partnership=prospect).partner
        earlier = PartnershipFactory(owner=owner, stage="active", title="Before", member=False)
        MemberFactory(partnership=earlier, partner=partner)
        card = scorecard(earlier, LAST_MONTH)
        card.overall_score, card.rating, card.review_state = 35, "red", review_state
        if reviewer:
            card.reviewer, card.reviewed_at = reviewer, timezone.now()
        card.save()
        return prospect

    def prior_on_the_page(self, client, user, prospect):
        client.force_login(user)
        response = client.get(reverse("lifecycle:fit", args=[prospect.pk]))
        assert response.status_code == 200
        return response.context["facts"]["prior"]

    def test_an_executive_does_not_read_a_rating_still_in_review(self, client, alice, erin):
        prospect = self.prospect_after(alice, "in_review")
        (prior,) = self.prior_on_the_page(client, erin, prospect)
        assert prior["title"] == "Before" and prior["rating"] == ""

    def test_an_executive_reads_an_approved_one(self, client, alice, erin, rita):
        prospect = self.prospect_after(alice, "approved", reviewer=rita)
        (prior,) = self.prior_on_the_page(client, erin, prospect)
        assert prior["rating"] == "red"

    def test_the_manager_still_reads_the_one_in_review(self, client, alice):
        prospect = self.prospect_after(alice, "in_review")
        (prior,) = self.prior_on_the_page(client, alice, prospect)
        assert prior["rating"] == "red"
