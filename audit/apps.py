from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The trace of every change: reading the history the database writes
    (a page per object, the audit page across all of them) and checking its
    hash chains. The chain itself is in core.models; each app declares which
    of its models are tracked (`@pghistory.track`)."""

    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from .chain import after_migrate

        # Once per migration run, after every app's migrations.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="audit.chain_columns")
