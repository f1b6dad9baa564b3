import pytest

from accounts.models import Role, User
from tests.factories import UserFactory, user_with_role, with_authenticator


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
    return user_with_role("rita", Role.REVIEWER, first_name="Rita")


@pytest.fixture
def adam(db):
    """An administrator: manages users, roles, schedules and reference data."""
    return user_with_role("adam", Role.ADMINISTRATOR, first_name="Adam")


@pytest.fixture
def nora(db):
    """Signed up, but given no role yet: sees nothing."""
    return UserFactory(username="nora", first_name="Nora")


@pytest.fixture
def superuser(db):
    return with_authenticator(User.objects.create_superuser("root", "root@example.org", "password"))
