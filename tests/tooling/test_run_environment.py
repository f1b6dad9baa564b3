"""What `make run` (tooling/run.py) gives its programs: the demo names its own
organisation, so the scorecard PDF and the invitations never say "Our organisation"."""

import os

import environ

from tooling import run


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
