"""`python -m tooling.loadtest [options]` (`make loadtest ARGS="…"`): a bounded,
headless Locust run against gunicorn, on this machine only.

Starts a throwaway PostgreSQL and Redis (tooling.servers), migrates, collects
the static files, builds a benchmark portfolio with its people
(`tooling.loadtest.prepare`), starts gunicorn on 127.0.0.1 with the worker
count the README recommends (`WEB_CONCURRENCY`, default 2), runs the journeys
of `tooling/loadtest/locustfile.py` for a fixed time (and at most a number of
requests), prints per page the requests, failures, median, p95 and
throughput — for the burst while everyone signs in, and for the steady state
after it — and stops everything whatever happens. Exit 1 if any request failed.

    --partnerships 10000   portfolio size          --periods 3     months of scorecards
    --users 20             concurrent people       --spawn-rate 5  people started per second
    --run-time 90s         how long (at most 2m)   --max-requests 20000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tooling.benchmarks.runner import throwaway_env, venv_python
from tooling.servers import REPO_DIR, ServerError, ThrowawayServers, free_port, log, port_accepts

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
MAX_RUN_SECONDS = 120


def _seconds(text: str) -> int:
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s?)?", text)
    if not match or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"not a run time: {text} (say 90s or 1m30s)")
    seconds = int(match[1] or 0) * 60 + int(match[2] or 0)
    if not 0 < seconds <= MAX_RUN_SECONDS:
        raise argparse.ArgumentTypeError(f"a run lasts at most {MAX_RUN_SECONDS} s")
    return seconds


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tooling.loadtest", description=__doc__)
    parser.add_argument("--partnerships", type=int, default=10000)
    parser.add_argument("--periods", type=int, default=3)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", type=_seconds, default=90)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    return parser


def locust_command(*, host: str, users: int, spawn_rate: float, seconds: int, csv_prefix: str):
    """The headless Locust run: bounded in time, on the given (local) host."""
    if not re.match(r"http://(127\.0\.0\.1|localhost)(:\d+)?$", host):
        raise ValueError("The load test targets this machine only (127.0.0.1).")
    return [
        str(Path(venv_python()).parent / "locust"),
        "--locustfile", str(LOCUSTFILE),
        "--headless",
        "--host", host,
        "--users", str(users),
        "--spawn-rate", str(spawn_rate),
        "--run-time", f"{seconds}s",
        "--stop-timeout", "5",
        "--csv", csv_prefix,
        "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip


def read_stats(csv_prefix: str) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv", newline="") as file:
        return list(csv.DictReader(file))


def read_sign_in(path: str) -> list[dict]:
    """The figures of the sign-in burst (see the locustfile), if it ended."""
    try:
        with open(path) as file:
            return json.load(file)
    except FileNotFoundError:
        return []


def report(rows: list[dict]) -> str:
    head = (
        f"{'page':<28} {'requests':>8} {'failures':>8} {'median ms':>9} {'p95 ms':>7} {'req/s':>6}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        if int(row["Request Count"]) == 0 and row["Name"] != "Aggregated":
            continue  # a page nobody opened in this part of the run
        name = "all pages" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"{name:<28} {int(row['Request Count']):>8} {int(row['Failure Count']):>8} "
            f"{row['50%']:>9} {row['95%']:>7} {float(row['Requests/s']):>6.1f}"
        )
    return "\n".join(lines)


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> int:
    options = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    python = venv_python()
    servers = ThrowawayServers()
    web = None
    try:
        log("starting throwaway PostgreSQL and Redis for the load test")
        servers.start()
        password = secrets.token_urlsafe(16)
        env = throwaway_env(servers)
        for step in (
            ["manage.py", "migrate", "--noinput", "--verbosity", "0"],
            ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            ["-m", "tooling.loadtest.prepare", str(options.partnerships),
             str(options.periods), password],
        ):  # fmt: skip
            subprocess.run([python, *step], env=env, cwd=REPO_DIR, check=True)
        port = free_port()
        gunicorn = str(Path(python).parent / "gunicorn")
        log(f"gunicorn with {options.workers} workers on 127.0.0.1:{port}")
        web = subprocess.Popen(
            [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--no-control-socket"],
            env=env, cwd=REPO_DIR,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not port_accepts(port):
            if web.poll() is not None or time.monotonic() > deadline:
                raise ServerError("gunicorn did not start")
            time.sleep(0.2)
        with tempfile.TemporaryDirectory(prefix="accord-loadtest-") as tmp:
            prefix = f"{tmp}/stats"
            command = locust_command(
                host=f"http://127.0.0.1:{port}",
                users=options.users,
                spawn_rate=options.spawn_rate,
                seconds=options.run_time,
                csv_prefix=prefix,
            )
            sign_in_json = f"{tmp}/sign-in.json"
            locust_env = {
                **env,
                "LOADTEST_SIGN_IN_JSON": sign_in_json,
                "LOADTEST_PASSWORD": password,
                "LOADTEST_PARTNERSHIPS": str(options.partnerships),
                "LOADTEST_MAX_REQUESTS": str(options.max_requests),
            }
            log(
                f"Locust: {options.users} users ({options.spawn_rate}/s), "
                f"{options.run_time} s, at most {options.max_requests} requests"
            )
            started = time.perf_counter()
            # Bounded by --run-time; the timeout is a guard against a hang.
            subprocess.run(command, env=locust_env, cwd=REPO_DIR, timeout=MAX_RUN_SECONDS + 60)
            seconds = time.perf_counter() - started
            rows = read_stats(prefix)
            burst = read_sign_in(sign_in_json)
        print(
            f"\n{options.partnerships:,} partnerships, {options.users} users, "
            f"gunicorn {options.workers} workers, {seconds:.0f} s; load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
        )
        if burst:
            print(f"While the {options.users} people sign in ({options.spawn_rate}/s):\n")
            print(report(burst))
            print("\nOnce everyone has signed in (the steady state):\n")
        else:
            print("Not everyone had signed in when the run ended: the whole run.\n")
        print(report(rows))
        failures = sum(
            int(r["Failure Count"]) for r in [*burst, *rows] if r["Name"] == "Aggregated"
        )
        return 1 if failures else 0
    except (ServerError, subprocess.CalledProcessError) as error:
        log(f"load test failed: {error}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if web is not None and web.poll() is None:
            web.terminate()
            try:
                web.wait(timeout=10)
            except subprocess.TimeoutExpired:
                web.kill()
        servers.stop()
        log("throwaway servers stopped")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
