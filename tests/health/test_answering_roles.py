"""Executives read health checks and do not answer them: a rule that held only
when people were invited. One of our people invited as a manager and made an
executive while the round was open still found it among their checks, opened
it and answered it: an executive's ratings counted in the partnership's health.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from health import services
from health.models import Answer
from tests.factories import PartnershipFactory
from tests.health.builders import open_round, ratings_for, running

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(alice):
    """A manager invited to an open round."""
    health_round = open_round(PartnershipFactory(owner=alice), by=alice, ours=1, **running())
    return health_round.respondents.get()


def made_an_executive(user):
    user.groups.set([Group.objects.get(name=Role.EXECUTIVE)])


def test_an_executive_invited_before_being_one_cannot_answer_on_the_page(client, invited):
    made_an_executive(invited.user)
    client.force_login(invited.user)
    url = reverse("health:respond", args=[invited.round_id])
    data = {f"s{pk}": rating for pk, rating in ratings_for(invited.round.instrument, 5).items()}

    assert url not in client.get(reverse("health:mine")).content.decode()
    assert client.get(url).status_code == 403
    response = client.post(url, data)

    assert response.status_code == 403
    assert "Executives read health checks" in response.content.decode()
    invited.refresh_from_db()
    assert invited.answered_at is None
    assert not Answer.objects.filter(respondent=invited).exists()


def test_nor_through_the_service(invited):
    made_an_executive(invited.user)
    with pytest.raises(PermissionDenied):
        services.answers_submit(
            respondent=invited,
            ratings=ratings_for(invited.round.instrument, 5),
            today=invited.round.opened_on,
        )
    assert not Answer.objects.filter(respondent=invited).exists()


def test_nor_is_reminded_to(invited):
    made_an_executive(invited.user)
    assert services.reminder_send(respondent_id=invited.pk) is False
    assert mail.outbox == []


def test_a_manager_still_answers(client, invited):
    client.force_login(invited.user)
    url = reverse("health:respond", args=[invited.round_id])
    data = {f"s{pk}": rating for pk, rating in ratings_for(invited.round.instrument, 5).items()}

    assert url in client.get(reverse("health:mine")).content.decode()
    assert client.post(url, data).status_code == 302
    invited.refresh_from_db()
    assert invited.answered_at is not None
