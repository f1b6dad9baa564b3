import pytest

from reminders import services

# The same people and partnership as the inbox's tests.
from tests.notifications.conftest import charlie, partnership  # noqa: F401


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """reminders_send as the daily task runs it: the emails go out after the commit."""

    def send(today):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_send(today=today)

    return send
