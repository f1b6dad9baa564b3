"""ETags on single records; a write with a stale If-Match is refused with 412."""

from partnerships import services as partnership_services
from partnerships.models import Partnership, PartnershipMember, StageChange
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
    theirs.patch(f"/api/v1/partners/{partner.pk}/", {"city": "Kisumu"}, format="json")

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
            f"/api/v1/partnerships/{ours.pk}/members/", {"partner": partner.pk}, format="json"
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
        response = client.patch(url, {"role": "funder"}, format="json")
        assert response.status_code == 200, response.content

    def remove():
        assert client.delete(url).status_code == 204

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
