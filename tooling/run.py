"""`make run`: Accord with everything it needs, in the foreground.

Starts a project-local PostgreSQL (var/postgres) and Redis (var/redis, with a
password made for the run) unless DATABASE_URL / REDIS_URL are already set,
uses the checkout's SECRET_KEY (var/secret-key) unless one is set, prepares the database (migrate,
collectstatic, compile_translations, seed_demo, health_answer_links, assess, review_demo,
early_warning, send_reminders), then runs gunicorn, a Celery worker and Celery
beat with their output prefixed, under a supervisor (tooling/supervisor.py):
any of them that dies, and the PostgreSQL and Redis servers started here, is
restarted with back-off and a log line. Ctrl-C or SIGTERM stops the three
programs, then Redis, then PostgreSQL, each asked first and killed after a
few seconds' grace. A run killed outright leaves nothing the next one trips
on: it stops the old server or removes a stale postmaster.pid. While it runs,
var/run.env tells `manage.py` (and `make shell`) where the servers are. Data
is kept between runs.

`python -m tooling.run clean-data` removes the kept data (make clean-data).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tooling.servers import (
    REPO_DIR,
    PostgresServer,
    RedisServer,
    ServerError,
    _process_identity,
    become_subreaper,
    ensure_binaries,
    fallback_pg_base,
    is_root,
    log,
    pg_user_can_reach,
    port_accepts,
    port_is_free,
    reap,
    require_free_port,
)
from tooling.supervisor import Program, Supervisor

VAR_DIR = REPO_DIR / "var"
VENV_BIN = Path(sys.executable).parent
DEFAULT_PG_PORT = 54329
DEFAULT_REDIS_PORT = 63799
DEFAULT_WEB_PORT = 8000
# Role, password and database of the dev cluster. It only listens on
# 127.0.0.1 and holds demo data, so a well-known password is acceptable.
DEV_DB = "accord"
# Ctrl-C gives the programs this long to stop, then kills them: a Celery task
# cut short is sent again (its chunk's lease runs out), nothing is lost.
PROGRAM_GRACE = float(os.environ.get("ACCORD_STOP_GRACE", "5"))
SERVER_GRACE = 5
STARTUP_TIMEOUT = 60
RUN_ENV = VAR_DIR / "run.env"
# The demo's own organisation, the side of every partnership that is not a
# partner (as fictional as the rest of the demo): it heads the scorecard PDF and
# signs health-check invitations. ACCORD_ORGANISATION_NAME, when set, wins.
DEMO_ORGANISATION = "Calderbrook University Hospitals"


class Stop(Exception):
    """Raised by the signal handler to unwind whatever we are doing."""


class StepFailed(Exception):
    pass


_stopping = threading.Event()
_hurry = threading.Event()
# While preparing, a signal unwinds whatever runs (a migration, say); once
# supervising, it only sets _stopping, so a restart is never cut in half.
_interruptible = True


def _on_signal(signum, frame):
    if _stopping.is_set():
        # A second Ctrl-C while stopping: no more grace for anyone.
        _hurry.set()
        return
    _stopping.set()
    log(f"{signal.Signals(signum).name}: stopping")
    if _interruptible:
        raise Stop(signal.Signals(signum).name)


# --- data directories ------------------------------------------------------------------


def dev_pg_base() -> Path:
    """var/postgres, unless the postgres user cannot get there (a checkout
    under /root, say): then /var/lib/accord/<hash of the checkout path>/postgres."""
    if pg_user_can_reach(VAR_DIR):
        return VAR_DIR / "postgres"
    base = fallback_pg_base()
    for directory in (base.parent, base):
        directory.mkdir(exist_ok=True)
        os.chmod(directory, 0o755)
    (base / "CHECKOUT").write_text(f"PostgreSQL data of the Accord checkout in {REPO_DIR}\n")
    log(
        f"the postgres user cannot reach {VAR_DIR}, so PostgreSQL data lives in "
        f"{base / 'postgres'} (make clean-data removes it too)"
    )
    return base / "postgres"


def live_postmaster(pg: PostgresServer) -> int | None:
    """The pid in postmaster.pid if that process really is this cluster's
    server (alive, not a zombie, a `postgres` working in this data dir): a
    pid reused by another program since a crash must not count."""
    try:
        pid = int((pg.data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if _process_identity(pid) is None:
        reap(pid, timeout=0.1)  # a zombie of ours, if it is one
        return None
    try:
        exe = Path(os.readlink(f"/proc/{pid}/exe")).name
        cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None
    return pid if exe == "postgres" and cwd == pg.data_dir.resolve() else None


def clear_stale_postmaster(pg: PostgresServer) -> None:
    """After a crash: stop this cluster's server left running, or remove the
    lock files of one that is gone, so that the cluster starts."""
    pid_file = pg.data_dir / "postmaster.pid"
    if not pid_file.exists():
        return
    pid = live_postmaster(pg)
    if pid is not None:
        log(f"PostgreSQL from an earlier, killed run is still up (pid {pid}); stopping it")
        stop_postmaster(pid, grace=SERVER_GRACE)
    lines = pid_file.read_text().splitlines() if pid_file.exists() else []
    if lines:
        log(f"removing the stale {pid_file.name} (pid {lines[0]} is not this cluster's server)")
        pid_file.unlink(missing_ok=True)
        if len(lines) > 4 and lines[4]:
            for name in (f".s.PGSQL.{pg.port}", f".s.PGSQL.{pg.port}.lock"):
                with contextlib.suppress(OSError):
                    (Path(lines[4]) / name).unlink()


def stop_postmaster(pid: int, grace: float) -> None:
    """SIGINT is PostgreSQL's fast shutdown; then SIGKILL to its process group
    (pg_ctl made it a session leader), backends and all."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + grace
    while _process_identity(pid) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    reap(pid, timeout=2)


