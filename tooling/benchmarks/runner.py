"""`python -m tooling.benchmarks.runner assessment|dashboards|imports [options]`.

Runs a benchmark (`python -m tooling.benchmarks NAME`) against a throwaway
PostgreSQL and Redis (tooling.servers.ThrowawayServers), so it never touches
the dev data: start the servers, migrate, collect the static files for the
dashboards (the pages render with the manifest storage), benchmark, and stop
the servers whatever happens (error, Ctrl-C or SIGTERM). Other arguments go to
the benchmark as given:

    assessment [--partnerships 1000 10000 100000] [--months 48] [--metrics 5] [--repeat 3]
    dashboards [--partnerships 1000 10000] [--pages NAME …] [--cold NAME …]
               [--requests 30] [--warmup 5] [--months 24] [--periods 12] [--metrics 5]
    imports [--partners 10000] [--measurements 100000]

`make benchmark ARGS="…"`, `make benchmark-dashboards ARGS="…"` and
`make benchmark-imports ARGS="…"` run these.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys

from tooling.servers import REPO_DIR, ServerError, ThrowawayServers, log


def venv_python() -> str:
    python = REPO_DIR / ".venv" / "bin" / "python"
    return str(python) if python.exists() else sys.executable


def _terminate(signum, frame):
    # Unwind through the finally below, which stops the servers.
    raise KeyboardInterrupt(f"signal {signum}")


def throwaway_env(servers: ThrowawayServers, **extra: str) -> dict[str, str]:
    """The environment of a command run against the throwaway servers."""
    return {
        **os.environ,
        "DATABASE_URL": servers.database_url,
        "REDIS_URL": servers.redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        # Throwaway servers, throwaway key: the settings require one without DEBUG.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def run_in_throwaway_servers(
    steps: list[list[str]], *, what: str, env: dict[str, str] | None = None
) -> int:
    """Start the servers, migrate, run each step (arguments to the venv's python,
    in the repository) in turn (the first failure ends the run), and stop the
    servers whatever happens."""
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    servers = ThrowawayServers()
    python = venv_python()
    try:
        log(f"starting throwaway PostgreSQL and Redis for the {what}")
        servers.start()
        step_env = throwaway_env(servers, **(env or {}))
        for step in [["manage.py", "migrate", "--noinput", "--verbosity", "0"], *steps]:
            result = subprocess.run(
                [python, *step], env=step_env, cwd=REPO_DIR, stdin=subprocess.DEVNULL
            )
            if result.returncode != 0:
                log(f"`{' '.join(step)}` failed (exit {result.returncode})")
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
    if not argv or argv[0] not in ("assessment", "dashboards", "imports"):
        print(__doc__.strip())
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    name, options = argv[0], argv[1:]
    benchmark = ["-m", "tooling.benchmarks", name, *options]
    if name in ("assessment", "imports"):
        return run_in_throwaway_servers([benchmark], what=f"{name} benchmark")
    return run_in_throwaway_servers(
        [["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], benchmark],
        what="dashboards benchmark",
        # One connection for the whole run, as a busy gunicorn worker keeps
        # it: a reconnect every minute would land in some request's time.
        env={"CONN_MAX_AGE": "86400"},
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
