"""Keep a set of processes running: restart one that dies, with back-off and a
log line, and stop them all within seconds, whatever state they are in.

Used by `make run` (tooling/run.py) for gunicorn, the Celery worker and beat
(`Program`) and for the PostgreSQL and Redis servers it started (adapters in
run.py). A service is anything with `name`, `start()`, `exit_code()` (None
while it runs), `terminate()` (ask it to stop) and `kill()` (make sure: the
whole process group). Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tooling.servers import die_with_parent, log


class Service(Protocol):
    name: str

    def start(self) -> None: ...
    def exit_code(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


class Program:
    """A long-running command whose output is printed line by line with a prefix."""

    def __init__(
        self, name: str, args: list[str], env: dict[str, str], cwd: Path, width: int = 0
    ) -> None:
        self.name, self.args, self.env, self.cwd = name, args, env, cwd
        self.prefix = f"{name:<{width}} | "
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.args,
            env=self.env,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Own process group: the terminal's Ctrl-C reaches only the
            # supervisor, which decides the order things stop in, and a kill
            # reaches the program's own children too.
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        threading.Thread(target=self._copy_output, args=(self.process,), daemon=True).start()

    def _copy_output(self, process: subprocess.Popen) -> None:
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            sys.stdout.write(self.prefix + line + "\n")
            sys.stdout.flush()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def terminate(self) -> None:
        # Only the main process: gunicorn and Celery stop their own children
        # gracefully (a Celery task in progress is finished first).
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # strays of a dead main too
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


@dataclass
class _State:
    service: Service
    started_at: float = 0.0
    failures: int = 0  # deaths in a row, each soon after its start
    restart_at: float | None = None
    restarts: int = 0
    history: list[tuple[float, float]] = field(default_factory=list)  # (died, restarted)


class Supervisor:
    """Runs the services; `check()` (call it often) restarts the dead ones.

    Back-off: 1 s after a death, doubling for each death that follows within
    `stable_after` s of a start, up to `max_backoff`; a service that ran
    longer than `stable_after` starts from 1 s again.
    """

    def __init__(
        self,
        services: list[Service] = (),
        *,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
        stable_after: float = 60.0,
        grace: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.states = [_State(service) for service in services]
        self.min_backoff, self.max_backoff = min_backoff, max_backoff
        self.stable_after, self.grace = stable_after, grace
        self.clock = clock

    def state(self, name: str) -> _State:
        return next(s for s in self.states if s.service.name == name)

    def add(self, service: Service, *, running: bool = False) -> None:
        """Supervise `service`, starting it unless it is `running` already."""
        state = _State(service)
        self.states.append(state)
        if running:
            state.started_at = self.clock()
        else:
            self._start(state)

    def start_all(self) -> None:
        for state in self.states:
            self._start(state)

    def _start(self, state: _State) -> None:
        try:
            state.service.start()
        except Exception as exc:  # a server that cannot start yet: try again later
            log(f"{state.service.name} did not start: {exc}")
            self._schedule_restart(state, died_at=self.clock())
            return
        state.started_at = self.clock()
        state.restart_at = None

    def _schedule_restart(self, state: _State, died_at: float) -> None:
        if died_at - state.started_at >= self.stable_after:
            state.failures = 0
        delay = min(self.min_backoff * 2**state.failures, self.max_backoff)
        state.failures += 1
        state.restart_at = died_at + delay
        state.history.append((died_at, 0.0))
        log(f"restarting {state.service.name} in {delay:g} s")

    def check(self) -> None:
        now = self.clock()
        for state in self.states:
            if state.restart_at is None:
                code = state.service.exit_code()
                if code is None:
                    continue
                log(
                    f"{state.service.name} exited with code {code} after "
                    f"{now - state.started_at:.0f} s"
                )
                state.service.kill()  # what it left behind: workers, backends
                self._schedule_restart(state, died_at=now)
            elif now >= state.restart_at:
                state.restarts += 1
                self._start(state)
                if state.restart_at is None:
                    state.history[-1] = (state.history[-1][0], self.clock())
                    log(f"{state.service.name} restarted (restart #{state.restarts})")
        reap_strays()

    def stop_all(
        self,
        groups: list[tuple[list[str], float]] | None = None,
        hurry: threading.Event | None = None,
    ) -> None:
        """Stop group after group: each is asked to stop (SIGTERM or its own
        way), given its grace in seconds, then killed, process group and all.
        Default: everything together with `grace`. `hurry` set: no more grace."""
        groups = groups or [([s.service.name for s in self.states], self.grace)]
        for names, grace in groups:
            states = [s for s in self.states if s.service.name in names]
            alive = [s for s in states if s.restart_at is None and s.service.exit_code() is None]
            if alive:
                log(f"stopping {', '.join(s.service.name for s in alive)}")
            for state in alive:
                with contextlib.suppress(Exception):
                    state.service.terminate()
            deadline = self.clock() + grace
            while alive := [s for s in alive if s.service.exit_code() is None]:
                if self.clock() > deadline or (hurry is not None and hurry.is_set()):
                    log(f"killing {', '.join(s.service.name for s in alive)}")
                    break
                time.sleep(0.05)
            for state in states:
                state.service.kill()
                state.restart_at = None
        reap_strays()


def reap_strays() -> None:
    """Collect the exit status of orphans re-parented to us (we are a
    subreaper: the workers of a killed gunicorn, the backends of a killed
    PostgreSQL), so they do not linger as zombies. Our own Popen children are
    left to Popen, which would otherwise lose their exit codes."""
    me = str(os.getpid())
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == "Z" and fields[1] == me and _is_stray(int(stat_file.parent.name)):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(int(stat_file.parent.name), os.WNOHANG)


def _is_stray(pid: int) -> bool:
    # What we start ourselves leads its own session (Programs, Redis, the
    # postmaster); an orphan belonged to one of them, so leads nothing.
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[3] != str(pid)  # session id
