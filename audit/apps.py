from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The trace of every change: reading the history the database writes
    (a page per object, the audit page across all of them) and checking its
    hash chains. The chain itself is in core.models; each app declares which
    of its models are tracked (`@pghistory.track`)."""

    name = "audit"
    verbose_name = "Audit"
