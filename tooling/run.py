"""`make run`: Accord with everything it needs, in the foreground.

Starts a project-local PostgreSQL (var/postgres) and Redis (var/redis, with a
password made for the run) unless DATABASE_URL / REDIS_URL are already set,
uses the checkout's SECRET_KEY (var/secret-key) unless one is set, prepares the database (migrate,
collectstatic, seed_demo, health_answer_links, assess, review_demo,
early_warning, send_reminders), then runs gunicorn, a Celery worker and Celery
beat with their output prefixed. Ctrl-C or SIGTERM stops the three programs, then
Redis, then PostgreSQL; if one of the programs dies, everything stops and the
exit code is non-zero. Data is kept between runs.

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
    become_subreaper,
    die_with_parent,
    ensure_binaries,
    fallback_pg_base,
    is_root,
    log,
    pg_user_can_reach,
    port_accepts,
    require_free_port,
)

VAR_DIR = REPO_DIR / "var"
VENV_BIN = Path(sys.executable).parent
DEFAULT_PG_PORT = 54329
DEFAULT_REDIS_PORT = 63799
DEFAULT_WEB_PORT = 8000
# Role, password and database of the dev cluster. It only listens on
# 127.0.0.1 and holds demo data, so a well-known password is acceptable.
DEV_DB = "accord"
CHILD_STOP_TIMEOUT = 20  # a Celery worker takes 5-9 s to stop
STARTUP_TIMEOUT = 60


class Stop(Exception):
    """Raised by the signal handler to unwind whatever we are doing."""


class StepFailed(Exception):
    pass


_stopping = False
_hurry = threading.Event()


def _on_signal(signum, frame):
    global _stopping
    if _stopping:
        # A second Ctrl-C while stopping: don't wait for the programs to finish
        # their work, but still shut the databases down cleanly.
        _hurry.set()
        return
    _stopping = True
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


def start_dev_postgres(pg: PostgresServer) -> str:
    if pg.is_running():
        log("PostgreSQL from an earlier, killed run is still up; restarting it")
        pg.stop()
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


def without_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


# --- the application's programs --------------------------------------------------------


def run_step(args: list[str], env: dict[str, str]) -> None:
    log(f"$ {' '.join(args)}")
    result = subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], env=env, cwd=REPO_DIR)
    if result.returncode != 0:
        raise StepFailed(f"`manage.py {' '.join(args)}` failed (exit {result.returncode})")


class Child:
    """A long-running program whose output we print line by line with a prefix."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], width: int) -> None:
        self.name = name
        self.process = subprocess.Popen(
            args,
            env=env,
            cwd=REPO_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Own process group: the terminal's Ctrl-C reaches only us, and we
            # decide the order things stop in.
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        prefix = f"{name:<{width}} | "
        self.reader = threading.Thread(target=self._copy_output, args=(prefix,), daemon=True)
        self.reader.start()

    def _copy_output(self, prefix: str) -> None:
        for raw in self.process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            sys.stdout.write(prefix + line + "\n")
            sys.stdout.flush()

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


def stop_children(children: list[Child]) -> None:
    alive = [c for c in children if c.process.poll() is None]
    if alive:
        log(f"stopping {', '.join(c.name for c in alive)}")
    # Only the main process gets SIGTERM: gunicorn and Celery then stop their
    # own workers gracefully (a Celery task in progress is finished first).
    for child in alive:
        child.process.terminate()
    deadline = time.monotonic() + CHILD_STOP_TIMEOUT
    while alive := [c for c in alive if c.process.poll() is None]:
        if _hurry.is_set() or time.monotonic() > deadline:
            log(f"killing {', '.join(c.name for c in alive)}")
            for child in alive:
                child.signal_group(signal.SIGKILL)
                child.process.wait()
        time.sleep(0.1)
    for child in children:
        child.signal_group(signal.SIGKILL)  # stray grandchildren, if any
        child.reader.join(timeout=2)


def start_children(env: dict[str, str], web_port: int) -> list[Child]:
    commands = {
        "web": [
            str(VENV_BIN / "gunicorn"), "config.wsgi:application",
            "--bind", f"127.0.0.1:{web_port}",
            "--access-logfile", "-",
            "--graceful-timeout", "10",
            # Its default socket is one per user, in ~/.gunicorn: not ours to take.
            "--no-control-socket",
        ],
        "worker": [str(VENV_BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO"],
        # The scheduler (django_celery_beat's DatabaseScheduler) comes from settings.
        "beat": [str(VENV_BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO"],
    }  # fmt: skip
    width = max(len(name) for name in commands)
    return [Child(name, args, env, width) for name, args in commands.items()]


def first_exited(children: list[Child]) -> Child | None:
    return next((c for c in children if c.process.poll() is not None), None)


def wait_for_web(children: list[Child], port: int) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not port_accepts(port):
        if first_exited(children):
            return False
        if time.monotonic() > deadline:
            log(f"the web server is not answering on port {port} after {STARTUP_TIMEOUT}s")
            return False
        time.sleep(0.1)
    return True


# --- main --------------------------------------------------------------------------------


def run() -> int:
    global _stopping
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
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("WEB_CONCURRENCY", "2")  # gunicorn workers
    web_port = int(env.get("PORT", DEFAULT_WEB_PORT))
    postgres: PostgresServer | None = None
    redis: RedisServer | None = None
    children: list[Child] = []
    try:
        require_free_port(web_port, "web server", "PORT")
        ensure_binaries(postgres="DATABASE_URL" not in env, redis="REDIS_URL" not in env)
        if "REDIS_URL" not in env:
            redis_port = int(env.get("ACCORD_REDIS_PORT", DEFAULT_REDIS_PORT))
            require_free_port(redis_port, "project Redis", "ACCORD_REDIS_PORT")
        if "DATABASE_URL" in env:
            log(f"using DATABASE_URL from the environment: {without_password(env['DATABASE_URL'])}")
        else:
            port = int(env.get("ACCORD_PG_PORT", DEFAULT_PG_PORT))
            postgres = PostgresServer(base=dev_pg_base(), port=port)
            env["DATABASE_URL"] = start_dev_postgres(postgres)
        if "REDIS_URL" in env:
            log(f"using REDIS_URL from the environment: {without_password(env['REDIS_URL'])}")
        else:
            # A new password each run: only the programs started here need it.
            redis = RedisServer(
                VAR_DIR / "redis",
                port=redis_port,
                persistent=True,
                password=secrets.token_urlsafe(24),
            )
            env["REDIS_URL"] = start_dev_redis(redis)

        run_step(["migrate", "--noinput"], env)
        run_step(["collectstatic", "--noinput", "--verbosity", "0"], env)
        if env.get("ACCORD_SEED", "1") == "1":
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

        children = start_children(env, web_port)
        if wait_for_web(children, web_port):
            log(f"Accord is running at http://127.0.0.1:{web_port}/  (Ctrl-C stops it)")
        while (dead := first_exited(children)) is None:
            time.sleep(0.2)
        log(f"{dead.name} exited with code {dead.process.returncode}; stopping everything")
        return 1
    except Stop as stop:
        log(f"{stop}: stopping")
        return 0
    except (ServerError, StepFailed) as exc:
        log(f"error: {exc}")
        return 1
    finally:
        _stopping = True
        stop_children(children)
        if redis is not None and redis.stop():
            log("Redis stopped")
        if postgres is not None:
            try:
                if postgres.stop(mode="fast"):
                    log("PostgreSQL stopped")
            except ServerError as exc:
                log(f"error: {exc}")


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
