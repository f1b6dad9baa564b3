from django import template

from health import results, selectors
from health.models import Instrument, Round

register = template.Library()


@register.simple_tag
def health_summary(partnership) -> dict:
    """What the partnership page's health card shows: the open round, if any,
    and the latest results shown, strongest first, its factors named in the
    reader's language. Four queries."""
    open_round = Round.objects.open().filter(partnership=partnership).first()
    rounds = selectors.shown_rounds_by_partnership([partnership.pk]).get(partnership.pk, [])
    if not rounds:
        return {"open_round": open_round, "latest": None, "factors": []}
    latest = rounds[0]
    bands = Instrument.objects.filter(rounds=latest.round_id).values(
        "strength_from", "concern_below"
    )[0]
    means = latest.overall_means()
    names = selectors.round_factor_names(latest.round_id)
    factors = sorted(
        (
            {
                "name": names.get(code, latest.factors[code]),
                "mean": mean,
                "band": results.band(mean, **bands),
            }
            for code, mean in means.items()
        ),
        key=lambda factor: -factor["mean"],
    )
    return {"open_round": open_round, "latest": latest, "factors": factors}
