from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.dates import validate_closed_month
from core.forms import local_numbers
from partnerships.periods import Frequency, Period

from .models import Rating, ScoringPolicy
from .review import REVIEW_TEXT_MAX_LENGTH
from .services import POLICY_FIELDS, last_closed_month

MONTHS_OFFERED = 24


def closed_months(today) -> list[Period]:
    month = last_closed_month(today)
    months = []
    for _step in range(MONTHS_OFFERED):
        months.append(month)
        month = month.previous()
    return months


class RunStartForm(forms.Form):
    period_start = forms.TypedChoiceField(
        label=_("Month to assess"),
        error_messages={
            "invalid_choice": format_lazy(
                _("Choose one of the last {months} months that have ended, as offered."),
                months=MONTHS_OFFERED,
            )
        },
        coerce=lambda value: (
            Period.containing(
                timezone.datetime.fromisoformat(value).date(), Frequency.MONTHLY
            ).start
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = [
            (month.start.isoformat(), formatting.month(month.start))
            for month in closed_months(timezone.localdate())
        ]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ScoringPolicy
        formfield_callback = local_numbers
        fields = POLICY_FIELDS
        labels = {
            "name": _("Name"),
            "notes": _("Notes"),
            "weight_outcomes": _("Outcomes"),
            "weight_objectives": _("Objectives"),
            "weight_health": _("Relationship health"),
            "weight_agreement": _("Agreement"),
            "green_from": _("Green from (score)"),
            "amber_from": _("Amber from (score)"),
            "on_track_tolerance": _("On-track tolerance"),
            "trend_min_change": _("Smallest change shown as a trend"),
            "expiry_warning_days": _("Warn of an expiry (days ahead)"),
            "warning_health_drop": _("Health fall that counts (points)"),
            "warning_outcomes_drop": _("Outcomes fall that counts (points)"),
            "warning_signals_needed": _("Signals together that raise a warning"),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        names = ["weight_outcomes", "weight_objectives", "weight_health", "weight_agreement"]
        weights = [cleaned.get(name) for name in names]
        if all(w is not None for w in weights) and sum(weights) <= 0:
            self.add_error(
                "weight_outcomes", gettext("At least one component needs a weight above 0.")
            )
        for name in names:
            if cleaned.get(name) is not None and cleaned[name] < 0:
                self.add_error(name, gettext("A weight cannot be negative."))
        green, amber = cleaned.get("green_from"), cleaned.get("amber_from")
        if green is not None and amber is not None and amber >= green:
            self.add_error("amber_from", gettext("Amber must start below green."))
        tolerance = cleaned.get("on_track_tolerance")
        if tolerance is not None and not 0 <= tolerance < 1:
            self.add_error(
                "on_track_tolerance", gettext("Give a fraction from 0 to below 1, e.g. 0.15.")
            )
        trend = cleaned.get("trend_min_change")
        if trend is not None and trend < 0:
            # Else a fall of fewer points than its size would show as a rise
            # (the database refuses it too: policy_trend_not_negative).
            self.add_error(
                "trend_min_change",
                gettext("The trend's threshold cannot be negative: give 0 points or more."),
            )
        cap = cleaned.get("attainment_cap")
        if cap is not None and cap < 1:
            self.add_error("attainment_cap", gettext("The cap is at least 1 (the target itself)."))
        return cleaned


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the owner look at?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REVIEW_TEXT_MAX_LENGTH,
    )


class OverrideForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=[("", "—")] + Rating.choices)
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REVIEW_TEXT_MAX_LENGTH,
    )


class QueueFilterForm(forms.Form):
    period = forms.DateField(
        required=False, widget=forms.HiddenInput, validators=[validate_closed_month]
    )
    rating = forms.ChoiceField(
        required=False,
        choices=[("", _("Any rating")), *Rating.choices, ("none", _("Not rated"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    flagged = forms.BooleanField(required=False, label=_("With warnings only"))
    q = forms.CharField(required=False, label=_("Partnership"))
