"""Celery tasks of the operations app: thin, calling the services."""

from .backup import BackupError
from .retry import database_task


@database_task
def relay_outbox():
    """Every minute (beat): send what the broker could not take when it was queued."""
    from .outbox import outbox_relay

    return outbox_relay()


# pg_dump meeting a restarting PostgreSQL fails with a BackupError: retried
# too, or that night would have no backup.
@database_task(also_retry_for=(BackupError,))
def scheduled_backup():
    """Daily (beat): a backup into ACCORD_BACKUP_DIR, keeping ACCORD_BACKUP_KEEP; off if unset."""
    from .backup import scheduled_backup as run

    return run()
