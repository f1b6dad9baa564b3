"""Reading the history the database writes: what changed, old → new, by whom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pghistory.core
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from core import formatting

from .models import AuditEvent

KIND_LABELS = {
    "insert": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
    "password_change": gettext_lazy("Password changed"),
    # accounts.services.user_reset_second_factor: an administrator removed them.
    "second_factor_reset": gettext_lazy("Two-factor authentication reset"),
}
# The labels of the fields a record's history shows that no form names (the
# forms' labels are in the catalogues already, see `_label`): written here so
# the catalogues hold them too. tests/audit/test_history.py names any field of
# a record page's history whose label is missing.
FIELD_LABELS = (
    gettext_noop("Agreement score"),
    gettext_noop("Change kind"),
    gettext_noop("Changed at"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Computed at"),
    gettext_noop("Contribution amount"),
    gettext_noop("Contribution currency"),
    gettext_noop("Contribution description"),
    gettext_noop("Contribution kind"),
    gettext_noop("Created at"),
    gettext_noop("Description"),
    gettext_noop("Document name"),
    gettext_noop("Document sha256"),
    gettext_noop("Document size"),
    gettext_noop("Downloaded at"),
    gettext_noop("Entered by"),
    gettext_noop("Evidence"),
    gettext_noop("Expertise"),
    gettext_noop("From stage"),
    gettext_noop("Functional area"),
    gettext_noop("Health score"),
    gettext_noop("Is active"),
    gettext_noop("Is our organisation"),
    gettext_noop("Is primary"),
    gettext_noop("Job title"),
    gettext_noop("Joined on"),
    gettext_noop("Metric results"),
    gettext_noop("Notes"),
    gettext_noop("Objectives score"),
    gettext_noop("Outcomes score"),
    gettext_noop("Override justification"),
    gettext_noop("Override rating"),
    gettext_noop("Party"),
    gettext_noop("Run"),
    gettext_noop("SHA-256"),
    gettext_noop("To stage"),
    gettext_noop("Updated at"),
    gettext_noop("Value"),
    gettext_noop("Version"),
)
# The audit page's "kind of change": the labels of the trackers behind each.
KINDS = {
    "insert": ["insert"],
    "update": ["update", "password_change", "second_factor_reset"],
    "delete": ["delete"],
}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: object
    new: object
    # The model's field, to show a value as the reader writes it; None for a
    # column the model no longer has.
    model_field: models.Field | None = field(default=None, compare=False, repr=False)

    @property
    def old_shown(self):
        return _shown(self.model_field, self.old)

    @property
    def new_shown(self):
        return _shown(self.model_field, self.new)


def _shown(model_field, value):
    """A value as the page's reader writes it: a day "1 déc. 2026" rather than
    "2026-12-01", a moment in their time zone, "12,5", "Oui". The history keeps
    the values as JSON writes them (the export keeps them so)."""
    if value is None or model_field is None or model_field.choices:
        return value
    try:
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            return formatting.short_datetime(dt.datetime.fromisoformat(value))
        if isinstance(model_field, models.DateField) and isinstance(value, str):
            return formatting.short_date(dt.date.fromisoformat(value))
        if isinstance(model_field, models.DecimalField | models.FloatField):
            number = Decimal(str(value))
            if number.is_finite():
                return formatting.typed_number(number)
    except (ValueError, InvalidOperation):
        return value
    if isinstance(model_field, models.BooleanField) and isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value


@dataclass
class Entry:
    event: AuditEvent
    changes: list[Change] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return KIND_LABELS.get(self.event.pgh_label, self.event.pgh_label)

    @property
    def actor(self) -> str:
        """Who made the change: a person, a task, or neither (a migration, a shell)."""
        if self.event.user is not None:
            return str(self.event.user)
        if self.event.task:
            return gettext("task %(task)s") % {"task": self.event.task}
        return gettext("the system")

    @property
    def byline(self) -> str:
        """Who made the change and when, as one sentence: a language may join
        "by" to who it was (Portuguese "pelo sistema", not "por o sistema")."""
        when = formatting.short_datetime(self.event.pgh_created_at)
        if self.event.user is not None:
            return gettext("by %(person)s, %(when)s") % {"person": self.event.user, "when": when}
        if self.event.task:
            return gettext("by the task %(task)s, %(when)s") % {
                "task": self.event.task,
                "when": when,
            }
        return gettext("by the system, %(when)s") % {"when": when}


def tracked_models() -> dict[str, type[models.Model]]:
    """The event model of each tracked model, by the tracked model's label."""
    return {
        event_model.pgh_tracked_model._meta.label: event_model
        for event_model in pghistory.core.event_models()
    }


def _display(model_field, value):
    if value is not None and model_field is not None and model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def _label(model_field) -> str:
    """The field's label in the reader's language. Most models leave their
    fields' names to Django ("end date"); the forms label them, and the
    catalogues translate those labels ("End date" is "Date de fin"), so a
    label is looked up there as a form writes it; one no form names stays."""
    label = capfirst(str(model_field.verbose_name))
    return gettext(label)


def changes_of(event: AuditEvent, model: type[models.Model] | None) -> list[Change]:
    """The event's diff against the object's previous event (none for a creation),
    with each field's label and the labels of choices. A file's stored name is
    left out: it is generated (agreements/ab/abcd…), and the fields beside it
    (its name, size and checksum) say what changed."""
    fields = {f.column: f for f in model._meta.concrete_fields} if model else {}
    changes = []
    for column, (old, new) in sorted((event.pgh_diff or {}).items()):
        model_field = fields.get(column)
        if isinstance(model_field, models.FileField):
            continue
        changes.append(
            Change(
                field=model_field.name if model_field else column,
                label=_label(model_field) if model_field else column,
                old=_display(model_field, old),
                new=_display(model_field, new),
                model_field=model_field,
            )
        )
    return changes


def object_history(obj: models.Model, *, limit: int | None = None) -> list[Entry]:
    """The object's events, newest first, each with what it changed: one query."""
    events = AuditEvent.objects.tracks(obj).select_related("user").order_by("-pgh_id")
    if limit is not None:
        events = events[:limit]
    return [Entry(event, changes_of(event, type(obj))) for event in events]


def entries(events):
    """Entries of events of any tracked models, as they come (a generator)."""
    models_by_label = {label: em.pgh_tracked_model for label, em in tracked_models().items()}
    for event in events:
        yield Entry(event, changes_of(event, models_by_label.get(event.pgh_obj_model)))
