from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Health checks")

    def ready(self):
        from core import records

        from .views import round_address

        # Health flags on a scorecard link to the round they come from.
        records.register("health.round", round_address)
