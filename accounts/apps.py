from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import sessions
        from .middleware import use_preferences

        # Every way of signing in ends in django.contrib.auth.login(), which
        # sends this: password, second factor, single sign-on, force_login in tests.
        def start_session(sender, request, user, **kwargs):
            sessions.start(request.session, user)
            use_preferences(request, user)

        user_logged_in.connect(start_session, dispatch_uid="accounts.start_session", weak=False)
