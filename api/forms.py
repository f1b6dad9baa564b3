from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, TokenScope

EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("", _("Never")),
]


class TokenForm(forms.ModelForm):
    """A new token: its model's rules (a name that shows) are checked here, next
    to the field, before `tokens.token_create` saves it."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “M&E sync”.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices, initial=TokenScope.READ)
    expires_in = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scope"]

    def expires_at(self):
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + timezone.timedelta(days=int(days)) if days else None
