"""Requests that once answered a 500: JSON nested too deep for Python's parser,
JSON holding half of a character, and two writes recording the same empty
period at the same moment."""

import datetime as dt

import pytest

from partnerships import services
from partnerships.models import Measurement, Partner
from tests.api.conftest import if_match
from tests.api.test_problems import assert_problem

OCTOBER = dt.date(2025, 10, 1)


def nested(depth: int, opening="[", closing="]") -> str:
    return opening * depth + closing * depth


class TestJsonNestedTooDeep:
    @pytest.mark.parametrize("depth", [1000, 5000, 100_000])
    def test_a_list_nested_deeper_than_python_parses_is_a_400_parse_error(
        self, client_for, alice, depth
    ):
        response = client_for(alice).post(
            "/api/v1/partners/", nested(depth), content_type="application/json"
        )
        body = assert_problem(response, 400)
        assert body["type"] == "urn:accord:problem:parse_error"

    def test_objects_nested_too_deep_are_a_parse_error_too(self, client_for, alice):
        body = '{"name": ' * 5000 + "1" + "}" * 5000
        response = client_for(alice).post(
            "/api/v1/partners/", body, content_type="application/json"
        )
        assert assert_problem(response, 400)["type"] == "urn:accord:problem:parse_error"

    def test_every_endpoint_that_reads_a_body_says_so(self, client_for, alice, ours):
        client = client_for(alice)
        for method, url, headers in [
            ("post", f"/api/v1/partnerships/{ours.pk}/measurements/", {}),
            ("patch", f"/api/v1/partnerships/{ours.pk}/", if_match(ours)),
            ("post", "/api/v1/objectives/", {}),
        ]:
            response = getattr(client, method)(
                url, nested(5000), content_type="application/json", **headers
            )
            body = assert_problem(response, 400)
            assert body["type"] == "urn:accord:problem:parse_error", url

    def test_a_shallower_body_is_read_as_before(self, client_for, alice):
        response = client_for(alice).post(
            "/api/v1/partners/", nested(50), content_type="application/json"
        )
        assert_problem(response, 400)  # a list, not a partner: refused, not a 500


class TestHalfACharacter:
    """JSON may escape a character outside the first 65,536 as two halves
    (\\ud83d\\ude00, 😀); either half alone is no character: Python reads it as
    a lone surrogate, which UTF-8 cannot write. Echoed in an error ("is not a
    valid choice"), the answer could not be written: a 500."""

    PARTNER = (
        '{"name": %s, "kind": %s, "organisation_type": "15", "sector": "government",'
        ' "country": "KE", "time_zone": "Africa/Nairobi"}'
    )

    @pytest.mark.parametrize(
        "name, kind",
        [
            ('"Aga Khan"', '"\\ud800"'),  # a choice echoed in its error
            ('"Aga Khan \\udc00"', '"hospital"'),
            ('"Aga Khan \\ud83d"', '"hospital"'),  # the first half, not followed by its second
        ],
    )
    def test_a_lone_half_is_a_400_parse_error_and_nothing_is_saved(
        self, client_for, alice, name, kind
    ):
        response = client_for(alice).post(
            "/api/v1/partners/", self.PARTNER % (name, kind), content_type="application/json"
        )
        body = assert_problem(response, 400)
        assert body["type"] == "urn:accord:problem:parse_error"
        assert "half of a character" in body["detail"]
        assert not Partner.objects.exists()

    def test_a_lone_half_as_a_field_name_is_refused_too(self, client_for, alice):
        response = client_for(alice).post(
            "/api/v1/partners/", '{"\\udfff": 1}', content_type="application/json"
        )
        assert assert_problem(response, 400)["type"] == "urn:accord:problem:parse_error"

    def test_both_halves_together_are_the_character_and_saved(self, client_for, alice):
        response = client_for(alice).post(
            "/api/v1/partners/",
            self.PARTNER % ('"Aga Khan \\ud83c\\udfe5"', '"hospital"'),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert Partner.objects.get().name == "Aga Khan \N{HOSPITAL}"


class TestMeasurementRecordedMeanwhile:
    """Another request records the period between this write's look-up and its
    insert: this write is then one over that value, never a 500. Without a
    `version` it may repeat the value, not change it (it never saw it)."""

    @pytest.fixture
    def metric(self, ours):
        return ours.objectives.get().metrics.order_by("name").first()

    def post(self, client, partnership, metric, value):
        return client.post(
            f"/api/v1/partnerships/{partnership.pk}/measurements/",
            {"rows": [{"metric": metric.pk, "period_start": "2025-10-01", "value": value}]},
            format="json",
        )

    @pytest.fixture(params=[True, False], ids=["seen_by_the_validation", "at_the_insert"])
    def bobs_write_meanwhile(self, request, bob, metric, monkeypatch):
        """Bob's request records the period just after alice's looked for it:
        committed before hers validates (a 400 "already has a value" before), or
        after, her insert then meeting the unique index (a 500 before)."""
        others = []
        look_up = services._locked_at

        def missing_bobs_write(*args):
            found = look_up(*args)
            if not others:
                others.append(
                    Measurement.objects.create(
                        metric=metric, period_start=OCTOBER, value=1, entered_by=bob
                    )
                )
            return found

        monkeypatch.setattr(services, "_locked_at", missing_bobs_write)
        if not request.param:  # as a row not yet committed is not
            validate = Measurement.validate_constraints
            monkeypatch.setattr(
                Measurement,
                "validate_constraints",
                lambda instance, exclude=None: (
                    None if instance.pk is None else validate(instance, exclude=exclude)
                ),
            )
        return others

    def test_another_value_is_refused_naming_bobs_not_a_500(
        self, client_for, alice, bob, ours, metric, bobs_write_meanwhile
    ):
        # (Bob's write, played inside alice's request here, is undone with it.)
        response = self.post(client_for(alice), ours, metric, "2")

        assert response.status_code == 400, response.content
        assert response.json()["errors"] == {
            "rows[0].version": [
                "A value is already recorded for this period (1, version 1); "
                "give its version to replace it."
            ]
        }

    def test_the_same_value_changes_nothing_not_a_500(
        self, client_for, alice, bob, ours, metric, bobs_write_meanwhile
    ):
        response = self.post(client_for(alice), ours, metric, "1")

        assert response.status_code == 200, response.content
        assert (response.json()["created"], response.json()["updated"]) == (0, 0)
        (stored,) = Measurement.objects.filter(metric=metric, period_start=OCTOBER)
        assert (stored.pk, stored.entered_by, stored.version) == (
            bobs_write_meanwhile[0].pk,
            bob,
            1,
        )
        assert response.json()["ids"] == [stored.pk]
