"""A token's client is answered in its user's language, as their pages are:
their own choice in Preferences, else the client's Accept-Language, else the
site's (accounts.middleware.UserLocaleMiddleware, which runs before DRF has
read the token); and its times in their time zone."""

import datetime as dt

import pytest

from partnerships.models import Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

REQUIRED = {"fr": "Ce champ est obligatoire.", "en-gb": "This field is required."}


def refused_partner(client, **headers):
    """A partner sent without its kind: the message next to `kind`."""
    body = {"name": "Clinique du Lac", "organisation_type": "10", "sector": "government"}
    response = client.post("/api/v1/partners/", body, format="json", **headers)
    assert response.status_code == 400, response.content
    assert not Partner.objects.exists()
    return response


def with_language(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_token_of_a_user_who_reads_french_is_answered_in_french(client_for, alice):
    response = refused_partner(client_for(with_language(alice, "fr")))
    assert response.json()["errors"]["kind"] == [REQUIRED["fr"]]
    assert response["Content-Language"] == "fr"


def test_a_token_of_a_user_who_reads_english_is_answered_in_english(client_for, alice):
    # Their choice wins over the client's header, as on the pages.
    response = refused_partner(client_for(with_language(alice, "en-gb")), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["errors"]["kind"] == [REQUIRED["en-gb"]]
    assert response["Content-Language"] == "en-gb"


def test_a_user_who_chose_no_language_is_answered_in_the_clients(client_for, alice):
    assert alice.language == ""
    response = refused_partner(client_for(alice), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["errors"]["kind"] == [REQUIRED["fr"]]
    english = refused_partner(client_for(alice))
    assert english.json()["errors"]["kind"] == [REQUIRED["en-gb"]]


def test_a_token_of_a_user_with_a_time_zone_reads_times_in_it(client_for, alice, settings):
    settings.ACCORD_ORGANISATION_TIME_ZONE = "UTC"
    partner = PartnerFactory()
    alice.time_zone = "Asia/Kolkata"
    alice.save(update_fields=["time_zone"])
    created = client_for(alice).get(f"/api/v1/partners/{partner.pk}/").json()["created_at"]
    assert dt.datetime.fromisoformat(created) == partner.created_at
    assert created.endswith("+05:30")
