from django import forms
from timezone_field import TimeZoneFormField


class FeedForm(forms.Form):
    time_zone = TimeZoneFormField(
        use_pytz=False,
        required=False,
        help_text="The days of the events are days here; empty: the organisation's server time.",
    )
