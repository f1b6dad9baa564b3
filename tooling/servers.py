"""Start and stop local PostgreSQL and Redis servers for development and tests.

Used by `tooling/run.py` (`make run`: a durable cluster under var/) and by the
pytest plugin `tooling/pytest_servers.py` (throwaway servers in temp dirs).
Standard library only, so it works before and outside the virtualenv.

Two facts shape the code:

* PostgreSQL refuses to run as root. When we are root, initdb, pg_ctl and psql
  run as the `postgres` system user through `runuser`, and every directory the
  server touches must be reachable by that user.
* The servers must never outlive the process that started them for long: Redis
  is a direct child asked to die with its parent; PostgreSQL is daemonised by
  pg_ctl (in its own session, so a Ctrl-C in the terminal reaches only us and
  we can stop things in order) and is stopped explicitly.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
PG_SYSTEM_USER = "postgres"
PG_SEARCH_DIRS = "/usr/lib/postgresql"


class ServerError(RuntimeError):
    """A server could not be installed, started or reached; the message says why."""


def log(message: str) -> None:
    print(f"[accord] {message}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0


# --- installing binaries ---------------------------------------------------------


def apt_install(packages: list[str]) -> None:
    """Install Debian packages, running `apt-get update` first (once per call)."""
    if not packages:
        return
    if shutil.which("apt-get") is None:
        raise ServerError(f"{', '.join(packages)} missing and apt-get is not available.")
    prefix: list[str] = []
    if not is_root():
        if shutil.which("sudo") is None:
            raise ServerError(f"Please install {' '.join(packages)} (needs root).")
        prefix = ["sudo", "--non-interactive"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log(f"installing {' '.join(packages)} with apt-get (once per machine)")
    for cmd in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
    ):
        result = subprocess.run(prefix + cmd, env=env, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise ServerError(f"`{shlex.join(cmd)}` failed (exit {result.returncode}).")


def find_pg_bindir(major: str | None = None) -> Path | None:
    """The directory holding initdb/pg_ctl/postgres: PG_BINDIR, else Debian's
    /usr/lib/postgresql/<major>/bin (newest, or `major` if given), else PATH."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    base = Path(PG_SEARCH_DIRS)
    candidates = []
    if base.is_dir():
        for d in base.iterdir():
            if d.name.isdigit() and (d / "bin" / "initdb").exists():
                candidates.append(d)
    if major is not None:
        candidates = [d for d in candidates if d.name == major]
    if candidates:
        return max(candidates, key=lambda d: int(d.name)) / "bin"
    initdb = shutil.which("initdb")
    if initdb and major is None:
        return Path(os.path.realpath(initdb)).parent
    return None


def _pg_user_exists() -> bool:
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        return False
    return True


# The scorecard PDF (dashboards/pdf.py) prints names in Latin (Vietnamese too),
# Greek, Cyrillic, Arabic and Hebrew with Noto Sans, other symbols with DejaVu,
# and Chinese, Japanese and Korean ones with Droid.
FONTS = {
    "fonts-noto-core": Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
    "fonts-dejavu-core": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "fonts-droid-fallback": Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
}


def ensure_binaries(postgres: bool = True, redis: bool = True, fonts: bool = True) -> None:
    """Install PostgreSQL, Redis and the PDF fonts with one apt-get run if they are missing."""
    missing = []
    if fonts:
        missing += [package for package, path in FONTS.items() if not path.exists()]
    # As root we also need the postgres system user, which the package creates.
    if postgres and (find_pg_bindir() is None or (is_root() and not _pg_user_exists())):
        missing.append("postgresql")
    if redis and shutil.which("redis-server") is None:
        missing.append("redis-server")
    apt_install(missing)
    if postgres and find_pg_bindir() is None:
        raise ServerError("PostgreSQL installed but initdb not found; set PG_BINDIR.")
    if redis and shutil.which("redis-server") is None:
        raise ServerError("redis-server installed but not on PATH.")


