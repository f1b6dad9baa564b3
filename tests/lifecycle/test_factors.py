"""The portfolio view of factors, its counts checked against the database counted
another way."""

import datetime as dt

import pytest
from django.urls import reverse

from lifecycle import factors, services
from lifecycle.models import EarlyWarning, FitAssessment, LessonFactor
from tests.factories import MemberFactory, PartnerFactory, PartnershipFactory
from tests.health.builders import closed_round

from .helpers import factor

pytestmark = pytest.mark.django_db

JUDGED_AVERAGE = {
    f"{code}_rating": 3
    for code in ("goals", "strengths", "prior", "languages", "hours", "regulatory")
}


def partnership(owner, stage, *, sector, country, **fields):
    ended = stage in ("completed", "failed", "withdrawn")
    made = PartnershipFactory(
        owner=owner,
        stage=stage,
        end_date=dt.date(2026, 6, 30) if ended else None,
        **fields,
        member=False,
    )
    MemberFactory(partnership=made, partner=PartnerFactory(sector=sector, country=country))
    return made


def lessons(owner, made, **effects):
    services.lesson_record(
        partnership=made,
        by=owner,
        summary="",
        entries=[
            services.LessonEntry(factor=factor(code.replace("_", "-")), effect=effect)
            for code, effect in effects.items()
        ],
    )


@pytest.fixture
def portfolio(alice):
    failed = partnership(alice, "failed", sector="industry", country="DE", title="Failed DE")
    lessons(alice, failed, trust="hindered", communication="hindered", leadership="helped")
    completed = partnership(alice, "completed", sector="academic", country="KE", title="Done KE")
    lessons(alice, completed, trust="helped", shared_vision="helped")
    struggling = partnership(alice, "active", sector="government", country="KE", title="Hard KE")
    warning = EarlyWarning.objects.create(
        partnership=struggling,
        raised_on=dt.date(2026, 11, 1),
        signals=[{"code": "missed_targets", "evidence": "x"}],
        evidence_key="2026-10:missed_targets",
    )
    services.early_warning_confirm(
        warning=warning,
        by=alice,
        recovery_plan="Reset",
        recovery_by=dt.date(2027, 2, 1),
        today=dt.date(2026, 11, 20),
        factors=[factor("trust"), factor("roles")],
    )
    prospect = partnership(alice, "outreach", sector="nonprofit", country="US", title="Maybe US")
    services.fit_assessment_record(
        partnership=prospect,
        by=alice,
        today=dt.date(2026, 11, 20),
        recommendation="conditions",
        **JUDGED_AVERAGE | {"languages_rating": 1, "goals_rating": 5},
    )
    return {
        "failed": failed,
        "completed": completed,
        "struggling": struggling,
        "prospect": prospect,
    }


def expected(code, effect, stages):
    """The partnerships at these stages with this factor and effect, counted per source
    straight from its table."""
    ids = set(
        LessonFactor.objects.filter(
            factor__code=code, effect=effect, lesson__partnership__stage__in=stages
        ).values_list("lesson__partnership_id", flat=True)
    )
    if effect == "hindered":
        ids |= set(
            EarlyWarning.objects.filter(
                state="confirmed", factors__code=code, partnership__stage__in=stages
            ).values_list("partnership_id", flat=True)
        )
    rating = {
        "shared-vision": "goals_rating",
        "trust": "prior_rating",
        "communication": "languages_rating",
        "logistics": "hours_rating",
        "regulatory": "regulatory_rating",
    }.get(code)
    if rating:
        band = {f"{rating}__lte": 2} if effect == "hindered" else {f"{rating}__gte": 4}
        ids |= set(
            FitAssessment.objects.filter(partnership__stage__in=stages, **band).values_list(
                "partnership_id", flat=True
            )
        )
    return len(ids)


def table(client, **params):
    response = client.get(reverse("lifecycle:factors"), params)
    assert response.status_code == 200
    columns = [value for value, _ in response.context["columns"]]
    return {
        code: dict(zip(columns, [count for count, _ in cells], strict=True))
        for code, _, cells, _ in response.context["rows"]
    }


GROUP_STAGES = {group: stages for group, (_, stages) in factors.GROUPS.items()}


