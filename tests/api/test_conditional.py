"""ETags on single records; a write to one needs If-Match: refused without it
(428), refused with a stale one (412), written with the current one or `*`."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from evaluation.models import Scorecard
from partnerships import services as partnership_services
from partnerships.models import Measurement, Partner, Partnership, PartnershipMember, StageChange
from tests.api.conftest import if_match
from tests.factories import PartnerFactory


def test_a_write_with_the_current_etag_goes_through(client_for, alice):
    partner = PartnerFactory()
    client = client_for(alice)
    etag = client.get(f"/api/v1/partners/{partner.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/partners/{partner.pk}/", {"city": "Eldoret"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag


def test_a_write_with_a_stale_etag_is_refused(client_for, alice, bob):
    partner = PartnerFactory()
    mine, theirs = client_for(alice), client_for(bob)
    etag = mine.get(f"/api/v1/partners/{partner.pk}/")["ETag"]
    theirs.patch(
        f"/api/v1/partners/{partner.pk}/", {"city": "Kisumu"}, format="json", HTTP_IF_MATCH=etag
    )

    response = mine.patch(
        f"/api/v1/partners/{partner.pk}/", {"city": "Eldoret"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    partner.refresh_from_db()
    assert partner.city == "Kisumu"


def test_a_stage_change_on_a_stale_partnership_is_refused(client_for, alice, ours):
    client = client_for(alice)
    etag = client.get(f"/api/v1/partnerships/{ours.pk}/")["ETag"]
    # Someone else's edit, through the service every page uses: a new version.
    partnership_services.partnership_update(partnership=ours, description="Changed meanwhile.")
    response = client.post(
        f"/api/v1/partnerships/{ours.pk}/stage/",
        {"stage": "struggling", "reason": "Funding paused."},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 412
    assert not StageChange.objects.exists()


def test_a_review_on_a_recomputed_scorecard_is_refused(client_for, rita, card):
    client = client_for(rita)
    etag = client.get(f"/api/v1/scorecards/{card.pk}/")["ETag"]
    card.computed_at = card.computed_at.replace(year=card.computed_at.year + 1)
    card.save(update_fields=["computed_at"])
    response = client.post(
        f"/api/v1/scorecards/{card.pk}/approve/", {}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    card.refresh_from_db()
    assert card.review_state == "in_review"


# --- a partnership's members are part of it --------------------------------------------


def _stale_after(client, partnership, change):
    """The partnership's ETag before `change`, after it, and a PATCH made with the old one."""
    url = f"/api/v1/partnerships/{partnership.pk}/"
    before = client.get(url)["ETag"]
    change()
    after = client.get(url)
    # A copy held from before is no longer current, for a read as for a write.
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=before)
    version = Partnership.objects.get(pk=partnership.pk).version
    refused = client.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=before)
    stored = Partnership.objects.get(pk=partnership.pk)
    assert (stored.title, stored.version) == (partnership.title, version)
    return before, after, revalidated, refused


def test_a_member_added_through_the_api_makes_the_partnerships_etag_stale(client_for, alice, ours):
    client, partner = client_for(alice), PartnerFactory()

    def add():
        response = client.post(
            f"/api/v1/partnerships/{ours.pk}/members/",
            {"partner": partner.pk},
            format="json",
            **if_match(ours),
        )
        assert response.status_code == 201, response.content

    before, after, revalidated, refused = _stale_after(client, ours, add)

    assert after["ETag"] != before
    assert partner.pk in [member["partner"] for member in after.json()["members"]]
    assert revalidated.status_code == 200 and revalidated["ETag"] == after["ETag"]
    assert refused.status_code == 412


def test_a_members_new_role_or_its_removal_makes_the_etag_stale(client_for, alice, ours):
    client, partner = client_for(alice), PartnerFactory()
    partnership_services.partnership_member_add(partnership=ours, partner=partner)
    url = f"/api/v1/partnerships/{ours.pk}/members/{partner.pk}/"

    def change_role():
        response = client.patch(url, {"role": "funder"}, format="json", **if_match(ours))
        assert response.status_code == 200, response.content

    def remove():
        assert client.delete(url, **if_match(ours)).status_code == 204

    for change in (change_role, remove):
        before, after, _revalidated, refused = _stale_after(client, ours, change)
        assert after["ETag"] != before and refused.status_code == 412
    assert not PartnershipMember.objects.filter(partnership=ours, partner=partner).exists()


