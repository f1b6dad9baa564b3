"""The load test's journeys, run very briefly against the live server on a tiny
portfolio: every person signs in (the reviewer with the demo second factor)
and walks their pages without one failure. Not timed: `make loadtest` measures.
Locust runs in its own process: imported here, it would patch the standard
library (gevent) under the test server."""

import io
import re
import subprocess

import pytest

from tooling.loadtest.__main__ import locust_command, read_stats, report
from tooling.loadtest.prepare import prepare
from tooling.loadtest.totp import DEMO_TOTP_SECRET, totp_code

PASSWORD = "a load-test password"


def test_the_locustfile_computes_the_codes_allauth_accepts():
    from tests.factories import totp_code as allauths_code

    assert totp_code(DEMO_TOTP_SECRET) == allauths_code(DEMO_TOTP_SECRET)


def test_it_refuses_a_host_that_is_not_this_machine(tmp_path):
    with pytest.raises(ValueError, match="this machine only"):
        locust_command(
            host="http://10.0.0.5:8000", users=1, spawn_rate=1, seconds=1, csv_prefix="x"
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_journey_runs_without_a_failure(live_server, tmp_path):
    prepare(partnerships=3, periods=2, password=PASSWORD, out=io.StringIO())
    prefix = str(tmp_path / "stats")
    # Six people: the weights give two executives, three managers, one reviewer.
    command = locust_command(
        host=live_server.url, users=6, spawn_rate=6, seconds=8, csv_prefix=prefix
    )
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "LOADTEST_PASSWORD": PASSWORD,
            "LOADTEST_PARTNERSHIPS": "3",
            "LOADTEST_MAX_REQUESTS": "400",
        },
        timeout=90,
        check=False,
    )

    rows = {row["Name"]: row for row in read_stats(prefix)}
    assert int(rows["Aggregated"]["Failure Count"]) == 0, report(list(rows.values()))
    # Locust's closing summary: a line per request name with its count.
    summary = result.stdout + result.stderr
    signed_in = ["sign in", "sign in: second factor"]
    pages = ["portfolio dashboard", "home", "review queue"]  # where each one lands
    for name in [*signed_in, *pages]:
        assert re.search(rf"^\w+\s+{re.escape(name)}\s+[1-9]", summary, re.M), name
