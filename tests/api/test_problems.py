"""Errors answer as RFC 9457 problem details, never a 500."""

import json

import pytest

from partnerships.models import Partner
from tests.api.conftest import if_match
from tests.factories import MetricFactory, PartnerFactory, PartnershipFactory

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


def test_malformed_json_is_a_400_problem(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/", '{"name": "Moi', content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert body["type"] == "urn:accord:problem:parse_error"


def test_unknown_fields_are_refused_and_named(client_for, alice):
    partner = PartnerFactory()
    response = client_for(alice).patch(
        f"/api/v1/partners/{partner.pk}/",
        {"city": "Kisumu", "ctiy": "Kisumu"},
        format="json",
        **if_match(partner),
    )
    body = assert_problem(response, 400)
    assert body["errors"] == {"ctiy": ["Unknown field: this API does not take it."]}
    partner.refresh_from_db()
    assert partner.city == "Nairobi"


def test_wrong_types_are_named(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/", {"name": ["a"], "kind": 3, "country": "Narnia"}, format="json"
    )
    body = assert_problem(response, 400)
    assert {"name", "kind", "country", "sector", "time_zone"} <= set(body["errors"])
    assert not Partner.objects.exists()


def test_a_list_where_an_object_is_expected_is_a_400(client_for, alice):
    response = client_for(alice).post("/api/v1/partners/", [1, 2], format="json")
    assert_problem(response, 400)


def test_a_service_refusal_keeps_its_field(client_for, alice):
    PartnerFactory(name="Moi Teaching Hospital", country="KE")
    response = client_for(alice).post(
        "/api/v1/partners/",
        {
            "name": "moi teaching hospital",
            "kind": "hospital",
            "organisation_type": "15",
            "sector": "government",
            "country": "KE",
            "time_zone": "Africa/Nairobi",
        },
        format="json",
    )
    body = assert_problem(response, 400)
    assert "already exists" in str(body["errors"])


@pytest.mark.parametrize("page_size", ["101", "0", "-1", "ten", "²"])
def test_an_oversize_or_bad_page_size_is_a_400(client_for, alice, page_size):
    response = client_for(alice).get(f"/api/v1/partners/?page_size={page_size}")
    body = assert_problem(response, 400)
    assert "page_size" in body["errors"]


def test_a_page_past_the_end_is_a_404_problem(client_for, alice):
    assert_problem(client_for(alice).get("/api/v1/partners/?page=99"), 404)


def test_a_bad_filter_value_is_a_400_problem(client_for, alice):
    body = assert_problem(client_for(alice).get("/api/v1/partnerships/?stage=asleep"), 400)
    assert "stage" in body["errors"]


def test_an_unsupported_media_type_is_a_415(client_for, alice):
    response = client_for(alice).post("/api/v1/partners/", "name=x", content_type="text/plain")
    assert_problem(response, 415)


def test_pages_hold_at_most_the_page_size(client_for, alice):
    PartnerFactory.create_batch(3)
    body = client_for(alice).get("/api/v1/partners/?page_size=2").json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"]


def test_the_partner_filters_use_the_list_pages_names(client_for, alice):
    PartnerFactory(name="Moi Teaching Hospital", country="KE", sector="government")
    PartnerFactory(
        name="Universidad Cayetano", country="PE", sector="academic", time_zone="America/Lima"
    )
    client = client_for(alice)

    def names(query):
        return [p["name"] for p in client.get(f"/api/v1/partners/?{query}").json()["results"]]

    assert names("country=PE") == ["Universidad Cayetano"]
    assert names("sector=government&q=moi") == ["Moi Teaching Hospital"]
    assert names("region=SA") == ["Universidad Cayetano"]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "v\x07\x00K", "", 42, "localtime", "Factory"])
def test_a_time_zone_that_is_not_one_is_named_never_a_500(client_for, alice, zone):
    """Found by schemathesis: a control character made zoneinfo raise ValueError.
    "localtime" (whatever the server is set to) and "Factory" (clocks reading
    "-00") are in the system's zone files, but are no place's zone."""
    response = client_for(alice).post(
        "/api/v1/partners/",
        {
            "name": "Hôpital X",
            "kind": "hospital",
            "organisation_type": "10",
            "sector": "nonprofit",
            "country": "FR",
            "time_zone": zone,
        },
        format="json",
    )
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["time_zone"]
    assert not Partner.objects.filter(name="Hôpital X").exists()


# --- in the reader's language -------------------------------------------------------------


