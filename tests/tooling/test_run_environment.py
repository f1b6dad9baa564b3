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
