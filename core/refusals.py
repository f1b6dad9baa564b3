"""Rules the database keeps across apps, said in words where they are broken.

A rule that spans two apps' tables (a partnership with lessons stays ended)
lives in a trigger of the upper app, so no door can pass it. The lower app's
service that trips it cannot name it without importing the upper app; so the
upper app registers here, in its `AppConfig.ready()`, the field and the words
for its constraint's name, and the service turns the database's refusal into
a ValidationError (`said`), which every door shows as it shows any other: next
to the field on a page, a 400 problem in the API. An app registers its own
triggers' words the same way (a value within its partnership's run), for the
write that passes its service's checks and meets the trigger all the same.

A model's own unique constraint is said in words by its check (`full_clean`);
`save_checked` says it too when another transaction saved the same value
between that check and the insert.
"""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

_REFUSALS: dict[str, tuple[str, object]] = {}


def register(constraint: str, *, field: str, message) -> None:
    """Say `message` (lazy text) on `field` when `constraint` refuses a write."""
    _REFUSALS[constraint] = (field, message)


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the constraint (or trigger's CONSTRAINT) behind `error`."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def refusal(error: IntegrityError) -> ValidationError | None:
    """The registered refusal behind `error`, as a ValidationError; None if unknown."""
    found = _REFUSALS.get(constraint_name(error) or "")
    if found is None:
        return None
    field, message = found
    return ValidationError({field: [str(message)]})


def save_checked(instance) -> None:
    """Save `instance`, which has just passed its check (`full_clean`).

    Two people typing the same unique value at the same moment (one partner's
    name) both pass the check, as neither has saved yet; the database refuses
    the second insert. It is refused as the check refuses it, a ValidationError
    by field, rather than an IntegrityError (a server error).
    """
    try:
        # A savepoint: after the refusal, the transaction can still ask why.
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # The insert waited for the other transaction, which has committed:
        # the check finds its row now. Finding none, the refusal was another's.
        instance.validate_constraints()
        raise


@contextlib.contextmanager
def said():
    """Run the block in a savepoint; a registered refusal from the database
    is raised as its ValidationError, any other IntegrityError as it was. The
    savepoint leaves the caller's transaction usable after the refusal."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if (refused := refusal(error)) is None:
            raise
        raise refused from error
