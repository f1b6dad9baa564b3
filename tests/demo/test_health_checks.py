import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from demo import health_checks, portfolio
from evaluation.inputs import health_inputs
from evaluation.scoring import health_flags, health_score
from health import selectors, services, tokens
from health.models import Answer, Respondent, Round
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)
CHAGAS = "Chagas cardiomyopathy registry with Hospital Santa Aurora"
SANTA_REGINA = "Diabetic kidney disease programme with Hospital General de Santa Regina"
LAKESHORE = "Heart failure readmission programme with Lakeshore Regional Medical Center"


@pytest.fixture
def built():
    with time_machine.travel(dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC), tick=False):
        portfolio.build_demo(today=TODAY)
        yield health_checks.build_demo(today=TODAY)


def test_it_builds_rounds_with_answers_from_both_sides(built):
    assert built.created["Health-check rounds"] == Round.objects.count() == 8
    assert Round.objects.open().count() == 1
    means = selectors.latest_factor_means()
    assert len(means) == 5
    assert Answer.objects.filter(respondent__side="partner").exists()


def test_trust_falls_sharply_in_the_chagas_registry_and_the_scorecard_says_so(built):
    chagas = Partnership.objects.get(title=CHAGAS)
    health = health_inputs([chagas.pk], period_end=dt.date(2026, 10, 31))[chagas.pk]
    messages = [flag.message for flag in health_flags(health)]
    assert any(m.startswith("Trust fell from 4.") for m in messages), messages
    assert any("disagree on clarity of roles" in m for m in messages), messages
    cardiac = Partnership.objects.get(title__startswith="Cardiac surgery fellowship")
    healthy = health_inputs([cardiac.pk], period_end=dt.date(2026, 10, 31))[cardiac.pk]
    assert health_score(health) < health_score(healthy) - 20


def test_one_round_shows_the_threshold_on_the_partner_side(built):
    health_round = Round.objects.get(partnership__title=SANTA_REGINA)
    results = selectors.round_results(health_round)
    assert results.shown == {"ours": True, "partner": False}
    assert results.respondents["partner"] == 2


def test_the_open_round_has_pending_invitations_with_links_to_print(built):
    health_round = Round.objects.open().get()
    assert health_round.partnership.title == LAKESHORE
    assert Respondent.objects.pending().filter(round=health_round, side="partner").count() == 3
    out = StringIO()
    call_command("health_answer_links", round=health_round.pk, stdout=out)
    links = re.findall(r"(/health/answer/[\w-]+/)", out.getvalue())
    assert len(links) == 3
    # The printed links stand for the invitations: a queued email does not void them.
    respondent = Respondent.objects.filter(round=health_round, side="partner").first()
    assert services.invitation_send(respondent_id=respondent.pk) is False
    assert (
        Respondent.objects.filter(
            token_hash__in=[tokens.digest(link.split("/")[3]) for link in links]
        ).count()
        == 3
    )


def test_a_second_run_creates_nothing(built):
    again = health_checks.build_demo(today=TODAY)
    assert not again.created_anything
    assert again.present["Health-check rounds"] == 8
