"""Scores and percentages as every page shows them: `{% load numbers %}`, then
`{{ card.overall_score|score }}` (78.50 → 79) and `{{ fraction|percent }}`
(0.4945 → 49%). The rounding is core.numbers', which the PDF uses too."""

from django import template

from core.formatting import grouped as grouped_text
from core.numbers import percent_text, score_text

register = template.Library()


@register.filter
def score(value) -> str:
    """A score as a whole number, half up; a dash when there is none."""
    return score_text(value)


@register.filter
def percent(fraction) -> str:
    """A fraction (or its text, as stored in a scorecard's JSON) as a whole percentage."""
    return percent_text(fraction)


@register.filter
def grouped(count) -> str:
    """A count with its thousands grouped as the reader's language groups them."""
    return grouped_text(count)
