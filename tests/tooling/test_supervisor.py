"""The supervisor of `make run` (tooling/supervisor.py, tooling/run.py) with
small fake children, and with a real throwaway PostgreSQL and Redis."""

import os
import signal
import time
from pathlib import Path

import pytest

from tooling.run import PostgresService, RedisService, clear_stale_postmaster, live_postmaster
from tooling.servers import PostgresServer, RedisServer, free_port, redis_ping
from tooling.supervisor import Program, Supervisor


def program(name, *args):
    return Program(name, list(args), dict(os.environ), Path("/tmp"))


def wait_until(condition, supervisor, timeout=30):
    """Run the supervisor's loop until `condition()`; the seconds it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "not reached in time"
        supervisor.check()
        time.sleep(0.02)
    return time.monotonic() - started


def group_alive(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs. A killed one whose parent
    has not read its status yet (a zombie: the shell's sleep, orphaned to this
    process if an earlier test made it a subreaper) answers a signal, but runs
    no more."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended while we looked
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            return True
    return False


def test_it_restarts_a_killed_child_and_leaves_the_others_alone(capsys):
    sleeper, other = program("sleeper", "sleep", "60"), program("other", "sleep", "60")
    supervisor = Supervisor(min_backoff=0.2)
    supervisor.add(sleeper)
    supervisor.add(other)
    first, others = sleeper.pid, other.pid
    try:
        os.kill(first, signal.SIGKILL)
        took = wait_until(lambda: sleeper.pid != first and sleeper.exit_code() is None, supervisor)
    finally:
        supervisor.stop_all()
    print(f"fake child restarted {took:.2f} s after SIGKILL")
    assert other.pid == others and supervisor.state("other").restarts == 0
    assert supervisor.state("sleeper").restarts == 1
    log = capsys.readouterr().err
    assert "sleeper exited with code -9" in log
    assert "sleeper restarted (restart #1)" in log


def test_a_child_that_keeps_dying_waits_longer_each_time(capsys):
    crasher = program("crasher", "sh", "-c", "exit 3")
    supervisor = Supervisor(min_backoff=0.1, max_backoff=0.4, stable_after=60)
    supervisor.add(crasher)
    try:
        wait_until(lambda: supervisor.state("crasher").restarts >= 4, supervisor)
    finally:
        supervisor.stop_all()
    delays = [
        line.split(" in ")[1]
        for line in capsys.readouterr().err.splitlines()
        if "restarting crasher" in line
    ]
    assert delays[:4] == ["0.1 s", "0.2 s", "0.4 s", "0.4 s"]


def test_stopping_kills_what_ignores_sigterm_within_the_grace():
    # The shell and its sleep both ignore SIGTERM.
    stubborn = program("stubborn", "sh", "-c", "trap '' TERM; sleep 60; sleep 60")
    polite = program("polite", "sleep", "60")
    supervisor = Supervisor(grace=0.5)
    supervisor.add(stubborn)
    supervisor.add(polite)
    time.sleep(0.2)
    started = time.monotonic()
    supervisor.stop_all()
    took = time.monotonic() - started
    print(f"stopped a child ignoring SIGTERM in {took:.2f} s")
    assert took < 3
    assert stubborn.exit_code() == -9 and polite.exit_code() == -15
    assert not group_alive(stubborn.pid)


def write_pid_file(pg: PostgresServer, pid: int) -> None:
    pg.data_dir.mkdir(parents=True, exist_ok=True)
    lines = [str(pid), str(pg.data_dir), "1700000000", str(pg.port), str(pg.data_dir)]
    (pg.data_dir / "postmaster.pid").write_text("\n".join(lines) + "\n")


def test_a_postmaster_pid_naming_another_process_is_stale_and_removed(tmp_path):
    pg = PostgresServer(base=tmp_path / "postgres", port=free_port())
    # A pid alive but not this cluster's server (ours: python), as after a
    # crash whose pid was reused since.
    write_pid_file(pg, os.getpid())
    assert live_postmaster(pg) is None
    clear_stale_postmaster(pg)
    assert not (pg.data_dir / "postmaster.pid").exists()


def test_a_postmaster_pid_of_a_process_gone_is_stale(tmp_path):
    pg = PostgresServer(base=tmp_path / "postgres", port=free_port())
    write_pid_file(pg, 2**22 + 12345)  # above any pid in use here
    assert live_postmaster(pg) is None
    clear_stale_postmaster(pg)
    assert not (pg.data_dir / "postmaster.pid").exists()


@pytest.fixture
def throwaway_postgres():
    base = Path("/tmp") / f"accord-supervisor-{os.getpid()}"
    from tooling.servers import give_to_pg_user

    base.mkdir()
    give_to_pg_user(base)
    pg = PostgresServer(
        base=base / "postgres",
        port=free_port(),
        settings={"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"},
    )
    pg.init()
    pg.start()
    yield pg
    pg.stop(mode="immediate")
    import shutil

    shutil.rmtree(base, ignore_errors=True)


def test_it_restarts_a_killed_postgresql_and_redis(throwaway_postgres, tmp_path):
    postgres = PostgresService(throwaway_postgres)
    postgres.adopt()
    redis_server = RedisServer(tmp_path / "redis", port=free_port(), persistent=False)
    redis_server.start()
    redis = RedisService(redis_server)
    supervisor = Supervisor(min_backoff=0.2)
    supervisor.add(postgres, running=True)
    supervisor.add(redis, running=True)
    old_postmaster = postgres.pid
    try:
        os.kill(old_postmaster, signal.SIGKILL)
        redis_server.process.kill()
        took = wait_until(
            lambda: (
                postgres.pid not in (None, old_postmaster)
                and postgres.exit_code() is None
                and redis_ping(redis_server.port)
            ),
            supervisor,
            timeout=60,
        )
        print(f"PostgreSQL and Redis back {took:.2f} s after SIGKILL")
        assert throwaway_postgres.psql("SELECT 1;").strip() == "1"
        assert live_postmaster(throwaway_postgres) == postgres.pid
    finally:
        started = time.monotonic()
        supervisor.stop_all([(["redis"], 5), (["postgres"], 5)])
        stop_took = time.monotonic() - started
    print(f"stopped both in {stop_took:.2f} s")
    assert stop_took < 10
    assert not (throwaway_postgres.data_dir / "postmaster.pid").exists()
