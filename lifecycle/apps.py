from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = _("Pipeline, early warning and lessons")

    def ready(self):
        from core import refusals

        # The trigger of migration 0002: a partnership with lessons stays ended.
        refusals.register(
            "lesson_partnership_ended",
            field="stage",
            message=_(
                "Its lessons are recorded, so it stays ended: it can move only to "
                "another ended stage."
            ),
        )
