"""Rules that several pages read, each from one home: if a second copy of a rule
disagreed with the first, one of these tests would fail.

alice owns the partnerships, erin is an executive, rita a reviewer."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.hooks import credentials_ended
from api.tokens import tokens_revoke_all
from calendars.feeds import feed_revoke
from core.hooks import Hook
from dashboards import detail, pdf
from dashboards.cache import bump_generation
from evaluation import review, services
from evaluation.codes import FlagCode, MetricStatus, status_label
from evaluation.hooks import scorecard_returned, scorecards_changed
from evaluation.models import ReviewState, Scorecard
from partnerships import services as partnership_services
from partnerships.models import Aggregation, Agreement, AgreementStatus
from reminders.tasks import queue_scorecard_returned
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MetricFactory,
    ObjectiveFactory,
    partnership_with_data,
)

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
DECEMBER = dt.date(2025, 12, 1)


@pytest.fixture(autouse=True)
def january_2026():
    with time_machine.travel(TODAY, tick=False):
        yield


def assess(month):
    run = services.assessment_run_start(period_start=month)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)


@pytest.fixture
def summed(alice):
    """Fellows trained, summed by quarter: 0 → 20 over 2025; 4 then 6 trained,
    so 10 in all: half way, 50%. The latest quarter alone (6) would say 30%."""
    partnership = partnership_with_data(owner=alice, metrics=0, title="Fellowship exchange")
    objective = ObjectiveFactory(partnership=partnership, owner=alice, status="on_track")
    metric = MetricFactory(
        objective=objective,
        name="Fellows trained",
        aggregation=Aggregation.SUM,
        baseline_value=Decimal(0),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal(20),
        target_date=dt.date(2026, 12, 31),
        weight=Decimal(5),
    )
    MeasurementFactory(metric=metric, period_start=dt.date(2025, 4, 1), value=Decimal(4))
    MeasurementFactory(metric=metric, period_start=dt.date(2025, 7, 1), value=Decimal(6))
    return metric


class TestOneMetricOneNumber:
    def test_the_partnership_page_shows_the_running_total_s_progress(self, client, alice, summed):
        client.force_login(alice)
        response = client.get(
            reverse("partnerships:partnership_detail", args=[summed.objective.partnership_id])
        )
        row = next(
            m for o in response.context["objectives"] for m in o.metric_rows if m.pk == summed.pk
        )
        assert row.actual == Decimal(10)
        assert row.progress == 50
        assert "50%" in response.content.decode()

    def test_the_scorecard_the_dashboard_and_the_pdf_agree_with_the_page(self, alice, summed):
        assess(DECEMBER)
        card = Scorecard.objects.select_related("partnership", "reviewer", "policy").get(
            partnership=summed.objective.partnership, period_start=DECEMBER
        )
        result = next(r for r in card.metric_results if r["id"] == summed.pk)
        assert Decimal(result["progress"]) == Decimal("0.5")

        metrics = detail.metrics_with_trajectories(
            summed.objective.partnership_id, today=dt.date(2026, 1, 10)
        )
        reported = [p for p in metrics[0].trajectory if p.actual is not None]
        assert reported[-1].actual == Decimal(10)
        assert reported[-1].progress == Decimal("0.5")

        printed = "\n".join(pdf.render(card).printed)
        assert "Fellows trained" in printed
        assert "50%" in printed


class TestScorecardsAReaderMayRelyOn:
    @pytest.fixture
    def cards(self, alice, rita):
        partnership = partnership_with_data(owner=alice, title="Tele-stroke network")
        assess(DECEMBER)
        assess(dt.date(2025, 11, 1))
        november, december = Scorecard.objects.filter(partnership=partnership).order_by(
            "period_start"
        )
        review.scorecard_approve(scorecard_id=november.pk, reviewer=rita)
        return november, december

    def test_an_executive_relies_on_approved_ones_only(self, cards, erin):
        november, _ = cards
        assert list(Scorecard.objects.visible_to(erin)) == [november]

    def test_provisional_aggregates_count_those_not_yet_reviewed_but_never_a_returned_one(
        self, cards, rita
    ):
        november, december = cards
        assert set(Scorecard.objects.reliable(provisional=True)) == {november, december}
        review.scorecard_return(scorecard_id=december.pk, reviewer=rita, comment="Check Q4")
        assert list(Scorecard.objects.reliable(provisional=True)) == [november]

    def test_a_manager_opens_every_one_of_a_partnership_s_scorecards_a_returned_one_too(
        self, cards, alice, rita
    ):
        november, december = cards
        review.scorecard_return(scorecard_id=december.pk, reviewer=rita, comment="Check Q4")
        assert set(Scorecard.objects.visible_to(alice)) == {november, december}
        november.refresh_from_db()
        december.refresh_from_db()
        assert december.is_provisional and not november.is_provisional

    def test_as_of_a_month_it_leaves_out_later_ones(self, cards):
        november, _ = cards
        assert list(Scorecard.objects.reliable(provisional=True, as_of=november.period_start)) == [
            november
        ]


class TestCodes:
    def test_every_metric_status_has_its_label_and_an_unknown_one_a_dash(self):
        assert status_label(MetricStatus.BEHIND) == "Behind"
        assert status_label("not_due") == "Not yet due"
        assert status_label("") == "—"
        assert status_label(None) == "—"

    def test_the_flags_a_scorecard_stores_are_known_codes(self, alice):
        partnership = partnership_with_data(owner=alice)
        Agreement.objects.filter(partnership=partnership).delete()
        assess(DECEMBER)
        card = Scorecard.objects.get(partnership=partnership)
        codes = {flag["code"] for flag in card.flags}
        assert FlagCode.NO_AGREEMENT in codes
        assert codes <= set(FlagCode.values)


def edit_page_data(client, url, **changes):
    """What the agreement's edit page posts back as opened, with `changes` typed."""
    form = client.get(url).context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data |= changes | {
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "obligations-TOTAL_FORMS": "0",
        "obligations-INITIAL_FORMS": "0",
    }
    return {k: v for k, v in data.items() if v is not False}


