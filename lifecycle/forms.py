from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.dates import validate_plausible
from core.forms import local_numbers
from core.versioning import VersionedForm
from health.models import Factor
from partnerships.forms_partnerships import StageShownForm
from partnerships.models import STAGE_REASON_MAX_LENGTH, Stage

from .models import FIT_CRITERIA, Effect, FitAssessment, NextStep
from .selectors import latest_factors
from .services import PIPELINE_MOVES, LessonEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PipelineFilterForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label=_("Every owner")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(Q(groups__name=Role.MANAGER) | Q(owned_partnerships__isnull=False))
            .distinct()
            .order_by("first_name", "username")
        )


class NextStepForm(VersionedForm):
    class Meta:
        model = NextStep
        fields = ["description", "due_on"]
        labels = {"description": _("Next step"), "due_on": _("By")}
        widgets = {"due_on": DATE}


class MoveForm(StageShownForm):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[(stage, Stage(stage).label) for stage in PIPELINE_MOVES]
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("Why, if it is worth keeping; otherwise the move itself is recorded."),
    )


class DropForm(StageShownForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=STAGE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What made us stop: the study learns most from the ones that did not go ahead."
        ),
    )


class FitAssessmentForm(forms.ModelForm):
    class Meta:
        model = FitAssessment
        formfield_callback = local_numbers
        fields = [
            *(f"{code}_{part}" for code in FIT_CRITERIA for part in ("rating", "note")),
            "recommendation",
            "summary",
        ]
        widgets = {
            **{
                f"{code}_rating": forms.Select(choices=[("", "—")] + [(n, n) for n in range(1, 6)])
                for code in FIT_CRITERIA
            },
            **{f"{code}_note": forms.Textarea(attrs={"rows": 2}) for code in FIT_CRITERIA},
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            **{f"{code}_rating": label for code, (label, _) in FIT_CRITERIA.items()},
            **{f"{code}_note": _("Note") for code in FIT_CRITERIA},
            "recommendation": _("Recommendation"),
            "summary": _("Overall"),
        }

    def criteria(self):
        """The form's fields in pairs (rating, note), one pair per criterion."""
        return [(self[f"{code}_rating"], self[f"{code}_note"]) for code in FIT_CRITERIA]


class ConfirmWarningForm(forms.Form):
    recovery_plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Recovery plan")
    )
    recovery_by = forms.DateField(
        widget=DATE, label=_("Recovered by"), validators=[validate_plausible]
    )
    factors = forms.ModelMultipleChoiceField(
        queryset=Factor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Factors behind it"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factors"].queryset = latest_factors()
        self.fields["factors"].label_from_instance = Factor.shown_name


class DismissWarningForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason"))


class LessonForm(forms.Form):
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("What we learnt"),
    )

    def __init__(self, *args, factors, **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = list(factors)
        for factor in self.factors:
            self.fields[f"effect_{factor.code}"] = forms.ChoiceField(
                choices=[("", _("Did not matter"))] + list(Effect.choices),
                required=False,
                label=factor.shown_name(),
                help_text=factor.description,
            )
            self.fields[f"note_{factor.code}"] = forms.CharField(
                required=False, max_length=1000, label=_("Note")
            )

    def rows(self):
        return [
            (factor, self[f"effect_{factor.code}"], self[f"note_{factor.code}"])
            for factor in self.factors
        ]

    def entries(self):
        return [
            LessonEntry(
                factor=factor,
                effect=self.cleaned_data[f"effect_{factor.code}"],
                note=self.cleaned_data[f"note_{factor.code}"],
            )
            for factor in self.factors
            if self.cleaned_data.get(f"effect_{factor.code}")
        ]

    def clean(self):
        cleaned = super().clean()
        for factor in self.factors:
            if cleaned.get(f"note_{factor.code}") and not cleaned.get(f"effect_{factor.code}"):
                self.add_error(
                    f"effect_{factor.code}",
                    _("Say whether it helped or hindered, or clear the note."),
                )
        return cleaned
