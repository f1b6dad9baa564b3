"""Forms of the agreement pages.

Every choice that names another row (the agreement changed, a party's partner)
is limited by its queryset to the agreement's own partnership, so a forged id
is refused as "not one of the available choices".
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import local_numbers
from core.versioning import VersionedForm

from . import documents
from .geography import currency_choices, language_choices
from .models import NOT_ONE_OF_ITS_RENEWALS, Agreement, AgreementParty, Obligation, Partner
from .widgets import PartnerPicker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(VersionedForm):
    language = forms.ChoiceField(label=_("Language"), required=False)
    # Its version covers its parties and obligations, which this form's
    # snapshot does not show: a change to any of them is a conflict.
    rebase_when_unchanged = False

    class Meta:
        model = Agreement
        formfield_callback = local_numbers
        fields = [
            "kind",
            "title",
            "reference",
            "status",
            "goals",
            "effective_date",
            "expiry_date",
            "signed_on",
            "notice_period_days",
            "auto_renewal",
            "renewal_term_months",
            "governing_law",
            "language",
            "changes",
            "change_kind",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "effective_date": DATE,
            "expiry_date": DATE,
            "signed_on": DATE,
        }
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "reference": _("Reference"),
            "status": _("Status"),
            "goals": _("Goals"),
            "effective_date": _("Effective date"),
            "expiry_date": _("Expiry date"),
            "signed_on": _("Signed on"),
            "notice_period_days": _("Notice period days"),
            "auto_renewal": _("Auto renewal"),
            "renewal_term_months": _("Renewal term months"),
            "governing_law": _("Governing law"),
            "changes": _("Amends or renews"),
            "change_kind": _("Amendment or renewal"),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's clean() compares the partnership of `changes` with this one.
        self.instance.partnership = partnership
        others = Agreement.objects.filter(partnership=partnership)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["changes"].queryset = others.order_by("-effective_date", "title")
        self.fields["language"].choices = [("", "—")] + language_choices()


class PartyForm(forms.ModelForm):
    contribution_currency = forms.ChoiceField(required=False, label=_("Currency"))

    class Meta:
        model = AgreementParty
        formfield_callback = local_numbers
        fields = [
            "partner",
            "is_our_organisation",
            "signatory_name",
            "signatory_title",
            "signed_on",
            "responsibilities",
            "contribution_kind",
            "contribution_amount",
            "contribution_currency",
            "contribution_description",
        ]
        widgets = {
            "signed_on": DATE,
            "responsibilities": forms.Textarea(attrs={"rows": 2}),
            "contribution_description": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "partner": _("Partner"),
            "is_our_organisation": _("Our organisation"),
            "signatory_name": _("Signatory name"),
            "signatory_title": _("Signatory title"),
            "signed_on": _("Signed on"),
            "responsibilities": _("Responsibilities"),
            "contribution_kind": _("Contribution"),
            "contribution_amount": _("Amount"),
            "contribution_description": _("Contribution in detail"),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        # A party is one of the partnership's members: the picker searches them
        # as you type, and a partner that is not one is refused on save.
        self.fields["partner"].queryset = Partner.objects.filter(
            memberships__partnership=partnership
        ).distinct()
        self.fields["partner"].widget = PartnerPicker(partnership=partnership.pk)
        self.fields["contribution_currency"].choices = [("", "—")] + currency_choices()


class ObligationForm(forms.ModelForm):
    # Obligations name their party by its row in the parties above, so that an
    # obligation can be given to a party that is being added in the same form.
    party_row = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=_("Owed by")
    )

    class Meta:
        model = Obligation
        fields = ["description", "party_row", "due_date", "completed_on"]
        widgets = {"due_date": DATE, "completed_on": DATE}
        labels = {
            "description": _("Description"),
            "due_date": _("Due date"),
            "completed_on": _("Completed on"),
        }

    def __init__(self, *args, party_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_row"].choices = [("", gettext("All parties"))] + party_rows


class BasePartyFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, partnership, **kwargs):
        self.partnership = partnership
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return super().get_form_kwargs(index) | {"partnership": self.partnership}

    def row_choices(self):
        """("0", "1 · Partner") for each row, named by its saved party if it has one."""
        choices = []
        for index, form in enumerate(self.forms):
            party = form.instance if form.instance.pk else None
            name = str(party) if party else gettext("Party in row %(row)s") % {"row": index + 1}
            choices.append((str(index), f"{index + 1} · {name}"))
        return choices


class BaseObligationFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, party_rows, party_ids, **kwargs):
        self.party_rows = party_rows
        self.row_of_party = {pk: row for row, pk in enumerate(party_ids) if pk}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return super().get_form_kwargs(index) | {"party_rows": self.party_rows}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk and form.instance.party_id in self.row_of_party:
            form.initial["party_row"] = self.row_of_party[form.instance.party_id]
        return form


# The most rows a page builds, whatever the POST's TOTAL_FORMS claims: Django
# would build up to 2,000 of each, and a party row with its currency list
# costs tens of milliseconds and megabytes to build and show (a forged count
# of a thousand took a worker minutes and gigabytes).
MAX_PARTIES, MAX_OBLIGATIONS = 50, 200

PartyFormSet = forms.inlineformset_factory(
    Agreement,
    AgreementParty,
    form=PartyForm,
    formset=BasePartyFormSet,
    extra=2,
    can_delete=False,
    max_num=MAX_PARTIES,
    absolute_max=MAX_PARTIES,
    validate_max=True,
)

ObligationFormSet = forms.inlineformset_factory(
    Agreement,
    Obligation,
    form=ObligationForm,
    formset=BaseObligationFormSet,
    extra=2,
    can_delete=False,
    max_num=MAX_OBLIGATIONS,
    absolute_max=MAX_OBLIGATIONS,
    validate_max=True,
)


class DocumentForm(forms.Form):
    """The upload field only: what the file is gets checked by
    `documents.agreement_document_attach`, whose refusals the view puts here."""

    document = forms.FileField(
        label=_("Signed document"),
        widget=forms.FileInput(
            attrs={
                "accept": ".pdf,.docx,.odt,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.oasis.opendocument.text"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = documents.max_document_size_label()
        self.fields["document"].help_text = gettext("PDF, DOCX or ODT, at most %(limit)s.") % {
            "limit": limit
        }


class SupersedeForm(forms.Form):
    """Which renewal supersedes the agreement: one of its renewals
    (`Agreement.renewals`), as `services.agreement_supersede` checks again."""

    by = forms.ModelChoiceField(
        label=_("By"),
        queryset=Agreement.objects.none(),
        error_messages={
            "required": NOT_ONE_OF_ITS_RENEWALS,
            "invalid_choice": NOT_ONE_OF_ITS_RENEWALS,
        },
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by"].queryset = agreement.renewals()
