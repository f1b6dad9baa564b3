"""The load test's journeys, run very briefly against the live server on a tiny
portfolio: every person signs in (the reviewer with the demo second factor)
and walks their pages without one failure. Not timed: `make loadtest` measures.
Locust runs in its own process: imported here, it would patch the standard
library (gevent) under the test server."""

import io
import re
import subprocess

import pytest

from tooling.loadtest.__main__ import locust_command, read_sign_in, read_stats, report
from tooling.loadtest.prepare import prepare
from tooling.loadtest.totp import DEMO_TOTP_SECRET, seconds_to_a_fresh_code, totp_code

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
            "LOADTEST_SIGN_IN_JSON": str(tmp_path / "sign-in.json"),
        },
        timeout=90,
        check=False,
    )

    # The burst while everyone signs in, kept apart, then the steady state.
    burst = {row["Name"]: row for row in read_sign_in(str(tmp_path / "sign-in.json"))}
    rows = {row["Name"]: row for row in read_stats(prefix)}
    assert burst["Aggregated"]["Failure Count"] == 0, report(list(burst.values()))
    assert int(rows["Aggregated"]["Failure Count"]) == 0, report(list(rows.values()))
    # Each person signed in (the reviewer with the second factor) and reached
    # where they land, all before the statistics started again.
    assert burst["sign in"]["Request Count"] == 6
    assert burst["sign in: second factor"]["Request Count"] == 1
    for page, people in (("portfolio dashboard", 2), ("home", 3), ("review queue", 1)):
        assert burst[page]["Request Count"] >= people, page
    # After it nobody signs in again, and people go on working.
    assert int(rows.get("sign in", {}).get("Request Count", 0)) == 0
    assert int(rows["Aggregated"]["Request Count"]) > 0
    # Locust's closing summary is the steady state's: a line per page with its count.
    summary = result.stdout + result.stderr
    assert re.search(r"^\w+\s+sign in\s+[1-9]", summary, re.M) is None


def test_a_reviewer_waits_for_a_fresh_code_near_the_end_of_one():
    """A code typed in its last seconds reached the server in the next period
    and was refused (one reviewer in three, once, in a 20-person burst)."""
    start = 1_800_000_000 - 1_800_000_000 % 30  # a period's first second
    assert seconds_to_a_fresh_code(start) == 0
    assert seconds_to_a_fresh_code(start + 24.9) == 0  # 5.1 s left: typed now
    assert seconds_to_a_fresh_code(start + 25) == 5  # 5 s left: the next code
    assert seconds_to_a_fresh_code(start + 29) == 1
    assert totp_code(DEMO_TOTP_SECRET, start + 29 + 1) != totp_code(DEMO_TOTP_SECRET, start + 29)
