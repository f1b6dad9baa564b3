"""`python -m tooling.benchmark [--partnerships 1000 10000] [--months 48] [--repeat 3]`.

Runs `manage.py benchmark_assessment` against a throwaway PostgreSQL and Redis
(tooling.servers.ThrowawayServers), so the benchmark never touches the dev
data: start the servers, migrate, benchmark, and stop the servers whatever
happens (error, Ctrl-C or SIGTERM). Other arguments go to the command as given.
`run_in_throwaway_servers` does the same for the dashboards' benchmark
(tooling/dashboard_benchmark.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tooling.servers import REPO_DIR, ServerError, ThrowawayServers, log


def venv_python() -> str:
    python = REPO_DIR / ".venv" / "bin" / "python"
    return str(python) if python.exists() else sys.executable


def _terminate(signum, frame):
    # Unwind through the finally below, which stops the servers.
    raise KeyboardInterrupt(f"signal {signum}")


def run_in_throwaway_servers(
    commands: list[list[str]], *, what: str, env: dict[str, str] | None = None
) -> int:
    """Start the servers, migrate, run each `manage.py` command in turn (the
    first failure ends the run), and stop the servers whatever happens."""
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    servers = ThrowawayServers()
    python, manage = venv_python(), str(Path(REPO_DIR) / "manage.py")
    try:
        log(f"starting throwaway PostgreSQL and Redis for the {what}")
        servers.start()
        step_env = {
            **os.environ,
            "DATABASE_URL": servers.database_url,
            "REDIS_URL": servers.redis_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        for command in [["migrate", "--noinput", "--verbosity", "0"], *commands]:
            step = [python, manage, *command]
            result = subprocess.run(step, env=step_env, cwd=REPO_DIR, stdin=subprocess.DEVNULL)
            if result.returncode != 0:
                log(f"`{' '.join(command)}` failed (exit {result.returncode})")
                return result.returncode
        return 0
    except ServerError as error:
        log(f"could not start the servers: {error}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        # Ignore further signals while stopping, so the stop itself completes.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        servers.stop()
        log("throwaway servers stopped")


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        print(__doc__.strip())
        return 0
    return run_in_throwaway_servers([["benchmark_assessment", *argv]], what="benchmark")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
