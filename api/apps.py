from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        from accounts.hooks import credentials_ended

        from .tokens import tokens_revoke_all

        credentials_ended.register(tokens_revoke_all)
