"""The OpenAPI schema: generated without warnings, and the API keeps to it.

Schemathesis generates requests for every operation, reads and writes, from
the schema the live server serves, and sends them to it with a read-write
token, checking that no answer is a 5xx and that each conforms to the schema
(status code, content type, body, headers).
"""

import time
from collections import Counter

import pytest
import schemathesis
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.tokens import token_create
from partnerships.models import Measurement, OutcomeMetric


def test_the_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert "/api/v1/partnerships/{id}/measurements/" in (tmp_path / "schema.yaml").read_text()


@pytest.fixture
def unthrottled(settings):
    """Schemathesis sends more requests in a minute than a token may."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000000/min", "wrong_token": "1000000/min"},
    }


# A request the schema allows may still break a rule the schema cannot say
# (`period` must be a month that has ended, an ended partnership needs its end
# date): answered 400 with a problem, which is right, so "positive data
# acceptance" is not asked for. Every other check is: no 5xx, only documented
# status codes, content types, headers and bodies as the schema says, 401
# without the token.
NOT_CHECKED = [positive_data_acceptance]
# Examples per operation: enough to reach each operation's answers (201, 400,
# 403, 404, 412, 422), few enough to run in a couple of minutes.
EXAMPLES = 10


# The live server reads what the test wrote, so the test commits; the database
# is restored as migrations left it for the transactional tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_operation_keeps_to_the_schema(live_server, alice, bob, card, unthrottled):
    """Every operation, reads and writes, against the live server with alice's
    read-write token, over real data: she owns the partnership `card` scores,
    so her writes reach the services (some saved, some refused)."""
    _, secret = token_create(user=alice, name="schemathesis", scope="read_write")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/?format=json", headers=headers
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    methods = Counter(operation.method.upper() for operation in operations)
    assert methods["GET"] >= 15 and sum(methods.values()) - methods["GET"] >= 12
    # Half the examples are sent to records that exist, so the writes reach
    # the forms and services rather than a 404 for a made-up id.
    partnership = card.partnership
    real_ids = {
        "partners": partnership.members.first().partner_id,
        "partnerships": partnership.pk,
        "agreements": partnership.agreements.first().pk,
        "objectives": partnership.objectives.first().pk,
        "metrics": OutcomeMetric.objects.filter(objective__partnership=partnership).first().pk,
        "measurements": Measurement.objects.filter(metric__objective__partnership=partnership)
        .first()
        .pk,
        "scorecards": card.pk,
    }
    statuses = Counter()
    started = time.perf_counter()
    for operation in operations:

        @given(case=operation.as_strategy(), real=st.booleans())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def keeps_to_the_schema(case, real):
            if real and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = real_ids[case.operation.path.split("/")[3]]
                if "partner_id" in case.path_parameters:
                    case.path_parameters["partner_id"] = real_ids["partners"]
            response = case.call_and_validate(
                base_url=live_server.url, headers=headers, excluded_checks=NOT_CHECKED
            )
            assert response.status_code < 500
            statuses[response.status_code] += 1

        keeps_to_the_schema()
    writes = sum(methods.values()) - methods["GET"]
    print(
        f"schemathesis: {len(operations)} operations ({methods['GET']} reads, {writes} writes),",
        f"{sum(statuses.values())} requests in {time.perf_counter() - started:.0f} s, 0 failures;",
        f"statuses {dict(sorted(statuses.items()))}",
    )


def test_the_docs_are_served_from_our_own_files_to_a_signed_in_person(client, erin):
    assert client.get("/api/v1/docs/").status_code == 302  # to the sign-in page
    client.force_login(erin)
    page = client.get("/api/v1/docs/").content.decode()
    assert 'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.' in page
    assert "cdn" not in page.lower()
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
    assert client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").status_code == 200


def test_the_docs_page_has_no_inline_style_and_a_link_back_to_accord(client, erin):
    """The site's CSP (style-src 'self') would refuse an inline <style>; the
    rules are in a static file instead (tests/browser/test_api_docs.py draws it)."""
    client.force_login(erin)
    page = client.get("/api/v1/docs/").content.decode()
    assert "<style" not in page and "style=" not in page
    assert "/static/css/api_docs." in page
    assert f'<a href="{reverse("home")}" id="back-to-accord">Back to Accord</a>' in page
