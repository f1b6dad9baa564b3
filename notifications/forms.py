from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import preferences
from accounts.models import User
from core.zones import time_zone_choices, time_zone_name


class PreferencesForm(forms.ModelForm):
    """How a person wants reminders, and the language and time zone they read Accord in."""

    class Meta:
        model = User
        fields = ["reminder_channel", "language", "time_zone"]
        widgets = {"reminder_channel": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = time_zone_name(preferences.organisation_time_zone().key)
        self.fields["language"].choices = [
            ("", _("Your browser's language")),
            *self.fields["language"].choices[1:],
        ]
        # Named by country and city in the reader's language; the IANA name is
        # what is stored, as before.
        self.fields["time_zone"].widget = forms.Select(
            choices=[
                ("", _("The organisation's (%(zone)s)") % {"zone": organisation}),
                *time_zone_choices(current=self.instance.time_zone),
            ]
        )
