"""pytest plugin: throwaway PostgreSQL and Redis servers for the test session.

Loaded with `-p tooling.pytest_servers` (see addopts in pyproject.toml) rather
than from conftest.py, because pytest-django reads the Django settings in its
own `pytest_load_initial_conftests` hook, before any conftest fixture runs:
DATABASE_URL and REDIS_URL have to be in the environment by then.

The servers live in a temp dir under /tmp, listen on free ports on 127.0.0.1
and are stopped (and the dir removed) at the end of the session, also when it
is interrupted: pytest_unconfigure, atexit, and SIGTERM/SIGHUP all lead there.
Only SIGKILL leaves the PostgreSQL server behind (Redis still dies with us);
the next session removes it.

Without DEBUG the settings require a SECRET_KEY: a session without one gets a
random key here, which the servers and workers the tests start inherit.

ACCORD_TEST_USE_EXISTING=1 skips all this and uses the DATABASE_URL and
REDIS_URL already in the environment (the role must be allowed to create the
test database).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import socket
import threading

import pytest

from tooling.servers import ServerError, ThrowawayServers, log

_servers: ThrowawayServers | None = None
# Serialises stopping between the main thread (unconfigure, atexit, signal
# handler) and the watcher thread; re-entrant for a handler that interrupts
# a stop already under way in the main thread.
_stop_lock = threading.RLock()
_TERMINATING = (signal.SIGTERM, signal.SIGHUP)
_wakeup_sockets: tuple[socket.socket, socket.socket] | None = None


def _stop_servers() -> None:
    global _servers
    with _stop_lock:
        if _servers is not None:
            _servers.stop()
            _servers = None


def _stop_on_signal(signum, frame):
    _stop_servers()
    # Then die of the signal as if we had never caught it.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _watch_signals(wakeup: socket.socket) -> None:
    """Python runs signal handlers in the main thread between bytecodes, so a
    test blocked in a long query would delay _stop_on_signal until the query
    ends, and a SIGKILL that follows a SIGTERM (a CI time-out) would leave the
    servers behind. The C-level handler also writes the signal number to the
    wakeup fd at once; reading it here, we stop the servers straight away,
    which also ends the blocked query."""
    while data := wakeup.recv(64):
        if any(signum in data for signum in _TERMINATING):
            try:
                _stop_servers()
            except Exception as exc:
                log(f"stopping the test servers failed: {exc}")
            return


def _install_signal_handling() -> None:
    global _wakeup_sockets
    for signum in _TERMINATING:
        signal.signal(signum, _stop_on_signal)
    reader, writer = socket.socketpair()
    # Kept referenced: a collected socket closes its fd under the wakeup fd.
    _wakeup_sockets = (reader, writer)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    threading.Thread(
        target=_watch_signals, args=(reader,), name="test-servers-signals", daemon=True
    ).start()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _servers
    options = early_config.known_args_namespace
    if getattr(options, "help", False) or getattr(options, "version", False):
        return
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    if os.environ.get("ACCORD_TEST_USE_EXISTING") == "1":
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(
                f"ACCORD_TEST_USE_EXISTING=1 but {' and '.join(missing)} not set."
            )
        return

    servers = ThrowawayServers()
    _servers = servers
    atexit.register(_stop_servers)
    _install_signal_handling()
    capture = early_config.pluginmanager.getplugin("capturemanager")
    # Not captured: a first run may install packages, which takes a while.
    uncaptured = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    try:
        with uncaptured:
            servers.start()
    except ServerError as exc:
        _stop_servers()
        raise pytest.UsageError(f"could not start the test servers: {exc}") from None
    os.environ["DATABASE_URL"] = servers.database_url
    os.environ["REDIS_URL"] = servers.redis_url


def pytest_report_header(config):
    if _servers is None:
        return "servers: from the environment (ACCORD_TEST_USE_EXISTING=1)"
    return (
        f"servers: throwaway PostgreSQL on 127.0.0.1:{_servers.postgres.port}, "
        f"Redis on 127.0.0.1:{_servers.redis.port} (in {_servers.tmp})"
    )


def pytest_unconfigure(config):
    _stop_servers()
