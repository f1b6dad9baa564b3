"""The lists' filters, named as on the pages (partner list, partnership list, portfolio).

The partnership filters are the partnership list's form run through
`dashboards.filters.narrow`, the one rule the list and the portfolio share.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.dates import validate_closed_month
from core.forms import PlainIntegerField
from dashboards.filters import NOT_RATED, narrow
from dashboards.forms import PortfolioFilterForm
from evaluation.models import Rating, ReviewState, Scorecard, sees_provisional
from partnerships.geography import Continent, countries_in
from partnerships.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Benefit,
    Measurement,
    Objective,
    ObjectiveStatus,
    OrganisationType,
    OutcomeMetric,
    Partner,
    Partnership,
    Purpose,
    Sector,
    Stage,
    StageFamily,
)


class IdFilter(django_filters.NumberFilter):
    """A record's id: one that does not exist narrows to nothing, as a search
    would, rather than refusing the request."""

    field_class = PlainIntegerField


class TrueOrFalseField(forms.NullBooleanField):
    """A yes-or-no parameter: `true` or `false`, in any case (the schema's boolean,
    and Python's `True` as `requests` sends it), or left out. Anything else (`1`,
    `yes`, `maybe`) is refused: read as left out, as Django's NullBooleanField
    reads it, the list would come back unfiltered and look like an answer."""

    widget = forms.TextInput  # the value as sent, not NullBooleanSelect's reading of it
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text not in ("true", "false"):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return text == "true"


class TrueOrFalseFilter(django_filters.BooleanFilter):
    field_class = TrueOrFalseField


def refuse_provisional(asked) -> None:
    """`provisional=true` from a reader who relies on approved numbers only
    (`sees_provisional`): told, rather than answered with other numbers than
    asked for, as the pages' filters simply do not offer it."""
    if asked:
        raise ValidationError(
            _("Only those who enter or review scorecards see unapproved ones: leave it out."),
            code="not_for_you",
        )


class PartnerFilter(django_filters.FilterSet):
    """The partner list's filters: q, country, sector, organisation_type, region."""

    q = django_filters.CharFilter(method="search", max_length=100)
    country = django_filters.ChoiceFilter(choices=list(countries))
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    organisation_type = django_filters.ChoiceFilter(choices=OrganisationType.choices)
    region = django_filters.ChoiceFilter(choices=Continent.choices, method="in_region")

    class Meta:
        model = Partner
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)  # as the list page searches

    def in_region(self, queryset, name, value):
        return queryset.filter(country__in=countries_in(value))


class PartnershipFilter(django_filters.FilterSet):
    """The partnership list's and the portfolio's filters (dashboards.forms)."""

    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="by_form")
    family = django_filters.ChoiceFilter(choices=StageFamily.choices, method="by_form")
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices, method="by_form")
    benefit = django_filters.ChoiceFilter(choices=Benefit.choices, method="by_form")
    owner = IdFilter(method="by_form")
    region = django_filters.ChoiceFilter(choices=Continent.choices, method="by_form")
    country = django_filters.ChoiceFilter(choices=list(countries), method="by_form")
    sector = django_filters.ChoiceFilter(choices=Sector.choices, method="by_form")
    spanned = django_filters.ChoiceFilter(
        choices=[("1", "One"), ("2", "Two"), ("3", "Three or more")], method="by_form"
    )
    rating = django_filters.ChoiceFilter(
        choices=[*Rating.choices, (NOT_RATED, "Not rated")], method="by_form"
    )
    period = django_filters.DateFilter(
        input_formats=["%Y-%m"],
        validators=[validate_closed_month],
        method="by_form",
        help_text="A closed month, YYYY-MM: partnerships running then, rated as of then.",
    )
    provisional = TrueOrFalseFilter(
        method="by_form",
        help_text="true: ratings include scorecards not yet approved (managers and reviewers).",
    )

    class Meta:
        model = Partnership
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_provisional(self.request.user):
            self.filters["provisional"].extra["validators"] = [refuse_provisional]

    def by_form(self, queryset, name, value):
        return queryset  # all filters apply together in `filter_queryset`

    def filter_queryset(self, queryset):
        return narrow(queryset, self.form.cleaned_data)


class AgreementFilter(django_filters.FilterSet):
    partnership = IdFilter()
    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices)
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices)

    class Meta:
        model = Agreement
        fields = []


class ObjectiveFilter(django_filters.FilterSet):
    partnership = IdFilter()
    status = django_filters.ChoiceFilter(choices=ObjectiveStatus.choices)

    class Meta:
        model = Objective
        fields = []


class MetricFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="objective__partnership")
    objective = IdFilter()
    is_active = TrueOrFalseFilter()

    class Meta:
        model = OutcomeMetric
        fields = []


class MeasurementFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="metric__objective__partnership")
    metric = IdFilter()
    period_from = django_filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_until = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = Measurement
        fields = []


class ScorecardFilter(django_filters.FilterSet):
    partnership = IdFilter()
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    # The review queue's filter name: a month's scorecards.
    period = django_filters.DateFilter(
        field_name="period_start",
        input_formats=["%Y-%m"],
        help_text="A month, YYYY-MM: the scorecards of that month.",
    )
    period_from = django_filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_until = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = Scorecard
        fields = []


class PortfolioParameters(PortfolioFilterForm):
    """The portfolio dashboard's filters, with `provisional` true or false only:
    the page's checkbox takes any value sent as ticked; and `owner` an id, as the
    partnerships list reads it (`IdFilter`): the page offers the owners in a
    select, so a value not among them is an error next to it, but an API client
    asking for the portfolio of someone who owns nothing (now, or ever) is
    answered with that portfolio, empty, as the list answers the same id."""

    provisional = TrueOrFalseField(required=False)
    owner = IdFilter.field_class(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "provisional" not in self.fields:  # not for this reader
            self.fields["provisional"] = TrueOrFalseField(
                required=False, validators=[refuse_provisional]
            )
