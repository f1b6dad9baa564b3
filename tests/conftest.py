import json

import pghistory.core
import pytest
from django.db import connections

from accounts.models import Role
from tests.factories import user_with_role


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Leave the history tables out of what `serialized_rollback` restores. JSON
    keeps timestamps to the millisecond, and the event tables refuse to be
    rewritten (and rightly: a rewritten row breaks its hash chain)."""
    events = {model._meta.label_lower for model in pghistory.core.event_models()}
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            rows = [row for row in json.loads(contents) if row["model"] not in events]
            connection._test_serialized_contents = json.dumps(rows)


@pytest.fixture
def alice(db):
    """A partnership manager: she owns the partnerships in the tests."""
    return user_with_role("alice", Role.MANAGER, first_name="Alice", functional_area="clinical")


@pytest.fixture
def bob(db):
    """A second partnership manager, from administration: alice's dyad co-lead."""
    return user_with_role("bob", Role.MANAGER, first_name="Bob", functional_area="administrative")


@pytest.fixture
def erin(db):
    """An executive: reads everything, changes nothing."""
    return user_with_role("erin", Role.EXECUTIVE, first_name="Erin")


@pytest.fixture
def rita(db):
    """A reviewer: reviews scorecards and tunes the scoring policy."""
    return user_with_role("rita", Role.REVIEWER, first_name="Rita", is_staff=True)
