"""Schedules in the admin: administrators keep when Accord's periodic work runs.

django-celery-beat's own admin lets anyone who may add a periodic task name
any task at all (a free-text field) with any JSON arguments; beat would then
run it. Here a periodic task can name only a task defined in one of Accord's
apps, and its arguments must fit that task's signature, or the form says why.
Tasks are run by beat, not from the admin: starting an assessment by hand is
the reviewers' "run now", on the assessments page, where its right is checked.
"""

import inspect
import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from .celery import app

# The apps whose tasks a schedule may run (accounts defines none).
ACCORD_TASK_MODULES = (
    "dashboards.",
    "evaluation.",
    "health.",
    "lifecycle.",
    "notifications.",
    "partnerships.",
    "reminders.",
)


def accord_tasks() -> dict:
    """Accord's registered tasks by name."""
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(ACCORD_TASK_MODULES)}


def _task_choices():
    return [("", "---------")] + [(name, name) for name in sorted(accord_tasks())]


def _json(value, kind, what):
    try:
        parsed = json.loads(value or ("[]" if kind is list else "{}"))
    except ValueError as error:
        raise ValidationError(f"Write the {what} as JSON: {error}.") from error
    if not isinstance(parsed, kind):
        shape = "a list, e.g. [42]" if kind is list else 'an object, e.g. {"respondent_id": 42}'
        raise ValidationError(f"Write the {what} as {shape}.")
    return parsed


class AccordPeriodicTaskForm(PeriodicTaskForm):
    regtask = None  # the free choice of any registered task, and the free text below, go
    task = forms.ChoiceField(
        label="Task",
        choices=_task_choices,
        help_text="One of Accord's tasks; beat runs it on the schedule below.",
    )

    def clean_args(self):
        return self.cleaned_data["args"]

    def clean_kwargs(self):
        return self.cleaned_data["kwargs"]

    def clean(self):
        data = forms.ModelForm.clean(self)
        if data.get("expire_seconds") is not None and data.get("expires"):
            raise ValidationError("Only one can be set, in expires and expire_seconds.")
        task = accord_tasks().get(data.get("task"))
        try:
            args = _json(data.get("args"), list, "positional arguments")
        except ValidationError as error:
            self.add_error("args", error)
            return data
        try:
            kwargs = _json(data.get("kwargs"), dict, "keyword arguments")
        except ValidationError as error:
            self.add_error("kwargs", error)
            return data
        if task is not None:
            try:
                inspect.signature(task.run).bind(*args, **kwargs)
            except TypeError as error:
                self.add_error(
                    "args" if args else "kwargs",
                    f"{task.name}{inspect.signature(task.run)} cannot take these arguments: "
                    f"{error}.",
                )
        return data


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class AccordPeriodicTaskAdmin(PeriodicTaskAdmin):
    form = AccordPeriodicTaskForm
    actions = ["enable_tasks", "disable_tasks", "toggle_tasks"]
    fieldsets = tuple(
        (title, {**options, "fields": tuple(f for f in options["fields"] if f != "regtask")})
        for title, options in PeriodicTaskAdmin.fieldsets
    )

    def get_actions(self, request):
        # Switching a schedule on or off is a change: only for those who may change one.
        if not self.has_change_permission(request):
            return {}
        return super().get_actions(request)
