"""Personal API tokens: scopes, expiry, revocation, last use, and the page that makes them."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import token_create, token_revoke
from partnerships.models import Partner
from tests.api.conftest import if_match
from tests.factories import PartnerFactory, signed_in_again


def test_it_stores_only_the_hash_of_the_secret(alice):
    token, secret = token_create(user=alice, name="sync")
    assert secret.startswith(token.prefix)
    assert secret not in {token.token_hash, token.prefix}
    assert len(token.token_hash) == 64


def test_a_read_only_token_reads_but_does_not_write(client_for, alice):
    partner = PartnerFactory()
    client = client_for(alice, scope="read")
    assert client.get(f"/api/v1/partners/{partner.pk}/").status_code == 200
    response = client.patch(
        f"/api/v1/partners/{partner.pk}/", {"city": "Kisumu"}, format="json", **if_match(partner)
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    partner.refresh_from_db()
    assert partner.city == "Nairobi"


def test_a_read_write_token_writes(client_for, alice):
    partner = PartnerFactory()
    response = client_for(alice).patch(
        f"/api/v1/partners/{partner.pk}/", {"city": "Kisumu"}, format="json", **if_match(partner)
    )
    assert response.status_code == 200, response.content
    partner.refresh_from_db()
    assert partner.city == "Kisumu"


def test_an_expired_token_is_refused(client_for, alice):
    client = client_for(alice, expires_at=timezone.now() + dt.timedelta(days=1))
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        response = client.get("/api/v1/partners/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_revoked_token_is_refused(client_for, alice):
    client = client_for(alice)
    assert client.get("/api/v1/partners/").status_code == 200
    token_revoke(token=ApiToken.objects.get(user=alice), by=alice)
    assert client.get("/api/v1/partners/").status_code == 401


def test_an_unknown_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer acc_not-a-token")
    assert client.get("/api/v1/partners/").status_code == 401


def test_it_records_when_a_token_was_last_used(client_for, alice):
    client = client_for(alice)
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is None
    client.get("/api/v1/partners/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_of_a_deactivated_user_is_refused(client_for, alice):
    client = client_for(alice)
    alice.is_active = False
    alice.save()
    assert client.get("/api/v1/partners/").status_code == 401


def test_only_its_owner_revokes_a_token(alice, bob):
    from django.core.exceptions import PermissionDenied

    token, _ = token_create(user=alice, name="sync")
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, by=bob)


NEW_TOKEN = {"name": "M&E sync", "scope": "read_write", "expires_in": "30"}


def test_a_session_makes_no_token_until_its_person_types_their_password_again(client, alice):
    """A browser left signed in (or a stolen session cookie) mints no token,
    which would outlive the session and its second factor: the page asks for
    the password first, then makes it."""
    client.force_login(alice)
    response = client.post("/settings/api-tokens/", NEW_TOKEN)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.filter(user=alice).exists()
    # Listing the tokens asks nothing more.
    assert client.get("/settings/api-tokens/").status_code == 200

    signed_in_again(client)
    assert client.post("/settings/api-tokens/", NEW_TOKEN).status_code == 200
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_the_page_shows_a_new_token_once_and_revokes_it(client, alice):
    client.force_login(alice)
    signed_in_again(client)
    response = client.post(
        "/settings/api-tokens/", {"name": "M&E sync", "scope": "read_write", "expires_in": "30"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.scope == "read_write"
    assert token.expires_at > timezone.now() + dt.timedelta(days=29)

    listing = client.get("/settings/api-tokens/").content.decode()
    assert token.prefix in listing and secret not in listing

    client.post(f"/settings/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    "typed, message",
    [
        ("\u200b", "This field cannot be blank."),
        ("\u2060 \ufeff", "This field cannot be blank."),
        ("sync \u202ecnys\u202c", "reorder the text around them"),
        ("…", "at least one letter or digit"),
    ],
)
def test_the_page_refuses_a_token_name_that_shows_nothing_next_to_it(client, alice, typed, message):
    """Listed on the page and named when revoked: a name nothing shows (the
    partners' rule, core.text) would read as a blank row."""
    client.force_login(alice)
    signed_in_again(client)
    response = client.post("/settings/api-tokens/", NEW_TOKEN | {"name": typed})
    assert response.status_code == 400
    form = response.context["form"]
    assert message in form.errors["name"][0]
    assert form["name"].value() == typed  # kept as typed, to be corrected
    assert response.context["secret"] is None
    assert not ApiToken.objects.filter(user=alice).exists()


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("\u200bM&E  sync\u200b ", "M&E sync"),
        ("مزامنة\u200cالبيانات", "مزامنة\u200cالبيانات"),  # a joiner inside a word stays
    ],
)
def test_the_page_keeps_a_token_name_tidied(client, alice, typed, kept):
    client.force_login(alice)
    signed_in_again(client)
    response = client.post("/settings/api-tokens/", NEW_TOKEN | {"name": typed})
    assert response.status_code == 200, response.context["form"].errors
    assert response.context["secret"]
    assert ApiToken.objects.get(user=alice).name == kept


