"""Forms of the partnership pages: create and edit, stage changes,
objectives and metrics, and one cell of the measurement grid.

No form offers the owner or the stage as a field: the owner is whoever creates
the partnership and the stage moves only through a recorded change, so a
forged POST naming either changes nothing.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.dates import validate_plausible
from core.forms import LocalDecimalField, PlainIntegerField, local_numbers
from core.versioning import VersionedForm

from .models import (
    STAGE_REASON_MAX_LENGTH,
    STAGES_BY_FAMILY,
    Benefit,
    LeadArea,
    MemberRole,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
    Stage,
    StageFamily,
)
from .periods import Frequency
from .widgets import PartnerPicker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnershipForm(VersionedForm):
    benefits_sought = forms.MultipleChoiceField(
        label=_("Benefits sought"),
        choices=Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Partnership
        fields = ["title", "description", "purpose", "benefits_sought", "start_date", "end_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DATE,
            "end_date": DATE,
        }
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "purpose": _("Purpose"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
        }


class MemberForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.all(), required=False, widget=PartnerPicker
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)


class MemberAddForm(MemberForm):
    """A member organisation added on the partnership's members page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].required = True


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class LeadChoiceField(forms.ModelChoiceField):
    """Offers the people who may co-lead (`PartnershipLead.who_may_lead`) but
    finds anyone, so that a person who may not (an executive sent by an API
    client, a manager who lost the role since the page was opened) is refused
    in the rule's words, naming them, rather than as "not one of the choices"."""

    def _get_choices(self):
        choices = super()._get_choices()
        choices.queryset = PartnershipLead.who_may_lead()
        return choices

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class LeadForm(forms.Form):
    user = LeadChoiceField(queryset=None, required=False, label=_("Co-lead"))
    functional_area = forms.ChoiceField(choices=LeadArea.choices, label=_("Area"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.all()

    def clean_user(self):
        user = self.cleaned_data.get("user")
        PartnershipLead.refuse_non_manager(user)
        return user


# The most rows a page builds, whatever the POST's TOTAL_FORMS claims (Django
# would build up to 2,000 of each): as many as the API takes.
MAX_MEMBERS, MAX_LEADS = 100, 20
MemberFormSet = forms.formset_factory(
    MemberForm, extra=3, max_num=MAX_MEMBERS, absolute_max=MAX_MEMBERS, validate_max=True
)
LeadFormSet = forms.formset_factory(
    LeadForm, extra=2, max_num=MAX_LEADS, absolute_max=MAX_LEADS, validate_max=True
)


class StageShownForm(forms.Form):
    """A form that moves a partnership's stage (the stage page, the pipeline
    board's move and drop) carries the stage its page showed: a move made on it
    is refused if someone else has moved the partnership since (the service,
    `services.partnership_change_stage`, checks it on the locked row)."""

    expected_stage = forms.ChoiceField(
        choices=Stage.choices, widget=forms.HiddenInput, required=False
    )

    def show_stale(self, current: Partnership) -> None:
        """Refuse the move made on a stage that is no longer the partnership's,
        the person's choice and reason kept; sent again, it starts from the new stage."""
        data = self.data.copy()
        data[self.add_prefix("expected_stage")] = current.stage
        self.data = data
        self.add_error(
            "stage" if "stage" in self.fields else None,
            gettext(
                "Someone else moved it to “%(stage)s” since you opened this page: "
                "check your choice and send it again."
            )
            % {"stage": current.get_stage_display()},
        )


class StageChangeForm(StageShownForm):
    stage = forms.ChoiceField(
        label=_("New stage"),
        choices=[
            (family.label, [(stage.value, stage.label) for stage in STAGES_BY_FAMILY[family]])
            for family in StageFamily
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=STAGE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=DATE,
        validators=[validate_plausible],
        help_text=_("Needed when the partnership ends."),
    )

    def clean(self):
        cleaned = super().clean()
        ended = STAGES_BY_FAMILY[StageFamily.ENDED]
        if cleaned.get("stage") in ended and not cleaned.get("end_date"):
            self.add_error("end_date", gettext("An ended partnership needs its end date."))
        return cleaned


class ObjectiveForm(forms.ModelForm):
    prefix = "objective"

    class Meta:
        model = Objective
        formfield_callback = local_numbers
        fields = ["title", "benefit", "weight", "due_date", "description"]
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "title": _("Title"),
            "benefit": _("Benefit"),
            "weight": _("Weight"),
            "due_date": _("Due date"),
            "description": _("Description"),
        }


class MetricForm(forms.ModelForm):
    """A metric of one objective; the prefix names the objective, as the page
    shows one of these forms under each objective."""

    class Meta:
        model = OutcomeMetric
        formfield_callback = local_numbers
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
        labels = {
            "name": _("Name"),
            "unit": _("Unit"),
            "direction": _("Direction"),
            "frequency": _("Frequency"),
            "aggregation": _("Aggregation"),
            "baseline_value": _("Baseline value"),
            "baseline_date": _("Baseline date"),
            "target_value": _("Target value"),
            "target_date": _("Target date"),
            "data_source": _("Data source"),
            "weight": _("Weight"),
        }

    def __init__(self, *args, objective, **kwargs):
        super().__init__(*args, prefix=f"metric-{objective.pk}", **kwargs)
        self.objective = objective


class MeasurementCellForm(forms.Form):
    """One cell of the grid: which metric, which period, and the value typed;
    an emptied cell (no value) clears the period's value."""

    metric = PlainIntegerField(widget=forms.HiddenInput)
    period_start = forms.DateField(widget=forms.HiddenInput, validators=[validate_plausible])
    value = LocalDecimalField(
        max_digits=14,
        decimal_places=4,
        required=False,
    )
    # The version of the value the grid showed, 0 for an empty cell: the
    # service refuses the save if someone else has entered, changed or cleared it since.
    version = PlainIntegerField(widget=forms.HiddenInput, min_value=0)


class MeasurementPagesForm(forms.Form):
    """Where each grid of the measurement page ends: `?quarterly=2024-10-01`
    shows the quarters up to that one. A field left out or unreadable shows
    the latest periods."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for frequency in Frequency:
            self.fields[frequency.value] = forms.DateField(
                required=False, validators=[validate_plausible]
            )

    def until(self, frequency: str):
        self.is_valid()  # a field that does not read is left out of cleaned_data
        return self.cleaned_data.get(frequency)
