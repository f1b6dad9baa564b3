from allauth.account.adapter import get_adapter
from allauth.account.forms import (
    ChangePasswordForm,
    LoginForm,
    ResetPasswordForm,
    ResetPasswordKeyForm,
    SetPasswordForm,
)
from allauth.core import context
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from .password_reset import password_reset_request
from .sso import signs_in_through_organisation, single_sign_on_configured

THROUGH_ORGANISATION = _(
    "Your account signs in through your organisation: Accord keeps no password for it. "
    "Use the single sign-on button on the sign-in page."
)


class SignInForm(LoginForm):
    """allauth's sign-in form, with the field named for what people type in it.

    A password that is right still does not sign in a person their
    organisation signs in (accounts.sso, with ACCORD_OIDC_ONLY): they are told
    to use the single sign-on button. A wrong one gets the usual answer, so the
    form tells no one more than a wrong password does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")

    def clean(self):
        cleaned = super().clean()
        if signs_in_through_organisation(getattr(self, "user", None)):
            self.user = None
            raise forms.ValidationError(THROUGH_ORGANISATION, code="through_organisation")
        return cleaned

    @property
    def only_through_organisation(self) -> bool:
        """Whether passwords sign in the superusers only (ACCORD_OIDC_ONLY)."""
        return settings.ACCORD_OIDC_ONLY and single_sign_on_configured()


class PasswordResetRequestForm(ResetPasswordForm):
    """ "Forgotten your password?": the worker finds the accounts and emails
    their links (accounts.password_reset), so the page does the same, as
    quickly, for every address and tells nobody which have accounts. No link
    goes to an account that signs in only through its organisation (accounts.sso)."""

    def clean_email(self):
        # allauth's looks the accounts up here; the worker does.
        self.users = []
        return get_adapter().clean_email(self.cleaned_data["email"])

    def save(self, request, **kwargs) -> str:
        email = self.cleaned_data["email"]
        password_reset_request(email=email)
        return email

    @property
    def single_sign_on(self) -> bool:
        return single_sign_on_configured()


class ThroughOrganisationRefused:
    """Refuses a new password for an account that signs in only through its
    organisation: a reset link sent before it did, or the password-set page."""

    def clean(self):
        if self.through_organisation:
            raise forms.ValidationError(THROUGH_ORGANISATION, code="through_organisation")
        return super().clean()

    through_organisation_message = THROUGH_ORGANISATION

    @property
    def through_organisation(self) -> bool:
        return signs_in_through_organisation(self.user)


class PasswordResetKeyForm(ThroughOrganisationRefused, ResetPasswordKeyForm):
    pass


class PasswordSetForm(ThroughOrganisationRefused, SetPasswordForm):
    pass


class PasswordChangeForm(ThroughOrganisationRefused, ChangePasswordForm):
    def clean_oldpassword(self):
        """The current password is checked as a sign-in is, through
        authenticate(): a wrong one counts towards the lockout (django-axes),
        is logged, and a locked-out account is refused. allauth's own check
        counted nothing, so a session left open guessed the password here five
        times a minute, where signing in or reauthenticating allows five in
        fifteen minutes."""
        password = self.cleaned_data.get("oldpassword", "")
        user = authenticate(context.request, username=self.user.username, password=password)
        if user is None or user.pk != self.user.pk:
            raise get_adapter().validation_error("enter_current_password")
        return password
