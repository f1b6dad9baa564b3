from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .history import KINDS, tracked_models

KIND_CHOICES = {"insert": _("Insert"), "update": _("Update"), "delete": _("Delete")}


def _model_choices():
    labels = []
    for label, event_model in tracked_models().items():
        meta = event_model.pgh_tracked_model._meta
        labels.append((label, f"{meta.app_config.verbose_name}: {meta.verbose_name}"))
    return [("", gettext("Any"))] + sorted(labels, key=lambda choice: choice[1])


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label=_("Anyone"),
    )
    model = forms.ChoiceField(label=_("Kind of record"), choices=_model_choices, required=False)
    object_id = forms.CharField(label=_("Record id"), max_length=40, required=False)
    kind = forms.ChoiceField(
        label=_("Change"),
        choices=[("", _("Any")), *((kind, KIND_CHOICES[kind]) for kind in KINDS)],
        required=False,
    )
    since = forms.DateField(
        label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            is_select = isinstance(form_field.widget, forms.Select)
            form_field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", gettext("The end comes before the start."))
        return cleaned

    def events(self):
        """The events the filters select, newest first (the form must be valid)."""
        from .models import AuditEvent

        data = self.cleaned_data
        events = AuditEvent.objects.all()
        if data["model"]:
            # Read only that model's event table instead of all of them.
            events = events.across(tracked_models()[data["model"]])
        if data["object_id"]:
            events = events.filter(pgh_obj_id=data["object_id"])
        if data["person"]:
            events = events.filter(user=data["person"])
        if data["kind"]:
            events = events.filter(pgh_label__in=KINDS[data["kind"]])
        if data["since"]:
            events = events.filter(pgh_created_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(pgh_created_at__date__lte=data["until"])
        return events.select_related("user").order_by("-pgh_created_at", "pgh_model", "-pgh_id")
