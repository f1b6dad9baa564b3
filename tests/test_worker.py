"""A task sent through the real Redis broker runs in a real worker process."""

import datetime as dt

import pytest

from partnerships.models import Agreement
from partnerships.tasks import expire_agreements
from tests.factories import AgreementFactory
from tests.workers import Worker, new_queue, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_runs_a_task_sent_through_redis():
    past = AgreementFactory(
        status="active", effective_date=dt.date(2019, 1, 1), expiry_date=dt.date(2020, 12, 31)
    )
    future = AgreementFactory(status="active", expiry_date=dt.date(2099, 12, 31))
    queue = new_queue()
    worker = Worker(queue)
    try:
        expire_agreements.apply_async(queue=queue)
        wait_for(
            lambda: Agreement.objects.get(pk=past.pk).status == "expired",
            what="the agreement expired by the worker",
        )
    finally:
        print(worker.stop())
    assert Agreement.objects.get(pk=future.pk).status == "active"
