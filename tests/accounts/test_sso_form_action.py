"""The CSP lets the single sign-on form lead to the identity provider, and only there."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def form_action(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "form-action" in part)


def test_without_single_sign_on_forms_post_to_accord_only(client):
    assert form_action(client.get(reverse("account_login"))) == "form-action 'self'"


def test_with_single_sign_on_the_provider_s_origin_is_allowed_too(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Sign in with Keycloak",
                    "client_id": "accord",
                    "secret": "s",
                    "settings": {"server_url": "https://id.example.org:8443/realms/hospital"},
                }
            ]
        }
    }
    assert form_action(client.get(reverse("account_login"))) == (
        "form-action 'self' https://id.example.org:8443"
    )
