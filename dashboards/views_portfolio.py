"""The portfolio dashboard: the executives' home page, and its exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.charts import RATING_COLOURS, chart, world_map
from core.formatting import short_month
from evaluation.models import Rating, Trend
from partnerships.geography import Continent
from partnerships.models import Benefit, Purpose, Sector

from . import exports_portfolio
from .cache import cached_portfolio
from .filters import NOT_RATED
from .forms import PartnershipFilterForm
from .portfolio import portfolio_summary

RATING_LABELS = {**dict(Rating.choices), NOT_RATED: _("Not rated")}
SPANNED_LABELS = {"1": _("One sector"), "2": _("Two sectors"), "3": _("Three or more")}
TREND_MARKS = {Trend.UP: "▲", Trend.DOWN: "▼", Trend.FLAT: "▬", Trend.NEW: _("new")}


class PortfolioFilterForm(PartnershipFilterForm):
    """The list's filters that make sense for the whole portfolio, plus the map's colour."""

    colour = forms.ChoiceField(
        choices=[("count", _("Partnerships")), ("score", _("Average score"))],
        required=False,
        widget=forms.HiddenInput,
    )
    # Removed from the class rather than from each form: a form deep-copies
    # every field it declares, choices and all, before it could drop them.
    family = benefit = spanned = rating = None
    LINK_EXCLUDED = ("colour",)


def portfolio_filters(request) -> tuple[PortfolioFilterForm, dict]:
    """The form and its cleaned filters; a bad value leaves the portfolio unfiltered."""
    form = PortfolioFilterForm(request.GET or None)
    return form, (dict(form.cleaned_data) if form.is_valid() else {})


def link_query(data: dict) -> dict[str, str]:
    """The filters as GET parameters, for links to the list narrowed the same way."""
    query = {}
    for name, value in data.items():
        if name in PortfolioFilterForm.LINK_EXCLUDED or value in (None, "", False):
            continue
        if name == "period":
            query[name] = value.strftime("%Y-%m")
        elif value is True:
            query[name] = "1"
        else:
            query[name] = str(getattr(value, "pk", value))
    return query


@permission_required("partnerships.view_partnership", raise_exception=True)
def portfolio(request):
    form, data = portfolio_filters(request)
    today = timezone.localdate()
    # The tiles and charts are the page's whole cost: Redis keeps them rendered
    # (and signed), so a warm request renders only the frame and the filters.
    body = cached_portfolio(data, today, lambda: _portfolio_body(data, today))
    return render(
        request,
        "dashboards/portfolio.html",
        {"form": form, "body": body, "export_query": urlencode(link_query(data))},
    )


def _portfolio_body(data: dict, today) -> str:
    summary = portfolio_summary(data=data, today=today)
    query = link_query(data)
    list_url = reverse("dashboards:partnership_list")

    def listed(**narrower) -> str:
        return f"{list_url}?{urlencode({**query, **narrower})}"

    colour = data.get("colour") or "count"
    return render_to_string(
        "dashboards/_portfolio_body.html",
        {
            "summary": summary,
            "filtered": bool(query),
            "provisional": bool(data.get("provisional")),
            "colour": colour,
            "colour_links": {
                value: "?" + urlencode({**query, "colour": value}) for value in ("count", "score")
            },
            "family_links": {family: listed(family=family) for family in ("potential", "ended")}
            | {stage: listed(stage=stage) for stage in ("active", "struggling")},
            "rating_rows": [
                (RATING_LABELS[r], summary["ratings"].get(r, 0), listed(rating=r), r)
                for r in [*Rating.values, NOT_RATED]
            ],
            "charts": _charts(summary, listed, colour=colour),
        },
    )


def _stacked_by_rating(table: dict, labels: dict, listed, key: str, title: str) -> dict:
    """A breakdown as one bar per category, split by rating."""
    present = [code for code in labels if code in table]
    return chart(
        "horizontal-bar",
        [str(labels[code]) for code in present],
        [
            {
                "label": RATING_LABELS[rating],
                "data": [table[code].get(rating, 0) for code in present],
                "color": RATING_COLOURS[rating],
            }
            for rating in [*Rating.values, NOT_RATED]
        ],
        title=title,
        links=[listed(**{key: code}) for code in present],
        unit=_("partnerships"),
        stacked=True,
    )


def _charts(summary: dict, listed, *, colour: str) -> dict:
    trend = summary["rating_trend"]
    ranked = [*summary["best"], *summary["worst"]]
    countries = summary["countries"]
    return {
        "ratings": chart(
            "doughnut",
            [RATING_LABELS[r] for r in [*Rating.values, NOT_RATED]],
            [
                {
                    "label": _("Partnerships"),
                    "data": [summary["ratings"].get(r, 0) for r in [*Rating.values, NOT_RATED]],
                    "colors": [RATING_COLOURS[r] for r in [*Rating.values, NOT_RATED]],
                }
            ],
            title=_("Latest ratings"),
            links=[listed(rating=r) for r in [*Rating.values, NOT_RATED]],
            unit=_("partnerships"),
        ),
        "rating_trend": chart(
            "bar",
            [short_month(start) for start in trend],
            [
                {
                    "label": RATING_LABELS[r],
                    "data": [trend[start].get(r, 0) for start in trend],
                    "color": RATING_COLOURS[r],
                }
                for r in Rating.values
            ],
            title=_("Ratings by month"),
            links=[listed(period=start.strftime("%Y-%m")) for start in trend],
            unit=_("scorecards"),
            stacked=True,
        ),
        "map": world_map(
            {code: values[colour] for code, values in countries.items()},
            title=(
                _("Where our partners are: partnerships per country")
                if colour == "count"
                else _("Where our partners are: average latest score")
            ),
            label=_("Partnerships") if colour == "count" else _("Average score"),
            links={code: listed(country=code) for code in countries},
        ),
        "by_sector": _stacked_by_rating(
            summary["by_sector"], dict(Sector.choices), listed, "sector", _("By partner sector")
        ),
        "by_spanned": _stacked_by_rating(
            summary["by_spanned"], SPANNED_LABELS, listed, "spanned", _("By sectors spanned")
        ),
        "by_region": _stacked_by_rating(
            summary["by_region"], dict(Continent.choices), listed, "region", _("By region")
        ),
        "by_purpose": _stacked_by_rating(
            summary["by_purpose"], dict(Purpose.choices), listed, "purpose", _("By purpose")
        ),
        "by_benefit": _stacked_by_rating(
            summary["by_benefit"], dict(Benefit.choices), listed, "benefit", _("By benefit sought")
        ),
        "ranked": chart(
            "horizontal-bar",
            [f"{Truncator(row['title']).chars(40)} {TREND_MARKS[row['trend']]}" for row in ranked],
            [
                {
                    "label": _("Overall score"),
                    "data": [row["score"] for row in ranked],
                    "colors": [RATING_COLOURS[row["rating"]] for row in ranked],
                }
            ],
            title=_("Best and worst: latest score and trend"),
            links=[reverse("partnerships:partnership_detail", args=[row["id"]]) for row in ranked],
            suggested_max=100,
        ),
    }


@permission_required("partnerships.view_partnership", raise_exception=True)
def portfolio_export(request, fmt: str):
    _, data = portfolio_filters(request)
    return exports_portfolio.response(data, fmt=fmt)
