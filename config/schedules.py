"""Schedules in the admin: administrators keep when Accord's periodic work runs.

django-celery-beat's own admin lets anyone who may add a periodic task name
any task at all (a free-text field) with any JSON arguments; beat would then
run it. Here a periodic task can name only a task defined in one of Accord's
apps, and its arguments must fit that task's signature, or the form says why.
Each argument must also be of the type the task's signature names (an id is a
whole number, not "x"), as far as JSON can say. Tasks are run by beat, not
from the admin: starting an assessment by hand is the reviewers' "run now", on
the assessments page, where its right is checked.
"""

import inspect
import json
import types
import typing

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from ops.retry import DatabaseTask

from .celery import app


def accord_tasks() -> dict:
    """Accord's registered tasks by name: those Celery's autodiscovery found in
    the installed apps (config/celery.py) that are declared with Accord's rule
    for tasks (`ops.retry.database_task`, which tests/ops/test_retry.py asks of
    every task but Celery's own). A new app's task is offered without a list
    to keep; Celery's own (`celery.backend_cleanup`, …), or a library's, is not."""
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if isinstance(task, DatabaseTask)}


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


def fits(value, hint) -> bool:
    """Whether a value read from JSON is of the annotated type `hint`: whole
    numbers for `int` (a JSON true is not one), lists item by item, unions
    (`str | None`) by any member. A hint JSON cannot say (a date, a model) is
    the task's to check when it runs."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, member) for member in typing.get_args(hint))
    if origin is list:
        (item,) = typing.get_args(hint) or (typing.Any,)
        return isinstance(value, list) and all(fits(each, item) for each in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint in (str, bool, dict, list):
        return isinstance(value, hint)
    return True


def argument_type_errors(task, bound: inspect.BoundArguments) -> list[str]:
    """Why each bound argument is not of the type the task's signature names."""
    hints = typing.get_type_hints(task.run)
    return [
        f"{name} must be {_type_name(hints[name])}, not {json.dumps(value)}"
        for name, value in bound.arguments.items()
        if name in hints and not fits(value, hints[name])
    ]


def _type_name(hint) -> str:
    return {int: "a whole number", str: "text", float: "a number", bool: "true or false"}.get(
        hint, str(hint).replace("typing.", "")
    )


class AccordPeriodicTaskForm(PeriodicTaskForm):
    regtask = None  # the free choice of any registered task, and the free text below, go
    task = forms.ChoiceField(
        label=_("Task"),
        choices=_task_choices,
        help_text=_("One of Accord's tasks; beat runs it on the schedule below."),
    )

    def clean_args(self):
        return self.cleaned_data["args"]

    def clean_kwargs(self):
        return self.cleaned_data["kwargs"]

    def clean_headers(self):
        # Beat reads them as a JSON object and adds the schedule's name: any
        # other shape stops the schedule (or beat itself) when it is loaded.
        headers = self.cleaned_data.get("headers")
        _json(headers, dict, "headers")
        return headers

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
            field = "args" if args else "kwargs"
            try:
                bound = inspect.signature(task.run).bind(*args, **kwargs)
            except TypeError as error:
                self.add_error(
                    field,
                    f"{task.name}{inspect.signature(task.run)} cannot take these arguments: "
                    f"{error}.",
                )
                return data
            if wrong := argument_type_errors(task, bound):
                self.add_error(field, f"{task.name}: {'; '.join(wrong)}.")
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
