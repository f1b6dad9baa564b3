from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        # The pages of agreements, obligations, objectives and metrics, for
        # `core.records`' addresses.
        from .views import records  # noqa: F401
