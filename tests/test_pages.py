"""Every page requires a signed-in user; the login page renders.

The admin's pages, for every role: tests/test_admin.py."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import (
    AgreementFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db


def test_the_login_page_renders(client):
    response = client.get(reverse("login"), follow=True)
    assert response.redirect_chain == [(reverse("account_login"), 302)]
    assert b"Sign in to Accord" in response.content


def test_a_wrong_password_keeps_the_username_and_says_why(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert b'value="alice"' in response.content
    assert b"The username and/or password you specified are not correct" in response.content


def app_urls(patterns=None, namespace=None):
    """Every page of the project outside the admin, with a made-up id where one is needed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            # The account pages (django-allauth) are tested in tests/accounts/.
            if (
                pattern.app_name == "admin"
                or getattr(pattern.urlconf_module, "__name__", "") == "allauth.urls"
            ):
                continue
            inner_namespace = pattern.namespace or namespace
            yield from app_urls(pattern.url_patterns, inner_namespace)
        elif pattern.name not in (None, "login"):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield reverse(name, kwargs=dict.fromkeys(pattern.pattern.regex.groupindex, 1))


# Pages a partner-side health-check respondent opens from an emailed link,
# without an account (tests/health/test_answer_links.py tests them).
PUBLIC = {
    reverse("health:answer", args=["1"]),
    reverse("health:thanks", args=["1"]),
    # For a load balancer and a monitor: no data, no sign-in (tests/ops/).
    reverse("ops:live"),
    reverse("ops:ready"),
    # Browsers ask for it on the sign-in page too: Accord's icon (tests/config/test_favicon.py).
    reverse("favicon"),
}
# The API and the calendar feed sign their clients in themselves (a token, a
# secret address) and answer 401, 403 or 404 instead of a sign-in page
# (tests/api, tests/calendars); the API's docs are a page like the others.
PUBLIC |= {
    url for url in app_urls() if url.startswith("/api/v1/") and url != reverse("api:docs")
} | {reverse("calendars:feed", args=["1"])}


def test_every_page_sends_an_anonymous_visitor_to_sign_in(client):
    urls = list(app_urls())
    assert "/evaluation/assessments/" in urls
    for url in [url for url in urls if url not in PUBLIC] + [reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"], url


def test_home_shows_the_portfolio_to_a_signed_in_manager(
    client, alice, django_assert_max_num_queries
):
    # (An executive is sent on to the dashboard: tests/dashboards/test_portfolio_home.py.)
    MemberFactory(partnership__stage="struggling")
    AgreementFactory()
    client.force_login(alice)
    # session, user, savepoint (ATOMIC_REQUESTS), the role check (is this an
    # executive?), family counts, the active policy's expiry window, expiring
    # agreements with their partnerships, partner counts, scorecards returned to
    # the user, user and group permissions and unread notifications (the menu),
    # release savepoint
    with django_assert_max_num_queries(13):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Struggling" in response.content


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_first_link_of_every_page_skips_to_its_content(client, alice, signed_in):
    """A keyboard user's first Tab offers to jump past the navigation."""
    if signed_in:
        client.force_login(alice)
    page = client.get(reverse("home") if signed_in else reverse("account_login")).content.decode()
    body = page[page.index("<body") :]
    first_link = body[body.index("<a ") : body.index("</a>")]
    assert 'href="#content"' in first_link and "Skip to the content" in first_link
    assert body.count('id="content"') == 1
