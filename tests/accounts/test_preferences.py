"""Each person reads Accord in their language and time zone (issue #16)."""

import datetime as dt
import re
import zoneinfo
from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.preferences import in_users_locale, user_language, user_time_zone
from notifications.models import Kind, Notification

PREFERENCES = reverse("notifications:preferences")


def _save(client, **fields):
    data = {"reminder_channel": "email", "language": "", "time_zone": ""} | fields
    return client.post(PREFERENCES, data)


@pytest.mark.django_db
def test_a_user_chooses_a_language_and_a_time_zone_and_the_pages_follow(client, alice):
    client.force_login(alice)
    response = _save(client, language="fr", time_zone="America/Sao_Paulo")
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.language, alice.time_zone) == ("fr", "America/Sao_Paulo")

    page = client.get(PREFERENCES)
    assert page["Content-Language"] == "fr"
    assert b'<html lang="fr"' in page.content


@pytest.mark.django_db
def test_without_a_choice_the_browser_language_is_used_and_a_choice_overrides_it(client, alice):
    client.force_login(alice)
    assert (
        client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")["Content-Language"] == "pt"
    )
    assert client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "en-gb"
    alice.language = "es"
    alice.save(update_fields=["language"])
    assert client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="pt")["Content-Language"] == "es"


@pytest.mark.django_db
def test_times_on_pages_are_shown_in_the_users_time_zone(client, alice, settings):
    settings.ACCORD_ORGANISATION_TIME_ZONE = "Europe/London"
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time) and
    # 20:30 on 30 June in São Paulo.
    Notification.objects.create(
        user=alice,
        key="obligation:1",
        kind=Kind.OBLIGATION_DUE,
        subject="Report due",
        body="",
        created_at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC),
    )
    client.force_login(alice)
    inbox = reverse("notifications:inbox")
    assert "1 Jul 2026, 00:30" in client.get(inbox).content.decode()
    alice.time_zone = "America/Sao_Paulo"
    alice.save(update_fields=["time_zone"])
    assert "30 Jun 2026, 20:30" in client.get(inbox).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "localtime", "Factory"])
def test_an_unknown_time_zone_is_refused_next_to_the_field_keeping_the_other_choices(
    client, alice, zone
):
    client.force_login(alice)
    response = _save(client, language="pt", time_zone=zone)
    assert response.status_code == 400
    form = response.context["form"]
    assert "time_zone" in form.errors
    assert form["language"].value() == "pt"
    alice.refresh_from_db()
    assert (alice.language, alice.time_zone) == ("", "")


@pytest.mark.django_db
def test_the_database_refuses_a_language_accord_does_not_have(alice):
    alice.language = "de"
    with pytest.raises(IntegrityError), transaction.atomic():
        alice.save(update_fields=["language"])


@pytest.mark.django_db
def test_work_done_for_a_user_outside_a_request_reads_as_their_pages(alice, settings):
    settings.ACCORD_ORGANISATION_TIME_ZONE = "Europe/Lisbon"
    assert (user_language(alice), user_time_zone(alice).key) == ("en-gb", "Europe/Lisbon")
    alice.language, alice.time_zone = "fr", "Asia/Kolkata"
    with in_users_locale(alice):
        assert translation.get_language() == "fr"
        assert timezone.get_current_timezone() == zoneinfo.ZoneInfo("Asia/Kolkata")
    # A value that is no longer valid falls back rather than failing the email.
    alice.time_zone = "Gone/Zone"
    assert user_time_zone(alice).key == "Europe/Lisbon"


@pytest.mark.django_db
def test_the_preferences_page_offers_the_languages_in_their_own_names(client, alice):
    client.force_login(alice)
    html = client.get(PREFERENCES).content.decode()
    for name in ("Français", "Español", "Português", "English"):
        assert name in html


@pytest.mark.django_db
def test_signing_in_already_speaks_the_users_language(client, alice):
    """The sign-in's own confirmation is in the language alice chose, though the
    request that signed her in was anonymous (the browser's English) until then."""
    alice.language = "fr"
    alice.save(update_fields=["language"])

    response = client.post(
        reverse("account_login"), {"login": "alice", "password": "password"}, follow=True
    )

    shown = [str(message) for message in response.context["messages"]]
    assert shown == [f"Connexion avec {alice.get_full_name()} réussie."]


def _offered(html: str) -> list[tuple[str, str]]:
    select = html[
        html.index('name="time_zone"') : html.index("</select>", html.index('name="time_zone"'))
    ]
    return [
        (value, unescape(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    ]


@pytest.mark.django_db
def test_time_zones_are_offered_by_country_and_city_in_the_readers_language(
    client, alice, settings
):
    settings.ACCORD_ORGANISATION_TIME_ZONE = "Europe/London"
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.force_login(alice)

    offered = _offered(client.get(PREFERENCES).content.decode())

    assert offered[0] == ("", "Celui de l'organisation (Royaume-Uni — Londres)")
    named = dict(offered)
    assert named["Europe/London"] == "Royaume-Uni — Londres"
    assert named["America/New_York"] == "États-Unis — New York"
    assert named["Africa/Cairo"] == "Égypte — Le Caire"
    # Sorted as a French reader looks: "Égypte" and "États-Unis" among the e's,
    # Germany under "Allemagne"; the zones of no country (UTC) after them all.
    labels = [label for value, label in offered[1:]]
    assert labels.index("Égypte — Le Caire") < labels.index("Espagne — Madrid")
    assert labels.index("Espagne — Madrid") < labels.index("États-Unis — New York")
    assert labels.index("États-Unis — New York") < labels.index("France — Paris")
    assert labels.index("Allemagne — Berlin") < labels.index("Autriche — Vienne")
    assert labels.index("Zimbabwe — Harare") < labels.index("Etc/UTC")
    # Each zone once: "US/Eastern" is New York under another name.
    assert "US/Eastern" not in named and len(set(labels)) == len(labels)


@pytest.mark.django_db
def test_portuguese_names_time_zones_as_portugal_does(client, alice):
    alice.language = "pt"
    alice.save(update_fields=["language"])
    client.force_login(alice)

    named = dict(_offered(client.get(PREFERENCES).content.decode()))

    assert named["America/New_York"] == "Estados Unidos — Nova Iorque"
    assert named["Africa/Nairobi"] == "Quénia — Nairobi"


@pytest.mark.django_db
def test_the_time_zone_chosen_is_stored_by_its_iana_name_and_shown_chosen(client, alice):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.force_login(alice)

    assert _save(client, language="fr", time_zone="Asia/Kolkata").status_code == 302

    alice.refresh_from_db()
    assert alice.time_zone == "Asia/Kolkata"
    html = client.get(PREFERENCES).content.decode()
    assert re.search(r'<option value="Asia/Kolkata" selected>Inde — Kolkata</option>', html)


@pytest.mark.django_db
def test_a_zone_chosen_under_an_older_name_stays_chosen(client, alice):
    alice.time_zone = "US/Eastern"
    alice.save(update_fields=["time_zone"])
    client.force_login(alice)

    html = client.get(PREFERENCES).content.decode()

    assert re.search(r'<option value="US/Eastern" selected>United States — New York</option>', html)
    assert _save(client, time_zone="US/Eastern").status_code == 302
    alice.refresh_from_db()
    assert alice.time_zone == "US/Eastern"