CHROMIUM = "/usr/bin/chromium"


def ensure_browser() -> None:
    """Debian's Chromium for the browser tests (Playwright cannot download its own here)."""
    if not Path(CHROMIUM).exists():
        apt_install(["chromium"])
    if not Path(CHROMIUM).exists():
        raise ServerError(f"chromium installed but {CHROMIUM} not found.")


# --- small helpers ------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    # SO_REUSEADDR as the servers use it, so sockets in TIME_WAIT from our own
    # previous run don't count as "taken".
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def require_free_port(port: int, what: str, env_var: str) -> None:
    if not port_is_free(port):
        raise ServerError(
            f"Port {port} ({what}) is already in use by another program on 127.0.0.1. "
            f"Stop that program, or pick another port: {env_var}=<port> make run"
        )


def port_accepts(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log at {path}: {exc.strerror})"
    tail = text.splitlines()[-lines:]
    return "\n".join(f"    {line}" for line in tail) or "    (log is empty)"


def die_with_parent() -> None:
    """preexec_fn: have the kernel send SIGTERM to the child if we die, even by
    SIGKILL, so a crashed run or test session does not leave servers behind."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def become_subreaper() -> None:
    """pg_ctl daemonises PostgreSQL, and when it exits the server would be
    re-parented to PID 1; as a subreaper we get it instead and can reap it
    after stopping it (some container inits never do, leaving zombies)."""
    if sys.platform.startswith("linux"):
        pr_set_child_subreaper = 36
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1)


def reap(pid: int, timeout: float = 10) -> None:
    """Collect the exit status of `pid` if it is our child; no-op otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            return
        time.sleep(0.05)


def as_pg_user(cmd: list[str]) -> list[str]:
    if is_root():
        return ["runuser", "-u", PG_SYSTEM_USER, "--", *cmd]
    return cmd


def pg_user_can_reach(directory: Path) -> bool:
    """Whether the server's user can traverse every directory down to `directory`."""
    if not is_root():
        return True
    result = subprocess.run(
        as_pg_user(["test", "-x", str(directory)]), cwd="/", stdin=subprocess.DEVNULL
    )
    return result.returncode == 0


