import pytest

from accounts.models import Role
from tests.factories import user_with_role


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
