from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What keeps Accord running unattended, knowing nothing of partnerships:
    the outbox for work queued while the broker is away, the heartbeats of the
    workers and beat, the health endpoints, backup and restore, log formats."""

    name = "ops"
    verbose_name = "Operations"
