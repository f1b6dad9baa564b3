"""A signed-in user with no role sees nothing but a page asking for one."""

import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, MemberFactory
from tests.test_pages import PUBLIC, app_urls

pytestmark = pytest.mark.django_db


def test_every_page_asks_a_user_without_a_role_to_get_one(client, nora):
    agreement = AgreementFactory(title="Confidential memorandum")
    MemberFactory(partnership=agreement.partnership, partner__name="Secret Hospital")
    client.force_login(nora)
    urls = [url for url in app_urls() if url not in PUBLIC and url != reverse("logout")]
    assert len(urls) > 40
    for url in [*urls, reverse("admin:index")]:
        for response in (client.get(url), client.post(url, {"title": "Forged"})):
            assert response.status_code == 403, url
            assert b"You have no role in Accord yet" in response.content, url
            assert b"Secret Hospital" not in response.content
            assert b"Confidential memorandum" not in response.content
            assert b"Dashboards" not in response.content, url  # no menu to follow


def test_a_user_without_a_role_can_still_sign_out(client, nora):
    client.force_login(nora)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_role_lets_them_in(client, alice):
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200
