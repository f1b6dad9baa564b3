import os

from celery import Celery

from ops.workers import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("accord")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker says it is alive, for /-/ready.
app.steps["worker"].add(WorkerHeartbeat)
