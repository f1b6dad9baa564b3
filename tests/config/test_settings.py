"""Production settings come from the environment alone: the documented
production environment passes `check --deploy` without a word, and a missing
SECRET_KEY stops Accord at start-up instead of falling back to a known key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# The production environment of the README, with made-up values.
PRODUCTION_ENV = {
    "ACCORD_PRODUCTION": "1",
    "SECRET_KEY": "x7Qe2-a9LrTz0vN4mPq8sWbYc3Hk6JdF1uGi5oRt7ElAnZyBxCvMwS2D",
    "ALLOWED_HOSTS": "accord.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://accord.example.org",
    "SITE_URL": "https://accord.example.org",
}

# Settings the developer's or CI's shell may carry that would change the answer.
SHELL_SETTINGS = (
    "DEBUG",
    "SECRET_KEY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "ACCORD_PRODUCTION",
    # Set for the browser tests (Playwright next to the live server), never in
    # production; left in the environment it is a deploy error of its own.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in SHELL_SETTINGS}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_silent_under_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    # Only the preload reminder is silenced: preloading has its own switch.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    assert result.stderr == ""


def test_with_preload_switched_on_nothing_is_silenced():
    result = manage("check", "--deploy", env=PRODUCTION_ENV | {"SECURE_HSTS_PRELOAD": "1"})

    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_the_production_switch_turns_on_https_and_each_part_can_be_turned_off():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    on = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert on.stdout.split("\n")[0] == (
        "True True True 31536000 True False ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), on.stderr

    staging = PRODUCTION_ENV | {"SECURE_SSL_REDIRECT": "0", "SECURE_PROXY_SSL_HEADER": ""}
    off = manage("shell", "--no-imports", "-c", code, env=staging)
    assert off.stdout.split("\n")[0] == "True True False 31536000 True False None", off.stderr


def test_without_a_secret_key_and_debug_off_it_refuses_to_start():
    result = manage("check", env={"ALLOWED_HOSTS": "accord.example.org"})

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set." in result.stderr


def test_with_debug_on_the_development_key_is_allowed():
    result = manage("check", env={"DEBUG": "1"})

    assert result.returncode == 0, result.stderr


def test_a_misspelt_organisation_setting_stops_it_at_start_up():
    # Each request activates the organisation's time zone: a misspelt one answered
    # every page 500, the health endpoints too, while `check` said nothing.
    for name, value in (
        ("ACCORD_ORGANISATION_TIME_ZONE", "Europe/Lndon"),
        ("ACCORD_BASE_CURRENCY", "EURO"),
        ("ACCORD_LOG_FORMAT", "JSON"),
        ("LOG_LEVEL", "verbose"),
        ("CONN_MAX_AGE", "abc"),
        ("ACCORD_MAX_UPLOAD_MB", "20MB"),
    ):
        result = manage("check", env=PRODUCTION_ENV | {name: value})

        assert result.returncode != 0, name
        assert f"ImproperlyConfigured: {name}={value!r}" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "url",
    ["postgres//accord@db/accord", "sqlite:///accord.db", "mysql://accord@db/accord", "accord"],
)
def test_a_database_address_that_is_not_postgresql_stops_it_at_start_up(url):
    # It only warned ("Engine not recognized"), and the first query failed.
    result = manage("check", env=PRODUCTION_ENV | {"DATABASE_URL": url})

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must be a PostgreSQL address" in result.stderr


def test_an_unreadable_database_address_is_named_without_its_password():
    url = "postgres://accord:s3cret-pw@db:54x/accord"

    result = manage("check", env=PRODUCTION_ENV | {"DATABASE_URL": url})

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not a database address" in result.stderr
    assert "s3cret-pw" not in result.stderr


def test_the_documented_organisation_settings_start():
    env = PRODUCTION_ENV | {
        "ACCORD_ORGANISATION_TIME_ZONE": "Asia/Kolkata",
        "ACCORD_BASE_CURRENCY": "GBP",
        "ACCORD_LOG_FORMAT": "json",
    }
    result = manage("check", env=env)

    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_the_health_endpoints_answer_plain_http_while_pages_are_redirected(client, settings):
    # A probe that reaches gunicorn directly speaks plain HTTP; redirected, it
    # counted the 301 as up whatever /-/ready would have said.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/-/live").status_code == 200
    assert client.get("/-/ready").status_code in (200, 503)
    assert client.get("/accounts/login/").status_code == 301


def test_collectstatic_writes_where_static_root_says(tmp_path):
    code = "from django.conf import settings as s; print(s.STATIC_ROOT)"
    result = manage(
        "shell", "--no-imports", "-c", code, env=PRODUCTION_ENV | {"STATIC_ROOT": str(tmp_path)}
    )

    assert result.stdout.split("\n")[0] == str(tmp_path), result.stderr


def test_a_dead_workers_task_is_sent_again_after_the_time_limit_not_before():
    from django.conf import settings

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # Before the hard time limit, a task still running would be sent twice.
    assert settings.CELERY_TASK_TIME_LIMIT < visibility <= settings.CELERY_TASK_TIME_LIMIT + 600
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
