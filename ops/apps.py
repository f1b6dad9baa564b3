from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """What keeps Accord running unattended, knowing nothing of partnerships:
    the outbox for work queued while the broker is away, the heartbeats of the
    workers and beat, the health endpoints, backup and restore, log formats."""

    name = "ops"
    verbose_name = _("Operations")
