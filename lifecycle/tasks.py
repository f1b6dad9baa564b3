"""Celery tasks of the lifecycle app: thin, each calls a service."""

from django.utils import timezone

from ops.retry import database_task

from . import services


@database_task
def raise_early_warnings() -> int:
    """Daily: warn of active partnerships whose signals worsen together, and ask
    the owners of ended partnerships for their lessons."""
    today = timezone.localdate()
    raised = services.early_warnings_raise(today=today)
    services.lessons_prompt(today=today)
    return len(raised)
