"""The filters the partnership list and the portfolio dashboard share."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.dates import validate_closed_month
from evaluation.models import Rating, sees_provisional
from partnerships.geography import Continent
from partnerships.models import Benefit, Partnership, Purpose, Sector, Stage, StageFamily

from .filters import NOT_RATED

ANY = _("Any")


def _blank(choices, label=ANY):
    return [("", label), *choices]


class PartnershipFilterForm(forms.Form):
    """The partnership list's filters, which the portfolio shares (`filters.narrow`):
    a mark on a dashboard chart links to the list with the same parameters."""

    stage = forms.ChoiceField(label=_("Stage"), choices=_blank(Stage.choices), required=False)
    family = forms.ChoiceField(
        label=_("Lifecycle"), choices=_blank(StageFamily.choices), required=False
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=_blank(Purpose.choices), required=False)
    benefit = forms.ChoiceField(
        label=_("Benefit sought"), choices=_blank(Benefit.choices), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("Any")
    )
    region = forms.ChoiceField(label=_("Region"), choices=_blank(Continent.choices), required=False)
    # A callable: the names of the countries in the reader's language, sorted in it.
    country = forms.ChoiceField(
        label=_("Country"), choices=lambda: _blank(list(countries)), required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=_blank(Sector.choices), required=False)
    spanned = forms.ChoiceField(
        label=_("Sectors spanned"),
        choices=_blank([("1", _("One")), ("2", _("Two")), ("3", _("Three or more"))]),
        required=False,
    )
    rating = forms.ChoiceField(
        label=_("Latest rating"),
        choices=_blank([*Rating.choices, (NOT_RATED, _("Not rated"))]),
        required=False,
    )
    period = forms.DateField(
        label=_("Month"),
        required=False,
        # A month picker in Chromium; a text box in Firefox and Safari, where a
        # month is typed as people write one ("09/2026" as well as "2026-09").
        input_formats=["%Y-%m", "%m/%Y", "%m.%Y"],
        error_messages={"invalid": _("Enter a month as YYYY-MM, such as 2026-03.")},
        widget=forms.DateInput(
            attrs={"type": "month", "placeholder": _("YYYY-MM")}, format="%Y-%m"
        ),
        validators=[validate_closed_month],
        help_text=_("Partnerships running that month, rated as of then."),
    )
    scored = forms.BooleanField(
        label=_("Only those scored that month"),
        required=False,
        help_text=_("With a month: the partnerships rated by a scorecard of that month."),
    )
    provisional = forms.BooleanField(
        label=_("Include unapproved scorecards"),
        required=False,
        help_text=_("Ratings then include scorecards not yet approved: provisional."),
    )

    def clean(self):
        data = super().clean()
        if data.get("scored") and not data.get("period") and "period" not in self.errors:
            self.add_error("scored", _("Choose the month too."))
        return data

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_provisional(user):
            # Executives rely on approved numbers only (`sees_provisional`), on
            # the portfolio as on a partnership's dashboard: not offered, and a
            # link that asks for them (a manager's, shared) shows approved ones.
            del self.fields["provisional"]
        # Only people who own a partnership are worth offering. A semi-join
        # looks for one partnership per user, where a join made DISTINCT reads
        # and groups every partnership (10 ms at 10,000): the owners do not
        # grow with the portfolio, and neither should their query.
        self.fields["owner"].queryset = get_user_model().objects.filter(
            Exists(Partnership.objects.filter(owner=OuterRef("pk")))
        )
        for field in self.fields.values():
            if field.widget.is_hidden:
                continue
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"


class PortfolioFilterForm(PartnershipFilterForm):
    """The list's filters that make sense for the whole portfolio, plus the map's colour."""

    colour = forms.ChoiceField(
        choices=[("count", _("Partnerships")), ("score", _("Average score"))],
        required=False,
        widget=forms.HiddenInput,
    )
    # Removed from the class rather than from each form: a form deep-copies
    # every field it declares, choices and all, before it could drop them.
    family = benefit = spanned = rating = scored = None
    LINK_EXCLUDED = ("colour",)


def portfolio_filters(params, *, user) -> tuple[PortfolioFilterForm, dict]:
    """The form and its cleaned filters from GET parameters (a request's, or
    those an export job kept), as `user` may apply them; a bad value leaves the
    portfolio unfiltered."""
    form = PortfolioFilterForm(params or None, user=user)
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
