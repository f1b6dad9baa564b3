"""On-commit hooks: how a lower layer lets an upper one react without importing it.

The lower layer declares a hook and fires it where the change happens; the
upper layer registers its reaction in its `AppConfig.ready()`. Reactions run
only once the transaction commits, so nobody reacts to a change that was
rolled back, and a failing reaction (a broker that is away) is logged, not
raised into the user's request: the change itself has been saved. A hook
fired with `fire_now` instead runs its reactions inside the transaction, where
the change and its reactions stand or fall together.

Unlike Django's signals, a hook is named where it is fired, and its reactions
are listed by `receivers`, so a reader can find who reacts to what.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


class Hook:
    def __init__(self, name: str):
        self.name = name
        self.receivers: list[Callable] = []

    def register(self, receiver: Callable) -> Callable:
        """Register `receiver(**payload)`; usable as a decorator. Registering
        twice (an app reloaded in a test) keeps one."""
        if receiver not in self.receivers:
            self.receivers.append(receiver)
        return receiver

    def fire_on_commit(self, **payload) -> None:
        """Call every receiver with `payload` once the current transaction commits
        (at once outside a transaction)."""
        for receiver in self.receivers:
            # robust: Django logs a failing reaction (by its __qualname__, which
            # a functools.partial lacks) and runs the next one.
            def react(receiver=receiver):
                receiver(**payload)

            react.__qualname__ = f"{self.name} → {receiver.__qualname__}"
            transaction.on_commit(react, robust=True)

    def fire_now(self, **payload) -> list:
        """Call every receiver with `payload` at once, inside the current
        transaction: for a change that must not stand without its reactions
        (a credential ended must not stay usable because a reaction failed
        after the commit). A failing reaction fails, and rolls back, the change.
        Returns what the receivers returned, in order: what each did, for
        whoever made the change to be told."""
        return [receiver(**payload) for receiver in self.receivers]

    def __repr__(self):
        return f"<Hook {self.name}: {len(self.receivers)} receiver(s)>"