class PostgresService:
    """The dev cluster as a supervised service: the postmaster is our child
    once pg_ctl has exited (we are a subreaper), so its death is seen."""

    name = "postgres"

    def __init__(self, pg: PostgresServer) -> None:
        self.pg = pg
        self.pid: int | None = None
        self.code: int | None = None

    def adopt(self) -> None:
        self.pid, self.code = live_postmaster(self.pg), None

    def start(self) -> None:
        clear_stale_postmaster(self.pg)
        self.pg.start()
        self.adopt()

    def exit_code(self) -> int | None:
        if self.code is not None or self.pid is None:
            return self.code if self.pid is not None else -1
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:  # not ours to reap: look instead
            if _process_identity(self.pid) is None:
                self.code = -1
            return self.code
        if pid:
            self.code = os.waitstatus_to_exitcode(status)
        return self.code

    def terminate(self) -> None:
        if self.pid is not None and self.code is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGINT)

    def kill(self) -> None:
        if self.pid is None:
            return
        if self.exit_code() is None:
            stop_postmaster(self.pid, grace=0)
            self.exit_code()
        else:
            # Reaped already, so its pid may be another's now; its process
            # group (the backends it left) is still its own.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)


class RedisService:
    name = "redis"

    def __init__(self, redis: RedisServer) -> None:
        self.redis = redis

    def start(self) -> None:
        self.redis.start()

    def exit_code(self) -> int | None:
        process = self.redis.process
        return -1 if process is None else process.poll()

    def terminate(self) -> None:
        process = self.redis.process
        if process is not None and process.poll() is None:
            process.terminate()

    def kill(self) -> None:
        process = self.redis.process
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()


def start_dev_postgres(pg: PostgresServer) -> str:
    clear_stale_postmaster(pg)
    wait_for_free_port(pg.port)
    require_free_port(pg.port, "project PostgreSQL", "ACCORD_PG_PORT")
    if not pg.is_initialised():
        log(f"creating the PostgreSQL cluster in {pg.data_dir}")
        pg.init()
    pg.start()
    pg.ensure_role_and_database(DEV_DB, DEV_DB)
    log(f"PostgreSQL {pg.server_version()} on 127.0.0.1:{pg.port}, data in {pg.data_dir}")
    return f"postgres://{DEV_DB}:{DEV_DB}@127.0.0.1:{pg.port}/{DEV_DB}"


def start_dev_redis(redis: RedisServer) -> str:
    redis.start()
    log(f"Redis on 127.0.0.1:{redis.port} with a password, data in {redis.directory}")
    return f"redis://:{redis.password}@127.0.0.1:{redis.port}/0"


