"""A session ends after 30 idle minutes or 12 hours; "sign out everywhere" ends the others."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def test_an_idle_session_ends_after_thirty_minutes(client, alice):
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(alice)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session


def test_a_busy_session_ends_after_twelve_hours(client, alice):
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(alice)
        for _ in range(12 * 3 - 1):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=21))  # 12 h 1 min after signing in
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_sign_out_everywhere_ends_the_other_sessions(client, alice, django_user_model):
    laptop, phone = client, client_class()
    for device in (laptop, phone):
        response = device.post(reverse("account_login"), {"login": "alice", "password": "password"})
        assert response.status_code == 302
    assert Session.objects.count() == 2

    laptop.post(reverse("usersessions_list"))

    assert laptop.get(reverse("home")).status_code == 200
    response = phone.get(reverse("home"))
    assert response.status_code == 302
    assert Session.objects.count() == 1


def client_class():
    from django.test import Client

    return Client()


@pytest.mark.parametrize(
    "name", ["mfa_index", "usersessions_list", "account_change_password", "home"]
)
def test_the_account_pages_of_the_user_menu_render(client, rita, name):
    client.force_login(rita)
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    assert b"Sessions and sign out everywhere" in response.content