def test_a_member_added_through_the_service_the_pages_use_makes_the_etag_stale(
    client_for, alice, ours
):
    client = client_for(alice)

    def add():
        partnership_services.partnership_member_add(
            partnership=Partnership.objects.get(pk=ours.pk), partner=PartnerFactory()
        )

    before, after, _revalidated, refused = _stale_after(client, ours, add)
    assert after["ETag"] != before and refused.status_code == 412


def test_a_member_change_on_a_stale_partnership_is_refused(client_for, alice, ours):
    client, partner = client_for(alice), PartnerFactory()
    etag = client.get(f"/api/v1/partnerships/{ours.pk}/")["ETag"]
    partnership_services.partnership_update(partnership=ours, description="Changed meanwhile.")

    response = client.post(
        f"/api/v1/partnerships/{ours.pk}/members/",
        {"partner": partner.pk},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 412
    assert not PartnershipMember.objects.filter(partner=partner).exists()
    member = ours.members.get()
    response = client.patch(
        f"/api/v1/partnerships/{ours.pk}/members/{member.partner_id}/",
        {"role": "funder"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 412
    assert ours.members.get().role == member.role


# --- every write to a record that exists: If-Match required --------------------------------


@dataclass
class Write:
    """One write to a record that exists, set up on fresh data."""

    who: str  # the fixture of the user who writes
    method: str
    url: str
    body: dict | None
    read: str  # where its client GETs the ETag to send
    state: Callable[[], Any]  # what the write changes, as stored
    written: Any  # `state()` once it is written
    meanwhile: Callable[[], None]  # someone else's change, through the pages' services


def _partner(request):
    partner = PartnerFactory(city="Nairobi")
    url = f"/api/v1/partners/{partner.pk}/"

    def meanwhile():
        partnership_services.partner_update(
            partner=Partner.objects.get(pk=partner.pk), city="Kisumu"
        )

    return Write(
        "alice",
        "patch",
        url,
        {"city": "Eldoret"},
        url,
        lambda: Partner.objects.get(pk=partner.pk).city,
        "Eldoret",
        meanwhile,
    )


def _changed_meanwhile(partnership):
    def meanwhile():
        partnership_services.partnership_update(
            partnership=Partnership.objects.get(pk=partnership.pk), description="Changed meanwhile."
        )

    return meanwhile


def _partnership(request):
    ours = request.getfixturevalue("ours")
    url = f"/api/v1/partnerships/{ours.pk}/"
    return Write(
        "alice",
        "patch",
        url,
        {"title": "Renamed"},
        url,
        lambda: Partnership.objects.get(pk=ours.pk).title,
        "Renamed",
        _changed_meanwhile(ours),
    )


def _members(ours):
    return lambda: sorted(ours.members.values_list("partner_id", "role"))


def _member_added(request):
    ours = request.getfixturevalue("ours")
    partner = PartnerFactory()
    url = f"/api/v1/partnerships/{ours.pk}/"
    return Write(
        "alice",
        "post",
        f"{url}members/",
        {"partner": partner.pk},
        url,
        _members(ours),
        sorted([*_members(ours)(), (partner.pk, "member")]),
        _changed_meanwhile(ours),
    )


def _other_member(ours):
    partner = PartnerFactory()
    partnership_services.partnership_member_add(partnership=ours, partner=partner)
    return partner


def _member_role(request):
    ours = request.getfixturevalue("ours")
    other = _other_member(ours)
    url = f"/api/v1/partnerships/{ours.pk}/"
    written = sorted((p, "funder" if p == other.pk else r) for p, r in _members(ours)())
    return Write(
        "alice",
        "patch",
        f"{url}members/{other.pk}/",
        {"role": "funder"},
        url,
        _members(ours),
        written,
        _changed_meanwhile(ours),
    )


def _member_removed(request):
    ours = request.getfixturevalue("ours")
    other = _other_member(ours)
    url = f"/api/v1/partnerships/{ours.pk}/"
    written = [row for row in _members(ours)() if row[0] != other.pk]
    return Write(
        "alice",
        "delete",
        f"{url}members/{other.pk}/",
        None,
        url,
        _members(ours),
        written,
        _changed_meanwhile(ours),
    )


def _stage(request):
    ours = request.getfixturevalue("ours")
    url = f"/api/v1/partnerships/{ours.pk}/"
    return Write(
        "alice",
        "post",
        f"{url}stage/",
        {"stage": "struggling", "reason": "Funding paused."},
        url,
        lambda: (Partnership.objects.get(pk=ours.pk).stage, ours.stage_changes.count()),
        ("struggling", 1),
        _changed_meanwhile(ours),
    )


def _measurement_cleared(request):
    ours, alice = request.getfixturevalue("ours"), request.getfixturevalue("alice")
    value = Measurement.objects.filter(metric__objective__partnership=ours).order_by("pk").first()
    url = f"/api/v1/measurements/{value.pk}/"

    def meanwhile():
        partnership_services.measurement_save(
            metric=value.metric,
            period_start=value.period_start,
            value=Decimal(99),
            entered_by=alice,
            expected_version=Measurement.objects.get(pk=value.pk).version,
        )

    return Write(
        "alice",
        "delete",
        url,
        None,
        url,
        lambda: list(Measurement.objects.filter(pk=value.pk).values_list("value", flat=True)),
        [],
        meanwhile,
    )


def _review(action, body, written):
    def setup(request):
        card = request.getfixturevalue("card")
        url = f"/api/v1/scorecards/{card.pk}/"

        def meanwhile():
            # Recomputed by a new run: what the reviewer read is not what is stored.
            Scorecard.objects.filter(pk=card.pk).update(
                computed_at=card.computed_at.replace(year=card.computed_at.year + 1)
            )

        def state():
            stored = Scorecard.objects.get(pk=card.pk)
            return (stored.review_state, stored.override_rating)

        other = {"green": "red", "amber": "red", "red": "green"}[card.rating]
        return Write(
            "rita",
            "post",
            f"{url}{action}/",
            {**body, "rating": other} if action == "override" else body,
            url,
            state,
            (written, other if action == "override" else ""),
            meanwhile,
        )

    return setup


# Every write to a record that exists, by the method and path the schema
# names it with (the next test checks that none is missing).
WRITES = {
    ("PATCH", "/api/v1/partners/{id}/"): _partner,
    ("PATCH", "/api/v1/partnerships/{id}/"): _partnership,
    ("PATCH", "/api/v1/partnerships/{id}/members/{partner_id}/"): _member_role,
    ("DELETE", "/api/v1/partnerships/{id}/members/{partner_id}/"): _member_removed,
    ("POST", "/api/v1/partnerships/{id}/stage/"): _stage,
    ("DELETE", "/api/v1/measurements/{id}/"): _measurement_cleared,
    ("POST", "/api/v1/scorecards/{id}/approve/"): _review("approve", {}, "approved"),
    ("POST", "/api/v1/scorecards/{id}/return/"): _review(
        "return", {"comment": "Check Q3."}, "returned"
    ),
    ("POST", "/api/v1/scorecards/{id}/override/"): _review(
        "override", {"justification": "The site visit showed otherwise."}, "approved"
    ),
}
# Writes to several records at once, each row carrying the `version` it read
# (README, "Stale writes"): no one ETag to send.
BY_ROW_VERSION = {("POST", "/api/v1/partnerships/{id}/measurements/")}
# Writes that add to a record and overwrite nothing of it: If-Match may be left
# out, and one sent is held to (README, "Stale writes").
WHEN_SENT = {("POST", "/api/v1/partnerships/{id}/members/"): _member_added}
CONDITIONAL = WRITES | WHEN_SENT


@pytest.fixture(params=list(CONDITIONAL), ids=[" ".join(key) for key in CONDITIONAL])
def write(request) -> Write:
    return CONDITIONAL[request.param](request)


@pytest.fixture
def client(request, client_for, write):
    """The API client of the user who makes `write`."""
    return client_for(request.getfixturevalue(write.who))


def send(client, write: Write, **headers):
    if write.body is None:
        return getattr(client, write.method)(write.url, **headers)
    return getattr(client, write.method)(write.url, write.body, format="json", **headers)


def test_every_write_to_a_record_that_exists_is_in_the_table(tmp_path):
    """A new endpoint that writes to a record must be added to WRITES (and so
    prove it refuses a write without If-Match) or to BY_ROW_VERSION; the schema
    says the header is required, and the 428, on each of WRITES."""
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            header = [p for p in operation.get("parameters", []) if p["name"] == "If-Match"]
            if "{id}" not in path:  # a create
                assert not header, (method, path)
                continue
            found.add((method.upper(), path))
            if (method.upper(), path) in WRITES:
                assert header and header[0]["in"] == "header" and header[0]["required"], path
                assert "428" in operation["responses"], path
            if (method.upper(), path) in WHEN_SENT:
                assert header and header[0]["in"] == "header", path
                assert not header[0].get("required") and "428" not in operation["responses"]
    assert found == set(WRITES) | BY_ROW_VERSION | set(WHEN_SENT)


@pytest.mark.parametrize("key", list(WRITES), ids=[" ".join(key) for key in WRITES])
def test_a_write_without_if_match_is_refused_and_saves_nothing(request, client_for, key):
    write = WRITES[key](request)
    client = client_for(request.getfixturevalue(write.who))
    before = write.state()
    response = send(client, write)
    assert response.status_code == 428, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["title"]) == (
        "urn:accord:problem:precondition_required",
        "Precondition required",
    )
    assert "ETag" in body["detail"] and "If-Match" in body["detail"]
    assert write.state() == before != write.written


def test_a_write_with_an_etag_read_before_a_change_is_refused(client, write):
    etag = client.get(write.read)["ETag"]
    write.meanwhile()
    changed = write.state()
    response = send(client, write, HTTP_IF_MATCH=etag)
    assert response.status_code == 412, response.content
    assert write.state() == changed != write.written


def test_a_write_with_the_current_etag_is_written(client, write):
    etag = client.get(write.read)["ETag"]
    response = send(client, write, HTTP_IF_MATCH=etag)
    assert response.status_code in (200, 201, 204), response.content
    assert write.state() == write.written
    if response.status_code != 204:
        assert response["ETag"] != etag


def test_a_write_with_if_match_star_is_written_over_whatever_is_stored(client, write):
    write.meanwhile()
    response = send(client, write, HTTP_IF_MATCH="*")
    assert response.status_code in (200, 201, 204), response.content
    assert write.state() == write.written


# --- adding a member: no If-Match needed, one sent held to ----------------------------------


def test_a_member_is_added_without_if_match_after_a_change_to_the_partnership(
    client_for, alice, ours
):
    """Read, then a manager edits the partnership, then the client adds a
    member without an If-Match: it is added (it overwrites nothing), the
    edit is kept, and the answer carries the partnership's new ETag."""
    client, partner = client_for(alice), PartnerFactory()
    etag = client.get(f"/api/v1/partnerships/{ours.pk}/")["ETag"]
    partnership_services.partnership_update(partnership=ours, description="Changed meanwhile.")

    response = client.post(
        f"/api/v1/partnerships/{ours.pk}/members/", {"partner": partner.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    member = PartnershipMember.objects.get(partnership=ours, partner=partner)
    assert member.role == "member"
    stored = Partnership.objects.get(pk=ours.pk)
    assert stored.description == "Changed meanwhile."
    assert (
        response["ETag"] not in (etag, "")
        and response["ETag"] == (client.get(f"/api/v1/partnerships/{ours.pk}/")["ETag"])
    )
    assert response.json()["description"] == "Changed meanwhile."


def test_two_clients_add_two_partners_from_the_same_read(client_for, alice, bob, ours):
    """Alice owns, bob co-leads; both read the partnership, then each adds a
    partner: both are added (the first add moved the ETag the second read)."""
    first, second = PartnerFactory(), PartnerFactory()
    clients = [(client_for(alice), first), (client_for(bob), second)]
    read = [client.get(f"/api/v1/partnerships/{ours.pk}/")["ETag"] for client, _ in clients]
    assert read[0] == read[1]
    for client, partner in clients:
        response = client.post(
            f"/api/v1/partnerships/{ours.pk}/members/", {"partner": partner.pk}, format="json"
        )
        assert response.status_code == 201, response.content
    assert {first.pk, second.pk} <= set(ours.members.values_list("partner_id", flat=True))


def test_a_member_added_without_if_match_is_still_checked_against_the_members(
    client_for, alice, ours
):
    """What an add could clash with is refused under the partnership's lock,
    If-Match or none: the partner already a member, a second lead partner."""
    client = client_for(alice)
    url = f"/api/v1/partnerships/{ours.pk}/members/"
    lead = ours.members.get()
    assert lead.role == "lead"
    before = sorted(ours.members.values_list("partner_id", "role"))
    version = Partnership.objects.get(pk=ours.pk).version

    twice = client.post(url, {"partner": lead.partner_id}, format="json")
    second_lead = client.post(url, {"partner": PartnerFactory().pk, "role": "lead"}, format="json")

    assert (twice.status_code, second_lead.status_code) == (400, 400)
    assert list(twice.json()["errors"]) == ["partner"]
    assert list(second_lead.json()["errors"]) == ["role"]
    assert sorted(ours.members.values_list("partner_id", "role")) == before
    assert Partnership.objects.get(pk=ours.pk).version == version
