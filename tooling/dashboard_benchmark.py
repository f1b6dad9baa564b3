"""`python -m tooling.dashboard_benchmark [--partnerships 1000 10000] [--pages NAME …]`.

Runs `manage.py benchmark_dashboards` against a throwaway PostgreSQL and Redis
(tooling.servers.ThrowawayServers), so the benchmark never touches the dev
data: start the servers, migrate, collect the static files (the pages render
with the manifest storage), benchmark, and stop the servers whatever happens
(error, Ctrl-C or SIGTERM). Other arguments go to the command as given; see
`manage.py benchmark_dashboards --help`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tooling.benchmark import venv_python
from tooling.servers import REPO_DIR, ServerError, ThrowawayServers, log


def _terminate(signum, frame):
    # Unwind through the finally below, which stops the servers.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        print(__doc__.strip())
        return 0
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    servers = ThrowawayServers()
    python, manage = venv_python(), str(Path(REPO_DIR) / "manage.py")
    try:
        log("starting throwaway PostgreSQL and Redis for the dashboards benchmark")
        servers.start()
        env = {
            **os.environ,
            "DATABASE_URL": servers.database_url,
            "REDIS_URL": servers.redis_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            # One connection for the whole run, as a busy gunicorn worker keeps
            # it: a reconnect every minute would land in some request's time.
            "CONN_MAX_AGE": "86400",
            "PYTHONUNBUFFERED": "1",
        }
        for step in (
            [python, manage, "migrate", "--noinput", "--verbosity", "0"],
            [python, manage, "collectstatic", "--noinput", "--verbosity", "0"],
            [python, manage, "benchmark_dashboards", *argv],
        ):
            result = subprocess.run(step, env=env, cwd=REPO_DIR, stdin=subprocess.DEVNULL)
            if result.returncode != 0:
                log(f"`{' '.join(step[1:])}` failed (exit {result.returncode})")
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