class TestCounts:
    @pytest.mark.parametrize("effect", ["hindered", "helped"])
    def test_counts_by_kind_of_partnership_match_the_database(
        self, client, alice, portfolio, effect
    ):
        client.force_login(alice)
        shown = table(client, dimension="group", effect=effect)
        for code in ("trust", "communication", "shared-vision", "roles", "leadership"):
            for group, stages in GROUP_STAGES.items():
                assert shown[code][group] == expected(code, effect, stages), (code, group)

    def test_the_negative_factors_by_kind_worked_by_hand(self, client, alice, portfolio):
        client.force_login(alice)
        shown = table(client)
        assert shown["trust"] == {"potential": 0, "struggling": 1, "failed": 1, "successful": 0}
        assert shown["communication"] == {
            "potential": 1,
            "struggling": 0,
            "failed": 1,
            "successful": 0,
        }
        assert shown["roles"]["struggling"] == 1

    def test_counts_by_region_and_by_sector(self, client, alice, portfolio):
        client.force_login(alice)
        by_region = table(client, dimension="region")
        # Trust hindered: the failed one in Germany, the struggling one in Kenya.
        assert (by_region["trust"]["EU"], by_region["trust"]["AF"]) == (1, 1)
        assert by_region["communication"]["NA"] == 1
        by_sector = table(client, dimension="sector", effect="helped")
        assert by_sector["trust"]["academic"] == 1
        assert by_sector["shared-vision"] == {
            "nonprofit": 1,
            "industry": 0,
            "government": 0,
            "academic": 1,
        }

    def test_a_partnership_with_two_sectors_counts_in_both(self, client, alice, portfolio):
        MemberFactory(partnership=portfolio["failed"], partner=PartnerFactory(sector="government"))
        client.force_login(alice)
        shown = table(client, dimension="sector")
        assert (shown["trust"]["industry"], shown["trust"]["government"]) == (1, 2)

    def test_sources_filter_the_counts(self, client, alice, portfolio):
        client.force_login(alice)
        shown = table(client, source="lesson")
        assert shown["trust"] == {"potential": 0, "struggling": 0, "failed": 1, "successful": 0}

    def test_each_count_links_to_the_partnerships_behind_it(self, client, alice, portfolio):
        client.force_login(alice)
        response = client.get(reverse("lifecycle:factors"), {"dimension": "region"})
        [trust] = [row for row in response.context["rows"] if row[0] == "trust"]
        columns = [value for value, _ in response.context["columns"]]
        _, url = trust[2][columns.index("AF")]
        behind = client.get(url)
        assert [p.title for p in behind.context["partnerships"]] == ["Hard KE"]

    def test_each_bar_of_the_chart_links_to_all_partnerships_behind_the_factor(
        self, client, alice, portfolio
    ):
        client.force_login(alice)
        spec = client.get(reverse("lifecycle:factors")).context["chart"]
        names = spec["labels"]
        link = spec["links"][names.index("Trust")]
        titles = [p.title for p in client.get(link).context["partnerships"]]
        assert titles == ["Failed DE", "Hard KE"]

    @pytest.mark.parametrize("copies", [1, 6])
    def test_it_takes_the_same_queries_however_many_partnerships(
        self, client, alice, copies, django_assert_max_num_queries
    ):
        for n in range(copies):
            made = partnership(alice, "failed", sector="industry", country="DE", title=f"F{n}")
            lessons(alice, made, trust="hindered", roles="helped")
        client.force_login(alice)
        # session, user, savepoint and release, where each partnership falls,
        # lessons, the latest fit assessments, confirmed warnings' factors, the
        # latest instrument (health thresholds, factor names: twice), the
        # factors, user and group permissions (menu), unread notifications;
        # and the health results, one query once the health app's selector is there
        with django_assert_max_num_queries(15):
            shown = table(client)
        assert shown["trust"]["failed"] == copies

    @pytest.mark.parametrize("copies", [1, 6])
    def test_the_partnerships_behind_a_count_take_the_same_queries(
        self, client, alice, copies, django_assert_max_num_queries
    ):
        for n in range(copies):
            made = partnership(alice, "failed", sector="industry", country="DE", title=f"F{n}")
            lessons(alice, made, trust="hindered")
        client.force_login(alice)
        url = reverse("lifecycle:factor_partnerships")
        # session, user, savepoint and release, where each partnership falls,
        # lessons, the latest fit assessments, confirmed warnings' factors, the
        # latest instrument (health thresholds, factor names: twice), the
        # factors, the partnerships with owners, user and group permissions,
        # unread notifications; and the health results, one query once the
        # health app's selector is there
        with django_assert_max_num_queries(16):
            response = client.get(url, {"factor": "trust", "column": "failed"})
        assert len(response.context["partnerships"]) == copies


class TestHealthProducer:
    def test_a_closed_rounds_means_are_read_against_the_instruments_bands(self, alice):
        made = PartnershipFactory(owner=alice, stage="active")
        # Three answers a side: trust low on both sides (2 and 2.67 → 2.33, a
        # concern), clarity of roles high (5 and 4 → 4.5, a strength), the rest
        # at 3 (borderline, not counted either way).
        closed_round(
            made,
            by=alice,
            ours=[{"trust": 2, "roles": 5}] * 3,
            partner=[{"trust": 2, "roles": 4}, {"trust": 3, "roles": 4}, {"trust": 3, "roles": 4}],
        )
        found = sorted(factors.from_health([made.pk]))
        assert found == [
            (made.pk, "roles", "helped", "health"),
            (made.pk, "trust", "hindered", "health"),
        ]

    def test_a_round_below_three_answers_a_side_adds_nothing(self, alice):
        made = PartnershipFactory(owner=alice, stage="active")
        closed_round(made, by=alice, ours=[1, 1], partner=[1, 1])
        assert list(factors.from_health([made.pk])) == []
