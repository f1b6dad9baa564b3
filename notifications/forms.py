from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import preferences
from accounts.models import User


class PreferencesForm(forms.ModelForm):
    """How a person wants reminders, and the language and time zone they read Accord in."""

    class Meta:
        model = User
        fields = ["reminder_channel", "language", "time_zone"]
        widgets = {"reminder_channel": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = preferences.organisation_time_zone().key
        self.fields["language"].choices = [
            ("", _("Your browser's language")),
            *self.fields["language"].choices[1:],
        ]
        self.fields["time_zone"].widget = forms.Select(
            choices=[
                ("", _("The organisation's (%(zone)s)") % {"zone": organisation}),
                *((name, name.replace("_", " ")) for name in sorted(preferences.time_zone_names())),
            ]
        )
