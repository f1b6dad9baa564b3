"""`python -m tooling.dashboard_benchmark [--partnerships 1000 10000] [--pages NAME …]`.

Runs `manage.py benchmark_dashboards` against a throwaway PostgreSQL and Redis
(tooling.servers.ThrowawayServers), so the benchmark never touches the dev
data: start the servers, migrate, collect the static files (the pages render
with the manifest storage), benchmark, and stop the servers whatever happens
(error, Ctrl-C or SIGTERM). Other arguments go to the command as given; see
`manage.py benchmark_dashboards --help`.
"""

from __future__ import annotations

import sys

from tooling.benchmark import run_in_throwaway_servers


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        print(__doc__.strip())
        return 0
    return run_in_throwaway_servers(
        [
            ["collectstatic", "--noinput", "--verbosity", "0"],
            ["benchmark_dashboards", *argv],
        ],
        what="dashboards benchmark",
        # One connection for the whole run, as a busy gunicorn worker keeps
        # it: a reconnect every minute would land in some request's time.
        env={"CONN_MAX_AGE": "86400"},
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
