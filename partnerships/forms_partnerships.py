"""Forms of the partnership pages: filters, create and edit, stage changes,
objectives and metrics, and one cell of the measurement grid.

No form offers the owner or the stage as a field: the owner is whoever creates
the partnership and the stage moves only through a recorded change, so a
forged POST naming either changes nothing.
"""

from django import forms
from django.contrib.auth import get_user_model
from django_countries import countries

from accounts.models import Role
from dashboards.filters import NOT_RATED
from evaluation.models import Rating

from .geography import Continent
from .models import (
    STAGES_BY_FAMILY,
    Benefit,
    LeadArea,
    MemberRole,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    Purpose,
    Sector,
    Stage,
    StageFamily,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices, label="Any"):
    return [("", label), *choices]


class PartnershipFilterForm(forms.Form):
    """The list's filters, which the portfolio dashboard shares (dashboards/filters.py):
    a mark on a dashboard chart links here with the same parameters."""

    stage = forms.ChoiceField(choices=_blank(Stage.choices), required=False)
    family = forms.ChoiceField(
        label="Lifecycle", choices=_blank(StageFamily.choices), required=False
    )
    purpose = forms.ChoiceField(choices=_blank(Purpose.choices), required=False)
    benefit = forms.ChoiceField(
        label="Benefit sought", choices=_blank(Benefit.choices), required=False
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any")
    region = forms.ChoiceField(choices=_blank(Continent.choices), required=False)
    country = forms.ChoiceField(choices=_blank(list(countries)), required=False)
    sector = forms.ChoiceField(choices=_blank(Sector.choices), required=False)
    spanned = forms.ChoiceField(
        label="Sectors spanned",
        choices=_blank([("1", "One"), ("2", "Two"), ("3", "Three or more")]),
        required=False,
    )
    rating = forms.ChoiceField(
        label="Latest rating",
        choices=_blank([*Rating.choices, (NOT_RATED, "Not rated")]),
        required=False,
    )
    period = forms.DateField(
        label="Month",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="Partnerships running that month, rated as of then.",
    )
    provisional = forms.BooleanField(
        label="Include unapproved scorecards",
        required=False,
        help_text="Ratings then include scorecards not yet approved: provisional.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who own a partnership are worth offering.
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(owned_partnerships__isnull=False).distinct()
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"


class PartnershipForm(forms.ModelForm):
    benefits_sought = forms.MultipleChoiceField(
        choices=Benefit.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Partnership
        fields = ["title", "description", "purpose", "benefits_sought", "start_date", "end_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DATE,
            "end_date": DATE,
        }


class MemberForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.all(), required=False)
    role = forms.ChoiceField(choices=MemberRole.choices, initial=MemberRole.MEMBER)


class LeadForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, required=False, label="Co-lead")
    functional_area = forms.ChoiceField(choices=LeadArea.choices, label="Area")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only managers can lead: a co-lead gains the right to change the partnership.
        self.fields["user"].queryset = get_user_model().objects.filter(groups__name=Role.MANAGER)


MemberFormSet = forms.formset_factory(MemberForm, extra=3)
LeadFormSet = forms.formset_factory(LeadForm, extra=2)


class StageChangeForm(forms.Form):
    stage = forms.ChoiceField(
        label="New stage",
        choices=[
            (family.label, [(stage.value, stage.label) for stage in STAGES_BY_FAMILY[family]])
            for family in StageFamily
        ],
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    end_date = forms.DateField(
        required=False, widget=DATE, help_text="Needed when the partnership ends."
    )

    def clean(self):
        cleaned = super().clean()
        ended = STAGES_BY_FAMILY[StageFamily.ENDED]
        if cleaned.get("stage") in ended and not cleaned.get("end_date"):
            self.add_error("end_date", "An ended partnership needs its end date.")
        return cleaned


class ObjectiveForm(forms.ModelForm):
    prefix = "objective"

    class Meta:
        model = Objective
        fields = ["title", "benefit", "weight", "due_date", "description"]
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 2})}


class MetricForm(forms.ModelForm):
    """A metric of one objective; the prefix names the objective, as the page
    shows one of these forms under each objective."""

    class Meta:
        model = OutcomeMetric
        fields = [
            "name",
            "unit",
            "direction",
            "frequency",
            "aggregation",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "data_source",
            "weight",
        ]
        widgets = {"baseline_date": DATE, "target_date": DATE}

    def __init__(self, *args, objective, **kwargs):
        super().__init__(*args, prefix=f"metric-{objective.pk}", **kwargs)
        self.objective = objective


class MeasurementCellForm(forms.Form):
    """One cell of the grid: which metric, which period, and the value typed."""

    metric = forms.IntegerField(widget=forms.HiddenInput)
    period_start = forms.DateField(widget=forms.HiddenInput)
    value = forms.DecimalField(
        max_digits=14,
        decimal_places=4,
        error_messages={"invalid": "Enter a number, such as 12 or 3.5."},
    )
