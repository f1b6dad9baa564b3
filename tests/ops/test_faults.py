"""Faults injected into real servers under a bounded write load: a worker
killed mid-assessment, Redis down, PostgreSQL restarted. Each test prints the
recovery time it measured (run with -s to see them)."""

import datetime as dt
import json
import sys
import threading
import time

import pytest
from celery import current_app
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from evaluation import services, tasks
from evaluation.models import AssessmentChunk, AssessmentRun, Scorecard
from ops.models import Heartbeat, OutboxMessage
from ops.outbox import outbox_relay
from partnerships.models import Partner
from tests.factories import partnership_with_data
from tests.ops.faults import Gunicorn, WriteLoad, postgres_down, redis_down, wait_for
from tests.workers import Worker, new_queue

PERIOD = services.last_closed_month(dt.date.today()).start


def report(what: str, seconds: float) -> None:
    print(f"\n[recovery] {what}: {seconds:.2f} s", file=sys.stderr)


def each_written_once(load: WriteLoad) -> None:
    counts = dict(
        Partner.objects.filter(name__startswith=f"Load {load.tag} ")
        .values_list("name")
        .annotate(n=Count("id"))
        .values_list("name", "n")
    )
    assert counts == dict.fromkeys(load.succeeded, 1)


def heartbeats_fresh():
    for name in ("worker:test@host", "beat"):
        Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def ready(client):
    response = client.get("/-/ready")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_the_health_endpoints_report_each_dependency_down_and_up(client):
    heartbeats_fresh()
    assert client.get("/-/live").status_code == 200
    # Monitors and load balancers that probe with HEAD read the same answer.
    assert client.head("/-/live").status_code == 200
    assert client.head("/-/ready").status_code == 200
    assert client.post("/-/ready").status_code == 405
    status, body = ready(client)
    assert (status, body["status"], body["failing"]) == (200, "ok", [])
    assert set(body["checks"]) == {"database", "cache", "broker", "worker", "beat"}
    assert "127.0.0.1" not in json.dumps(body) and "redis://" not in json.dumps(body)

    Heartbeat.objects.filter(name="beat").update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    status, body = ready(client)
    assert (status, body["failing"]) == (503, ["beat"])
    assert body["checks"]["beat"]["problem"] == "no beat heartbeat in the last 60 s"
    Heartbeat.objects.filter(name__startswith="worker:").delete()
    assert ready(client)[1]["failing"] == ["worker", "beat"]
    heartbeats_fresh()

    with redis_down():
        status, body = ready(client)
        assert (status, body["failing"]) == (503, ["cache", "broker"])
        assert client.get("/-/live").status_code == 200
    took = wait_for(lambda: ready(client)[0] == 200, timeout=30, what="ready again")
    report("/-/ready back to 200 after Redis returned", took)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_down_pages_are_served_and_run_now_waits_in_the_outbox(client, erin, rita):
    for _ in range(4):
        partnership_with_data()
    with redis_down(), WriteLoad() as load:
        client.force_login(erin)
        started = time.monotonic()
        assert client.get(reverse("dashboards:portfolio")).status_code == 200
        report("portfolio served with Redis down in", time.monotonic() - started)
        assert client.get(reverse("dashboards:portfolio")).status_code == 200

        client.force_login(rita)
        response = client.post(
            reverse("evaluation:runs"), {"period_start": PERIOD.isoformat()}, follow=True
        )
        assert response.status_code == 200
        (message,) = [str(m) for m in response.context["messages"]]
        assert "cannot be reached right now" in message
        assert "start by itself as soon as the queue is back" in message
        run = AssessmentRun.objects.get()
        assert run.status == "running"
        waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
        assert waiting.count() == run.chunks.count() == 1
        assert waiting.get().attempts == 1  # the on-commit attempt, which failed
    back = time.monotonic()
    each_written_once(load)
    assert load.failed == 0

    worker = Worker("celery")  # the default queue, as "Run now" uses
    try:
        # What beat's "Relay the outbox" does every minute.
        wait_for(lambda: outbox_relay() == 1, timeout=30, what="the outbox relayed")
        wait_for(
            lambda: AssessmentRun.objects.get(pk=run.pk).status == "completed",
            timeout=180,
            what="the run completed",
        )
    finally:
        print(worker.stop())
    report("run completed after Redis returned (worker start included)", time.monotonic() - back)
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert Scorecard.objects.filter(period_start=PERIOD).count() == 4


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_assessment_is_taken_over_when_its_lease_runs_out():
    partnerships = [partnership_with_data(metrics=2) for _ in range(60)]
    queue = new_queue()
    current_app.control.purge()  # the sweep sends to the default queue: nothing stale there
    with transaction.atomic():
        run = services.assessment_run_start(period_start=PERIOD, chunk_size=15)
        tasks.send_chunks(services.assessment_run_pending_chunks(run=run), queue=queue)
    chunks = AssessmentChunk.objects.filter(run=run)
    lease = {"ACCORD_CHUNK_LEASE_SECONDS": "2"}

    with WriteLoad(count=40, pause=0.1) as load:
        worker = Worker(queue, env=lease)
        wait_for(
            lambda: chunks.filter(status="pending", lease_expires_at__isnull=False).exists(),
            timeout=120,
            interval=0.01,
            what="a chunk in hand",
        )
        worker.kill()  # SIGKILL: no chance to finish or acknowledge anything
        killed = time.monotonic()
        in_hand = chunks.filter(status="pending", lease_expires_at__isnull=False)
        assert in_hand.exists(), "the worker finished its chunk before it was killed"
        assert AssessmentRun.objects.get(pk=run.pk).status == "running"

        # The supervisor restarts the worker; beat sends the sweep every
        # minute, here every second to keep the test short.
        worker = Worker(f"{queue},celery", env=lease)
        done = threading.Event()

        def sweep():
            while not done.wait(1):
                tasks.resume_stalled_assessments()
            connection.close()

        sweeper = threading.Thread(target=sweep, daemon=True)
        sweeper.start()
        try:
            wait_for(
                lambda: AssessmentRun.objects.get(pk=run.pk).status == "completed",
                timeout=180,
                what="the run completed without anyone",
            )
        finally:
            done.set()
            sweeper.join(timeout=30)
            print(worker.stop())
    report("run completed after its worker was SIGKILLed (2 s lease)", time.monotonic() - killed)
    run.refresh_from_db()
    assert (run.assessed_count, run.failed_count) == (60, 0)
    counts = Scorecard.objects.filter(period_start=PERIOD).values_list("partnership")
    assert dict(counts.annotate(n=Count("id"))) == {p.pk: 1 for p in partnerships}
    each_written_once(load)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restarted_postgresql_costs_no_500(client, rita):
    heartbeats_fresh()
    client.force_login(rita)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    web = Gunicorn()
    try:
        assert web.get("/", cookies)[0] == 200  # its connection is kept (CONN_MAX_AGE)
        with WriteLoad(count=60, pause=0.1) as load:
            time.sleep(0.5)
            with postgres_down() as postgres:
                status, body = web.get("/-/ready")
                assert status == 503 and "database" in json.loads(body)["failing"]
                assert web.get("/-/live")[0] == 200
                postgres.start()
            back = time.monotonic()
            status, _ = web.get("/", cookies)
            report("first page after PostgreSQL restarted", time.monotonic() - back)
            assert status == 200
        connection.close()  # this thread's connection was cut too
        assert web.get("/-/ready")[0] == 200
        each_written_once(load)
        print(f"\nwrites: {len(load.succeeded)} succeeded, {load.failed} refused while down")
        assert load.failed > 0 and load.succeeded
    finally:
        output = web.stop()
    assert " 500 " not in output, output
