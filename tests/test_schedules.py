"""Schedules in the admin: only Accord's tasks, with arguments that fit them."""

from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.schedules import accord_tasks, fits
from tests.ops.test_retry import registered_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_ten_minutes():
    return IntervalSchedule.objects.get_or_create(every=10, period="minutes")[0]


def schedule(client, every_ten_minutes, task, args="[]", kwargs="{}", headers="{}"):
    return client.post(
        reverse("admin:django_celery_beat_periodictask_add"),
        {
            "name": "Made by an administrator",
            "task": task,
            "enabled": "on",
            "interval": every_ten_minutes.pk,
            "args": args,
            "kwargs": kwargs,
            "headers": headers,
            "priority": "",
        },
    )


def test_only_accords_own_tasks_are_offered():
    names = set(accord_tasks())
    assert "evaluation.tasks.assess_last_month" in names
    assert "health.tasks.send_invitation" in names
    # The backup and the outbox's relay are Accord's too: their times can be changed.
    assert {"ops.tasks.scheduled_backup", "ops.tasks.relay_outbox"} <= names
    assert not [name for name in names if name.startswith("celery.")]


def test_every_installed_apps_tasks_are_offered_without_a_list_to_keep():
    """Celery's autodiscovery over INSTALLED_APPS finds them: the tasks of every
    app with a tasks module (the accounts' password reset too, which a list
    kept by hand left out), and every task of the registry but Celery's own."""
    with_tasks = {
        config.name
        for config in apps.get_app_configs()
        if (Path(config.path) / "tasks.py").exists()
    }
    assert {"accounts", "ops", "partnerships", "reminders"} <= with_tasks
    names = set(accord_tasks())
    assert {name.split(".")[0] for name in names} == with_tasks
    assert "accounts.tasks.password_reset_send" in names
    assert names == {task.name for task in registered_tasks()}


def test_a_task_that_is_not_accords_is_refused(client, adam, every_ten_minutes):
    client.force_login(adam)
    response = schedule(client, every_ten_minutes, "celery.backend_cleanup")
    assert response.status_code == 200
    assert "task" in response.context["adminform"].form.errors
    assert not PeriodicTask.objects.filter(name="Made by an administrator").exists()


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ("[1, 2]", "{}", "cannot take these arguments"),
        ("[]", '{"respondent": 1}', "cannot take these arguments"),
        ("[]", "{}", "cannot take these arguments"),
        ('{"respondent_id": 1}', "{}", "as a list"),
        ("[", "{}", "as JSON"),
        ("[]", '{"respondent_id": "x"}', 'respondent_id must be a whole number, not "x"'),
        ("[]", '{"respondent_id": true}', "respondent_id must be a whole number, not true"),
        ("[]", '{"respondent_id": 1.5}', "respondent_id must be a whole number, not 1.5"),
        ('["7"]', "{}", 'respondent_id must be a whole number, not "7"'),
    ],
)
def test_arguments_that_do_not_fit_the_task_are_refused_with_why(
    client, adam, every_ten_minutes, args, kwargs, message
):
    client.force_login(adam)
    response = schedule(
        client, every_ten_minutes, "health.tasks.send_invitation", args=args, kwargs=kwargs
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(error for field in errors.values() for error in field)
    assert not PeriodicTask.objects.filter(name="Made by an administrator").exists()


def test_a_valid_schedule_is_saved(client, adam, every_ten_minutes):
    client.force_login(adam)
    response = schedule(
        client, every_ten_minutes, "health.tasks.send_invitation", kwargs='{"respondent_id": 7}'
    )
    assert response.status_code == 302
    saved = PeriodicTask.objects.get(name="Made by an administrator")
    assert (saved.task, saved.interval, saved.kwargs) == (
        "health.tasks.send_invitation",
        every_ten_minutes,
        '{"respondent_id": 7}',
    )


def test_an_accord_schedule_is_changed_and_switched_off_but_not_run_or_deleted(client, adam):
    client.force_login(adam)
    monthly = PeriodicTask.objects.get(task="evaluation.tasks.assess_last_month")
    changelist = reverse("admin:django_celery_beat_periodictask_changelist")

    actions = client.get(changelist).context["action_form"].fields["action"].choices
    client.post(changelist, {"action": "disable_tasks", "_selected_action": [monthly.pk]})

    offered = {name for name, _label in actions}
    assert offered == {"", "enable_tasks", "disable_tasks", "toggle_tasks"}
    monthly.refresh_from_db()
    assert monthly.enabled is False


@pytest.mark.parametrize(
    ("value", "hint", "expected"),
    [
        (7, int, True),
        (True, int, False),
        ("7", int, False),
        ([1, 2], list[int], True),
        ([1, "2"], list[int], False),
        (None, str | None, True),
        ("q", str | None, True),
        (3, str | None, False),
        (2.5, float, True),
        (2, float, True),
    ],
)
def test_json_values_are_checked_against_the_annotation(value, hint, expected):
    assert fits(value, hint) is expected


@pytest.mark.parametrize(
    ("headers", "message"),
    [("{bad", "as JSON"), ("[1, 2]", "as an object"), ('"x"', "as an object")],
)
def test_headers_that_beat_could_not_read_are_refused(
    client, adam, every_ten_minutes, headers, message
):
    client.force_login(adam)
    response = schedule(
        client,
        every_ten_minutes,
        "health.tasks.send_invitation",
        kwargs='{"respondent_id": 7}',
        headers=headers,
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["headers"])
    assert not PeriodicTask.objects.filter(name="Made by an administrator").exists()


def test_the_backup_is_moved_to_another_time_in_the_admin(client, adam, every_ten_minutes):
    client.force_login(adam)
    response = schedule(client, every_ten_minutes, "ops.tasks.scheduled_backup")
    assert response.status_code == 302
    assert PeriodicTask.objects.get(name="Made by an administrator").interval == every_ten_minutes
