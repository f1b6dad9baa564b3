"""ETags on single records; a write with a stale If-Match is refused with 412."""

from partnerships import services as partnership_services
from partnerships.models import StageChange
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
