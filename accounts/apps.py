from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account.signals import password_changed, password_reset
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.signals import user_logged_in

        from . import lockout, services, sessions
        from .middleware import use_preferences

        # Every way of signing in ends in django.contrib.auth.login(), which
        # sends this: password, second factor, single sign-on, force_login in tests.
        def start_session(sender, request, user, **kwargs):
            sessions.start(request.session, user)
            use_preferences(request, user)

        # A new password ends what the old one may have let someone else open:
        # the other sessions and the API tokens. The browser that changed it
        # stays signed in; a reset signs nobody in, so it keeps none.
        def end_credentials_after_password_change(sender, request, user, **kwargs):
            services.user_end_credentials(user=user, keep_session_key=request.session.session_key)

        def end_credentials_after_password_reset(sender, request, user, **kwargs):
            services.user_end_credentials(user=user)

        # The session remembers that its user has a second factor, so as not to
        # ask on every request: once they remove it (allowed while no role
        # needs it), a role given later in the session must ask for it again.
        def forget_second_factor(sender, request, user, **kwargs):
            if request is not None and not sessions.has_second_factor(user):
                request.session.pop(sessions.HAS_SECOND_FACTOR, None)

        user_logged_in.connect(start_session, dispatch_uid="accounts.start_session", weak=False)
        authenticator_removed.connect(
            forget_second_factor, dispatch_uid="accounts.forget_second_factor", weak=False
        )
        password_reset.connect(
            lockout.unlock_after_password_reset,
            dispatch_uid="accounts.unlock_after_password_reset",
            weak=False,
        )
        password_reset.connect(
            end_credentials_after_password_reset,
            dispatch_uid="accounts.end_credentials_after_password_reset",
            weak=False,
        )
        password_changed.connect(
            end_credentials_after_password_change,
            dispatch_uid="accounts.end_credentials_after_password_change",
            weak=False,
        )
