import pytest

from accounts.models import Role
from reminders import services
from tests.factories import PartnershipFactory, user_with_role
from tests.notifications.factories import LeadFactory


@pytest.fixture
def charlie(db):
    """A partnership manager outside alice's partnership: hears nothing of it."""
    return user_with_role("charlie", Role.MANAGER, first_name="Charlie")


@pytest.fixture
def partnership(alice, bob):
    """Alice owns it; bob is her dyad co-lead."""
    partnership = PartnershipFactory(owner=alice, title="Cardiac fellowship exchange")
    LeadFactory(partnership=partnership, user=alice, functional_area="clinical")
    LeadFactory(partnership=partnership, user=bob, functional_area="administrative")
    return partnership


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """reminders_send as the daily task runs it: the emails go out after the commit."""

    def send(today):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_send(today=today)

    return send
