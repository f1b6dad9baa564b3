"""The pipeline board: potential partnerships by stage, their next steps, moves and drops."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lifecycle import services, views
from lifecycle.models import NextStep
from partnerships.models import PartnershipLead, StageChange
from tests.factories import MemberFactory, PartnershipFactory, UserFactory
from tests.forms import opened

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def prospect(owner, stage="outreach", **fields):
    partnership = PartnershipFactory(
        owner=owner, stage=stage, start_date=None, **fields, member=False
    )
    MemberFactory(partnership=partnership, role="lead")
    return partnership


def board(client, **params):
    return client.get(reverse("lifecycle:pipeline"), params)


def cards(response):
    return {stage.value: [p.title for p in ps] for stage, ps, _count in response.context["columns"]}


class TestBoard:
    def test_it_shows_potential_partnerships_in_their_columns(self, client, alice):
        prospect(alice, "identified", title="Lima")
        prospect(alice, "outreach", title="Hanoi")
        prospect(alice, "negotiating", title="Porto")
        PartnershipFactory(owner=alice, stage="active", title="Running")
        client.force_login(alice)
        assert cards(board(client)) == {
            "identified": ["Lima"],
            "outreach": ["Hanoi"],
            "negotiating": ["Porto"],
        }

    def test_an_overdue_next_step_is_red_and_a_due_one_is_not(self, client, alice):
        late = prospect(alice, title="Late")
        services.next_step_set(
            partnership=late,
            description="Send the draft MoU",
            due_on=dt.date(2026, 11, 19),
            by=alice,
        )
        due = prospect(alice, title="Due")
        services.next_step_set(
            partnership=due, description="Call the dean", due_on=dt.date(2026, 11, 20), by=alice
        )
        client.force_login(alice)
        html = board(client).content.decode()
        late_card = html.split(f'id="card-{late.pk}"')[1].split("</article>")[0]
        due_card = html.split(f'id="card-{due.pk}"')[1].split("</article>")[0]
        assert "text-danger" in late_card and "(overdue)" in late_card
        assert "Send the draft MoU" in late_card
        assert "text-danger" not in due_card

    def test_days_in_stage_count_from_the_last_move(self, client, alice):
        partnership = prospect(alice, stage="identified")
        with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
            services.pipeline_move(partnership=partnership, stage="outreach", by=alice)
        client.force_login(alice)
        [card] = board(client).context["columns"][1][1]
        assert card.days_in_stage == 15

    def test_it_filters_by_owner(self, client, alice, bob):
        prospect(alice, title="Hers")
        prospect(bob, title="His")
        client.force_login(alice)
        assert cards(board(client, owner=bob.pk))["outreach"] == ["His"]

    def test_move_forms_show_on_cards_the_user_may_move_only(self, client, alice, bob):
        hers = prospect(alice)
        his = prospect(bob)
        client.force_login(alice)
        html = board(client).content.decode()
        assert reverse("lifecycle:pipeline_move", args=[hers.pk]) in html
        assert reverse("lifecycle:pipeline_move", args=[his.pk]) not in html

    @pytest.mark.parametrize("in_stage", [2, 3])
    def test_a_column_shows_its_most_pressing_cards_and_counts_all(
        self, client, alice, bob, monkeypatch, in_stage
    ):
        monkeypatch.setattr(views, "PIPELINE_CARDS", 2)
        due = {"Later": dt.date(2026, 12, 9), "Sooner": dt.date(2026, 12, 1), "Undated": None}
        for title in list(due)[:in_stage]:
            partnership = prospect(alice, title=title)
            if due[title]:
                services.next_step_set(
                    partnership=partnership, description="Call", due_on=due[title], by=alice
                )
        prospect(bob, title="His")  # not counted when the board is alice's only
        # Another column's first cards do not count against this one's.
        for title in ["Aardvark", "Abbey"]:
            prospect(alice, stage="identified", title=title)
        client.force_login(alice)
        response = board(client, owner=alice.pk)
        [(stage, shown, count)] = [c for c in response.context["columns"] if c[0] == "outreach"]
        assert [p.title for p in shown] == ["Sooner", "Later"]
        assert count == in_stage
        assert cards(response)["identified"] == ["Aardvark", "Abbey"]
        html = response.content.decode()
        link = f"{reverse('dashboards:partnership_list')}?stage=outreach&amp;owner={alice.pk}"
        assert (f'href="{link}"' in html) == (in_stage > 2)

    @pytest.mark.parametrize("count", [3, 30])
    def test_it_takes_the_same_queries_for_3_or_30_cards(
        self, client, alice, count, django_assert_max_num_queries
    ):
        for n in range(count):
            partnership = prospect(alice, stage=["identified", "outreach", "negotiating"][n % 3])
            services.next_step_set(
                partnership=partnership, description="Call", due_on=dt.date(2026, 12, 1), by=alice
            )
        client.force_login(alice)
        # session, user, savepoint and release, owners for the filter, the
        # count of each column, the first partnerships of each with owner, next
        # step and days in stage, their members and partners, the ones alice
        # may move, recently dropped, user and group permissions (menu),
        # unread notifications
        with django_assert_max_num_queries(13):
            response = board(client)
        assert sum(len(ps) for _, ps, _count in response.context["columns"]) == count


class TestMove:
    def test_the_owner_moves_a_card_and_the_move_is_recorded(self, client, alice):
        partnership = prospect(alice, stage="outreach")
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:pipeline_move", args=[partnership.pk]), {"stage": "negotiating"}
        )
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert partnership.stage == "negotiating"
        change = StageChange.objects.get()
        assert (change.from_stage, change.to_stage, change.changed_by) == (
            "outreach",
            "negotiating",
            alice,
        )
        assert change.reason == "Moved from In outreach to Negotiating on the pipeline board."

    def test_a_co_lead_moves_it_into_the_active_portfolio(self, client, alice, bob):
        partnership = prospect(alice, stage="negotiating")
        PartnershipLead.objects.create(
            partnership=partnership, user=bob, functional_area="administrative"
        )
        client.force_login(bob)
        client.post(
            reverse("lifecycle:pipeline_move", args=[partnership.pk]),
            {"stage": "active", "note": "MoU signed."},
        )
        partnership.refresh_from_db()
        assert partnership.stage == "active"
        assert StageChange.objects.get().reason == "MoU signed."

    def test_a_move_to_the_same_stage_is_refused_next_to_the_field(self, client, alice):
        partnership = prospect(alice, stage="outreach")
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:pipeline_move", args=[partnership.pk]), {"stage": "outreach"}
        )
        assert response.status_code == 400
        assert response.context["move_form"].errors == {
            "stage": ["The partnership is at this stage already."]
        }

    def test_a_card_cannot_be_moved_to_an_ended_stage_by_a_move(self, client, alice):
        partnership = prospect(alice)
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:pipeline_move", args=[partnership.pk]), {"stage": "failed"}
        )
        assert response.status_code == 400
        partnership.refresh_from_db()
        assert partnership.stage == "outreach"

    @pytest.mark.parametrize("who", ["bob", "erin", "rita"])
    def test_only_owners_and_co_leads_move_cards(self, client, alice, bob, erin, rita, who):
        partnership = prospect(alice)
        client.force_login({"bob": bob, "erin": erin, "rita": rita}[who])
        url = reverse("lifecycle:pipeline_move", args=[partnership.pk])
        assert client.post(url, {"stage": "negotiating"}).status_code == 403
        assert (
            client.get(reverse("lifecycle:pipeline_card", args=[partnership.pk])).status_code == 403
        )
        partnership.refresh_from_db()
        assert partnership.stage == "outreach"

    def test_an_active_partnership_is_not_on_the_pipeline(self, client, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        client.force_login(alice)
        response = client.get(reverse("lifecycle:pipeline_card", args=[partnership.pk]))
        assert response.status_code == 404


class TestDrop:
    def test_a_drop_needs_a_reason(self, client, alice):
        partnership = prospect(alice)
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:pipeline_drop", args=[partnership.pk]), {"reason": ""}
        )
        assert response.status_code == 400
        assert "reason" in response.context["drop_form"].errors
        partnership.refresh_from_db()
        assert partnership.stage == "outreach"

    def test_a_dropped_partnership_is_withdrawn_with_its_reason_and_end_date(self, client, alice):
        partnership = prospect(alice, title="Lima")
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:pipeline_drop", args=[partnership.pk]),
            {"reason": "Their board chose another partner."},
        )
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == ("withdrawn", dt.date(2026, 11, 20))
        assert StageChange.objects.get().reason == "Their board chose another partner."
        dropped = board(client).context["dropped"]
        assert [(p.title, p.drop_reason) for p in dropped] == [
            ("Lima", "Their board chose another partner.")
        ]

    @pytest.mark.parametrize(
        ("planned", "kept"),
        [
            (dt.date(2027, 6, 1), None),  # never started: the plan goes, its history keeps it
            (dt.date(2026, 11, 21), None),  # the day after the drop
            (dt.date(2026, 11, 20), dt.date(2026, 11, 20)),  # the day of the drop stays
            (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
        ],
    )
    def test_a_prospect_planned_to_start_later_is_dropped_today(self, client, alice, planned, kept):
        partnership = prospect(alice)
        partnership.start_date = planned
        partnership.save()
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:pipeline_drop", args=[partnership.pk]),
            {"reason": "They merged with another trust.", "expected_stage": "outreach"},
        )
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.start_date, partnership.end_date) == (
            "withdrawn",
            kept,
            dt.date(2026, 11, 20),
        )

    def test_the_service_refuses_a_blank_reason(self, alice):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.pipeline_drop(
                partnership=prospect(alice), reason=" ", by=alice, today=dt.date(2026, 11, 20)
            )


class TestAMoveMadeOnAnOlderBoard:
    """alice's board shows "Hanoi exchange" in outreach; bob, its co-lead, moves
    it on the partnership's stage page meanwhile. Her move or drop, made on what
    her board showed, is refused and says where the partnership is now; bob's
    move stands, and what alice chose is kept for her to send again."""

    @pytest.fixture
    def partnership(self, alice, bob):
        partnership = prospect(alice, stage="outreach", title="Hanoi exchange")
        PartnershipLead.objects.create(
            partnership=partnership, user=bob, functional_area="administrative"
        )
        return partnership

    @staticmethod
    def bob_moves(bob, partnership, stage):
        """bob, in his own browser, moves it on the stage page as that page showed it."""
        browser = Client()
        browser.force_login(bob)
        url = reverse("partnerships:partnership_stage", args=[partnership.pk])
        shown = browser.get(url).context["form"]["expected_stage"].value()
        response = browser.post(
            url, {"stage": stage, "reason": "The dean said yes.", "expected_stage": shown}
        )
        assert response.status_code == 302

    @staticmethod
    def shown_on_card(client, partnership) -> str:
        """The stage the card's move form carries, as alice's board shows it."""
        html = board(client).content.decode()
        card = html.split(f'id="card-{partnership.pk}"')[1].split("</article>")[0]
        return re.search(r'name="expected_stage" value="(\w+)"', card)[1]

    @pytest.mark.parametrize(
        ("bobs", "hers"), [("negotiating", "active"), ("active", "negotiating")]
    )
    def test_a_card_moved_meanwhile_is_not_moved_again(
        self, client, alice, bob, partnership, bobs, hers
    ):
        client.force_login(alice)
        shown = self.shown_on_card(client, partnership)
        assert shown == "outreach"
        self.bob_moves(bob, partnership, bobs)

        # As htmx posts the card's form (the same fields a plain POST sends).
        response = client.post(
            reverse("lifecycle:pipeline_move", args=[partnership.pk]),
            {"stage": hers, "expected_stage": shown},
            headers={"HX-Request": "true"},
        )

        assert response.status_code == 400
        partnership.refresh_from_db()
        assert partnership.stage == bobs
        assert list(StageChange.objects.values_list("to_stage", "changed_by")) == [(bobs, bob.pk)]
        form = response.context["move_form"]
        now = {"negotiating": "Negotiating", "active": "Active"}[bobs]
        assert form.errors == {
            "stage": [
                f"Someone else moved it to “{now}” since you opened this page: "
                "check your choice and send it again."
            ]
        }
        assert (form["stage"].value(), form["expected_stage"].value()) == (hers, bobs)
        assert f"Someone else moved it to “{now}”" in response.content.decode()

    def test_sent_again_having_seen_it_the_move_goes_ahead_from_where_it_is(
        self, client, alice, bob, partnership
    ):
        client.force_login(alice)
        shown = self.shown_on_card(client, partnership)
        self.bob_moves(bob, partnership, "negotiating")
        url = reverse("lifecycle:pipeline_move", args=[partnership.pk])
        typed = {"stage": "identified", "note": "Their dean left."}
        refused = client.post(url, typed | {"expected_stage": shown})
        assert refused.context["move_form"]["note"].value() == "Their dean left."

        again = client.post(
            url, typed | {"expected_stage": refused.context["move_form"]["expected_stage"].value()}
        )

        assert again.status_code == 302
        partnership.refresh_from_db()
        assert partnership.stage == "identified"
        assert list(
            StageChange.objects.order_by("changed_at").values_list("from_stage", "to_stage")
        ) == [
            ("outreach", "negotiating"),
            ("negotiating", "identified"),
        ]

    @pytest.mark.parametrize("bobs", ["negotiating", "active"])
    def test_a_drop_made_on_an_older_card_is_refused(self, client, alice, bob, partnership, bobs):
        client.force_login(alice)
        card = client.get(reverse("lifecycle:pipeline_card", args=[partnership.pk]))
        shown = card.context["drop_form"]["expected_stage"].value()
        assert shown == "outreach"
        self.bob_moves(bob, partnership, bobs)

        response = client.post(
            reverse("lifecycle:pipeline_drop", args=[partnership.pk]),
            {"reason": "No budget this year.", "expected_stage": shown},
        )

        assert response.status_code == 400
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == (bobs, None)
        assert StageChange.objects.count() == 1
        form = response.context["drop_form"]
        [message] = form.non_field_errors()
        assert message.startswith("Someone else moved it to “")
        assert (form["reason"].value(), form["expected_stage"].value()) == (
            "No budget this year.",
            bobs,
        )


class TestNextStep:
    def test_the_owner_sets_the_next_step_and_what_was_typed_is_kept_on_error(self, client, alice):
        partnership = prospect(alice)
        client.force_login(alice)
        url = reverse("lifecycle:next_step", args=[partnership.pk])
        response = client.post(
            url,
            {"description": "Visit the lab", "due_on": ""} | opened(client, url, "next_step_form"),
        )
        assert response.status_code == 400
        assert "due_on" in response.context["next_step_form"].errors
        assert 'value="Visit the lab"' in response.content.decode()
        response = client.post(url, {"description": "Visit the lab", "due_on": "2026-12-04"})
        assert response.status_code == 302
        step = NextStep.objects.get()
        assert (step.description, step.due_on, step.updated_by) == (
            "Visit the lab",
            dt.date(2026, 12, 4),
            alice,
        )

    @pytest.mark.parametrize("typed", ["\u200b\u200b", " \ufeff ", "\u202e"])
    def test_a_next_step_of_invisible_characters_is_refused_next_to_it(self, client, alice, typed):
        partnership = prospect(alice)
        client.force_login(alice)
        url = reverse("lifecycle:next_step", args=[partnership.pk])
        response = client.post(
            url,
            {"description": typed, "due_on": "2026-12-04"} | opened(client, url, "next_step_form"),
        )
        assert response.status_code == 400
        errors = response.context["next_step_form"].errors
        assert errors["description"] in (
            ["Say what the next step is."],
            ["This field is required."],
        )
        assert not NextStep.objects.exists()

    def test_a_next_step_is_kept_tidied(self, alice):
        partnership = prospect(alice)
        services.next_step_set(
            partnership=partnership,
            description="\u200bCall  the dean\u200b",
            due_on=dt.date(2026, 12, 1),
            by=alice,
        )
        assert NextStep.objects.get().description == "Call the dean"

    def test_setting_it_again_replaces_it(self, alice):
        partnership = prospect(alice)
        services.next_step_set(
            partnership=partnership, description="One", due_on=dt.date(2026, 12, 1), by=alice
        )
        services.next_step_set(
            partnership=partnership, description="Two", due_on=dt.date(2026, 12, 8), by=alice
        )
        assert list(NextStep.objects.values_list("description", flat=True)) == ["Two"]

    def test_a_next_step_set_by_someone_else_since_the_card_opened_is_not_lost(
        self, client, alice, bob
    ):
        partnership = prospect(alice)
        PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="finance")
        client.force_login(alice)
        url = reverse("lifecycle:next_step", args=[partnership.pk])
        form = opened(client, url, "next_step_form")  # no next step yet
        services.next_step_set(
            partnership=partnership, description="Bob's call", due_on=dt.date(2026, 12, 1), by=bob
        )
        typed = {"description": "Alice's visit", "due_on": "2026-12-04"}

        response = client.post(url, typed | form)

        assert response.status_code == 400
        assert NextStep.objects.get().description == "Bob's call"
        [message] = response.context["next_step_form"].non_field_errors()
        assert "Next step: “—” → “Bob's call”" in message
        assert response.context["next_step_form"]["description"].value() == "Alice's visit"
        fresh = opened(client, url, "next_step_form")
        assert client.post(url, typed | fresh).status_code == 302
        assert NextStep.objects.get().description == "Alice's visit"

    def test_an_outsider_cannot_set_it(self, client, alice):
        partnership = prospect(alice)
        carol = UserFactory(username="carol", role="Partnership manager")
        client.force_login(carol)
        url = reverse("lifecycle:next_step", args=[partnership.pk])
        assert client.post(url, {"description": "x", "due_on": "2026-12-04"}).status_code == 403
        assert not NextStep.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_the_card_page_takes_the_same_queries_however_full_the_pipeline(
    client, alice, count, django_assert_max_num_queries
):
    for _ in range(count):
        services.next_step_set(
            partnership=prospect(alice), description="Call", due_on=dt.date(2026, 12, 1), by=alice
        )
    partnership = prospect(alice)
    client.force_login(alice)
    # session, user, savepoint and release, the partnership, whether alice may
    # edit it, its next step, the owner, user and group permissions, unread count
    with django_assert_max_num_queries(11):
        response = client.get(reverse("lifecycle:pipeline_card", args=[partnership.pk]))
    assert response.status_code == 200
