from django import forms
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneFormField


class FeedForm(forms.Form):
    time_zone = TimeZoneFormField(
        label=_("Time zone"),
        use_pytz=False,
        required=False,
        help_text=_("The days of the events are days here; empty: the organisation's server time."),
    )
