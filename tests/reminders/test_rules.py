"""The daily reminders: each event reaches the right people, once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from notifications.models import Kind, Notification
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MetricFactory,
    ObjectiveFactory,
    PartnershipFactory,
    user_with_role,
)
from tests.notifications.factories import LeadFactory, ObligationFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 16)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def keys_of(user) -> set[str]:
    return set(Notification.objects.filter(user=user).values_list("key", flat=True))


def recipients(**filters) -> set[str]:
    return set(Notification.objects.filter(**filters).values_list("user__username", flat=True))


def mailed_to(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


class TestAgreements:
    def test_it_reminds_the_owner_and_co_lead_of_an_agreement_expiring_within_90_days(
        self, send, partnership, charlie, erin, rita, mailoutbox
    ):
        PartnershipFactory(owner=charlie)
        agreement = AgreementFactory(
            partnership=partnership, expiry_date=days(80), notice_period_days=30
        )

        counts = send(TODAY)

        key = f"agreement:{agreement.pk}:expires-90:{days(80)}"
        assert recipients(key=key) == {"alice", "bob"}
        assert counts["agreement_expiry"] == 2
        assert Notification.objects.count() == 2  # not charlie, erin or rita
        assert mailed_to(mailoutbox) == ["alice@example.org", "bob@example.org"]
        message = mailoutbox[0]
        assert message.subject == f"[Accord] {agreement.title} expires in 80 days"
        assert "Cardiac fellowship exchange" in message.body
        assert f"/agreements/{agreement.pk}/" in message.body

    def test_it_reminds_at_90_30_and_7_days_and_never_in_between(
        self, send, partnership, alice, mailoutbox
    ):
        # Auto-renewing: beside the expiry reminders only the one before its
        # last day for notice, once.
        agreement = AgreementFactory(
            partnership=partnership,
            expiry_date=days(100),
            auto_renewal=True,
            renewal_term_months=12,
        )

        for offset in range(0, 103):
            send(days(offset))
            send(days(offset))  # a rerun the same day adds nothing

        assert keys_of(alice) == {
            f"agreement:{agreement.pk}:expires-{threshold}:{days(100)}" for threshold in (90, 30, 7)
        } | {f"agreement:{agreement.pk}:renewal-notice:{days(100)}"}
        assert len(mailoutbox) == 4 * 2
        assert "renews itself for 12 months" in mailoutbox[0].body

    def test_first_seen_late_it_reminds_of_the_nearest_threshold_only(
        self, send, partnership, alice
    ):
        agreement = AgreementFactory(
            partnership=partnership, expiry_date=days(5), auto_renewal=True, renewal_term_months=12
        )

        send(TODAY)

        assert keys_of(alice) == {f"agreement:{agreement.pk}:expires-7:{days(5)}"}

    def test_a_renewal_moving_the_expiry_date_reminds_again(self, send, partnership, alice):
        agreement = AgreementFactory(
            partnership=partnership, expiry_date=days(30), auto_renewal=True, renewal_term_months=12
        )
        send(TODAY)
        agreement.expiry_date = days(30 + 365)
        agreement.save()

        send(days(1))
        assert len(keys_of(alice)) == 1
        send(days(30 + 365 - 90))
        assert f"agreement:{agreement.pk}:expires-90:{days(395)}" in keys_of(alice)

    def test_it_reminds_when_the_notice_period_begins(self, send, partnership, alice):
        agreement = AgreementFactory(
            partnership=partnership, expiry_date=days(121), notice_period_days=120
        )

        send(TODAY)
        assert keys_of(alice) == set()

        counts = send(days(1))
        assert keys_of(alice) == {f"agreement:{agreement.pk}:notice:{days(121)}"}
        assert counts["agreement_notice"] == 2  # alice and bob
        notification = Notification.objects.get(user=alice)
        assert notification.subject == f"Notice period: {agreement.title}"
        assert "120-day notice period" in notification.body

    def test_an_auto_renewing_agreement_has_no_notice_reminder(self, send, partnership, alice):
        AgreementFactory(
            partnership=partnership,
            expiry_date=days(100),
            notice_period_days=120,
            auto_renewal=True,
            renewal_term_months=12,
        )

        send(TODAY)

        assert keys_of(alice) == set()

    def test_it_warns_a_month_before_an_auto_renewing_agreement_can_no_longer_be_ended(
        self, send, partnership, alice
    ):
        agreement = AgreementFactory(
            partnership=partnership,
            expiry_date=days(151),
            notice_period_days=120,
            auto_renewal=True,
            renewal_term_months=12,
        )
        key = f"agreement:{agreement.pk}:renewal-notice:{days(151)}"

        send(TODAY)  # the last day for notice is 31 days away
        assert keys_of(alice) == set()

        send(days(1))
        assert keys_of(alice) == {key}
        notification = Notification.objects.get(user=alice)
        assert notification.subject == (
            f"Renews unless notice by {days(31).day} {days(31):%B %Y}: {agreement.title}"
        )
        assert "renews itself for 12 months" in notification.body

        send(days(20))
        send(days(31))
        assert Notification.objects.filter(user=alice).count() == 1

    @pytest.mark.parametrize("status", ["draft", "negotiating", "expired", "terminated"])
    def test_an_agreement_not_in_force_is_not_reminded(self, send, partnership, status):
        AgreementFactory(partnership=partnership, status=status, expiry_date=days(20))

        send(TODAY)

        assert not Notification.objects.exists()

    def test_an_expired_agreement_is_not_reminded(self, send, partnership):
        AgreementFactory(partnership=partnership, expiry_date=days(-1))

        send(TODAY)

        assert not Notification.objects.exists()


class TestObligations:
    def test_it_reminds_the_owners_a_week_before_an_obligation_is_due(
        self, send, partnership, charlie, erin
    ):
        agreement = AgreementFactory(partnership=partnership)
        due = ObligationFactory(agreement=agreement, due_date=days(7))
        ObligationFactory(agreement=agreement, due_date=days(8))
        ObligationFactory(agreement=agreement, due_date=days(2), completed_on=TODAY)

        counts = send(TODAY)

        assert recipients() == {"alice", "bob"}
        assert set(Notification.objects.values_list("key", flat=True)) == {
            f"obligation:{due.pk}:due:{days(7)}"
        }
        assert counts["obligation_due"] == 2
        assert Notification.objects.filter(subject=f"Due in 7 days: {due.description}").count() == 2

    def test_it_reminds_once_more_when_the_obligation_is_overdue(self, send, partnership, alice):
        obligation = ObligationFactory(
            agreement=AgreementFactory(partnership=partnership), due_date=days(3)
        )

        for offset in range(0, 40):
            send(days(offset))

        assert keys_of(alice) == {
            f"obligation:{obligation.pk}:due:{days(3)}",
            f"obligation:{obligation.pk}:overdue:{days(3)}",
        }

    def test_an_obligation_overdue_for_more_than_a_month_is_left_alone(self, send, partnership):
        ObligationFactory(agreement=AgreementFactory(partnership=partnership), due_date=days(-31))

        send(TODAY)

        assert not Notification.objects.exists()

    def test_an_obligation_of_an_agreement_not_in_force_is_left_alone(self, send, partnership):
        agreement = AgreementFactory(partnership=partnership, status="terminated")
        ObligationFactory(agreement=agreement, due_date=days(1))

        send(TODAY)

        assert not Notification.objects.exists()


class TestMetrics:
    @pytest.fixture
    def metric(self, partnership, bob):
        """Quarterly, owned by bob, reported up to the last quarter of 2025."""
        objective = ObjectiveFactory(partnership=partnership)
        metric = MetricFactory(objective=objective, owner=bob, name="Fellows placed")
        MeasurementFactory(metric=metric, period_start=dt.date(2025, 10, 1), entered_by=bob)
        return metric

    def test_it_reminds_the_metric_and_partnership_owners_of_a_missing_value(
        self, send, metric, charlie, erin
    ):
        counts = send(dt.date(2026, 4, 16))

        assert recipients(key=f"metric:{metric.pk}:missing:2026-01-01") == {"alice", "bob"}
        assert counts["metric_missing"] == 2
        notification = Notification.objects.get(user__username="bob")
        assert notification.subject == "No value for Q1 2026: Fellows placed"
        assert "expected by 15 April 2026" in notification.body

    def test_it_gives_fifteen_days_after_the_period_closes(self, send, metric):
        send(dt.date(2026, 4, 15))

        assert not Notification.objects.exists()

    def test_a_reported_period_is_not_reminded(self, send, metric, bob):
        MeasurementFactory(metric=metric, period_start=dt.date(2026, 1, 1), entered_by=bob)

        send(dt.date(2026, 4, 16))

        assert not Notification.objects.exists()

    def test_the_owner_of_both_is_reminded_once(self, send, partnership, alice):
        metric = MetricFactory(objective__partnership=partnership, frequency="monthly")
        assert metric.owner == alice

        send(dt.date(2026, 4, 16))

        assert keys_of(alice) == {f"metric:{metric.pk}:missing:2026-03-01"}
        assert Notification.objects.count() == 1

    def test_a_metric_whose_baseline_falls_in_the_period_is_not_reminded(self, send, partnership):
        MetricFactory(
            objective__partnership=partnership,
            baseline_date=dt.date(2026, 2, 10),
            target_date=dt.date(2027, 1, 1),
        )

        send(dt.date(2026, 4, 16))

        assert not Notification.objects.exists()

    def test_inactive_metrics_and_ended_partnerships_are_not_reminded(self, send, alice):
        MetricFactory(objective__partnership__owner=alice, is_active=False)
        MetricFactory(
            objective__partnership__owner=alice,
            objective__partnership__stage="completed",
            objective__partnership__end_date=dt.date(2026, 3, 1),
        )
        MetricFactory(objective__partnership__owner=alice, objective__partnership__stage="outreach")

        send(dt.date(2026, 4, 16))

        assert not Notification.objects.exists()


class TestReviewDigest:
    @pytest.fixture
    def victor(self, db):
        """A second reviewer, who also owns a partnership."""
        return user_with_role("victor", Role.REVIEWER, first_name="Victor")

    def test_each_reviewer_gets_one_digest_without_their_own_partnerships(
        self, send, partnership, rita, victor, alice, erin
    ):
        ScorecardFactory(partnership=partnership, period_start=dt.date(2026, 3, 1))
        ScorecardFactory(partnership=partnership, period_start=dt.date(2026, 2, 1), flags=[{}])
        ScorecardFactory(partnership__owner=victor, partnership__title="Victor's own")
        co_led = PartnershipFactory(title="Co-led by rita")
        # A co-lead is a partnership manager: rita is both.
        rita.groups.add(Group.objects.get(name=Role.MANAGER))
        LeadFactory(partnership=co_led, user=rita)
        ScorecardFactory(partnership=co_led)
        ScorecardFactory(
            partnership__title="Approved already",
            review_state="approved",
            reviewer=rita,
            reviewed_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
        )
        ScorecardFactory(partnership__title="Still a draft", review_state="draft")

        counts = send(TODAY)

        assert counts["review_digest"] == 2
        assert recipients(kind="review_digest") == {"rita", "victor"}
        digest = Notification.objects.get(user=rita, key=f"review-digest:{TODAY}")
        assert digest.subject == "3 scorecards awaiting your review"
        assert digest.body.splitlines() == [
            "Newest period first:",
            "- Victor's own, May 2026: Amber, 0 flags",
            "- Cardiac fellowship exchange, March 2026: Amber, 0 flags",
            "- Cardiac fellowship exchange, February 2026: Amber, 1 flag",
        ]
        assert digest.url == "/evaluation/review/"
        victors = Notification.objects.get(user=victor)
        assert victors.subject == "3 scorecards awaiting your review"
        assert "Victor's own" not in victors.body
        assert "Co-led by rita" in victors.body

    def test_it_is_sent_once_a_day(self, send, rita, mailoutbox):
        ScorecardFactory()

        send(TODAY)
        send(TODAY)
        send(days(1))

        assert keys_of(rita) == {f"review-digest:{TODAY}", f"review-digest:{days(1)}"}
        assert len(mailoutbox) == 2

    def test_no_digest_when_nothing_awaits_review(self, send, rita):
        ScorecardFactory(
            review_state="approved",
            reviewer=rita,
            reviewed_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
        )

        send(TODAY)

        assert not Notification.objects.exists()

    def test_a_long_queue_is_listed_in_part_and_counted_in_full(self, send, rita):
        for month in range(1, 13):
            for _ in range(2):
                ScorecardFactory(
                    period_start=dt.date(2025, month, 1),
                    period_end=dt.date(2025, month, 28),
                )

        send(TODAY)

        digest = Notification.objects.get(user=rita)
        assert digest.subject == "24 scorecards awaiting your review"
        lines = digest.body.splitlines()
        assert len(lines) == 1 + 20 + 1
        assert lines[-1] == "… and 4 more."
        assert "December 2025" in lines[1]


class TestChannels:
    def test_an_inbox_only_user_is_not_emailed(self, send, partnership, bob, mailoutbox):
        bob.reminder_channel = "inbox"
        bob.save()
        AgreementFactory(partnership=partnership, expiry_date=days(20))

        send(TODAY)

        assert recipients() == {"alice", "bob"}
        assert mailed_to(mailoutbox) == ["alice@example.org", "alice@example.org"]
        assert Notification.objects.filter(user=bob, emailed_at__isnull=True).count() == 2

    def test_a_user_without_an_email_address_gets_the_inbox_only(
        self, send, partnership, bob, mailoutbox
    ):
        bob.email = ""
        bob.save()
        ObligationFactory(agreement=AgreementFactory(partnership=partnership), due_date=days(1))

        send(TODAY)

        assert recipients() == {"alice", "bob"}
        assert mailed_to(mailoutbox) == ["alice@example.org"]

    def test_an_inactive_user_is_not_reminded(self, send, partnership, bob):
        bob.is_active = False
        bob.save()
        ObligationFactory(agreement=AgreementFactory(partnership=partnership), due_date=days(1))

        send(TODAY)

        assert recipients() == {"alice"}


class TestOnce:
    def test_a_second_run_the_same_day_stores_and_sends_nothing(
        self, send, partnership, bob, rita, mailoutbox
    ):
        agreement = AgreementFactory(partnership=partnership, expiry_date=days(60))
        ObligationFactory(agreement=agreement, due_date=days(-2))
        metric = MetricFactory(objective__partnership=partnership, owner=bob)
        MeasurementFactory(metric=metric, period_start=dt.date(2025, 10, 1), value=Decimal(12))
        ScorecardFactory()

        first = send(TODAY)
        stored, mailed = Notification.objects.count(), len(mailoutbox)
        second = send(TODAY)

        # Every kind is counted; the others (returned scorecards, early
        # warnings, …) have none today.
        assert {kind: count for kind, count in first.items() if count} == {
            "agreement_notice": 2,
            "agreement_expiry": 2,
            "obligation_overdue": 2,
            "metric_missing": 2,
            "review_digest": 1,
        }
        assert set(first) == set(Kind.values)
        assert stored == mailed == 9
        assert not any(second.values())
        assert Notification.objects.count() == stored
        assert len(mailoutbox) == mailed
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_an_obligation_typed_over_two_lines_is_still_emailed(send, partnership, mailoutbox):
    # Typed on the agreement's page, where the description's model tidies it.
    obligation = ObligationFactory.build(
        agreement=AgreementFactory(partnership=partnership),
        description="Annual report\nto the board",
        due_date=days(7),
    )
    obligation.full_clean()
    obligation.save()

    send(TODAY)

    assert (
        sorted(message.subject for message in mailoutbox)
        == ["[Accord] Due in 7 days: Annual report to the board"] * 2
    )