def test_an_unknown_field_is_refused_in_the_readers_language(client_for, alice, translated):
    translated(
        "fr", "Unknown field: this API does not take it.", "Champ inconnu : l’API ne le prend pas."
    )
    partner = PartnerFactory()
    response = client_for(alice).patch(
        f"/api/v1/partners/{partner.pk}/",
        {"ctiy": "Kisumu"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
        **if_match(partner),
    )
    body = assert_problem(response, 400)
    assert body["errors"] == {"ctiy": ["Champ inconnu : l’API ne le prend pas."]}


def test_a_month_not_closed_is_refused_naming_the_months_in_the_readers_language(client_for, alice):
    response = client_for(alice).get(
        "/api/v1/partnerships/?period=2099-01", HTTP_ACCEPT_LANGUAGE="fr"
    )
    body = assert_problem(response, 400)
    (message,) = body["errors"]["period"]
    assert "janvier 2000" in message
    assert "January" not in message


def test_malformed_json_is_refused_in_the_readers_language_saying_where(
    client_for, alice, translated
):
    translated(
        "fr",
        "The body is not valid JSON: line %(line)d, column %(column)d.",
        "Le corps n’est pas du JSON valide : ligne %(line)d, colonne %(column)d.",
    )
    response = client_for(alice).post(
        "/api/v1/partners/",
        '{"name": "Moi",\n "city": }',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    body = assert_problem(response, 400)
    assert body["type"] == "urn:accord:problem:parse_error"
    assert body["detail"] == "Le corps n’est pas du JSON valide : ligne 2, colonne 10."


# --- whatever the client accepts ------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/html", "text/html,application/xhtml+xml,*/*;q=0.8"])
def test_an_error_is_a_json_problem_even_to_a_browser(client, client_for, alice, accept):
    """A browser asks for HTML first: the browsable API would draw a page and
    label it a problem. The README promises problem details: they come as JSON."""
    answers = [
        client_for(alice).get("/api/v1/partners/?page_size=0", HTTP_ACCEPT=accept),
        client_for(alice).get("/api/v1/partners/999999/", HTTP_ACCEPT=accept),
        client.get("/api/v1/partners/", HTTP_ACCEPT=accept),  # not signed in
    ]
    for response, status in zip(answers, [400, 404, 401], strict=True):
        body = assert_problem(response, status)
        assert json.loads(response.content) == body


def test_a_success_to_a_browser_is_still_the_browsable_api(client, alice):
    client.force_login(alice)
    response = client.get("/api/v1/partners/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# --- true or false ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/metrics/", "is_active"),
        ("/api/v1/partnerships/", "provisional"),
        ("/api/v1/portfolio/", "provisional"),
    ],
)
@pytest.mark.parametrize("value", ["maybe", "0", "1", "no", "off", "yes", "on"])
def test_a_yes_or_no_parameter_takes_true_or_false_only(client_for, alice, url, parameter, value):
    body = assert_problem(client_for(alice).get(f"{url}?{parameter}={value}"), 400)
    assert list(body["errors"]) == [parameter]


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/metrics/", "is_active"),
        ("/api/v1/partnerships/", "provisional"),
        ("/api/v1/portfolio/", "provisional"),
    ],
)
@pytest.mark.parametrize("value", ["true", "false", "True", "False", ""])
def test_a_yes_or_no_parameter_takes_true_and_false_in_any_case(
    client_for, alice, url, parameter, value
):
    response = client_for(alice).get(f"{url}?{parameter}={value}")
    assert response.status_code == 200, response.content


def test_metrics_are_narrowed_by_is_active(client_for, alice):
    active = MetricFactory(is_active=True)
    retired = MetricFactory(is_active=False)
    client = client_for(alice)

    def ids(value):
        response = client.get(f"/api/v1/metrics/?is_active={value}")
        return {metric["id"] for metric in response.json()["results"]}

    assert ids("true") == {active.pk}
    assert ids("FALSE") == {retired.pk}
    assert ids("") == {active.pk, retired.pk}


# --- an owner -----------------------------------------------------------------------------


@pytest.mark.parametrize("owner", ["999999", "0", "-3", "99999999999", "nobody-owns"])
def test_an_owner_who_owns_nothing_narrows_the_portfolio_as_the_list_to_nothing(
    client_for, alice, erin, owner
):
    """The list read `owner` as an id (`IdFilter`: one of no one narrows to
    nothing), the portfolio as the page's select of owners (400: not a valid
    choice); and the list's 0, falsy, was no filter at all: every partnership."""
    PartnershipFactory(owner=alice)
    owner = str(erin.pk) if owner == "nobody-owns" else owner  # a user who owns nothing
    client = client_for(erin)
    listed = client.get("/api/v1/partnerships/", {"owner": owner, "stage": "active"})
    assert listed.status_code == 200, listed.content
    assert listed.json()["count"] == 0
    portfolio = client.get("/api/v1/portfolio/", {"owner": owner, "stage": "active"})
    assert portfolio.status_code == 200, portfolio.content
    assert portfolio.json()["count"] == 0


def test_an_owner_narrows_the_portfolio_as_the_list(client_for, alice, bob, erin):
    PartnershipFactory(owner=alice)
    PartnershipFactory(owner=bob)
    PartnershipFactory(owner=bob)
    client = client_for(erin)
    for owner, count in ((alice.pk, 1), (bob.pk, 2)):
        assert client.get("/api/v1/partnerships/", {"owner": owner}).json()["count"] == count
        assert client.get("/api/v1/portfolio/", {"owner": owner}).json()["count"] == count


@pytest.mark.parametrize("url", ["/api/v1/partnerships/", "/api/v1/portfolio/"])
def test_an_owner_that_is_not_an_id_is_a_400_naming_it(client_for, erin, url):
    body = assert_problem(client_for(erin).get(url, {"owner": "alice"}), 400)
    assert body["errors"] == {
        "owner": ["Enter a whole number written with the digits 0 to 9, such as 12."]
    }
