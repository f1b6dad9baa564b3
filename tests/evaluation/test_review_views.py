"""The review pages: the queue, the scorecard with its evidence, and the actions."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from evaluation import review, services
from evaluation.models import Scorecard, ScorecardEvent
from partnerships.models import Agreement, Obligation
from tests.factories import partnership_with_data

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def in_review(count, owner):
    partnerships = [partnership_with_data(owner=owner) for _ in range(count)]
    run = services.assessment_run_start(period_start=OCTOBER)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    return list(Scorecard.objects.filter(partnership__in=partnerships).order_by("pk"))


class TestQueue:
    def test_it_lists_what_awaits_review_with_flags_and_change(self, client, rita, alice):
        cards = in_review(2, alice)
        review.scorecard_approve(scorecard_id=cards[0].pk, reviewer=rita)
        client.force_login(rita)
        response = client.get(reverse("evaluation:review_queue"))
        assert [c.pk for c in response.context["page"]] == [cards[1].pk]

    def test_it_filters_by_rating(self, client, rita, alice):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        other = "red" if card.rating != "red" else "green"
        assert (
            len(client.get(reverse("evaluation:review_queue"), {"rating": other}).context["page"])
            == 0
        )
        response = client.get(reverse("evaluation:review_queue"), {"rating": card.rating})
        assert len(response.context["page"]) == 1

    def test_it_finds_a_title_typed_without_its_accents(self, client, rita, alice):
        first, second = in_review(2, alice)
        first.partnership.title = "Télé-AVC avec le Klinikum Rheinhöhe"
        first.partnership.save()
        client.force_login(rita)
        response = client.get(
            reverse("evaluation:review_queue"), {"q": "avec le  klinikum rheinhohe"}
        )
        assert [c.pk for c in response.context["page"]] == [first.pk]
        response = client.get(reverse("evaluation:review_queue"), {"q": "rheinhohe klinikum"})
        assert [c.pk for c in response.context["page"]] == []

    @pytest.mark.parametrize("who", ["alice", "erin"])
    def test_only_reviewers_see_the_queue(self, client, who, request):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("evaluation:review_queue")).status_code == 403

    @pytest.mark.parametrize("size", [5, 50])
    def test_its_queries_do_not_grow(self, client, rita, alice, size, django_assert_num_queries):
        in_review(size, alice)
        client.force_login(rita)
        # session, user, savepoint, user and group permissions, the reviewer's
        # own partnerships, count, unread notifications (menu), the page of
        # scorecards with partnerships, owners and previous scores, release
        with django_assert_num_queries(10):
            response = client.get(reverse("evaluation:review_queue"))
        assert response.context["page"].paginator.count == size


class TestScorecardPage:
    def test_it_shows_the_evidence_behind_the_numbers(self, client, rita, alice):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        response = client.get(reverse("evaluation:scorecard", args=[card.pk]))
        assert response.status_code == 200
        rows = response.context["metric_rows"]
        assert [row["metric"].name for row in rows] == ["Metric 0", "Metric 1"]
        assert [m.value for m in rows[0]["measurements"]] == [14, 18, 24]
        assert rows[0]["result"]["status"] in {"on_track", "behind", "off_track"}
        assert response.context["agreement"] is not None
        assert response.context["can_review"] is True
        assert b"Approve" in response.content

    def test_an_executive_reads_an_approved_one_without_actions(self, client, erin, alice, rita):
        (card,) = in_review(1, alice)
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        client.force_login(erin)
        response = client.get(reverse("evaluation:scorecard", args=[card.pk]))
        assert response.status_code == 200
        assert response.context["can_review"] is False
        assert b'id="review-actions"' not in response.content
        assert b"provisional until approved" not in response.content

    def test_its_owner_reads_one_in_review_labelled_provisional(self, client, alice):
        (card,) = in_review(1, alice)
        client.force_login(alice)
        response = client.get(reverse("evaluation:scorecard", args=[card.pk]))
        assert response.status_code == 200
        assert response.context["can_review"] is False
        assert b"provisional until approved" in response.content

    @pytest.mark.parametrize("size", [1, 6])
    def test_its_queries_do_not_grow_with_metrics(
        self, client, rita, alice, size, django_assert_num_queries
    ):
        partnership = partnership_with_data(owner=alice, metrics=size)
        run = services.assessment_run_start(period_start=OCTOBER)
        for chunk_id in services.assessment_run_pending_chunks(run=run):
            services.assessment_chunk_execute(chunk_id=chunk_id)
        card = Scorecard.objects.get(partnership=partnership)
        client.force_login(rita)
        # session, user, savepoint, permissions (user, group), scorecard, may
        # review, previous, metrics, measurements, agreement, obligations,
        # objectives, events, unread notifications, release
        with django_assert_num_queries(16):
            client.get(reverse("evaluation:scorecard", args=[card.pk]))


def seen_on_the_page(client, card) -> dict:
    """The hidden fields the scorecard's page sends with every action: which
    numbers, in which review state, the reviewer had on screen."""
    page = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
    return dict(re.findall(r'name="(computed_at|review_state)" value="([^"]+)"', page))


class TestActions:
    def test_a_reviewer_approves_from_the_page(self, client, rita, alice):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        response = client.post(
            reverse("evaluation:approve", args=[card.pk]), seen_on_the_page(client, card)
        )
        assert response.status_code == 302
        assert Scorecard.objects.get(pk=card.pk).review_state == "approved"

    def test_a_return_without_comment_is_refused_next_to_the_field(self, client, rita, alice):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        response = client.post(reverse("evaluation:return", args=[card.pk]), {"comment": ""})
        assert response.status_code == 400
        assert response.context["return_form"].errors == {"comment": ["This field is required."]}
        assert Scorecard.objects.get(pk=card.pk).review_state == "in_review"

    def test_a_return_of_invisible_characters_is_refused_next_to_the_field(
        self, client, rita, alice
    ):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        response = client.post(
            reverse("evaluation:return", args=[card.pk]),
            seen_on_the_page(client, card) | {"comment": "\u200b"},
        )
        assert response.status_code == 400
        assert response.context["return_form"].errors == {
            "comment": ["Say what the owner should look at."]
        }
        assert Scorecard.objects.get(pk=card.pk).review_state == "in_review"

    def test_a_recompute_from_a_tab_opened_before_a_return_is_refused(self, client, rita, alice):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        page = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
        shown = dict(re.findall(r'name="(computed_at|review_state)" value="([^"]+)"', page))
        assert shown["review_state"] == "in_review"
        review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Baseline?")
        response = client.post(reverse("evaluation:recompute", args=[card.pk]), shown)
        assert response.status_code == 400
        assert "was returned to its owner while you had it open" in response.content.decode()
        assert Scorecard.objects.get(pk=card.pk).review_state == "returned"

    def test_an_override_keeps_what_was_typed_when_refused(self, client, rita, alice):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        response = client.post(
            reverse("evaluation:override", args=[card.pk]),
            seen_on_the_page(client, card)
            | {"rating": card.rating, "justification": "Visited the site in October."},
        )
        assert response.status_code == 400
        assert "rating" in response.context["override_form"].errors
        assert b"Visited the site in October." in response.content

    def test_a_justification_refused_as_recomputed_meanwhile_is_kept(self, client, rita, alice):
        """Opened, then recomputed in another tab: the override is refused (the
        numbers moved) and the form comes back open with what was typed."""
        (card,) = in_review(1, alice)
        client.force_login(rita)
        page = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
        shown = dict(re.findall(r'name="(computed_at|review_state)" value="([^"]+)"', page))
        with time_machine.travel(dt.datetime(2025, 11, 5, 9, 5, tzinfo=dt.UTC), tick=False):
            review.scorecard_recompute(scorecard_id=card.pk, reviewer=rita)
        other = "red" if card.rating != "red" else "green"
        response = client.post(
            reverse("evaluation:override", args=[card.pk]),
            shown | {"rating": other, "justification": "Visited the site in October."},
        )
        assert response.status_code == 400
        assert "computed again while you had it open" in response.context["action_error"]
        form = response.context["override_form"]
        assert form.is_bound and form.data["justification"] == "Visited the site in October."
        assert b"Visited the site in October.</textarea>" in response.content
        assert Scorecard.objects.get(pk=card.pk).review_state == "in_review"

    def test_a_comment_refused_as_approved_meanwhile_is_shown_to_copy(self, client, rita, alice):
        """Approved in another tab: the return form is gone, the comment typed is
        shown with the refusal rather than lost."""
        (card,) = in_review(1, alice)
        client.force_login(rita)
        page = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
        shown = dict(re.findall(r'name="(computed_at|review_state)" value="([^"]+)"', page))
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        response = client.post(
            reverse("evaluation:return", args=[card.pk]),
            shown | {"comment": "Check <the> Q3 values."},
        )
        assert response.status_code == 400
        assert "approved" in response.context["action_error"]
        assert b'id="unsaved-text">Check &lt;the&gt; Q3 values.</blockquote>' in response.content
        assert Scorecard.objects.get(pk=card.pk).review_state == "approved"

    def test_an_action_that_does_not_say_which_numbers_it_saw_is_refused(self, client, rita, alice):
        """As the API refuses a write without If-Match: a post without the page's
        hidden fields cannot be checked against a recomputation. What was typed
        comes back."""
        (card,) = in_review(1, alice)
        events = list(ScorecardEvent.objects.filter(scorecard=card))
        client.force_login(rita)
        for name, typed in (
            ("approve", {}),
            ("return", {"comment": "Check the Q3 values."}),
            ("recompute", {}),
        ):
            response = client.post(reverse(f"evaluation:{name}", args=[card.pk]), typed)
            assert response.status_code == 400
            assert "did not say which numbers you saw" in response.context["action_error"]
            if typed:
                assert b"Check the Q3 values.</textarea>" in response.content
        card.refresh_from_db()
        assert card.review_state == "in_review"
        assert list(ScorecardEvent.objects.filter(scorecard=card)) == events

    def test_a_second_approval_says_it_was_approved_already(self, client, rita, alice):
        (card,) = in_review(1, alice)
        client.force_login(rita)
        shown = seen_on_the_page(client, card)
        client.post(reverse("evaluation:approve", args=[card.pk]), shown)
        response = client.post(reverse("evaluation:approve", args=[card.pk]), shown)
        assert response.status_code == 400
        assert "approved" in response.context["action_error"]

    @pytest.mark.parametrize("who", ["alice", "erin"])
    def test_others_cannot_act_even_by_a_forged_post(self, client, who, request, alice):
        (card,) = in_review(1, alice)
        client.force_login(request.getfixturevalue(who))
        for name in ("approve", "recompute"):
            assert client.post(reverse(f"evaluation:{name}", args=[card.pk])).status_code == 403
        response = client.post(reverse("evaluation:return", args=[card.pk]), {"comment": "x"})
        assert response.status_code == 403
        assert Scorecard.objects.get(pk=card.pk).review_state == "in_review"

    def test_an_action_on_a_scorecard_that_does_not_exist_is_not_found(self, client, rita):
        client.force_login(rita)
        data = {"comment": "x", "rating": "red", "justification": "y"}
        for name in ("approve", "return", "override", "recompute"):
            response = client.post(reverse(f"evaluation:{name}", args=[999999]), data)
            assert response.status_code == 404, name

    def test_the_owner_sees_why_on_the_home_page(self, client, rita, alice):
        (card,) = in_review(1, alice)
        review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check the Q3 values.")
        client.force_login(alice)
        response = client.get(reverse("home"))
        assert b"Scorecards returned to you" in response.content
        assert b"Check the Q3 values." in response.content


def test_the_evidence_leaves_out_obligations_of_agreements_not_signed(client, rita, alice):
    (card,) = in_review(1, alice)
    draft = Agreement.objects.create(partnership=card.partnership, title="Draft addendum")
    Obligation.objects.create(agreement=draft, description="Not binding yet", due_date=OCTOBER)
    client.force_login(rita)
    response = client.get(reverse("evaluation:scorecard", args=[card.pk]))
    assert response.context["overdue_obligations"] == []


class TestAnExecutiveOpensApprovedScorecardsOnly:
    """As on the dashboards, the API and the PDF (Scorecard.objects.visible_to)."""

    def test_a_scorecard_in_review_or_returned_is_not_found_an_approved_one_is(
        self, client, rita, alice, erin
    ):
        approved, waiting, returned = in_review(3, alice)
        review.scorecard_approve(scorecard_id=approved.pk, reviewer=rita)
        review.scorecard_return(
            scorecard_id=returned.pk, reviewer=rita, comment="Totals, not monthly values."
        )
        client.force_login(erin)

        assert client.get(reverse("evaluation:scorecard", args=[approved.pk])).status_code == 200
        for card in (waiting, returned):
            response = client.get(reverse("evaluation:scorecard", args=[card.pk]))
            assert response.status_code == 404
            assert "Totals, not monthly values." not in response.content.decode()
        # The reviewer and the owner still open every one.
        for who in (rita, alice):
            client.force_login(who)
            for card in (waiting, returned):
                assert (
                    client.get(reverse("evaluation:scorecard", args=[card.pk])).status_code == 200
                )

    def test_a_run_lists_only_its_approved_scorecards_to_an_executive(
        self, client, rita, alice, erin
    ):
        approved, waiting = in_review(2, alice)
        review.scorecard_approve(scorecard_id=approved.pk, reviewer=rita)
        client.force_login(erin)

        response = client.get(reverse("evaluation:run", args=[approved.run_id]))

        assert [card.pk for card in response.context["scorecards"]] == [approved.pk]
        client.force_login(rita)
        response = client.get(reverse("evaluation:run", args=[approved.run_id]))
        assert {card.pk for card in response.context["scorecards"]} == {approved.pk, waiting.pk}

    def test_the_previous_scorecard_beside_it_is_one_the_reader_may_open(
        self, client, rita, alice, erin
    ):
        (september,) = in_review(1, alice)  # October's, below; moved back a month
        Scorecard.objects.filter(pk=september.pk).update(
            period_start=dt.date(2025, 9, 1), period_end=dt.date(2025, 9, 30)
        )
        run = services.assessment_run_start(period_start=OCTOBER)
        for chunk_id in services.assessment_run_pending_chunks(run=run):
            services.assessment_chunk_execute(chunk_id=chunk_id)
        october = Scorecard.objects.get(partnership=september.partnership, period_start=OCTOBER)
        review.scorecard_approve(scorecard_id=october.pk, reviewer=rita)

        client.force_login(erin)
        shown = client.get(reverse("evaluation:scorecard", args=[october.pk])).context["previous"]
        client.force_login(rita)
        beside = client.get(reverse("evaluation:scorecard", args=[october.pk])).context["previous"]

        assert shown is None  # September's awaits review
        assert beside.pk == september.pk