class TestAgreementStatus:
    @pytest.fixture
    def expired(self, alice):
        partnership = partnership_with_data(owner=alice)
        return AgreementFactory(
            partnership=partnership,
            status=AgreementStatus.EXPIRED,
            effective_date=dt.date(2023, 1, 1),
            expiry_date=dt.date(2024, 12, 31),
        )

    def test_an_expired_agreement_cannot_go_back_to_draft(self, expired):
        with pytest.raises(ValidationError) as refused:
            partnership_services.agreement_update(
                agreement=expired, fields={"status": AgreementStatus.DRAFT}
            )
        assert "status" in refused.value.message_dict
        expired.refresh_from_db()
        assert expired.status == AgreementStatus.EXPIRED

    def test_the_edit_page_says_why_next_to_the_status_and_saves_nothing(
        self, client, alice, expired
    ):
        client.force_login(alice)
        url = reverse("partnerships:agreement_edit", args=[expired.pk])
        data = edit_page_data(client, url, status="draft", title="Typed again")
        response = client.post(url, data)
        assert response.status_code == 400
        assert "can only become superseded" in " ".join(response.context["form"].errors["status"])
        assert response.context["form"]["title"].value() == "Typed again"
        title = expired.title
        expired.refresh_from_db()
        assert (expired.status, expired.title) == (AgreementStatus.EXPIRED, title)

    def test_the_edit_pages_status_alone_cannot_supersede_it_even_with_a_renewal(
        self, client, alice, expired
    ):
        AgreementFactory(partnership=expired.partnership, changes=expired, change_kind="renewal")
        client.force_login(alice)
        url = reverse("partnerships:agreement_edit", args=[expired.pk])
        response = client.post(url, edit_page_data(client, url, status="superseded"))
        assert response.status_code == 400
        assert "superseded only by one of its renewals" in " ".join(
            response.context["form"].errors["status"]
        )
        expired.refresh_from_db()
        assert expired.status == AgreementStatus.EXPIRED

    def test_an_active_agreement_becomes_terminated(self, alice):
        agreement = Agreement.objects.get(partnership=partnership_with_data(owner=alice))
        partnership_services.agreement_update(
            agreement=agreement, fields={"status": AgreementStatus.TERMINATED}
        )
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.TERMINATED

    def test_the_daily_expiry_follows_the_same_table(self, alice):
        agreement = Agreement.objects.get(partnership=partnership_with_data(owner=alice))
        Agreement.objects.filter(pk=agreement.pk).update(expiry_date=dt.date(2026, 1, 9))
        draft = AgreementFactory(
            partnership=agreement.partnership, status="draft", expiry_date=dt.date(2026, 1, 1)
        )
        assert partnership_services.agreements_expire(today=dt.date(2026, 1, 10)) == 1
        agreement.refresh_from_db()
        draft.refresh_from_db()
        assert (agreement.status, draft.status) == ("expired", "draft")


class TestHooks:
    def test_upper_layers_register_their_reactions(self):
        assert bump_generation in scorecards_changed.receivers
        assert queue_scorecard_returned in scorecard_returned.receivers

    def test_a_reaction_runs_only_once_the_change_commits(self, django_capture_on_commit_callbacks):
        hook, heard = Hook("test"), []
        hook.register(lambda **payload: heard.append(payload))
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            hook.fire_on_commit(event_id=7)
            assert heard == []
        assert heard == [{"event_id": 7}] and len(callbacks) == 1

    def test_a_reaction_fired_now_runs_inside_the_change(self, django_capture_on_commit_callbacks):
        hook, heard = Hook("test"), []
        hook.register(lambda **payload: heard.append(payload))
        with django_capture_on_commit_callbacks() as callbacks:
            hook.fire_now(user=7)
            assert heard == [{"user": 7}]
        assert callbacks == []

    def test_ending_credentials_reaches_the_tokens_and_the_feeds(self):
        assert tokens_revoke_all in credentials_ended.receivers
        assert feed_revoke in credentials_ended.receivers

    def test_a_failing_reaction_does_not_undo_the_change(
        self, alice, rita, django_capture_on_commit_callbacks, caplog
    ):
        partnership = partnership_with_data(owner=alice)
        assess(DECEMBER)
        card = Scorecard.objects.get(partnership=partnership)

        def broken(**payload):
            raise ConnectionError("broker away")

        scorecard_returned.register(broken)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Redo")
        finally:
            scorecard_returned.receivers.remove(broken)
        card.refresh_from_db()
        assert card.review_state == ReviewState.RETURNED
        assert "broker away" in caplog.text
