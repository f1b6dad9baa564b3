"""An expected refusal is one log line; real errors keep their traceback;
ACCORD_LOG_FORMAT=json gives one JSON object per line."""

import io
import json
import logging
import threading

import pytest
from django.http import HttpResponseServerError
from django.urls import reverse
from django.utils.log import log_response

from ops.logging import ExpectedRefusalFilter, JsonFormatter
from tests.workers import Worker, new_queue


@pytest.fixture
def json_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ExpectedRefusalFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_404_and_a_403_are_one_line_each(client, erin, json_lines):
    client.force_login(erin)
    assert client.get("/partnerships/999999/").status_code == 404
    assert client.post(reverse("evaluation:runs"), {}).status_code == 403
    lines = json_lines()
    assert [(line["level"], line["status_code"]) for line in lines] == [
        ("WARNING", 404),
        ("WARNING", 403),
    ]
    assert all("exception" not in line for line in lines)
    assert lines[0]["message"] == "Not Found: /partnerships/999999/"


def test_a_real_error_keeps_its_traceback(rf, json_lines):
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        log_response(
            "Internal Server Error: %s",
            "/x",
            response=HttpResponseServerError(),
            request=rf.get("/x"),
            exception=error,
        )
    (line,) = json_lines()
    assert line["level"] == "ERROR" and line["status_code"] == 500
    assert "Traceback" in line["exception"] and "RuntimeError: boom" in line["exception"]


@pytest.mark.worker
@pytest.mark.django_db
def test_a_worker_logs_json_lines_too():
    # Celery replaced the root logger's handler with its own text format, so
    # ACCORD_LOG_FORMAT=json said nothing of the worker's (and beat's) lines.
    worker = Worker(new_queue(), env={"ACCORD_LOG_FORMAT": "json"})
    timer = threading.Timer(90, worker.kill)
    timer.start()
    lines = []
    try:
        for line in worker.process.stdout:
            lines.append(line)
            if "ready." in line:
                break
    finally:
        timer.cancel()
        lines.append(worker.stop())
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(
        entry["logger"] == "celery.apps.worker" and entry["message"].endswith("ready.")
        for entry in entries
    ), "".join(lines)


@pytest.mark.django_db
def test_a_request_for_another_host_is_a_warning_not_an_error(client, caplog):
    """Scanners send requests naming any host; Django logs each as an ERROR,
    which buried the errors someone should read."""
    caplog.set_level(logging.INFO)
    assert client.get("/", HTTP_HOST="scanner.invalid").status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelname == "WARNING" and "scanner.invalid" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_other_suspicious_requests_stay_errors(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("django.security.SuspiciousFileOperation").error("../../etc/passwd")
    assert [r.levelname for r in caplog.records] == ["ERROR"]


@pytest.mark.django_db
def test_a_request_for_another_host_is_not_logged_when_only_errors_are(client, caplog):
    caplog.set_level(logging.ERROR, logger="django.security.DisallowedHost")
    assert client.get("/", HTTP_HOST="scanner.invalid").status_code == 400
    assert not [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
