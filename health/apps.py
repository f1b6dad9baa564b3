from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Health checks")

    def ready(self):
        from core import records, refusals
        from partnerships.hooks import end_date_moving

        from .services import rounds_after_end
        from .views import round_address

        # Health flags on a scorecard link to the round they come from.
        records.register("health.round", round_address)
        # A round belongs to its partnership's run: the end date is not moved
        # before one, as it is not before a recorded value.
        end_date_moving.register(rounds_after_end)
        # Migration 0015's triggers, in words, should a service meet them
        # (`core.refusals.said`: `round_open`, the partnerships' services).
        refusals.register(
            "round_within_run",
            field="opened_on",
            message=_(
                "The partnership ended before this day: a health check opened after "
                "its end rates nothing of it."
            ),
        )
        refusals.register(
            "partnership_ends_after_its_rounds",
            field="end_date",
            message=_("Health checks were opened after this date: choose a later date."),
        )
