"""The worker's heartbeat, as a Celery bootstep (config/celery.py adds it).

Imported by config/celery.py before Django is set up, so the models are
imported only once the worker runs.
"""

import logging
import threading

from celery import bootsteps

from core.outage import Outage

logger = logging.getLogger(__name__)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A worker bootstep (config/celery.py adds it): a daemon thread beats while
    the worker runs, whatever its pool is busy with."""

    # Started once the pool has forked its children, which need no copy of it.
    requires = {"celery.worker.components:Pool"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.stopped = threading.Event()
        self.thread = None

    def start(self, worker):
        name = f"worker:{worker.hostname}"
        self.thread = threading.Thread(
            target=self._beat, args=(name,), name="accord-heartbeat", daemon=True
        )
        self.thread.start()

    def stop(self, worker):
        self.stopped.set()

    def _beat(self, name: str) -> None:
        from django.db import DatabaseError, close_old_connections, connection

        from .heartbeats import EVERY, heartbeat_record

        database = Outage("Database", logger, meanwhile="this worker writes no heartbeat")
        while not self.stopped.is_set():
            try:
                close_old_connections()
                heartbeat_record(name)
            except DatabaseError as error:
                database.failed(error)
            else:
                database.answered()
            finally:
                # No connection left open in a parent that forks pool children.
                connection.close()
            self.stopped.wait(EVERY)
