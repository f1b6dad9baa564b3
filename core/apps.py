from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Helpers that know nothing of partnerships: query lookups, chart specs,
    spreadsheets, form errors, formatting and the on-commit hooks through which
    a lower layer lets an upper one react. Imports nothing from Accord's apps."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import catalogues

        catalogues.install()