def test_the_service_refuses_a_token_name_that_shows_nothing(alice):
    """Whatever door calls it: the rule is the model's (ApiToken.clean)."""
    with pytest.raises(ValidationError) as refused:
        token_create(user=alice, name="\u200b\u200b")
    assert refused.value.message_dict == {"name": ["This field cannot be blank."]}
    assert not ApiToken.objects.exists()


def test_the_page_revokes_only_ones_own_tokens(client, alice, bob):
    token, _ = token_create(user=alice, name="sync")
    client.force_login(bob)
    assert client.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def throttled(settings, **rates):
    """The API's limits set to `rates` (by scope), their counts started afresh."""
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_it_limits_the_rate_per_token(client_for, alice, settings):
    throttled(settings, api="2/min")
    first, second = client_for(alice), client_for(alice)
    assert [first.get("/api/v1/partners/").status_code for _ in range(3)] == [200, 200, 429]
    # Another token of the same person has its own allowance.
    assert second.get("/api/v1/partners/").status_code == 200
    assert Partner.objects.count() == 0


def test_wrong_tokens_from_one_address_are_refused_unread_past_the_limit(
    client_for, alice, settings
):
    """Past ACCORD_API_WRONG_TOKEN_RATE wrong tokens, even a right one from that
    address waits: a 200 among the 429s would tell a guesser it had found one.
    Another address is not held up."""
    throttled(settings, wrong_token="3/min")
    guesser = APIClient(REMOTE_ADDR="203.0.113.7")
    guesser.credentials(HTTP_AUTHORIZATION="Bearer acc_guess")
    answers = [guesser.get("/api/v1/partners/").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    right = client_for(alice)
    assert right.get("/api/v1/partners/", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert right.get("/api/v1/partners/", REMOTE_ADDR="198.51.100.2").status_code == 200
    assert guesser.get("/api/v1/partners/").headers["Retry-After"]


def test_a_forwarded_for_header_does_not_make_a_guesser_another_address(db, settings):
    """DRF's throttles believed X-Forwarded-For: a guesser sending a new one
    with each wrong token was never limited. The address is read as for
    signing in (ACCORD_CLIENT_IP_HEADERS: REMOTE_ADDR unless behind a proxy)."""
    throttled(settings, wrong_token="3/min")
    guesser = APIClient(REMOTE_ADDR="203.0.113.8")
    guesser.credentials(HTTP_AUTHORIZATION="Bearer acc_guess")
    answers = [
        guesser.get("/api/v1/partners/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert answers == [401, 401, 401, 429]


def test_options_describes_an_endpoint_without_offering_writes(client_for, erin):
    """An executive was told by OPTIONS he might POST, then refused (403)."""
    response = client_for(erin).options("/api/v1/partnerships/")
    assert response.status_code == 200
    assert response.json()["name"]
    assert "actions" not in response.json()
    assert client_for(erin).post("/api/v1/partnerships/", {}, format="json").status_code == 403
