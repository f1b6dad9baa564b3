"""A form refused for its security token gets Accord's 403 page, not Django's
(which speaks of DEBUG to a user), in the reader's language."""

import pytest
from django.test import Client
from django.urls import reverse

from partnerships.models import Partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, words",
    [
        ("en-gb", "This form could not be accepted"),
        ("fr", "Ce formulaire n’a pas pu être accepté"),
    ],
)
def test_a_post_without_its_token_is_refused_on_accords_page(alice, language, words):
    client = Client(enforce_csrf_checks=True)
    alice.language = language
    alice.save()
    client.force_login(alice)

    response = client.post(reverse("partnerships:partner_create"), {"name": "Forged"})

    assert response.status_code == 403
    text = response.content.decode()
    assert words in text
    assert "DEBUG" not in text
    assert '<nav class="navbar' in text  # the site's own frame
    assert not Partner.objects.filter(name="Forged").exists()
