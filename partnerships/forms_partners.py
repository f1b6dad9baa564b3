"""Forms of the partner pages: the list's filters and the partner itself."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.versioning import VersionedForm
from core.zones import time_zone_choices

from . import permissions
from .geography import Continent, language_choices
from .models import (
    EXPERTISE_MAX_AREAS,
    PARTNER_ENTERED_FIELDS,
    OrganisationType,
    Partner,
    Sector,
    expertise_areas,
    split_list,
)

SORTS = {
    "name": (_("Name"), ["name"]),
    "country": (_("Country"), ["country", "name"]),
    "created": (_("Newest first"), ["-created_at", "name"]),
}


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector")), *Sector.choices]
    )
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", _("Any type")), *OrganisationType.choices],
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Continent.choices]
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", gettext("Any country")), *countries]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs["class"] = "form-control"


class ExpertiseField(forms.CharField):
    """Expertise typed as a comma-separated list, kept as a list (an area typed
    twice once); the model says how many it may hold."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        # CharField's own check of a NUL runs on the cleaned value, this list,
        # whose repr writes one as "\x00": it is checked in the text as typed.
        ProhibitNullCharactersValidator()(text)
        return expertise_areas(split_list(text))


class PartnerForm(VersionedForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=language_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    expertise = ExpertiseField(
        label=_("Expertise"),
        required=False,
        help_text=format_lazy(
            "{} {}",
            _("Separate the areas with commas, e.g. cardiology, nursing."),
            format_lazy(_("At most {limit} areas."), limit=EXPERTISE_MAX_AREAS),
        ),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Partner
        fields = PARTNER_ENTERED_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": _("Name"),
            "kind": _("Kind"),
            "sector": _("Sector"),
            "country": _("Country"),
            "city": _("City"),
            "time_zone": _("Time zone"),
            "notes": _("Notes"),
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Named by country and city in the reader's language, as in Preferences;
        # the IANA name is what is stored.
        zone = self.fields["time_zone"]
        zone.choices = [
            *zone.choices[:1],
            *time_zone_choices(current=str(self.initial.get("time_zone") or "")),
        ]

    def clean(self):
        # The view refuses first; the form asks again so that no other caller
        # can save a partner for someone without the right.
        allowed = (
            permissions.can_edit_partner(self.user)
            if self.instance.pk
            else permissions.can_create(self.user)
        )
        if not allowed:
            raise forms.ValidationError(gettext("You may not change partners."))
        return super().clean()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"), help_text=_("At most 5 MB; the first row names the columns.")
    )
