from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from accounts.hooks import roles_changed

        from . import checks  # noqa: F401  (registers them)
        from .services import leads_follow_roles

        # The pages of agreements, obligations, objectives and metrics, for
        # `core.records`' addresses.
        from .views import records  # noqa: F401

        # A co-lead is a partnership manager: one whose roles change so that
        # they no longer are is taken off the dyads they co-lead.
        roles_changed.register(leads_follow_roles)
