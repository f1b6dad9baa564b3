import json

import pghistory.core
import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone, translation

from accounts.models import Role, User
from tests.factories import UserFactory, user_with_role, with_authenticator


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


@pytest.fixture(autouse=True)
def site_language_between_tests():
    """A request leaves its reader's language and time zone active in the thread
    (the middleware do not put them back), so a test after a French reader's
    page would read French: each test starts in the site's language and zone."""
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """The tests make thousands of people: each password hashed with Argon2 (or
    PBKDF2's million rounds) would cost a tenth of a second or more, so they
    hash with MD5, as Django's testing guide suggests. The production list,
    and the upgrade of older hashes, is tested in tests/accounts/test_passwords.py
    (which asks for `production_hashers`)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The .mo files are built from the .po files at set-up, not kept in git:
    compile them here too, so that a bare `pytest` reads today's catalogues."""
    call_command("compile_translations", verbosity=0)


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
