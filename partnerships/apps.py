from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from accounts.hooks import roles_changed
        from core import refusals

        from . import checks  # noqa: F401  (registers them)
        from .models import PERIOD_REFUSALS, RUN_REFUSALS
        from .services import leads_follow_roles

        # The pages of agreements, obligations, objectives and metrics, for
        # `core.records`' addresses.
        from .views import records  # noqa: F401

        # A co-lead is a partnership manager: one whose roles change so that
        # they no longer are is taken off the dyads they co-lead.
        roles_changed.register(leads_follow_roles)
        # A value belongs to its partnership's run (migration 0025's triggers)
        # and starts one of its metric's periods (0027's): a write that meets
        # them is refused in words, next to the field.
        for constraint, (field, message) in {**RUN_REFUSALS, **PERIOD_REFUSALS}.items():
            refusals.register(constraint, field=field, message=message)
