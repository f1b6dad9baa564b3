"""Celery tasks of the lifecycle app: thin, each calls a service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def raise_early_warnings() -> int:
    """Daily: warn of active partnerships whose signals worsen together, and ask
    the owners of ended partnerships for their lessons."""
    today = timezone.localdate()
    raised = services.early_warnings_raise(today=today)
    services.lessons_prompt(today=today)
    return len(raised)
