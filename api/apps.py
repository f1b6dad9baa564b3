from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from accounts.hooks import credentials_ended

        from .tokens import tokens_revoke_all

        credentials_ended.register(tokens_revoke_all)
