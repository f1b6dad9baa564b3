"""Fault injection for the tests: the session's own servers (tooling/pytest_servers.py)
taken down and brought back, a bounded write load, and a real gunicorn."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

from django.db import DatabaseError, close_old_connections, connection

from core.cache import FailSoftRedisCache
from partnerships.services import partner_create
from tests.workers import ROOT, database_url
from tooling import pytest_servers
from tooling.servers import free_port, port_accepts


def session_servers():
    servers = pytest_servers._servers
    if servers is None:
        raise RuntimeError("needs the throwaway servers (not ACCORD_TEST_USE_EXISTING)")
    return servers


@contextlib.contextmanager
def redis_down():
    """Stop the session's Redis; it comes back (empty) on leaving, whatever happens."""
    redis = session_servers().redis
    redis.stop(timeout=10)
    try:
        yield
    finally:
        redis_up()


@contextlib.contextmanager
def postgres_down():
    """A fast shutdown of the session's PostgreSQL, cutting every connection;
    started again on leaving, whatever happens."""
    postgres = session_servers().postgres
    postgres.stop(mode="fast")
    try:
        yield postgres
    finally:
        if not postgres.is_running():
            postgres.start()


def redis_up() -> None:
    redis = session_servers().redis
    if redis.process is None:
        redis.start()
    # The cache would skip Redis for a few seconds more; the next test needs it now.
    FailSoftRedisCache._skip_until = 0.0


class WriteLoad:
    """A thread doing `count` writes through the service, one every `pause`
    seconds, each in its own transaction, as requests would; records the ones
    that succeeded. A write that fails (its server is away) is not retried."""

    def __init__(self, count: int = 40, pause: float = 0.05) -> None:
        self.count, self.pause = count, pause
        self.tag = uuid.uuid4().hex[:8]
        self.succeeded: list[str] = []
        self.failed = 0
        self.thread = threading.Thread(target=self._write, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.thread.join(timeout=120)
        assert not self.thread.is_alive(), "the write load did not finish"

    def _write(self) -> None:
        try:
            for index in range(self.count):
                name = f"Load {self.tag} {index}"
                close_old_connections()  # what each request starts with
                try:
                    partner_create(
                        name=name, kind="hospital", organisation_type="15",
                        sector="government", country="KE", time_zone="Africa/Nairobi",
                    )  # fmt: skip
                except DatabaseError:
                    self.failed += 1
                else:
                    self.succeeded.append(name)
                time.sleep(self.pause)
        finally:
            connection.close()


class Gunicorn:
    """The web server as `make run` starts it, against the test database."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                "--no-control-socket", "--access-logfile", "-",
            ],
            cwd=ROOT,
            env=os.environ
            | {"DATABASE_URL": database_url(), "CONN_MAX_AGE": "60"}
            | (env or {}),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not port_accepts(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{self.stop()}")
            time.sleep(0.1)

    def get(self, path: str, cookies: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        if cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output or ""


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.1) -> float:
    """Seconds until `condition()` held."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - started
