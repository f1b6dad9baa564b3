"""No lost updates: a row's version, and forms that know which one they showed.

Each row a person edits carries an integer `version`. A form remembers the
version it was opened on (a hidden field) and, signed, the values it showed. The
service that saves locks the row and refuses when its version has moved on
(`claim`), so of two people saving the same version only the first succeeds; the
second sees what changed since they opened the form, their typing kept.

The version moves on every write, by a person or a worker, so a form opened
before a worker's change is refused too. Locking and comparing (rather than a
separate `UPDATE ... SET version = version + 1`) keeps each edit to one write of
the row, so row history records one change, not two.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .formatting import short_date, short_datetime, typed_number
from .forms import PlainIntegerField

# Snapshots hold each value as `kept` writes it, the same in every language and
# time zone (before: as shown, so a label or a date's writing would have
# differed between readers); a form opened on the older kind reads as one
# whose snapshot is unknown.
SALT = "core.versioning.snapshot.kept"
EMPTY = "—"


class Versioned(models.Model):
    # db_default too: rows written around the ORM (COPY by the imports and the
    # benchmarks) start at the first version as well.
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, verbose_name=_("version")
    )

    class Meta:
        abstract = True


class StaleVersion(ValidationError):
    """The row moved past the version a form was opened on."""

    def __init__(self, current=None):
        self.current = current
        super().__init__(
            gettext(
                "Someone else changed this since you opened it. Reload it to see their change."
            ),
            code="stale",
        )


def claim(instance: models.Model, *, expected_version: int | None = None, fields=()):
    """Lock the row of `instance` for this transaction and move it to its next version.

    Refuses with StaleVersion when `expected_version` is given and the row is no
    longer at it. A second writer waits on the lock and then finds the new
    version. The caller saves `instance`, which writes the new version. Returns
    the stored row as locked, with `fields` loaded for the caller's own checks.
    """
    manager = type(instance)._base_manager
    stored = manager.select_for_update().only("version", *fields).get(pk=instance.pk)
    if expected_version is not None and stored.version != expected_version:
        raise StaleVersion(manager.get(pk=instance.pk))
    instance.version = stored.version + 1
    return stored


def refuse_stale(stored: models.Model | None, *, expected_version: int | None) -> None:
    """For a row that may not exist yet (a grid cell, a next step): refuse when
    the stored row, locked by the caller, is not at `expected_version` (0: none)."""
    version = stored.version if stored is not None else 0
    if expected_version is not None and version != expected_version:
        raise StaleVersion(stored)


def _plain(value) -> str:
    """One value as `kept` writes it: a record by its id, a choice by its code."""
    value = getattr(value, "pk", value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # The same moment reads the same, in whichever zone the form holds it.
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def kept(field: forms.Field, value) -> str | list[str]:
    """A value of `field` written the same whoever reads it (a choice's code, a
    day in ISO 8601, a decimal without trailing zeros): what a form's snapshot
    keeps and compares, so that a reader's language or time zone never reads
    as a change. `shown` words it for a person."""
    if value is None or value in ("", [], ()):
        return ""
    if isinstance(field, forms.BooleanField):
        return "1" if value else "0"
    if hasattr(field, "choices"):
        if isinstance(value, list | tuple | models.QuerySet):
            return [_plain(item) for item in value]
        return _plain(value)
    if isinstance(value, dt.date | Decimal):
        return _plain(value)
    return str(field.prepare_value(value))


def shown(field: forms.Field, value: str | list[str]) -> str:
    """A kept value (`kept`) as the pages show it, in the reader's language and
    time zone: a choice's label, not its code; a day or a moment as the
    tables write them (`core.formatting`: "1 déc. 2026", "1 Dec 2026, 17:30");
    a decimal with the reader's decimal mark, as the form's box shows it."""
    if value in ("", []):
        return EMPTY
    if isinstance(field, forms.BooleanField):
        # Django's own words, as its yes-or-no boxes show them.
        return gettext("Yes") if value == "1" else gettext("No")
    if hasattr(field, "choices"):
        labels = {}
        for key, label in field.choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(getattr(key, "value", key))] = str(label)
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(item, item) for item in values)
    try:
        if isinstance(field, forms.DateTimeField):
            return short_datetime(dt.datetime.fromisoformat(value))
        if isinstance(field, forms.DateField):
            return short_date(dt.date.fromisoformat(value))
        if isinstance(field, forms.DecimalField):
            return typed_number(Decimal(value))
    except (ValueError, ArithmeticError):
        pass  # not what this field keeps: shown as it is
    return str(value)


class VersionedForm(forms.ModelForm):
    """A ModelForm that refuses a save made on a version someone else changed.

    Its hidden `version` is the row's version when the form was opened (0 for no
    row yet) and `snapshot` the signed values it showed. When the row has moved
    on, `clean` lists what changed in a non-field error, the person's input
    kept; if nothing this form shows changed, the save goes ahead on the new
    version, as it overwrites nothing anyone else typed.

    The view passes `form.expected_version` to the service, and `form.edited_data`;
    the service's `claim` catches the change that lands between this check and
    the save, and `core.forms.add_service_errors` shows it with `show_stale`.
    """

    version = PlainIntegerField(widget=forms.HiddenInput, min_value=0)
    snapshot = forms.CharField(widget=forms.HiddenInput, required=False)
    # When the row holds more than this form shows (an agreement's parties), a
    # change to the rest is a conflict even if no field here changed.
    rebase_when_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new row has nothing to conflict with: only an edit must say its version.
        self.fields["version"].required = bool(self.instance.pk)
        self.initial["version"] = self.instance.version if self.instance.pk else 0
        self.initial["snapshot"] = signing.dumps(self._values(self.instance), salt=SALT)

    def _own_fields(self):
        return [name for name in self.fields if name not in ("version", "snapshot")]

    @property
    def expected_version(self) -> int:
        """For the service: the version this save was made on."""
        return self.cleaned_data["version"]

    @property
    def edited_data(self) -> dict:
        """The cleaned values of the row's own fields, for the service."""
        return {name: self.cleaned_data[name] for name in self._own_fields()}

    def _values(self, instance) -> dict[str, str | list[str]]:
        initial = forms.model_to_dict(instance, fields=self._own_fields())
        return {
            name: kept(self.fields[name], initial.get(name, self.fields[name].initial))
            for name in self._own_fields()
        }

    def _opened(self) -> dict[str, str | list[str]] | None:
        try:
            return signing.loads(self.data.get(self.add_prefix("snapshot"), ""), salt=SALT)
        except signing.BadSignature:
            return None

    def _current(self):
        # The row as the view loaded it for this request (clean() runs before the
        # form copies its values onto the instance). A change after that load is
        # caught by the service's claim(), so the save never rests on older values.
        return self.instance if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        opened_version = cleaned.get("version")
        current = self._current()
        current_version = current.version if current is not None else 0
        if opened_version is None or opened_version == current_version:
            return cleaned
        changes = self.changes_since(current)
        # Without the values it showed, the form cannot tell that nothing changed.
        unknown = self._opened() is None or current is None
        if changes or unknown or not self.rebase_when_unchanged:
            self.show_stale(current, changes)
        else:
            cleaned["version"] = current_version
        return cleaned

    def changes_since(self, current) -> list[str]:
        """The fields whose value shown then is not the value now."""
        opened = self._opened()
        if current is None or opened is None:
            return []
        now = self._values(current)
        return [name for name in self._own_fields() if name in opened and opened[name] != now[name]]

    def show_stale(self, current, changes: list[str] | None = None) -> None:
        """Refuse the save and say what changed. A field the person left as it
        was now shows the new value; one they changed too keeps theirs. The form
        moves to the current version, so saving again (having seen the
        changes) saves what it then shows."""
        if changes is None:
            changes = self.changes_since(current)
        opened, now = self._opened() or {}, self._values(current) if current is not None else {}
        stored = forms.model_to_dict(current, fields=changes) if current is not None else {}
        data = self.data.copy()
        lines = []
        for name in changes:
            field = self.fields[name]
            was, became = shown(field, opened[name]), shown(field, now[name])
            # The quotes as the reader's language writes them: « » in French.
            line = gettext("%(field)s: “%(was)s” → “%(became)s”") % {
                "field": self[name].label,
                "was": was,
                "became": became,
            }
            typed = kept(field, self.cleaned_data.get(name))
            if name in self.cleaned_data and typed == opened[name]:
                self._put(data, name, stored.get(name))
                lines.append(gettext("%(change)s (now shown)") % {"change": line})
            else:
                lines.append(
                    gettext("%(change)s (you changed it too: yours is kept)") % {"change": line}
                )
        if lines:
            message = gettext(
                "Someone else saved a change since you opened this form: %(changes)s. "
                "Check the form and save again to keep what it shows."
            ) % {"changes": "; ".join(lines)}
        else:
            message = gettext(
                "Someone else saved a change since you opened this form. "
                "Check the form and save again to keep what it shows."
            )
        self.add_error(None, ValidationError(message, code="stale"))
        data[self.add_prefix("version")] = current.version if current is not None else 0
        if current is not None:
            data[self.add_prefix("snapshot")] = signing.dumps(now, salt=SALT)
        self.data = data

    def _put(self, data, name: str, value) -> None:
        """Put a stored value into posted data as the field's widget would post it."""
        key, field = self.add_prefix(name), self.fields[name]
        value = field.prepare_value(value)
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        elif isinstance(value, list | tuple) and hasattr(data, "setlist"):
            data.setlist(key, [str(item) for item in value])
        else:
            data[key] = "" if value is None else str(value)
