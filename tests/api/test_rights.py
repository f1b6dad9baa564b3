"""The rights matrix through the API: roles × records × verbs.

alice owns `ours`, bob co-leads it; carol is a manager who leads nothing;
erin is an executive, rita a reviewer, nora has no role. A record one may not
see answers 404; one seen but not changeable, 403.
"""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Role
from evaluation.models import Scorecard
from partnerships.models import Measurement, Partner, StageChange
from tests.api.conftest import if_match
from tests.factories import MetricFactory, PartnerFactory, user_with_role


@pytest.fixture
def carol(db):
    return user_with_role("carol", Role.MANAGER, first_name="Carol")


READS = [
    "/api/v1/partners/",
    "/api/v1/partnerships/",
    "/api/v1/agreements/",
    "/api/v1/objectives/",
    "/api/v1/metrics/",
    "/api/v1/measurements/",
    "/api/v1/scorecards/",
    "/api/v1/portfolio/",
]


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize("role", ["alice", "erin", "rita", "adam"])
def test_it_lets_every_role_read_the_lists(url, role, request, client_for, ours):
    response = client_for(request.getfixturevalue(role), scope="read").get(url)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("url", READS)
def test_it_refuses_a_user_without_a_role(url, client_for, nora):
    response = client_for(nora).get(url)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_it_answers_401_without_credentials(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/partners/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_reads_a_partnership_with_members_leads_and_stage_history(client_for, alice, bob, ours):
    body = client_for(alice).get(f"/api/v1/partnerships/{ours.pk}/").json()
    assert body["title"] == "Nairobi cardiology exchange"
    assert [lead["user"]["id"] for lead in body["leads"]] == [bob.pk]
    assert len(body["members"]) == 1
    assert body["stage_history"] == []


def test_it_shows_an_executive_only_approved_scorecards(client_for, erin, rita, card):
    executive = client_for(erin)
    assert executive.get("/api/v1/scorecards/").json()["count"] == 0
    assert executive.get(f"/api/v1/scorecards/{card.pk}/").status_code == 404

    approved = client_for(rita).post(
        f"/api/v1/scorecards/{card.pk}/approve/", {}, format="json", **if_match(card)
    )
    assert approved.status_code == 200, approved.content
    assert executive.get(f"/api/v1/scorecards/{card.pk}/").status_code == 200


def test_it_shows_a_manager_provisional_scorecards(client_for, alice, card):
    body = client_for(alice).get(f"/api/v1/scorecards/{card.pk}/").json()
    assert body["review_state"] == "in_review"
    assert set(body["components"]) == {"outcomes", "objectives", "health", "agreement"}


# --- writes ------------------------------------------------------------------------------


def test_it_lets_a_co_lead_change_the_stage_with_a_reason(client_for, bob, ours):
    response = client_for(bob).post(
        f"/api/v1/partnerships/{ours.pk}/stage/",
        {"stage": "struggling", "reason": "Funding paused."},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 200, response.content
    change = StageChange.objects.get(partnership=ours)
    assert (change.to_stage, change.reason, change.changed_by) == (
        "struggling",
        "Funding paused.",
        bob,
    )
    assert response.json()["stage_history"][0]["reason"] == "Funding paused."


@pytest.mark.parametrize("role", ["carol", "erin", "rita"])
def test_it_refuses_a_stage_change_by_whoever_does_not_lead(role, request, client_for, ours):
    user = request.getfixturevalue(role)
    response = client_for(user).post(
        f"/api/v1/partnerships/{ours.pk}/stage/",
        {"stage": "struggling", "reason": "Not mine to say."},
        format="json",
    )
    assert response.status_code == 403
    assert not StageChange.objects.exists()


def test_it_answers_404_for_a_partnership_that_does_not_exist(client_for, alice, ours):
    response = client_for(alice).post(
        "/api/v1/partnerships/999999/stage/", {"stage": "ended", "reason": "x"}, format="json"
    )
    assert response.status_code == 404


def test_it_refuses_measurements_from_a_manager_who_does_not_lead(client_for, carol, ours):
    metric = ours.objectives.get().metrics.first()
    response = client_for(carol).post(
        f"/api/v1/partnerships/{ours.pk}/measurements/",
        {"rows": [{"metric": metric.pk, "period_start": "2025-10-01", "value": "30"}]},
        format="json",
    )
    assert response.status_code == 403
    assert not Measurement.objects.filter(metric=metric, period_start=dt.date(2025, 10, 1)).exists()


def test_it_lets_a_manager_create_a_partner(client_for, carol):
    response = client_for(carol).post(
        "/api/v1/partners/",
        {
            "name": "Hospital Nacional Cayetano Heredia",
            "kind": "hospital",
            "organisation_type": "15",
            "sector": "government",
            "country": "PE",
            "time_zone": "America/Lima",
            "languages": ["es"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    partner = Partner.objects.get(name="Hospital Nacional Cayetano Heredia")
    assert (partner.country.code, str(partner.time_zone), partner.languages) == (
        "PE",
        "America/Lima",
        ["es"],
    )
    assert response["ETag"]


@pytest.mark.parametrize("role", ["erin", "rita", "adam"])
def test_it_refuses_partners_from_those_who_do_not_manage(role, request, client_for):
    user = request.getfixturevalue(role)
    partner = PartnerFactory()
    response = client_for(user).patch(
        f"/api/v1/partners/{partner.pk}/", {"city": "Mombasa"}, format="json"
    )
    assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.city == "Nairobi"


def test_it_lets_a_reviewer_approve_return_and_override(client_for, rita, card, alice, bob):
    response = client_for(rita).post(
        f"/api/v1/scorecards/{card.pk}/return/",
        {"comment": "Check Q3."},
        format="json",
        **if_match(card),
    )
    assert response.status_code == 200, response.content
    assert Scorecard.objects.get(pk=card.pk).review_state == "returned"


def test_it_lets_a_reviewer_override_with_a_justification(client_for, rita, card):
    other = {"green": "red", "amber": "red", "red": "green"}[card.rating]
    response = client_for(rita).post(
        f"/api/v1/scorecards/{card.pk}/override/",
        {"rating": other, "justification": "The site visit showed otherwise."},
        format="json",
        **if_match(card),
    )
    assert response.status_code == 200, response.content
    card.refresh_from_db()
    assert (card.review_state, card.override_rating, card.reviewer) == ("approved", other, rita)


@pytest.mark.parametrize("role", ["alice", "erin"])
def test_it_refuses_a_review_by_whoever_may_not_review(role, request, client_for, card):
    user = request.getfixturevalue(role)
    response = client_for(user).post(f"/api/v1/scorecards/{card.pk}/approve/", {}, format="json")
    # alice sees it (she answers for it) but leads it; erin does not even see it.
    assert response.status_code == {"alice": 403, "erin": 404}[role]
    assert Scorecard.objects.get(pk=card.pk).review_state == "in_review"


def test_it_refuses_a_reviewer_who_co_leads_the_partnership(client_for, rita, card):
    from django.contrib.auth.models import Group

    from accounts.models import Role
    from partnerships.models import PartnershipLead

    # A co-lead is a partnership manager: rita is both.
    rita.groups.add(Group.objects.get(name=Role.MANAGER))
    PartnershipLead.objects.create(
        partnership=card.partnership, user=rita, functional_area="clinical"
    )
    response = client_for(rita).post(f"/api/v1/scorecards/{card.pk}/approve/", {}, format="json")
    assert response.status_code == 403


def test_it_says_why_an_approved_scorecard_cannot_be_approved_again(client_for, rita, card):
    client = client_for(rita)
    approve = f"/api/v1/scorecards/{card.pk}/approve/"
    assert client.post(approve, {}, format="json", **if_match(card)).status_code == 200
    response = client.post(approve, {}, format="json", **if_match(card))
    assert response.status_code == 400
    assert "It can be approved only while it is in review." in response.json()["detail"]


def test_a_metric_of_another_partnership_is_a_bad_row(client_for, alice, ours, theirs):
    stranger = MetricFactory(objective__partnership=theirs)
    response = client_for(alice).post(
        f"/api/v1/partnerships/{ours.pk}/measurements/",
        {"rows": [{"metric": stranger.pk, "period_start": "2025-10-01", "value": Decimal("3")}]},
        format="json",
    )
    assert response.status_code == 400
    assert "rows[0].metric" in response.json()["errors"]


def test_an_api_write_is_in_the_history_with_its_user_and_token(client_for, bob, ours):
    from api.models import ApiToken
    from partnerships.models import Partnership

    client = client_for(bob)
    response = client.post(
        f"/api/v1/partnerships/{ours.pk}/stage/",
        {"stage": "struggling", "reason": "Funding paused."},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get(user=bob)
    event = (Partnership.pgh_event_model.objects.filter(pgh_obj=ours, pgh_label="update")).latest(
        "pgh_id"
    )
    assert event.stage == "struggling"
    # The context is stored on the event row itself (a JSON column).
    assert event.pgh_context["user"] == bob.pk
    assert event.pgh_context["api_token"] == token.prefix
    assert event.pgh_context["reason"] == "Funding paused."


@pytest.mark.parametrize("length, saved", [(3999, True), (4000, True), (4001, False)])
@pytest.mark.parametrize("door", ["api", "page"])
def test_a_return_comment_is_as_long_through_either_door(
    door, length, saved, client, client_for, rita, card
):
    """One limit (evaluation.review.REVIEW_TEXT_MAX_LENGTH) for the page, the API
    and the service: the API took 5,000 characters the page refused."""
    comment = "x" * length
    if door == "api":
        response = client_for(rita).post(
            f"/api/v1/scorecards/{card.pk}/return/",
            {"comment": comment},
            format="json",
            **if_match(card),
        )
    else:
        client.force_login(rita)
        response = client.post(
            f"/evaluation/scorecards/{card.pk}/return/",
            {"comment": comment, "computed_at": card.computed_at.isoformat()},
        )
    card.refresh_from_db()
    assert (card.review_state == "returned") is saved
    assert response.status_code in ((200, 302) if saved else (400,))


@pytest.mark.parametrize("length, saved", [(4000, True), (4001, False)])
def test_an_override_justification_has_the_same_limit_in_the_service(length, saved, rita, card):
    from django.core.exceptions import ValidationError

    from evaluation import review

    other = {"green": "red", "amber": "red", "red": "green"}[card.rating]

    def override():
        return review.scorecard_override(
            scorecard_id=card.pk, reviewer=rita, rating=other, justification="y" * length
        )

    if saved:
        assert override().override_justification == "y" * length
    else:
        with pytest.raises(ValidationError) as refused:
            override()
        assert "at most 4000 characters (it has 4001)" in str(refused.value)
        card.refresh_from_db()
        assert card.override_rating == ""


def test_scorecards_filter_by_month_as_the_review_queue_does(client_for, rita, card):
    month = card.period_start.strftime("%Y-%m")
    other = card.period_start.replace(year=card.period_start.year - 1).strftime("%Y-%m")
    api = client_for(rita, scope="read")

    assert [
        row["id"] for row in api.get(f"/api/v1/scorecards/?period={month}").json()["results"]
    ] == [card.pk]
    assert api.get(f"/api/v1/scorecards/?period={other}").json()["results"] == []
    # Not a month: refused, never read as no filter at all.
    assert api.get("/api/v1/scorecards/?period=2026-13").status_code == 400
