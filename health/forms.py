import re
from operator import itemgetter

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.dates import validate_plausible
from core.forms import local_numbers

from .models import (
    COMMENT_MAX_LENGTH,
    LANGUAGES,
    RATING_MAX,
    RATING_MIN,
    Cadence,
    validate_open_at_most,
)
from .services import (
    MAX_ADDRESSES_PER_ROUND,
    PartnerPerson,
    invitable_users,
    once_per_address,
    require_address_cap,
)

# Addresses typed one a line, or pasted from a mail program with commas or semicolons.
ADDRESS_SEPARATORS = re.compile(r"[\n\r,;]+")

RATING_CHOICES = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]


class RoundOpenForm(forms.Form):
    """Open a round: its last day, our people, and the partners' people by email.

    One address box per partner of the partnership, with the language its
    people answer in (the partner's first language we have a translation for).
    """

    closes_on = forms.DateField(
        label=_("Last day for answers"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_plausible],
    )
    users = forms.ModelMultipleChoiceField(
        label=_("People on our side"),
        # Executives are not offered; services.respondents_invite refuses them too.
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partners=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = invitable_users().order_by("first_name", "username")
        self.today = today
        self.partners = list(partners)
        codes = {code for code, _label in LANGUAGES}
        for partner in self.partners:
            self.fields[f"emails_{partner.pk}"] = forms.CharField(
                label=_("People at %(partner)s") % {"partner": partner.name},
                help_text=_("One email address a line, or separated by commas or semicolons."),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"language_{partner.pk}"] = forms.ChoiceField(
                label=_("Language of %(partner)s's people") % {"partner": partner.name},
                choices=LANGUAGES,
                initial=next((code for code in partner.languages if code in codes), "en"),
            )

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if self.today:
            if closes_on <= self.today:
                raise ValidationError(_("Give a day after today."))
            # With any other error of the form, not only once the rest is right.
            validate_open_at_most(self.today, closes_on)
        return closes_on

    def clean(self):
        cleaned = super().clean()
        typed = once_per_address(
            (
                (partner, address)
                for partner in self.partners
                for address in map(
                    str.strip, ADDRESS_SEPARATORS.split(cleaned.get(f"emails_{partner.pk}") or "")
                )
                if address
            ),
            itemgetter(1),
        )
        try:
            require_address_cap(len(typed))
        except ValidationError as error:
            # Shown next to the box that goes over the cap, and before thousands
            # of addresses are each checked.
            over, _address = typed[MAX_ADDRESSES_PER_ROUND]
            self.add_error(f"emails_{over.pk}", error)
            return cleaned
        people, bad = [], {}
        for partner, address in typed:
            try:
                validate_email(address)
            except ValidationError:
                bad.setdefault(partner.pk, []).append(address)
            else:
                language = cleaned.get(f"language_{partner.pk}", "en")
                people.append(PartnerPerson(address, partner.pk, language))
        for partner_pk, addresses in bad.items():
            self.add_error(
                f"emails_{partner_pk}",
                _("Not an email address: %(addresses)s.") % {"addresses": ", ".join(addresses)},
            )
        if not people and not cleaned.get("users"):
            raise ValidationError(_("Invite at least one person."))
        cleaned["partner_people"] = people
        return cleaned

    def partner_fields(self):
        return [(self[f"emails_{p.pk}"], self[f"language_{p.pk}"]) for p in self.partners]


class CadenceForm(forms.ModelForm):
    class Meta:
        model = Cadence
        formfield_callback = local_numbers
        fields = ["every_months", "open_for_days"]
        labels = {"every_months": _("Every (months)"), "open_for_days": _("Open for (days)")}


class AnswerForm(forms.Form):
    """A rating for every statement, a comment per factor, and one overall.

    Field names carry the ids (`s12`, `f3`), so the page lays them out factor
    by factor; `factors` gives that layout in the respondent's language.
    """

    comment = forms.CharField(
        label=_("Anything else you would like to tell us?"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, factors, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout = []
        self.statement_names = []
        for factor in factors:
            statements = []
            for statement in factor.statements.all():
                name = f"s{statement.pk}"
                self.fields[name] = forms.TypedChoiceField(
                    label=statement.text_in(language),
                    choices=RATING_CHOICES,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose how far you agree.")},
                )
                statements.append(name)
                self.statement_names.append(name)
            comment = f"f{factor.pk}"
            self.fields[comment] = forms.CharField(
                label=_("Comment on this (optional)"),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.layout.append(
                (factor.name_in(language), [self[name] for name in statements], self[comment])
            )

    def unrated(self) -> bool:
        """Whether a statement was left without a rating the scale knows: the page
        says so only then, not for a comment it refused."""
        return any(name in self.errors for name in self.statement_names)

    def comment_refused(self) -> bool:
        return any(name in self.errors for name in self.fields if name not in self.statement_names)

    def ratings(self) -> dict[int, int]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("s") and value in range(RATING_MIN, RATING_MAX + 1)
        }

    def factor_comments(self) -> dict[int, str]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("f") and value
        }
