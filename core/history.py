"""The why of a change, for the history the database writes (see core.models)."""

import contextlib

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
