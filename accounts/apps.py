from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.signals import password_reset
        from django.contrib.auth.signals import user_logged_in

        from . import lockout, sessions
        from .middleware import use_preferences

        # Every way of signing in ends in django.contrib.auth.login(), which
        # sends this: password, second factor, single sign-on, force_login in tests.
        def start_session(sender, request, user, **kwargs):
            sessions.start(request.session, user)
            use_preferences(request, user)

        user_logged_in.connect(start_session, dispatch_uid="accounts.start_session", weak=False)
        password_reset.connect(
            lockout.unlock_after_password_reset,
            dispatch_uid="accounts.unlock_after_password_reset",
            weak=False,
        )
