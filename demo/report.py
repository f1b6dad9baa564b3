from __future__ import annotations

from collections import Counter


class DemoReport:
    """How many rows of each kind were created, and how many were already there."""

    def __init__(self, labels):
        self.labels = labels
        self.created = Counter()
        self.present = Counter()

    def rows(self):
        return [(label, self.created[label], self.present[label]) for label in self.labels]

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())
