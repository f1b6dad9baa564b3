"""Celery tasks of the operations app: thin, calling the services."""

from celery import shared_task


@shared_task(acks_late=True)
def relay_outbox():
    """Every minute (beat): send what the broker could not take when it was queued."""
    from .outbox import outbox_relay

    return outbox_relay()


@shared_task(acks_late=True)
def scheduled_backup():
    """Daily (beat): a backup into ACCORD_BACKUP_DIR, keeping ACCORD_BACKUP_KEEP; off if unset."""
    from .backup import scheduled_backup as run

    return run()
