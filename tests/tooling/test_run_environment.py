"""What `make run` (tooling/run.py) gives its programs: the demo names its own
organisation, so the scorecard PDF and the invitations never say "Our organisation";
LOG_LEVEL holds for all three programs."""

import os
import re
import subprocess

import environ
import pytest
from django.conf import settings

from ops.models import Heartbeat
from tests.ops.faults import wait_for
from tests.workers import database_url
from tooling import run
from tooling.servers import free_port, port_accepts


def test_the_demo_names_its_organisation():
    env = {}
    run.program_defaults(env)
    assert env["ACCORD_ORGANISATION_NAME"] == "Calderbrook University Hospitals"


def test_a_name_set_in_the_environment_wins():
    env = {"ACCORD_ORGANISATION_NAME": "Hôpital du Lac"}
    run.program_defaults(env)
    assert env["ACCORD_ORGANISATION_NAME"] == "Hôpital du Lac"


def test_manage_py_run_by_hand_reads_the_same_name(tmp_path, monkeypatch):
    """var/run.env, which settings.py reads, carries the name, spaces and all."""
    monkeypatch.setattr(run, "RUN_ENV", tmp_path / "run.env")
    env = {"DATABASE_URL": "postgres://accord@127.0.0.1:54329/accord"}
    run.program_defaults(env)
    run.write_run_env(env)
    for name in env:  # read_env writes os.environ: monkeypatch puts it back
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    environ.Env.read_env(run.RUN_ENV)
    assert os.environ["ACCORD_ORGANISATION_NAME"] == "Calderbrook University Hospitals"


def test_the_demo_goes_into_the_postgresql_make_run_starts():
    assert run.seeds_demo({})
    assert not run.seeds_demo({"ACCORD_SEED": "0"})


def test_a_database_of_database_url_is_seeded_only_when_asked():
    """Its demo accounts sign in with the README's password: `make run` pointed
    at a real database must not add them there, nor replace partners' links."""
    real = {"DATABASE_URL": "postgres://accord@db.hospital.example/accord"}
    assert not run.seeds_demo(real)
    assert run.seeds_demo(real | {"ACCORD_SEED": "1"})
    assert not run.seeds_demo(real | {"ACCORD_SEED": "0"})


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_log_level_holds_for_the_web_the_worker_and_beat():
    Heartbeat.objects.all().delete()
    env = os.environ | {
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url(),
        # A Redis database of their own: what beat sends reaches no other test's worker.
        "REDIS_URL": re.sub(r"/\d+$", "/9", settings.REDIS_URL),
    }
    run.program_defaults(env)
    port = free_port()
    started = {
        program.name: subprocess.Popen(
            program.args, env=program.env, cwd=program.cwd, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        for program in run.programs(env, port)
    }  # fmt: skip
    try:
        wait_for(lambda: port_accepts(port), timeout=60, what="the web server")
        wait_for(
            lambda: {"beat", "worker"} <= {h.name.split(":")[0] for h in Heartbeat.objects.all()},
            timeout=90,
            what="the worker's and beat's heartbeats",
        )
    finally:
        for process in started.values():
            process.terminate()
        output = {name: process.communicate(timeout=60)[0] for name, process in started.items()}

    for name, lines in output.items():
        assert not re.search(r"\bINFO\b", lines), f"{name}:\n{lines}"
    assert "[tasks]" not in output["worker"]  # the banner lists them at INFO and below
    assert "@%WARNING" in output["beat"]
