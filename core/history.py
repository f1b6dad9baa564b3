"""The why of a change, for the history the database writes (see core.models)."""

import contextlib
import copy

import pghistory

_MISSING = object()


@contextlib.contextmanager
def because(reason: str):
    """Store `reason` with every history event written inside the block (beside
    the user or task already in the context), and forget it afterwards."""
    with pghistory.context() as context:
        previous = context.metadata.get("reason", _MISSING)
        context.metadata["reason"] = reason
        try:
            yield
        finally:
            if previous is _MISSING:
                context.metadata.pop("reason", None)
            else:
                context.metadata["reason"] = previous


class DefaultTrackers(tuple):
    """pghistory gives each tracked model its own copy of the default trackers
    with `copy.deepcopy`, which also copies pgtrigger's Insert, Update and
    Delete markers inside them; pgtrigger recognises those markers by identity,
    so a statement-level trigger built from a copied marker gets no transition
    table and fails to compile. A shallow copy of each tracker is as separate
    from the others and keeps the markers themselves."""

    def __deepcopy__(self, memo):
        return tuple(copy.copy(tracker) for tracker in self)


DEFAULT_TRACKERS = DefaultTrackers(
    (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
)
