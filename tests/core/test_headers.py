"""The headers every page carries: a Content-Security-Policy without inline
script, a Permissions-Policy, and no caching of a signed-in user's pages; and a
body above the upload limit refused before it is read."""

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


class TestContentSecurityPolicy:
    def test_it_allows_only_our_own_scripts_and_styles(self, client, erin):
        client.force_login(erin)
        csp = directives(client.get(reverse("dashboards:portfolio")))

        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert "style-src-attr" not in csp  # falls back to style-src: no style=""
        assert csp["img-src"] == ["'self'", "data:"]
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]
        assert not any("unsafe" in value for values in csp.values() for value in values)

    def test_the_sign_in_page_has_it_too(self, client):
        assert "Content-Security-Policy" in client.get(reverse("login"))


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


def security_headers(response) -> dict[str, str | None]:
    return {name: response.get(name) for name in SECURITY_HEADERS}


class TestEveryAnswer:
    """Error pages carry the same security headers as any page, whichever layer
    answers them."""

    @pytest.fixture
    def page_headers(self, client):
        headers = security_headers(client.get(reverse("account_login")))
        assert None not in headers.values(), headers
        assert headers["X-Frame-Options"] == "DENY"
        return headers

    def test_a_body_refused_as_too_large(self, client, page_headers):
        response = client.generic(
            "POST",
            reverse("login"),
            content_type="application/octet-stream",
            CONTENT_LENGTH=str(150 * 1024 * 1024),
        )
        assert response.status_code == 413
        assert security_headers(response) == page_headers

    def test_a_request_for_an_unknown_host(self, client, page_headers):
        response = client.get(reverse("login"), HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert security_headers(response) == page_headers

    def test_a_request_for_an_unknown_host_signed_in(self, client, erin, page_headers):
        client.force_login(erin)
        response = client.get(reverse("dashboards:portfolio"), HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert security_headers(response) == page_headers

    def test_a_page_not_found(self, client, erin, page_headers):
        client.force_login(erin)
        response = client.get("/partnerships/999999/")
        assert response.status_code == 404
        assert security_headers(response) == page_headers


class TestPermissionsPolicy:
    def test_it_turns_off_camera_microphone_geolocation_and_payment(self, client):
        policy = client.get(reverse("login"))["Permissions-Policy"]

        assert policy == "camera=(), microphone=(), geolocation=(), payment=()"


class TestCacheControl:
    def test_a_signed_in_users_page_is_not_stored(self, client, erin):
        client.force_login(erin)
        response = client.get(reverse("dashboards:portfolio"))

        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"

    def test_a_download_is_not_stored_either(self, client, erin):
        client.force_login(erin)
        response = client.get(reverse("dashboards:portfolio_csv"))

        assert response["Cache-Control"] == "private, no-store"

    def test_an_anonymous_page_keeps_its_own(self, client):
        # The sign-in view sets Django's never_cache headers itself.
        response = client.get(reverse("account_login"))

        never_cache = "max-age=0, no-cache, no-store, must-revalidate, private"
        assert response["Cache-Control"] == never_cache

    def test_static_files_keep_their_own_caching(self, client, erin):
        # WhiteNoise answers above the middleware, signed in or not.
        client.force_login(erin)
        response = client.get(static("css/accord.css"))

        assert response.status_code == 200
        assert "max-age" in response["Cache-Control"]
        assert "no-store" not in response["Cache-Control"]


class ExplodingStream:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


class TestRequestBodyLimit:
    def test_a_body_above_the_limit_is_refused_before_it_is_read(self, settings, alice):
        settings.ACCORD_MAX_UPLOAD_MB = 20
        client = Client()
        client.force_login(alice)
        response = client.generic(
            "POST",
            reverse("partnerships:agreement_document", args=[1]),
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(150 * 1024 * 1024),
            **{"wsgi.input": ExplodingStream()},
        )

        assert response.status_code == 413
        assert b"at most 20 MB" in response.content

    def test_a_body_within_the_limit_goes_on(self, client, alice):
        client.force_login(alice)
        response = client.post(reverse("partnerships:agreement_document", args=[999999]))

        assert response.status_code == 404
