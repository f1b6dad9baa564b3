"""Model fields whose rules hold through every door.

Django's `TextField(max_length=…)` tells only the form: the model's
`full_clean` (which the services, the imports and the admin run) and the
database let any length through, so a limit the API's serializer or a page
keeps could be passed round by a file import. `BoundedTextField` keeps its
`max_length` in the form (its `maxlength` and message) and in the model's
validation; `length_check` is the CHECK that keeps it in the database.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


class BoundedTextField(models.TextField):
    """Free text of at most `max_length` characters, however it arrives."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        # As CharField does: the validators list is built once, then kept.
        self.validators.append(MaxLengthValidator(self.max_length))


def length_check(field: str, most: int, *, name: str) -> models.CheckConstraint:
    """The database's side of a BoundedTextField: at most `most` characters."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), most), name=name)
