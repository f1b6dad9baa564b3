"""The partnership dashboard: what it shows equals what the database holds,
who sees which scorecards, and a number of queries that does not grow."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.formatting import short_date
from core.numbers import score_text
from dashboards.detail import working_hours
from evaluation import review, services
from evaluation.models import Scorecard
from partnerships.models import Agreement
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MemberFactory,
    MetricFactory,
    PartnerFactory,
    UserFactory,
    partnership_with_data,
)

# Mid-January 2026: every month of 2025 has closed; London changes its clocks
# on 29 March 2026, Nairobi never does.
TODAY = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
MONTHS_2025 = [dt.date(2025, month, 1) for month in range(1, 13)]


@pytest.fixture(autouse=True)
def january_2026():
    with time_machine.travel(TODAY, tick=False):
        yield


def assess(months):
    """Assess every active partnership for each month, through the real runs."""
    for month in months:
        run = services.assessment_run_start(period_start=month)
        for chunk_id in services.assessment_run_pending_chunks(run=run):
            services.assessment_chunk_execute(chunk_id=chunk_id)


def approve(partnership, months, reviewer):
    for card in Scorecard.objects.filter(partnership=partnership, period_start__in=months):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=reviewer)


def chart_spec(response, chart_id):
    """The chart spec the page hands to its script, read back from the HTML."""
    html = response.content.decode()
    match = re.search(rf'<script id="{chart_id}-spec" type="application/json">(.*?)</script>', html)
    assert match, f"no spec for {chart_id}"
    return json.loads(match.group(1))


def dataset(spec, label):
    return next(d["data"] for d in spec["datasets"] if d["label"] == label)


def url(partnership):
    return reverse("dashboards:partnership", args=[partnership.pk])


@pytest.fixture
def partnership(db, alice):
    partnership = partnership_with_data(owner=alice, metrics=1)
    assess(MONTHS_2025[-3:])
    return partnership


@pytest.mark.django_db
class TestWhatItShows:
    def test_it_shows_the_latest_scorecard_as_stored(self, client, alice, partnership):
        client.force_login(alice)
        response = client.get(url(partnership))
        assert response.status_code == 200
        latest = Scorecard.objects.filter(partnership=partnership).order_by("period_start").last()
        assert latest.period_start == dt.date(2025, 12, 1)
        assert response.context["latest"] == latest
        html = response.content.decode()
        # Stored to the cent, shown as a whole number, half up (core.numbers).
        assert f'id="latest-overall">{score_text(latest.overall_score)}<' in html
        assert "Latest scorecard: December 2025" in html
        assert latest.flags
        for flag in latest.flags:
            assert flag["message"] in html

    def test_its_history_chart_holds_every_scorecard_and_component(
        self, client, alice, partnership
    ):
        client.force_login(alice)
        spec = chart_spec(client.get(url(partnership)), "scorecard-history")
        cards = list(Scorecard.objects.filter(partnership=partnership).order_by("period_start"))
        assert len(spec["labels"]) == len(cards) == 3
        assert dataset(spec, "Overall") == [float(c.overall_score) for c in cards]
        assert dataset(spec, "Agreement") == [float(c.agreement_score) for c in cards]
        assert spec["links"] == [reverse("evaluation:scorecard", args=[c.pk]) for c in cards]

    def test_a_metric_is_shown_against_its_planned_trajectory(self, client, alice, partnership):
        """Baseline 10 on 1 Jan 2025, target 50 on 31 Dec 2026, reported quarterly
        with the latest value: the plan is a straight line between the two dates."""
        client.force_login(alice)
        response = client.get(url(partnership))
        metric = partnership.objectives.get().metrics.get()
        spec = chart_spec(response, f"metric-chart-{metric.pk}")
        assert spec["labels"][:4] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
        assert spec["labels"][-1] == "Q4 2026"
        assert dataset(spec, "Actual")[:4] == [14, 18, 24, None]
        span = (dt.date(2026, 12, 31) - dt.date(2025, 1, 1)).days
        for index, quarter_end in enumerate(
            [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)]
        ):
            planned = 10 + 40 * (quarter_end - dt.date(2025, 1, 1)).days / span
            assert dataset(spec, "Planned")[index] == pytest.approx(planned)
        assert dataset(spec, "Planned")[-1] == 50
        assert set(dataset(spec, "Target")) == {50}
        # The chart's table is its trajectory: Q3's 24 against 24.92 planned
        # (10 + 40 × 272/729 days), 35% of the way; one table, not two.
        html = response.content.decode()
        table = html[html.index(f'id="metric-chart-{metric.pk}-table"') :]
        table = table[: table.index("</table>")]
        assert metric.unit
        assert re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table) == [
            "", f"Actual ({metric.unit})", f"Planned ({metric.unit})", "Progress"
        ]  # fmt: skip
        assert re.search(r"Q3 2025</th>\s*<td[^>]*>24</td>\s*<td[^>]*>24.92</td>\s*"
                         r"<td[^>]*>35%</td>", table)  # fmt: skip
        assert "Targets vs actuals by period" not in html

    def test_a_summed_metric_counts_what_was_added_since_its_baseline(self, client, alice):
        partnership = partnership_with_data(owner=alice, metrics=0)
        metric = MetricFactory(
            objective__partnership=partnership, aggregation="sum", baseline_value=Decimal(0)
        )
        for quarter, value in ((1, 5), (4, 7), (7, 9)):
            MeasurementFactory(metric=metric, period_start=dt.date(2025, quarter, 1), value=value)
        client.force_login(alice)
        spec = chart_spec(client.get(url(partnership)), f"metric-chart-{metric.pk}")
        assert dataset(spec, "Actual")[:4] == [5, 12, 21, None]

    def test_it_lists_objectives_agreements_and_amendments(self, client, alice, partnership):
        original = Agreement.objects.get(partnership=partnership)
        AgreementFactory(
            partnership=partnership,
            title="Amendment on data sharing",
            changes=original,
            change_kind="amendment",
            effective_date=dt.date(2025, 6, 1),
            expiry_date=dt.date(2027, 12, 31),
        )
        client.force_login(alice)
        html = client.get(url(partnership)).content.decode()
        objective = partnership.objectives.get()
        assert f'id="objective-{objective.pk}"' in html
        assert f"Amendment of “{original.title}”" in html
        assert f"notice by {short_date(original.notice_date)}" in html
        assert f"expires {short_date(original.expiry_date)}" in html

    def test_it_shows_members_where_they_are_and_the_hours_we_share(
        self, client, alice, partnership
    ):
        member = partnership.members.get()
        client.force_login(alice)
        response = client.get(url(partnership))
        html = response.content.decode()
        spec = chart_spec(response, "members-map")
        assert [(c["code"], c["value"]) for c in spec["countries"]] == [("KE", 1)]
        assert member.partner.name in html
        assert "Kenya — Nairobi<br>now 12:00" in html  # 09:00 UTC
        # London (09–17 GMT) and Nairobi (09–17 EAT = 06–14 GMT) share 09–14.
        assert "5 h," in html and "09:00–14:00 our time" in html
        # Once London moves to summer time, it shares 08–14 UTC: six hours.
        assert "From 29 Mar 2026 a clock change" in html and "6 h, 09:00–15:00 our time" in html

    def test_a_flag_links_to_the_record_behind_it(self, client, alice):
        partnership = partnership_with_data(owner=alice, metrics=1)
        obligation = partnership.agreements.get().obligations.create(
            description="Send the annual report", due_date=dt.date(2025, 6, 30)
        )
        assess(MONTHS_2025[-1:])
        metric = partnership.objectives.get().metrics.get()
        client.force_login(alice)
        response = client.get(url(partnership))
        urls = {flag["code"]: flag["url"] for flag in response.context["flags"]}
        assert urls["not_reported"] == f"{url(partnership)}#metric-{metric.pk}"
        assert urls["obligation_overdue"] == reverse(
            "partnerships:record", args=["partnerships.obligation", obligation.pk]
        )
        assert f'href="{urls["obligation_overdue"]}"' in response.content.decode()


@pytest.mark.django_db
class TestWhoSeesWhat:
    def test_a_draft_is_labelled_provisional(self, client, alice, partnership):
        client.force_login(alice)
        response = client.get(url(partnership))
        assert "data-provisional" in response.content.decode()
        labels = chart_spec(response, "scorecard-history")["labels"]
        assert labels == [
            "Oct 2025 (provisional)",
            "Nov 2025 (provisional)",
            "Dec 2025 (provisional)",
        ]

    def test_an_approved_scorecard_is_not_provisional(self, client, alice, rita, partnership):
        approve(partnership, MONTHS_2025[-3:], rita)
        client.force_login(alice)
        response = client.get(url(partnership))
        assert "data-provisional" not in response.content.decode()
        assert "provisional" not in " ".join(chart_spec(response, "scorecard-history")["labels"])

    def test_an_executive_sees_approved_scorecards_only(self, client, erin, rita, partnership):
        approve(partnership, MONTHS_2025[-3:-1], rita)  # October and November
        client.force_login(erin)
        response = client.get(url(partnership))
        assert response.context["latest"].period_start == dt.date(2025, 11, 1)
        assert chart_spec(response, "scorecard-history")["labels"] == ["Oct 2025", "Nov 2025"]
        assert "data-provisional" not in response.content.decode()

    def test_a_reviewer_sees_the_scorecard_in_review_as_provisional(
        self, client, rita, partnership
    ):
        client.force_login(rita)
        response = client.get(url(partnership))
        assert response.context["latest"].period_start == dt.date(2025, 12, 1)
        assert "data-provisional" in response.content.decode()

    def test_an_executive_sees_no_scorecard_before_one_is_approved(self, client, erin, partnership):
        client.force_login(erin)
        response = client.get(url(partnership))
        assert response.context["latest"] is None
        assert "No approved scorecard yet." in response.content.decode()

    def test_a_user_without_a_role_is_asked_to_get_one(self, client, partnership):
        client.force_login(UserFactory(username="charlie"))
        response = client.get(url(partnership))
        assert response.status_code == 403
        assert b"You have no role in Accord yet" in response.content
        assert partnership.title not in response.content.decode()

    def test_an_unknown_partnership_is_404(self, client, alice):
        client.force_login(alice)
        assert client.get(reverse("dashboards:partnership", args=[999_999])).status_code == 404

    def test_a_visitor_is_sent_to_sign_in(self, client, partnership):
        response = client.get(url(partnership))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def grow(partnership, *, metrics, members):
    objective = partnership.objectives.get()
    for index in range(metrics):
        metric = MetricFactory(objective=objective, name=f"Extra metric {index}")
        for quarter in (1, 4, 7, 10):
            MeasurementFactory(metric=metric, period_start=dt.date(2025, quarter, 1))
    for index in range(members):
        MemberFactory(
            partnership=partnership,
            partner=PartnerFactory(country="JP", time_zone="Asia/Tokyo", name=f"東京 {index}"),
        )
    if metrics:
        # An amendment renewing itself: every field of the agreement timeline
        # is read (a field left unfetched would cost a query per agreement).
        AgreementFactory(
            partnership=partnership,
            changes=partnership.agreements.get(),
            change_kind="amendment",
            expiry_date=dt.date(2027, 12, 31),
            auto_renewal=True,
            renewal_term_months=12,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["alice", "erin"])
@pytest.mark.parametrize(
    "months, metrics, members", [(MONTHS_2025[-3:], 0, 0), (MONTHS_2025, 4, 3)]
)
def test_its_queries_do_not_grow_with_periods_metrics_or_members(
    client, request, rita, django_assert_max_num_queries, viewer, months, metrics, members
):
    """3 vs 12 periods, 1 vs 5 metrics, 1 vs 4 members, 1 vs 2 agreements, the same 14 queries:
    session, user, savepoint, user permissions, group permissions, the
    partnership, its scorecards, metrics, measurements, objectives, agreements,
    members, unread notifications, release."""
    user = request.getfixturevalue(viewer)
    partnership = partnership_with_data(owner=request.getfixturevalue("alice"), metrics=1)
    grow(partnership, metrics=metrics, members=members)
    assess(months)
    approve(partnership, months, rita)
    client.force_login(user)
    with django_assert_max_num_queries(14):
        response = client.get(url(partnership))
    assert len(response.context["scorecards"]) == len(months)
    assert len(response.context["metrics"]) == 1 + metrics
    assert len(response.context["members"]) == 1 + members


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["partnership", "partnership_csv", "partnership_xlsx", "partnership_scorecard_pdf"]
)
def test_nothing_here_takes_a_post(client, erin, partnership, name):
    client.force_login(erin)
    assert client.post(reverse(f"dashboards:{name}", args=[partnership.pk])).status_code == 405


@pytest.mark.django_db
class TestMetricsAndHours:
    def test_a_metric_without_a_target_shows_its_actuals_only(self, client, alice):
        partnership = partnership_with_data(owner=alice, metrics=0)
        metric = MetricFactory(
            objective__partnership=partnership, target_value=None, target_date=None
        )
        MeasurementFactory(metric=metric, period_start=dt.date(2025, 10, 1), value=7)
        client.force_login(alice)
        response = client.get(url(partnership))
        spec = chart_spec(response, f"metric-chart-{metric.pk}")
        assert [d["label"] for d in spec["datasets"]] == ["Actual"]
        assert spec["labels"] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
        assert dataset(spec, "Actual") == [None, None, None, 7]
        # Its table: the actuals alone, with no plan to set them against.
        html = response.content.decode()
        table = html[html.index(f'id="metric-chart-{metric.pk}-table"') :]
        table = table[: table.index("</table>")]
        assert re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table) == [
            "", f"Actual ({metric.unit})"
        ]  # fmt: skip
        assert re.search(r"Q4 2025</th>\s*<td[^>]*>7</td></tr>", table)

    def test_a_long_monthly_metric_shows_its_latest_five_years(self, client, alice):
        partnership = partnership_with_data(owner=alice, metrics=0)
        metric = MetricFactory(
            objective__partnership=partnership,
            frequency="monthly",
            baseline_date=dt.date(2015, 1, 1),
            target_date=None,
            target_value=None,
        )
        client.force_login(alice)
        spec = chart_spec(client.get(url(partnership)), f"metric-chart-{metric.pk}")
        assert len(spec["labels"]) == 60
        assert (spec["labels"][0], spec["labels"][-1]) == ("Jan 2021", "Dec 2025")

    @pytest.mark.parametrize("frequency", ["monthly", "quarterly"])
    def test_a_target_date_stored_far_outside_any_use_does_not_break_the_page(
        self, client, alice, frequency
    ):
        partnership = partnership_with_data(owner=alice, metrics=1)
        metric = partnership.objectives.get().metrics.get()
        # Past what the forms take (see core.dates): stored by hand, or before the rule.
        type(metric).objects.filter(pk=metric.pk).update(
            frequency=frequency, baseline_date=dt.date(1, 1, 1), target_date=dt.date(9999, 12, 31)
        )
        assess(MONTHS_2025[-1:])  # the scoring reads the target date too
        client.force_login(alice)
        response = client.get(url(partnership))
        assert response.status_code == 200
        labels = chart_spec(response, f"metric-chart-{metric.pk}")["labels"]
        # The walk stops at the end of the window dates are kept to: 2076.
        assert labels[-1] in ("Dec 2076", "Q4 2076")
        for name in ("partnership_csv", "partnership_xlsx", "partnership_scorecard_pdf"):
            response = client.get(reverse(f"dashboards:{name}", args=[partnership.pk]))
            assert response.status_code == 200, name

    def test_offices_that_never_overlap_share_no_hours(self, client, alice):
        partnership = partnership_with_data(owner=alice, metrics=0)
        MemberFactory(
            partnership=partnership,
            partner=PartnerFactory(country="NZ", time_zone="Pacific/Auckland"),
        )
        client.force_login(alice)
        response = client.get(url(partnership))
        hours = response.context["hours"]
        assert hours.today is None
        # Auckland leaves summer time on 5 April 2026, London enters it on 29 March.
        assert hours.changes_on == dt.date(2026, 3, 29)
        assert "none: the office hours (9 to 5) do not overlap" in response.content.decode()


def test_clocks_that_change_together_move_nothing():
    # London and Paris both change their clocks on 29 March 2026: still 7 hours.
    hours = working_hours(["Europe/Paris"], today=dt.date(2026, 1, 14))
    assert hours.today.hours == 7
    assert hours.changes_on is None
    # Nairobi keeps its clock: London's change moves what they share.
    nairobi = working_hours(["Africa/Nairobi"], today=dt.date(2026, 1, 14))
    assert (nairobi.today.hours, nairobi.changes_on, nairobi.then.hours) == (
        5,
        dt.date(2026, 3, 29),
        6,
    )