def give_to_pg_user(path: Path) -> None:
    if is_root():
        entry = pwd.getpwnam(PG_SYSTEM_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def fallback_pg_base(repo_dir: Path = REPO_DIR) -> Path:
    """Where the dev cluster lives when the postgres user cannot reach the repo
    (e.g. a checkout under /root, mode 700): one folder per checkout."""
    digest = hashlib.sha256(str(repo_dir).encode()).hexdigest()[:12]
    return Path("/var/lib/accord") / digest


def _run_pg_tool(cmd: list[str], what: str, log_file: Path | None = None, **kwargs):
    # cwd="/": the postgres user may not be allowed into our working directory.
    if "input" not in kwargs:
        kwargs["stdin"] = subprocess.DEVNULL
    result = subprocess.run(as_pg_user(cmd), cwd="/", capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        details = (result.stdout + result.stderr).strip()
        message = f"{what} failed (exit {result.returncode}):\n    {details}"
        if log_file is not None:
            message += f"\n  last lines of {log_file}:\n{log_tail(log_file)}"
        raise ServerError(message)
    return result


# --- PostgreSQL ----------------------------------------------------------------------


@dataclass
class PostgresServer:
    """One cluster: `base` holds data/ (PGDATA, also the socket directory) and
    server.log; everything under `base` belongs to the server's user."""

    base: Path
    port: int
    settings: dict[str, str] = field(default_factory=dict)
    superuser: str = "postgres"
    bindir: Path | None = None
    start_timeout: int = 60

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    def tool(self, name: str) -> str:
        if self.bindir is None:
            major = self.existing_major()
            self.bindir = find_pg_bindir(major)
            if self.bindir is None:
                wanted = f"PostgreSQL {major}" if major else "PostgreSQL"
                raise ServerError(f"{wanted} server binaries not found (set PG_BINDIR).")
        return str(self.bindir / name)

    def existing_major(self) -> str | None:
        version_file = self.data_dir / "PG_VERSION"
        return version_file.read_text().strip() if version_file.exists() else None

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self, password: str | None = None) -> None:
        """initdb. Local socket connections are trusted: the socket lives in the
        0700 data dir, so only the server's user (and root) can reach it. TCP
        connections need a password; with `password`, the superuser gets one."""
        self.base.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base, 0o700)
        give_to_pg_user(self.base)
        cmd = [
            self.tool("initdb"),
            "--pgdata", str(self.data_dir),
            "--username", self.superuser,
            "--encoding", "UTF8",
            "--locale", "C.UTF-8",
            "--auth-local", "trust",
            "--auth-host", "scram-sha-256",
        ]  # fmt: skip
        if password is None:
            _run_pg_tool(cmd, "initdb")
            return
        pwfile = self.base / "initdb-password"
        pwfile.write_text(password + "\n")
        os.chmod(pwfile, 0o600)
        give_to_pg_user(pwfile)
        try:
            _run_pg_tool([*cmd, "--pwfile", str(pwfile)], "initdb")
        finally:
            pwfile.unlink()

    def is_running(self) -> bool:
        if not (self.data_dir / "postmaster.pid").exists():
            return False
        result = subprocess.run(
            as_pg_user([self.tool("pg_ctl"), "status", "--pgdata", str(self.data_dir)]),
            cwd="/",
            stdin=subprocess.DEVNULL,
            capture_output=True,
        )
        return result.returncode == 0

    def _choose_socket_dir(self) -> Path:
        # A Unix socket path may be at most 107 bytes; a deep checkout would
        # exceed it, so then the socket goes to a private directory under /tmp.
        if len(str(self.data_dir)) + len("/.s.PGSQL.65535") < 100:
            return self.data_dir
        socket_dir = Path(tempfile.mkdtemp(prefix="accord-pg-", dir="/tmp"))
        give_to_pg_user(socket_dir)
        return socket_dir

    def _pid_file_lines(self) -> list[str]:
        return (self.data_dir / "postmaster.pid").read_text().splitlines()

    @property
    def socket_dir(self) -> Path:
        """Read from postmaster.pid, so it is right for a server started by an
        earlier process too."""
        return Path(self._pid_file_lines()[4])

    def start(self) -> None:
        options = ["-c", "listen_addresses=127.0.0.1", "-p", str(self.port)]
        options += ["-k", str(self._choose_socket_dir())]
        for name, value in self.settings.items():
            options += ["-c", f"{name}={value}"]
        # pg_ctl hands -o to /bin/sh, hence the quoting.
        cmd = [
            self.tool("pg_ctl"), "start",
            "--pgdata", str(self.data_dir),
            "--log", str(self.log_file),
            "--options", shlex.join(options),
            "--wait", "--timeout", str(self.start_timeout),
            "--silent",
        ]  # fmt: skip
        _run_pg_tool(cmd, f"Starting PostgreSQL on 127.0.0.1:{self.port}", log_file=self.log_file)

    def stop(self, mode: str = "fast") -> bool:
        """`fast` rolls back open transactions and checkpoints (clean restart
        next time); `immediate` is for throwaway clusters. False if it was not
        running."""
        if not self.is_running():
            return False
        postmaster_pid = int(self._pid_file_lines()[0])
        socket_dir = self.socket_dir
        cmd = [
            self.tool("pg_ctl"), "stop",
            "--pgdata", str(self.data_dir),
            "--mode", mode, "--wait", "--timeout", "60", "--silent",
        ]  # fmt: skip
        _run_pg_tool(cmd, "Stopping PostgreSQL", log_file=self.log_file)
        reap(postmaster_pid)
        if socket_dir != self.data_dir:
            shutil.rmtree(socket_dir, ignore_errors=True)
        return True

    def psql(self, sql: str, database: str = "postgres") -> str:
        cmd = [
            self.tool("psql"),
            "--host", str(self.socket_dir), "--port", str(self.port),
            "--username", self.superuser, "--dbname", database,
            "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--quiet", "--tuples-only",
        ]  # fmt: skip
        result = _run_pg_tool(cmd, "psql", input=sql, log_file=self.log_file)
        return result.stdout

    def server_version(self) -> str:
        return self.psql("SHOW server_version;").strip()

    def ensure_role_and_database(self, name: str, password: str) -> None:
        """A login role with CREATEDB (for Django's test database) that owns a
        database of the same name; idempotent."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or "'" in password:
            raise ValueError("keep role names and passwords simple")
        self.psql(
            f"SELECT 'CREATE ROLE {name} LOGIN CREATEDB PASSWORD ''{password}'''"
            f" WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}')\\gexec\n"
            f"SELECT 'CREATE DATABASE {name} OWNER {name}'"
            f" WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{name}')\\gexec\n"
        )


# --- Redis ---------------------------------------------------------------------------


def redis_ping(port: int, host: str = "127.0.0.1", password: str | None = None) -> bool:
    """True once Redis answers PONG (after AUTH, for a server with a password)."""
    try:
        with socket.create_connection((host, port), timeout=1) as s:
            if password is not None:
                s.sendall(_resp_command("AUTH", password))
                if not _read_line(s).startswith(b"+OK"):
                    return False
            s.sendall(b"PING\r\n")
            return _read_line(s).startswith(b"+PONG")
    except OSError:
        return False


def _resp_command(*words: str) -> bytes:
    """A command in Redis's protocol: safe for any bytes in the words."""
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read_line(sock: socket.socket) -> bytes:
    line = b""
    while not line.endswith(b"\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        line += chunk
    return line


@dataclass
class RedisServer:
    """One redis-server on 127.0.0.1. With `password`, clients must AUTH: on a
    shared machine another local user could otherwise read the cache and the
    Celery queue, or write to them."""

    directory: Path
    port: int
    persistent: bool = True
    password: str | None = None
    start_timeout: int = 30
    process: subprocess.Popen | None = None

    @property
    def log_file(self) -> Path:
        return self.directory / "redis.log"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.persistent:
            # Append-only file, fsynced every second, plus periodic snapshots.
            persistence = ["--appendonly", "yes", "--appendfsync", "everysec"]
            persistence += ["--save", "3600 1 300 100 60 10000"]
        else:
            persistence = ["--appendonly", "no", "--save", ""]
        cmd = [shutil.which("redis-server") or "redis-server"]
        if self.password is not None:
            # In a file only we can read, not on the command line that `ps` shows.
            config = self.directory / "auth.conf"
            config.touch(mode=0o600)
            os.chmod(config, 0o600)
            config.write_text(f'requirepass "{self.password}"\n')
            cmd.append(str(config))
        cmd += [
            "--bind", "127.0.0.1", "--port", str(self.port),
            "--protected-mode", "yes", "--daemonize", "no",
            "--dir", str(self.directory),
            *persistence,
        ]  # fmt: skip
        with open(self.log_file, "ab") as log_handle:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log_handle,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
                # Own session: a Ctrl-C meant for us must not stop Redis before
                # the programs that use it.
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        deadline = time.monotonic() + self.start_timeout
        while not redis_ping(self.port, password=self.password):
            if self.process.poll() is not None:
                raise ServerError(
                    f"redis-server exited (code {self.process.returncode}) on start; "
                    f"last lines of {self.log_file}:\n{log_tail(self.log_file)}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(
                    f"redis-server did not answer on 127.0.0.1:{self.port} within "
                    f"{self.start_timeout}s; last lines of {self.log_file}:\n"
                    f"{log_tail(self.log_file)}"
                )
            time.sleep(0.05)

    def stop(self, timeout: float = 30) -> bool:
        """SIGTERM makes Redis flush its append-only file / snapshot and exit.
        False if it was not running. Safe to call again while a call is in
        progress (from a signal handler)."""
        process = self.process
        if process is None or process.poll() is not None:
            self.process = None
            return False
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            log(f"redis-server did not stop within {timeout}s; killing it")
            process.kill()
            process.wait()
        self.process = None
        return True


# --- throwaway servers for tests -------------------------------------------------------

THROWAWAY_PREFIX = "accord-test-"


def _process_identity(pid: int) -> str | None:
    """pid plus start time (a pid alone may have been reused since), or None
    for a process that is gone or a zombie not yet reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else f"{pid} {fields[19]}"


def remove_orphaned_throwaways() -> None:
    """A session killed with SIGKILL cannot stop its PostgreSQL (its Redis dies
    with it); the next session stops it, if its owner is gone, and removes it."""
    for tmp in Path("/tmp").glob(f"{THROWAWAY_PREFIX}*"):
        try:
            owner = (tmp / "owner").read_text().strip()
        except OSError:
            continue  # still being set up, or not ours
        if not owner or _process_identity(int(owner.split()[0])) == owner:
            continue
        with contextlib.suppress(ServerError):
            PostgresServer(base=tmp / "postgres", port=0).stop(mode="immediate")
        shutil.rmtree(tmp, ignore_errors=True)
        log(f"removed test servers left behind by a killed session in {tmp}")


class ThrowawayServers:
    """A PostgreSQL cluster and a Redis server in temp dirs, on free ports, for
    one test session. `stop()` is idempotent and removes the temp dirs; each
    part is forgotten only once it is done, so a second call that interrupts
    the first (from a signal handler) finishes the job."""

    def __init__(self) -> None:
        self.tmp: Path | None = None
        self.postgres: PostgresServer | None = None
        self.redis: RedisServer | None = None
        self.database_url = ""
        self.redis_url = ""

    def start(self) -> None:
        ensure_binaries(postgres=True, redis=True)
        become_subreaper()
        remove_orphaned_throwaways()
        # Under /tmp rather than $TMPDIR: the postgres user must reach it.
        self.tmp = Path(tempfile.mkdtemp(prefix=THROWAWAY_PREFIX, dir="/tmp"))
        (self.tmp / "owner").write_text(_process_identity(os.getpid()) or "")
        give_to_pg_user(self.tmp)
        password = secrets.token_hex(16)
        self.postgres = PostgresServer(
            base=self.tmp / "postgres",
            port=free_port(),
            settings={
                # Nothing here needs to survive a crash.
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
            },
        )
        self.postgres.init(password=password)
        self.postgres.start()
        self.redis = RedisServer(
            self.tmp / "redis", port=free_port(), persistent=False, password=password
        )
        self.redis.start()
        user, port = self.postgres.superuser, self.postgres.port
        self.database_url = f"postgres://{user}:{password}@127.0.0.1:{port}/postgres"
        self.redis_url = f"redis://:{password}@127.0.0.1:{self.redis.port}/0"

    def stop(self) -> None:
        errors = []
        if self.redis is not None:
            with contextlib.suppress(Exception):
                self.redis.stop(timeout=10)
            self.redis = None
        if self.postgres is not None:
            try:
                self.postgres.stop(mode="immediate")
            except Exception as exc:  # still remove what we can
                errors.append(exc)
            self.postgres = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        if errors:
            raise errors[0]


if __name__ == "__main__":
    # `python3 -m tooling.servers ensure-binaries|ensure-browser`: what make runs.
    commands = {"ensure-binaries": ensure_binaries, "ensure-browser": ensure_browser}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 -m tooling.servers ensure-binaries|ensure-browser")
    try:
        commands[sys.argv[1]]()
    except ServerError as exc:
        sys.exit(f"[accord] error: {exc}")
