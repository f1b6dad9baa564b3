"""Reviewers start assessments and publish policy versions from the web."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from evaluation import services
from evaluation.models import AssessmentRun, ScoringPolicy
from tests.factories import UserFactory, partnership_with_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def completed_run(partnerships=2):
    for _ in range(partnerships):
        partnership_with_data()
    run = services.assessment_run_start(period_start=dt.date(2025, 10, 1), chunk_size=2)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    return run


class TestRunNow:
    def test_a_reviewer_starts_a_run_and_its_chunks_are_sent(
        self, client, rita, django_capture_on_commit_callbacks
    ):
        partnership_with_data()
        client.force_login(rita)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("evaluation:runs"), {"period_start": "2025-10-01"})
        run = AssessmentRun.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("evaluation:run", args=[run.pk])
        assert (run.trigger, run.started_by, run.status) == ("manual", rita, "running")
        assert len(callbacks) == 1  # the chunks go to the broker after the commit

    def test_a_second_run_of_a_period_under_way_is_refused_next_to_the_field(self, client, rita):
        partnership_with_data()
        services.assessment_run_start(period_start=dt.date(2025, 10, 1))
        client.force_login(rita)
        response = client.post(reverse("evaluation:runs"), {"period_start": "2025-10-01"})
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "period_start": ["An assessment of this period is already under way."]
        }
        assert AssessmentRun.objects.count() == 1

    def test_a_month_not_offered_is_refused(self, client, rita):
        client.force_login(rita)
        response = client.post(reverse("evaluation:runs"), {"period_start": "2025-11-01"})
        assert response.status_code == 400
        assert "period_start" in response.context["form"].errors
        assert not AssessmentRun.objects.exists()

    @pytest.mark.parametrize("who", ["alice", "erin"])
    def test_managers_and_executives_cannot_start_a_run(self, client, who, request):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("evaluation:runs")).context["can_start"] is False
        response = client.post(reverse("evaluation:runs"), {"period_start": "2025-10-01"})
        assert response.status_code == 403
        assert not AssessmentRun.objects.exists()


class TestRunPages:
    def test_the_run_page_shows_scorecards_with_their_flags(self, client, rita):
        # (An executive sees its approved ones only: tests/evaluation/test_review_views.py.)
        run = completed_run()
        client.force_login(rita)
        response = client.get(reverse("evaluation:run", args=[run.pk]))
        assert response.status_code == 200
        assert len(response.context["scorecards"]) == 2
        assert b"Completed" in response.content

    def test_a_poll_while_under_way_gets_the_progress_only(self, client, rita):
        partnership_with_data()
        run = services.assessment_run_start(period_start=dt.date(2025, 10, 1))
        client.force_login(rita)
        response = client.get(reverse("evaluation:run", args=[run.pk]), HTTP_HX_REQUEST="true")
        assert b"0 of 1 batches assessed" in response.content
        assert "HX-Refresh" not in response

    @pytest.mark.parametrize("size", [2, 12])
    def test_the_run_page_queries_do_not_grow(self, client, erin, size, django_assert_num_queries):
        run = completed_run(partnerships=size)
        client.force_login(erin)
        # session, user, savepoint, user and group permissions, run, chunks,
        # scorecards with partnerships, unread notifications (menu), release
        # (no skipped or failed partnerships: their titles need no query)
        with django_assert_num_queries(10):
            client.get(reverse("evaluation:run", args=[run.pk]))

    @pytest.mark.parametrize("size", [5, 50])
    def test_the_runs_list_queries_do_not_grow(self, client, erin, size, django_assert_num_queries):
        policy = ScoringPolicy.objects.get()
        AssessmentRun.objects.bulk_create(
            AssessmentRun(
                period_start=dt.date(2020 + i // 12, i % 12 + 1, 1),
                period_end=dt.date(2020 + i // 12, i % 12 + 1, 28),
                policy=policy,
                status="completed",
            )
            for i in range(size)
        )
        client.force_login(erin)
        # session, user, savepoint, user and group permissions, count, page of
        # runs with their policies and starters, unread notifications, release
        with django_assert_num_queries(9):
            client.get(reverse("evaluation:runs"))


class TestPolicy:
    VALUES = {
        "name": "Outcomes first",
        "weight_outcomes": "60",
        "weight_objectives": "20",
        "weight_health": "10",
        "weight_agreement": "10",
        "green_from": "80",
        "amber_from": "55",
        "on_track_tolerance": "0.15",
        "attainment_cap": "1.2",
        "trend_min_change": "3",
        "expiry_warning_days": "90",
        "warning_health_drop": "10",
        "warning_outcomes_drop": "10",
        "warning_signals_needed": "2",
        "notes": "",
    }

    def test_a_reviewer_publishes_a_new_version(self, client, rita):
        client.force_login(rita)
        response = client.post(reverse("evaluation:policy"), self.VALUES)
        assert response.status_code == 302
        active = ScoringPolicy.objects.get(is_active=True)
        assert (active.version, active.name, active.created_by) == (2, "Outcomes first", rita)
        assert ScoringPolicy.objects.get(version=1).is_active is False

    def test_bands_upside_down_are_refused_next_to_the_field_and_kept(self, client, rita):
        client.force_login(rita)
        response = client.post(reverse("evaluation:policy"), self.VALUES | {"amber_from": "85"})
        assert response.status_code == 400
        assert response.context["form"].errors == {"amber_from": ["Amber must start below green."]}
        assert b'value="85"' in response.content
        assert ScoringPolicy.objects.count() == 1

    @pytest.mark.parametrize("points, published", [("-0.01", False), ("0", True), ("0.01", True)])
    def test_a_negative_trend_threshold_is_refused_next_to_the_field(
        self, client, rita, points, published
    ):
        """With -50, a score that fell 40 points would have shown as a rise."""
        client.force_login(rita)
        response = client.post(
            reverse("evaluation:policy"), self.VALUES | {"trend_min_change": points}
        )
        assert ScoringPolicy.objects.filter(version=2).exists() is published
        if not published:
            assert response.status_code == 400
            assert response.context["form"].errors == {
                "trend_min_change": [
                    "The trend's threshold cannot be negative: give 0 points or more."
                ]
            }
            assert f'value="{points}"'.encode() in response.content

    def test_the_early_warning_thresholds_are_published_with_the_version(self, client, rita):
        client.force_login(rita)
        assert b'name="warning_signals_needed"' in client.get(reverse("evaluation:policy")).content
        changes = {
            "warning_health_drop": "15",
            "warning_outcomes_drop": "12.5",
            "warning_signals_needed": "3",
        }
        client.post(reverse("evaluation:policy"), self.VALUES | changes)
        active = ScoringPolicy.objects.get(is_active=True)
        assert (
            active.version,
            active.warning_health_drop,
            active.warning_outcomes_drop,
            active.warning_signals_needed,
        ) == (2, Decimal("15"), Decimal("12.5"), 3)

    def test_a_threshold_out_of_range_is_refused_next_to_its_field(self, client, rita):
        client.force_login(rita)
        response = client.post(
            reverse("evaluation:policy"), self.VALUES | {"warning_signals_needed": "5"}
        )
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["warning_signals_needed"]
        assert ScoringPolicy.objects.count() == 1

    def test_a_manager_cannot_publish(self, client, alice):
        client.force_login(alice)
        assert client.post(reverse("evaluation:policy"), self.VALUES).status_code == 403
        assert ScoringPolicy.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_publishing_at_once_get_two_versions_and_one_active(rita):
    import threading

    from django.db import connections

    other = UserFactory(username="rolf", role="Reviewer")
    values = {name: getattr(ScoringPolicy.objects.get(), name) for name in services.POLICY_FIELDS}
    barrier, failures = threading.Barrier(2), []

    def publish(reviewer):
        barrier.wait()
        try:
            services.policy_publish(created_by=reviewer, **(values | {"name": reviewer.username}))
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(user,)) for user in (rita, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert sorted(ScoringPolicy.objects.values_list("version", flat=True)) == [1, 2, 3]
    assert ScoringPolicy.objects.filter(is_active=True).count() == 1
