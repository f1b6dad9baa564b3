"""Reading the history the database writes: what changed, old → new, by whom."""

from __future__ import annotations

from dataclasses import dataclass, field

import pghistory.core
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from .models import AuditEvent

KIND_LABELS = {
    "insert": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
    "password_change": gettext_lazy("Password changed"),
}
# The audit page's "kind of change": the labels of the trackers behind each.
KINDS = {
    "insert": ["insert"],
    "update": ["update", "password_change"],
    "delete": ["delete"],
}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: object
    new: object


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