def dev_secret_key() -> str:
    """The checkout's own SECRET_KEY, made once and kept in var/ (mode 0600), so
    sessions survive a restart and no two checkouts share a key."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def wait_for_free_port(port: int, timeout: float = 15) -> None:
    """A killed run's programs get SIGTERM from the kernel and take a few
    seconds to let go of their ports; wait for that rather than refuse."""
    deadline = time.monotonic() + timeout
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)


def program_defaults(env: dict[str, str]) -> None:
    """What the programs get unless the environment says otherwise."""
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("WEB_CONCURRENCY", "2")  # gunicorn workers
    env.setdefault("ACCORD_ORGANISATION_NAME", DEMO_ORGANISATION)


def write_run_env(env: dict[str, str]) -> None:
    """Where this run's servers are, for `manage.py` run by hand (settings.py
    reads it when DATABASE_URL is unset), and the organisation they print.
    Holds passwords: owner only."""
    RUN_ENV.touch(mode=0o600)
    RUN_ENV.chmod(0o600)
    names = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ACCORD_ORGANISATION_NAME")
    names = [name for name in names if env.get(name)]
    RUN_ENV.write_text("".join(f"{name}={env[name]}\n" for name in names))


def without_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


# --- the application's programs --------------------------------------------------------


def run_step(args: list[str], env: dict[str, str]) -> None:
    log(f"$ {' '.join(args)}")
    result = subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], env=env, cwd=REPO_DIR)
    if result.returncode != 0:
        raise StepFailed(f"`manage.py {' '.join(args)}` failed (exit {result.returncode})")


def programs(env: dict[str, str], web_port: int) -> list[Program]:
    # Django's, Celery's and Accord's lines follow LOG_LEVEL through settings.LOGGING;
    # gunicorn's own lines, and what the worker's and beat's banners show, are told here.
    level = env.get("LOG_LEVEL") or "INFO"
    commands = {
        "web": [
            str(VENV_BIN / "gunicorn"), "config.wsgi:application",
            "--bind", f"127.0.0.1:{web_port}",
            "--access-logfile", "-",
            "--log-level", level.lower(),
            "--graceful-timeout", "10",
            # Its default socket is one per user, in ~/.gunicorn: not ours to take.
            "--no-control-socket",
        ],
        "worker": [str(VENV_BIN / "celery"), "-A", "config", "worker", "--loglevel", level],
        # The scheduler (django_celery_beat's, with beat's heartbeat) comes from settings.
        "beat": [str(VENV_BIN / "celery"), "-A", "config", "beat", "--loglevel", level],
    }  # fmt: skip
    width = max(len(name) for name in (*commands, "postgres"))
    return [Program(name, args, env, REPO_DIR, width) for name, args in commands.items()]


def wait_for_web(port: int) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not port_accepts(port):
        if _stopping.is_set():
            return False
        if time.monotonic() > deadline:
            log(f"the web server is not answering on port {port} after {STARTUP_TIMEOUT}s")
            return False
        time.sleep(0.1)
    return True


def seeds_demo(env: dict[str, str]) -> bool:
    """Whether to fill the database with the demo (its accounts sign in with a
    published password; its health-check links replace those partners were
    sent): into the PostgreSQL started here, unless ACCORD_SEED=0; into one
    named by DATABASE_URL only when ACCORD_SEED=1 asks for it, so `make run`
    pointed at a real database never seeds it."""
    default = "0" if env.get("DATABASE_URL") else "1"
    return env.get("ACCORD_SEED", default) == "1"


# --- main --------------------------------------------------------------------------------


def run() -> int:
    global _interruptible
    VAR_DIR.mkdir(exist_ok=True)
    lock = open(VAR_DIR / "run.lock", "w")  # noqa: SIM115 (held for our whole life)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log("another `make run` is already running in this checkout")
        return 1
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    become_subreaper()

    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not env.get(name):
            env.pop(name, None)  # set but empty counts as unset
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = dev_secret_key()
    program_defaults(env)
    seed = seeds_demo(env)  # before DATABASE_URL names the PostgreSQL started here
    web_port = int(env.get("PORT", DEFAULT_WEB_PORT))
    # Links in emails and printed answer links lead to this run's own web port.
    env.setdefault("SITE_URL", f"http://127.0.0.1:{web_port}")
    supervisor = Supervisor(grace=PROGRAM_GRACE)
    try:
        wait_for_free_port(web_port)
        require_free_port(web_port, "web server", "PORT")
        ensure_binaries(postgres="DATABASE_URL" not in env, redis="REDIS_URL" not in env)
        if "REDIS_URL" not in env:
            redis_port = int(env.get("ACCORD_REDIS_PORT", DEFAULT_REDIS_PORT))
            wait_for_free_port(redis_port)
            require_free_port(redis_port, "project Redis", "ACCORD_REDIS_PORT")
        if "DATABASE_URL" in env:
            log(f"using DATABASE_URL from the environment: {without_password(env['DATABASE_URL'])}")
        else:
            port = int(env.get("ACCORD_PG_PORT", DEFAULT_PG_PORT))
            postgres = PostgresService(PostgresServer(base=dev_pg_base(), port=port))
            env["DATABASE_URL"] = start_dev_postgres(postgres.pg)
            postgres.adopt()
            supervisor.add(postgres, running=True)
        if "REDIS_URL" in env:
            log(f"using REDIS_URL from the environment: {without_password(env['REDIS_URL'])}")
        else:
            # A new password each run: only the programs started here need it
            # (and a restarted Redis keeps the same server object, so the same one).
            redis = RedisService(
                RedisServer(
                    VAR_DIR / "redis",
                    port=redis_port,
                    persistent=True,
                    password=secrets.token_urlsafe(24),
                )
            )
            env["REDIS_URL"] = start_dev_redis(redis.redis)
            supervisor.add(redis, running=True)
        write_run_env(env)

        run_step(["migrate", "--noinput"], env)
        run_step(["collectstatic", "--noinput", "--verbosity", "0"], env)
        run_step(["compile_translations", "--verbosity", "0"], env)
        if seed:
            run_step(["seed_demo"], env)
            # Answer links for the demo's open health-check round, to try
            # the partner side's page without an account.
            run_step(["health_answer_links"], env)
            # Scorecards to review and reminders to read from the first minute,
            # rather than at the next 1st of the month or 06:00.
            run_step(["assess", "--last", "3", "--if-missing"], env)
            # rita reviews the demo's scorecards, so executives see approved ones.
            run_step(["review_demo"], env)
            run_step(["early_warning"], env)
            run_step(["send_reminders"], env)
        elif "ACCORD_SEED" not in env:  # so a database of DATABASE_URL
            log("not seeding the demo into the database of DATABASE_URL (ACCORD_SEED=1 would)")

        _interruptible = False
        if _stopping.is_set():
            return 0
        for program in programs(env, web_port):
            supervisor.add(program)
        if wait_for_web(web_port):
            log(f"Accord is running at http://127.0.0.1:{web_port}/  (Ctrl-C stops it)")
        while not _stopping.wait(0.2):
            supervisor.check()
        return 0
    except Stop:
        return 0
    except (ServerError, StepFailed) as exc:
        log(f"error: {exc}")
        return 1
    finally:
        _interruptible = False
        _stopping.set()
        started = time.monotonic()
        supervisor.stop_all(
            [
                (["web", "worker", "beat"], PROGRAM_GRACE),
                (["redis"], SERVER_GRACE),
                (["postgres"], SERVER_GRACE),
            ],
            hurry=_hurry,
        )
        RUN_ENV.unlink(missing_ok=True)
        log(f"stopped in {time.monotonic() - started:.1f} s")


def clean_data() -> int:
    """Remove var/ (and the fallback PostgreSQL dir), unless a run is using it."""
    lock_file = VAR_DIR / "run.lock"
    if lock_file.exists():
        with open(lock_file) as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log("`make run` is running in this checkout; stop it first")
                return 1
    targets = [VAR_DIR]
    if is_root():
        targets.append(fallback_pg_base())
    for target in targets:
        pid_file = target / "postgres" / "data" / "postmaster.pid"
        if pid_file.exists() and _pid_alive(int(pid_file.read_text().split()[0])):
            log(f"PostgreSQL is still running on {pid_file.parent} (left by a killed run?).")
            log("Run and stop `make run` once to shut it down, then retry.")
            return 1
    for target in targets:
        if target.exists():
            shutil.rmtree(target)
            log(f"removed {target}")
    return 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    if argv == ["clean-data"]:
        return clean_data()
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    return run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
