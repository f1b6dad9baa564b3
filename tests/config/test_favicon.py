"""The icon: /favicon.ico, which browsers ask for on every page the admin
renders (it links none of its own), and the admin's own link to it."""

import re

import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def fetched(client, url):
    """The response to `url`, whose body WhiteNoise streams."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_favicon_ico_leads_to_accords_icon_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    icon, body = fetched(client, response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert body.lstrip().startswith(b"<svg")


def test_the_admin_links_the_icon_and_it_resolves(client, adam):
    client.force_login(adam)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    links = re.findall(r'<link rel="icon" href="([^"]+)"', page.content.decode())
    assert links == [static("img/favicon.svg")]
    icon, _ = fetched(client, links[0])
    assert icon.status_code == 200
