from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        # The pages of agreements, obligations, objectives and metrics, for
        # `core.records`' addresses.
        from .views import records  # noqa: F401
