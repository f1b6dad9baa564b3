"""The caps on what a record holds, through the API as through the pages: a
partner's areas of expertise (EXPERTISE_MAX_AREAS) and an agreement's renewal
term (RENEWAL_TERM_MAX_MONTHS). Proven by the row saved or not saved."""

import pytest
from django.core.management import call_command

from partnerships.models import EXPERTISE_MAX_AREAS, RENEWAL_TERM_MAX_MONTHS, Partner
from tests.api.conftest import if_match
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

TOO_MANY = "A partner has at most 20 areas of expertise; this lists 21. Keep the main ones."


def areas(count):
    return [f"area {n}" for n in range(count)]


def new_partner(**extra):
    return {
        "name": "Kenyatta National Hospital",
        "kind": "hospital",
        "organisation_type": "10",
        "sector": "government",
        "country": "KE",
        "time_zone": "Africa/Nairobi",
        **extra,
    }


class TestExpertise:
    @pytest.mark.parametrize("count", [EXPERTISE_MAX_AREAS - 1, EXPERTISE_MAX_AREAS])
    def test_a_partner_with_up_to_twenty_areas_is_created(self, client_for, alice, count):
        response = client_for(alice).post(
            "/api/v1/partners/", new_partner(expertise=areas(count)), format="json"
        )
        assert response.status_code == 201, response.content
        assert Partner.objects.get().expertise == areas(count)

    def test_blank_areas_are_dropped_and_a_repeated_one_kept_once(self, client_for, alice):
        """As on the page and in the import (partnerships.models.expertise_areas):
        the API refused a blank area ("expertise.2: may not be blank")."""
        response = client_for(alice).post(
            "/api/v1/partners/",
            new_partner(expertise=["x", "X", " ", "", "y "]),
            format="json",
        )
        assert response.status_code == 201, response.content
        assert Partner.objects.get().expertise == ["x", "y"]

    def test_a_twenty_first_area_is_refused_naming_the_field(self, client_for, alice):
        response = client_for(alice).post(
            "/api/v1/partners/",
            new_partner(expertise=areas(EXPERTISE_MAX_AREAS + 1)),
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"expertise": [TOO_MANY]}
        assert not Partner.objects.exists()

    def test_a_patch_to_twenty_one_areas_is_refused_and_the_stored_ones_kept(
        self, client_for, alice
    ):
        partner = PartnerFactory(expertise=["surgery"])
        response = client_for(alice).patch(
            f"/api/v1/partners/{partner.pk}/",
            {"expertise": areas(EXPERTISE_MAX_AREAS + 1)},
            format="json",
            **if_match(partner),
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"expertise": [TOO_MANY]}
        partner.refresh_from_db()
        assert partner.expertise == ["surgery"]

    def test_an_area_sent_twice_is_kept_once_and_counts_once(self, client_for, alice):
        sent = [*areas(EXPERTISE_MAX_AREAS), "AREA 0", " area 1 "]
        response = client_for(alice).post(
            "/api/v1/partners/", new_partner(expertise=sent), format="json"
        )
        assert response.status_code == 201, response.content
        assert Partner.objects.get().expertise == areas(EXPERTISE_MAX_AREAS)

    def test_a_bulk_row_over_the_cap_is_named_and_nothing_is_saved(self, client_for, alice):
        rows = [
            new_partner(name="Moi Teaching Hospital", expertise=areas(EXPERTISE_MAX_AREAS)),
            new_partner(expertise=areas(EXPERTISE_MAX_AREAS + 1)),
        ]
        response = client_for(alice).post("/api/v1/partners/bulk/", {"rows": rows}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"rows[1].expertise": [TOO_MANY]}
        assert not Partner.objects.exists()


class TestRenewalTerm:
    def test_the_api_reads_a_ten_year_term_and_writes_no_agreement(self, client_for, alice):
        agreement = AgreementFactory(auto_renewal=True, renewal_term_months=RENEWAL_TERM_MAX_MONTHS)
        api = client_for(alice)
        body = api.get(f"/api/v1/agreements/{agreement.pk}/").json()
        assert body["renewal_term_months"] == 120
        # Agreements are written on their pages only (the form, tested there):
        # the API has no door through which a longer term could come.
        refused = api.post(
            "/api/v1/agreements/",
            {"partnership": agreement.partnership_id, "renewal_term_months": 121},
            format="json",
        )
        assert refused.status_code == 405
        assert (
            api.patch(
                f"/api/v1/agreements/{agreement.pk}/", {"renewal_term_months": 121}, format="json"
            ).status_code
            == 405
        )
        agreement.refresh_from_db()
        assert agreement.renewal_term_months == 120

    def test_the_schema_says_the_cap(self, tmp_path):
        call_command("spectacular", "--file", str(tmp_path / "schema.yaml"))
        schema = (tmp_path / "schema.yaml").read_text()
        term = schema[schema.index("renewal_term_months:") :][:200]
        assert "maximum: 120" in term
        assert "32767" not in term
