"""One rounding rule for the numbers people read: the scorecard page, the
partnership dashboard and the board-pack PDF print the same figure."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from dashboards import pdf
from evaluation import review
from evaluation.models import Scorecard
from tests.dashboards.test_partnership_dashboard import (
    MONTHS_2025,
    assess,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.factories import partnership_with_data


@pytest.mark.parametrize(
    ("value", "shown"),
    [("78.50", "79"), ("78.49", "78"), ("78.75", "79"), ("0.5", "1"), (None, "—")],
)
def test_the_score_filter_rounds_half_up(value, shown):
    template = Template("{% load numbers %}{{ value|score }}")
    assert template.render(Context({"value": value})) == shown


@pytest.mark.parametrize(
    ("fraction", "shown"), [("0.785", "79%"), ("0.7849", "78%"), ("0.125", "13%"), (None, "—")]
)
def test_the_percent_filter_rounds_half_up(fraction, shown):
    template = Template("{% load numbers %}{{ fraction|percent }}")
    assert template.render(Context({"fraction": fraction})) == shown


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en-gb", "79%"), ("fr", "79\u00a0%"), ("es", "79\u00a0%"), ("pt", "79%")],
)
def test_the_percent_sign_is_written_as_the_readers_language_writes_it(language, shown):
    """CLDR's percent patterns: French and Spanish put a no-break space before
    the sign, English and European Portuguese none."""
    template = Template("{% load numbers %}{{ fraction|percent }}")
    with translation.override(language):
        assert template.render(Context({"fraction": "0.785"})) == shown


@pytest.fixture
def card(db, alice, rita):
    partnership = partnership_with_data(owner=alice, metrics=1)
    assess(MONTHS_2025[-1:])
    return Scorecard.objects.get(partnership=partnership)


def shown_everywhere(client, card) -> dict[str, str]:
    """The overall score as the scorecard page, the dashboard and the PDF print it."""
    card = Scorecard.objects.select_related("partnership", "reviewer", "policy").get(pk=card.pk)
    page = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
    dashboard = client.get(
        reverse("dashboards:partnership", args=[card.partnership_id])
    ).content.decode()
    overall = r'Overall</div><div class="fs-3"[^>]*>([^<]*)<'
    return {
        "scorecard": re.search(overall, page)[1].strip(),
        "dashboard": re.search(overall, dashboard)[1].strip(),
        # The big figure is printed right after the period line.
        "pdf": pdf.render(card).printed[3],
    }


@pytest.mark.parametrize(("stored", "shown"), [("78.50", "79"), ("78.49", "78"), ("78.75", "79")])
def test_a_score_reads_the_same_on_the_page_the_dashboard_and_the_pdf(
    client, alice, rita, card, stored, shown
):
    # Computed so (an approved scorecard is never changed), then approved.
    Scorecard.objects.filter(pk=card.pk).update(overall_score=Decimal(stored))
    review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
    client.force_login(alice)
    assert shown_everywhere(client, card) == {"scorecard": shown, "dashboard": shown, "pdf": shown}
