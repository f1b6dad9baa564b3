"""The warnings list and a warning's page: the owner confirms or dismisses."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from evaluation.models import Scorecard
from lifecycle import services, views
from lifecycle.models import EarlyWarning
from partnerships import services as partnerships_services
from partnerships.models import StageChange
from tests.factories import UserFactory

from .helpers import (
    LAST_MONTH,
    MONTH_BEFORE,
    NOT_REPORTED,
    OFF_TRACK,
    TODAY,
    approve_all,
    factor,
    scorecard,
    watched,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def open_warning(owner, **fields):
    partnership = watched(owner, **fields)
    scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
    [warning] = services.early_warnings_raise(today=TODAY)
    return warning


def confirm_url(warning):
    return reverse("lifecycle:warning_confirm", args=[warning.pk])


def dismiss_url(warning):
    return reverse("lifecycle:warning_dismiss", args=[warning.pk])


def test_the_factors_to_confirm_read_in_the_readers_language(client, alice):
    warning = open_warning(alice)
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = client.get(reverse("lifecycle:warning_detail", args=[warning.pk]))
    labels = [label for _, label in response.context["confirm_form"].fields["factors"].choices]
    assert "Confiance" in labels and "Trust" not in labels


class TestConfirm:
    def test_the_owner_confirms_and_the_partnership_is_struggling(self, client, alice):
        warning = open_warning(alice)
        client.force_login(alice)
        response = client.post(
            confirm_url(warning),
            {
                "recovery_plan": "Weekly calls; a data manager on each side.",
                "recovery_by": "2027-03-31",
                "factors": [factor("communication").pk, factor("roles").pk],
            },
        )
        assert response.status_code == 302
        warning.refresh_from_db()
        assert (warning.state, warning.decided_by, warning.recovery_by) == (
            "confirmed",
            alice,
            dt.date(2027, 3, 31),
        )
        assert sorted(warning.factors.values_list("code", flat=True)) == ["communication", "roles"]
        warning.partnership.refresh_from_db()
        assert warning.partnership.stage == "struggling"
        change = StageChange.objects.get(partnership=warning.partnership)
        assert (change.from_stage, change.to_stage, change.changed_by) == (
            "active",
            "struggling",
            alice,
        )
        assert "Weekly calls" in change.reason

    def test_a_co_lead_may_confirm(self, client, alice, bob):
        warning = open_warning(alice, co_lead=bob)
        client.force_login(bob)
        response = client.post(
            confirm_url(warning), {"recovery_plan": "Reset the plan.", "recovery_by": "2027-01-31"}
        )
        assert response.status_code == 302

    def test_the_plan_and_the_date_are_required_and_shown_next_to_their_fields(self, client, alice):
        warning = open_warning(alice)
        client.force_login(alice)
        response = client.post(confirm_url(warning), {"recovery_plan": "", "recovery_by": ""})
        assert response.status_code == 400
        errors = response.context["confirm_form"].errors
        assert set(errors) == {"recovery_plan", "recovery_by"}
        warning.refresh_from_db()
        assert warning.state == "open"
        assert warning.partnership.stage == "active"

    def test_a_recovery_date_in_the_past_is_refused_and_what_was_typed_is_kept(self, client, alice):
        warning = open_warning(alice)
        client.force_login(alice)
        response = client.post(
            confirm_url(warning), {"recovery_plan": "Reset the plan.", "recovery_by": "2026-11-01"}
        )
        assert response.status_code == 400
        form = response.context["confirm_form"]
        assert form.errors == {"recovery_by": ["Choose a date after today."]}
        assert "Reset the plan." in response.content.decode()

    def test_a_warning_on_a_partnership_ended_since_is_refused_and_it_stays_ended(
        self, client, alice
    ):
        """Confirming would move it to struggling: an ended partnership revived."""
        warning = open_warning(alice)
        partnerships_services.partnership_change_stage(
            partnership=warning.partnership,
            stage="completed",
            reason="Finished early.",
            by=alice,
            end_date=dt.date(2026, 11, 15),
        )
        client.force_login(alice)
        response = client.post(
            confirm_url(warning), {"recovery_plan": "Reset the plan.", "recovery_by": "2027-01-31"}
        )
        assert response.status_code == 400
        assert "has ended" in response.context["confirm_form"].non_field_errors()[0]
        warning.refresh_from_db()
        assert warning.state == "open"
        warning.partnership.refresh_from_db()
        assert warning.partnership.stage == "completed"
        assert StageChange.objects.filter(partnership=warning.partnership).count() == 1

    def test_a_partnership_moved_to_struggling_since_keeps_its_stage_and_gets_the_plan(
        self, client, alice
    ):
        warning = open_warning(alice)
        partnerships_services.partnership_change_stage(
            partnership=warning.partnership, stage="struggling", reason="Seen it coming.", by=alice
        )
        client.force_login(alice)
        response = client.post(
            confirm_url(warning), {"recovery_plan": "Reset the plan.", "recovery_by": "2027-01-31"}
        )
        assert response.status_code == 302
        warning.refresh_from_db()
        assert (warning.state, warning.recovery_plan) == ("confirmed", "Reset the plan.")
        warning.partnership.refresh_from_db()
        assert warning.partnership.stage == "struggling"
        assert StageChange.objects.filter(partnership=warning.partnership).count() == 1

    def test_a_decided_warning_cannot_be_decided_again(self, client, alice):
        warning = open_warning(alice)
        services.early_warning_dismiss(warning=warning, by=alice, reason="Known and handled.")
        client.force_login(alice)
        response = client.post(
            confirm_url(warning), {"recovery_plan": "Plan", "recovery_by": "2027-01-31"}
        )
        assert response.status_code == 400
        warning.refresh_from_db()
        assert warning.state == "dismissed"


class TestDismiss:
    def test_the_owner_dismisses_with_a_reason(self, client, alice):
        warning = open_warning(alice)
        client.force_login(alice)
        response = client.post(dismiss_url(warning), {"reason": "The figures arrive next week."})
        assert response.status_code == 302
        warning.refresh_from_db()
        assert (warning.state, warning.reason, warning.decided_by) == (
            "dismissed",
            "The figures arrive next week.",
            alice,
        )
        warning.partnership.refresh_from_db()
        assert warning.partnership.stage == "active"

    def test_the_reason_is_required(self, client, alice):
        warning = open_warning(alice)
        client.force_login(alice)
        response = client.post(dismiss_url(warning), {"reason": "  "})
        assert response.status_code == 400
        assert "reason" in response.context["dismiss_form"].errors
        assert EarlyWarning.objects.get().state == "open"

    def test_a_reason_of_invisible_characters_alone_is_refused(self, client, alice):
        warning = open_warning(alice)
        client.force_login(alice)
        response = client.post(dismiss_url(warning), {"reason": "\u200b\ufeff"})
        assert response.status_code == 400
        assert response.context["dismiss_form"].errors["reason"] == [
            "Say why the warning is dismissed."
        ]
        assert EarlyWarning.objects.get().state == "open"


class TestRights:
    @pytest.mark.parametrize("who", ["erin", "rita", "carol"])
    def test_only_the_owner_and_co_leads_decide(self, client, alice, erin, rita, who):
        users = {
            "erin": erin,
            "rita": rita,
            "carol": UserFactory(username="carol", role="Partnership manager"),
        }
        warning = open_warning(alice)
        approve_all(rita)  # an executive sees it, then
        client.force_login(users[who])
        assert client.post(dismiss_url(warning), {"reason": "No."}).status_code == 403
        assert (
            client.post(
                confirm_url(warning), {"recovery_plan": "x", "recovery_by": "2027-01-31"}
            ).status_code
            == 403
        )
        assert EarlyWarning.objects.get().state == "open"

    def test_an_executive_reads_the_warning_without_its_forms(self, client, alice, erin, rita):
        warning = open_warning(alice)
        approve_all(rita)
        client.force_login(erin)
        response = client.get(reverse("lifecycle:warning_detail", args=[warning.pk]))
        assert response.status_code == 200
        assert response.context["confirm_form"] is None
        assert confirm_url(warning) not in response.content.decode()

    def test_an_executive_sees_a_warning_once_every_scorecard_it_quotes_is_approved(
        self, client, alice, erin, rita
    ):
        """Early, a warning quotes scorecards before a reviewer approves them;
        an executive relies on approved numbers only (as everywhere)."""
        partnership = watched(alice)
        before = scorecard(partnership, MONTH_BEFORE, health=80)
        latest = scorecard(partnership, LAST_MONTH, health=60, flags=[OFF_TRACK])
        [warning] = services.early_warnings_raise(today=TODAY)
        assert (warning.scorecard_period, warning.previous_period) == (LAST_MONTH, MONTH_BEFORE)
        detail = reverse("lifecycle:warning_detail", args=[warning.pk])
        page = reverse("partnerships:partnership_detail", args=[partnership.pk])

        def seen_by(user) -> tuple:
            client.force_login(user)
            listed = client.get(reverse("lifecycle:warnings"), {"scope": "all"})
            return (
                [w.pk for w in listed.context["warnings"]],
                client.get(detail).status_code,
                detail in client.get(page).content.decode(),
            )

        hidden, shown = ([], 404, False), ([warning.pk], 200, True)
        assert seen_by(erin) == hidden
        assert seen_by(alice) == shown and seen_by(rita) == shown
        # The latest approved, the one its fall is measured from still in review.
        Scorecard.objects.filter(pk=latest.pk).update(
            review_state="approved", reviewer=rita, reviewed_at=latest.computed_at
        )
        assert seen_by(erin) == hidden
        Scorecard.objects.filter(pk=before.pk).update(
            review_state="approved", reviewer=rita, reviewed_at=before.computed_at
        )
        assert seen_by(erin) == shown

    def test_the_decision_urls_refuse_a_get(self, client, alice):
        warning = open_warning(alice)
        client.force_login(alice)
        assert client.get(confirm_url(warning)).status_code == 405

    def test_an_unknown_warning_is_404(self, client, alice):
        client.force_login(alice)
        assert client.get(reverse("lifecycle:warning_detail", args=[999])).status_code == 404


class TestList:
    def test_a_manager_sees_theirs_first_and_all_on_asking(self, client, alice, bob):
        mine = open_warning(alice, title="Alice's")
        scorecard(watched(bob, title="Bob's"), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        services.early_warnings_raise(today=TODAY)
        client.force_login(alice)
        response = client.get(reverse("lifecycle:warnings"))
        assert [w.pk for w in response.context["warnings"]] == [mine.pk]
        response = client.get(reverse("lifecycle:warnings"), {"scope": "all"})
        assert {w.partnership.title for w in response.context["warnings"]} == {"Alice's", "Bob's"}

    def test_an_executive_sees_all_open_warnings(self, client, alice, erin, rita):
        open_warning(alice)
        approve_all(rita)
        client.force_login(erin)
        response = client.get(reverse("lifecycle:warnings"))
        assert len(response.context["warnings"]) == 1

    @pytest.mark.parametrize("count", [2, 12])
    def test_the_list_takes_the_same_queries_for_2_or_12_warnings(
        self, client, alice, count, django_assert_max_num_queries
    ):
        for n in range(count):
            scorecard(watched(alice, title=f"P{n}"), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        services.early_warnings_raise(today=TODAY)
        client.force_login(alice)
        # session, user, savepoint and release, whether alice leads any partnership,
        # the count of the warnings, a page of them with their partnerships and
        # owners, user and group permissions (menu), unread notifications
        with django_assert_max_num_queries(10):
            response = client.get(reverse("lifecycle:warnings"))
        assert len(response.context["warnings"]) == count

    @pytest.mark.parametrize("count", [2, 3])
    def test_the_list_comes_in_pages(self, client, alice, erin, rita, monkeypatch, count):
        monkeypatch.setattr(views, "WARNINGS_PER_PAGE", 2)
        for n in range(count):
            scorecard(watched(alice, title=f"P{n}"), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        services.early_warnings_raise(today=TODAY)
        approve_all(rita)
        client.force_login(erin)
        first = client.get(reverse("lifecycle:warnings"))
        assert len(first.context["warnings"]) == 2
        html = first.content.decode()
        assert f'<span class="badge text-bg-light">{count}</span>' in html
        assert ('href="?scope=all&amp;page=2"' in html) == (count > 2)
        second = client.get(reverse("lifecycle:warnings"), {"scope": "all", "page": 2})
        shown = {w.pk for w in first.context["warnings"]} | {
            w.pk for w in second.context["warnings"]
        }
        assert len(shown) == count

    @pytest.mark.parametrize("signals", [2, 4])
    def test_the_warning_page_takes_the_same_queries_whatever_it_holds(
        self, client, alice, signals, django_assert_max_num_queries
    ):
        flags = [NOT_REPORTED, OFF_TRACK] * (signals // 2)
        partnership = watched(alice, expiring_on=dt.date(2027, 1, 9))
        scorecard(partnership, LAST_MONTH, flags=flags)
        [warning] = services.early_warnings_raise(today=TODAY)
        client.force_login(alice)
        # session, user, savepoint and release, the warning with its partnership,
        # owner and decider, its factors, whether alice may edit, the factors
        # offered, the latest instrument, user and group permissions, unread count
        with django_assert_max_num_queries(12):
            response = client.get(reverse("lifecycle:warning_detail", args=[warning.pk]))
        assert response.status_code == 200
