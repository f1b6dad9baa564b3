"""Writing partnerships, their members, objectives and metrics through the API:
the pages' forms, services and rights, proven by the rows saved or not saved.

alice owns `ours`, bob co-leads it; carol is a manager who leads nothing;
erin is an executive, rita a reviewer, adam an administrator. `theirs` is led
by someone else. A record one may not see answers 404; one seen but not
changeable, 403; a refused write leaves no row.
"""

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from api.models import ApiToken, IdempotentRequest
from partnerships.models import (
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
    PartnershipMember,
)
from tests.api.conftest import if_match
from tests.factories import ObjectiveFactory, PartnerFactory, user_with_role


@pytest.fixture
def carol(db):
    return user_with_role("carol", Role.MANAGER, first_name="Carol")


WHO = ["alice", "bob", "carol", "erin", "rita", "adam"]
LEADERS_OF_OURS = {"alice", "bob"}


def new_partnership(**extra):
    return {
        "title": "Kampala midwifery exchange",
        "purpose": "exchange_programme",
        "benefits_sought": ["knowledge_exchange"],
        "members": [{"partner": PartnerFactory().pk}],
        **extra,
    }


def new_objective(partnership, **extra):
    return {
        "partnership": partnership.pk,
        "title": "Train 40 midwives",
        "benefit": "knowledge_exchange",
        "weight": "2",
        **extra,
    }


def new_metric(objective, **extra):
    return {
        "objective": objective.pk,
        "name": "Midwives trained",
        "unit": "people",
        "frequency": "quarterly",
        "aggregation": "sum",
        "direction": "higher",
        "weight": "1",
        **extra,
    }


# --- the rights matrix: roles × records × verbs ---------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_only_managers_create_partnerships(who, request, client_for):
    user = request.getfixturevalue(who)
    response = client_for(user).post("/api/v1/partnerships/", new_partnership(), format="json")
    saved = Partnership.objects.filter(title="Kampala midwifery exchange")
    if who in {"alice", "bob", "carol"}:
        assert response.status_code == 201, response.content
        assert saved.get().owner == user  # whoever creates it, as on the page
    else:
        assert response.status_code == 403
        assert not saved.exists()


def try_every_verb(client, partnership) -> dict[str, tuple[int, bool]]:
    """Each write on `partnership`: its status, and whether its row was saved."""
    partner = PartnerFactory()
    objective = partnership.objectives.first()
    url = f"/api/v1/partnerships/{partnership.pk}/"
    done = {}
    response = client.patch(url, {"title": "Renamed"}, format="json", **if_match(partnership))
    done["change"] = (response.status_code, Partnership.objects.filter(title="Renamed").exists())
    response = client.post(
        f"{url}members/", {"partner": partner.pk}, format="json", **if_match(partnership)
    )
    done["add member"] = (response.status_code, partner.memberships.exists())
    response = client.post("/api/v1/objectives/", new_objective(partnership), format="json")
    done["add objective"] = (
        response.status_code,
        Objective.objects.filter(title="Train 40 midwives").exists(),
    )
    response = client.post("/api/v1/metrics/", new_metric(objective), format="json")
    done["add metric"] = (
        response.status_code,
        OutcomeMetric.objects.filter(name="Midwives trained").exists(),
    )
    return done


ALLOWED = {"change": 200, "add member": 201, "add objective": 201, "add metric": 201}


@pytest.mark.parametrize("who", WHO)
def test_only_its_owner_and_co_leads_change_a_partnership_and_what_is_under_it(
    who, request, client_for, ours, theirs
):
    ObjectiveFactory(partnership=theirs)
    client = client_for(request.getfixturevalue(who))
    # Someone else's partnership first: nothing may be saved there by anyone here.
    assert try_every_verb(client, theirs) == dict.fromkeys(ALLOWED, (403, False))
    if who in LEADERS_OF_OURS:
        expected = {verb: (status, True) for verb, status in ALLOWED.items()}
    else:
        expected = dict.fromkeys(ALLOWED, (403, False))
    assert try_every_verb(client, ours) == expected


def test_a_refusal_to_one_who_leads_nothing_speaks_their_language(client_for, erin, ours):
    response = client_for(erin).post(
        "/api/v1/objectives/", new_objective(ours), format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Seuls le responsable du partenariat et ses co-responsables peuvent le modifier."
    )


def test_a_read_only_token_writes_nothing(client_for, alice, ours):
    response = client_for(alice, scope="read").post(
        "/api/v1/objectives/", new_objective(ours), format="json"
    )
    assert response.status_code == 403
    assert not Objective.objects.filter(title="Train 40 midwives").exists()


def test_a_partnership_that_does_not_exist_is_404(client_for, alice):
    client = client_for(alice)
    assert (
        client.patch("/api/v1/partnerships/999999/", {"title": "x"}, format="json").status_code
        == 404
    )
    response = client.post("/api/v1/partnerships/999999/members/", {"partner": 1}, format="json")
    assert response.status_code == 404


# --- the pages' rules and messages ------------------------------------------------------------


def test_a_partnership_is_created_with_its_members_and_co_leads(client_for, alice, bob):
    kenya, uganda = PartnerFactory(country="KE"), PartnerFactory(country="UG")
    response = client_for(alice).post(
        "/api/v1/partnerships/",
        new_partnership(
            members=[{"partner": kenya.pk, "role": "lead"}, {"partner": uganda.pk}],
            leads=[{"user": bob.pk, "functional_area": "administrative"}],
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    partnership = Partnership.objects.get(pk=response.json()["id"])
    assert sorted(partnership.members.values_list("partner_id", "role")) == sorted(
        [(kenya.pk, "lead"), (uganda.pk, "member")]
    )
    assert list(partnership.leads.values_list("user_id", flat=True)) == [bob.pk]
    assert response["ETag"]


def test_every_bad_field_and_row_is_named_and_nothing_is_saved(client_for, alice, erin):
    partner = PartnerFactory()
    response = client_for(alice).post(
        "/api/v1/partnerships/",
        new_partnership(
            members=[{"partner": partner.pk}, {"partner": 999999}],
            # An executive cannot co-lead: the page's form offers managers only.
            leads=[{"user": erin.pk, "functional_area": "clinical"}],
        ),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"members[1].partner", "leads[0].user"}
    assert not Partnership.objects.filter(purpose="exchange_programme").exists()


def test_the_services_rule_is_named_by_its_row(client_for, alice):
    partner = PartnerFactory()
    response = client_for(alice).post(
        "/api/v1/partnerships/",
        new_partnership(members=[{"partner": partner.pk}, {"partner": partner.pk}]),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "members[1].partner": ["This partner is already a member of the partnership."]
    } or "members[1]" in str(response.json()["errors"])
    assert not Partnership.objects.filter(title="Kampala midwifery exchange").exists()


def test_a_rule_of_a_row_as_a_whole_is_named_by_the_row(client_for, alice, bob):
    """The database's one-lead-per-person rule spans two fields, so Django names
    no field: the error is the row's (`leads[1]`), never `leads[1].__all__`."""
    response = client_for(alice).post(
        "/api/v1/partnerships/",
        new_partnership(
            leads=[
                {"user": bob.pk, "functional_area": "clinical"},
                {"user": bob.pk, "functional_area": "nursing"},
            ]
        ),
        format="json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["leads[1]"]
    assert not Partnership.objects.filter(title="Kampala midwifery exchange").exists()


def test_a_member_already_there_is_refused_by_the_database_rule(client_for, alice, ours):
    member = ours.members.get()
    response = client_for(alice).post(
        f"/api/v1/partnerships/{ours.pk}/members/",
        {"partner": member.partner_id},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 400
    assert "already a member" in str(response.json()["errors"])
    assert ours.members.count() == 1


def test_a_patch_changes_only_what_it_sends_and_never_the_owner_or_stage(
    client_for, alice, bob, ours
):
    before = Partnership.objects.get(pk=ours.pk)
    response = client_for(bob).patch(
        f"/api/v1/partnerships/{ours.pk}/",
        {"description": "Now with Eldoret."},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 200, response.content
    after = Partnership.objects.get(pk=ours.pk)
    assert after.description == "Now with Eldoret."
    assert (after.title, after.purpose, after.start_date, after.owner, after.stage) == (
        before.title,
        before.purpose,
        before.start_date,
        before.owner,
        before.stage,
    )
    assert after.version == before.version + 1
    for field in ("owner", "stage"):
        refused = client_for(alice).patch(
            f"/api/v1/partnerships/{ours.pk}/", {field: "x"}, format="json", **if_match(ours)
        )
        assert refused.status_code == 400
        assert field in refused.json()["errors"]


def test_the_forms_rule_on_dates_is_named(client_for, alice, ours):
    response = client_for(alice).patch(
        f"/api/v1/partnerships/{ours.pk}/",
        {"start_date": "2026-01-01", "end_date": "2025-01-01"},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]
    ours.refresh_from_db()
    assert ours.end_date != "2025-01-01"


def test_ending_a_partnership_needs_its_end_date_as_on_the_stage_page(client_for, alice, ours):
    response = client_for(alice).post(
        f"/api/v1/partnerships/{ours.pk}/stage/",
        {"stage": "completed", "reason": "Done."},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"end_date": ["An ended partnership needs its end date."]}
    ours.refresh_from_db()
    assert ours.stage == "active"


def test_a_stage_change_said_in_invisible_characters_alone_is_refused(client_for, alice, ours):
    response = client_for(alice).post(
        f"/api/v1/partnerships/{ours.pk}/stage/",
        {"stage": "struggling", "reason": "\u200b\u2060"},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Say why the stage changes."]}
    ours.refresh_from_db()
    assert ours.stage == "active"
    assert not ours.stage_changes.exists()


def test_ending_a_partnership_after_today_is_refused_naming_the_end_date(client_for, alice, ours):
    ahead = timezone.localdate() + dt.timedelta(days=3 * 365)
    response = client_for(alice).post(
        f"/api/v1/partnerships/{ours.pk}/stage/",
        {"stage": "completed", "reason": "Done.", "end_date": ahead.isoformat()},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    (message,) = response.json()["errors"]["end_date"]
    assert message.startswith("An ended partnership cannot end after today")
    ours.refresh_from_db()
    assert ours.stage == "active"


def test_an_objective_of_a_partnership_that_does_not_exist_names_the_field(client_for, alice, ours):
    response = client_for(alice).post(
        "/api/v1/objectives/",
        {"partnership": 999999, "title": "x", "benefit": "knowledge_exchange"},
        format="json",
    )
    assert response.status_code == 400
    assert "partnership" in response.json()["errors"]


def test_a_metrics_bad_value_is_named_as_the_form_names_it(client_for, alice, ours):
    objective = ours.objectives.get()
    response = client_for(alice).post(
        "/api/v1/metrics/", new_metric(objective, weight="0", unit=""), format="json"
    )
    assert response.status_code == 400
    assert {"weight", "unit"} <= set(response.json()["errors"])
    assert not OutcomeMetric.objects.filter(name="Midwives trained").exists()


@pytest.mark.parametrize("typed", ["1_000", "1e3", "NaN", "١٢"])
def test_a_metrics_target_that_python_reads_but_a_person_does_not_write_is_refused(
    client_for, alice, ours, typed
):
    objective = ours.objectives.get()
    response = client_for(alice).post(
        "/api/v1/metrics/",
        new_metric(objective, baseline_value="0", target_value=typed),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"target_value": ["A valid number is required."]}
    assert not OutcomeMetric.objects.filter(name="Midwives trained").exists()


def test_a_metrics_plain_decimal_target_is_saved(client_for, alice, ours):
    objective = ours.objectives.get()
    response = client_for(alice).post(
        "/api/v1/metrics/",
        new_metric(objective, baseline_value="0", target_value="12.5"),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert OutcomeMetric.objects.get(name="Midwives trained").target_value == Decimal("12.5")


# --- If-Match: required, and a stale one refused -------------------------------------------
# (every kind of write, in a loop: test_conditional.py)


def test_a_patch_without_if_match_does_not_overwrite_the_one_before(client_for, alice, bob, ours):
    """alice read the partnership before bob renamed it: without If-Match her
    write would silently undo his (the last writer won)."""
    url = f"/api/v1/partnerships/{ours.pk}/"
    bobs = client_for(bob).patch(url, {"title": "Bob's"}, format="json", **if_match(ours))
    assert bobs.status_code == 200, bobs.content
    response = client_for(alice).patch(url, {"title": "Alice's"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    ours.refresh_from_db()
    assert ours.title == "Bob's"


def test_a_patch_with_a_stale_if_match_is_refused(client_for, alice, bob, ours):
    mine = client_for(alice)
    etag = mine.get(f"/api/v1/partnerships/{ours.pk}/")["ETag"]
    bobs = client_for(bob).patch(
        f"/api/v1/partnerships/{ours.pk}/", {"title": "Bob's"}, format="json", **if_match(ours)
    )
    assert bobs.status_code == 200, bobs.content
    response = mine.patch(
        f"/api/v1/partnerships/{ours.pk}/", {"title": "Alice's"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    ours.refresh_from_db()
    assert ours.title == "Bob's"
    fresh = mine.get(f"/api/v1/partnerships/{ours.pk}/")["ETag"]
    response = mine.patch(
        f"/api/v1/partnerships/{ours.pk}/", {"title": "Alice's"}, format="json", HTTP_IF_MATCH=fresh
    )
    assert response.status_code == 200
    assert response["ETag"] != fresh


def test_a_partner_patch_without_if_match_is_refused(client_for, alice):
    partner = PartnerFactory(city="Nairobi")
    response = client_for(alice).patch(
        f"/api/v1/partners/{partner.pk}/", {"city": "Kisumu"}, format="json"
    )
    assert response.status_code == 428
    partner.refresh_from_db()
    assert partner.city == "Nairobi"


# --- history ---------------------------------------------------------------------------------


def test_a_write_by_token_is_in_the_history_with_its_token(client_for, bob, ours):
    client = client_for(bob)
    token = ApiToken.objects.get(user=bob)
    renamed = client.patch(
        f"/api/v1/partnerships/{ours.pk}/", {"title": "Renamed"}, format="json", **if_match(ours)
    )
    assert renamed.status_code == 200, renamed.content
    made = client.post("/api/v1/objectives/", new_objective(ours), format="json").json()

    event = Partnership.pgh_event_model.objects.filter(pgh_obj=ours).latest("pgh_id")
    assert event.title == "Renamed"
    assert (event.pgh_context["user"], event.pgh_context["api_token"]) == (bob.pk, token.prefix)
    created = Objective.pgh_event_model.objects.get(pgh_obj_id=made["id"], pgh_label="insert")
    assert created.pgh_context["api_token"] == token.prefix


def test_leads_kept_by_a_patch(client_for, alice, bob, ours):
    response = client_for(alice).patch(
        f"/api/v1/partnerships/{ours.pk}/", {"title": "x y"}, format="json", **if_match(ours)
    )
    assert response.status_code == 200, response.content
    assert list(
        PartnershipLead.objects.filter(partnership=ours).values_list("user", flat=True)
    ) == [bob.pk]


# --- members: a role changed, a member taken off ------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "erin"])
def test_only_its_owner_and_co_leads_change_or_remove_a_member(who, request, client_for, ours):
    client = client_for(request.getfixturevalue(who))
    member = ours.members.get()
    other = PartnershipMember.objects.create(partnership=ours, partner=PartnerFactory())
    url = f"/api/v1/partnerships/{ours.pk}/members/"
    # Each with the partnership's ETag as it is then: a member is part of it.
    changed = client.patch(
        f"{url}{other.partner_id}/", {"role": "funder"}, format="json", **if_match(ours)
    )
    removed = client.delete(f"{url}{other.partner_id}/", **if_match(ours))
    if who in LEADERS_OF_OURS:
        assert (changed.status_code, removed.status_code) == (200, 204)
        assert list(ours.members.all()) == [member]
        events = PartnershipMember.pgh_event_model.objects.filter(pgh_obj_id=other.pk)
        assert [event.role for event in events.order_by("pgh_id")][-2:] == ["funder", "funder"]
    else:
        assert (changed.status_code, removed.status_code) == (403, 403)
        assert PartnershipMember.objects.get(pk=other.pk).role == "member"


def test_a_party_to_an_agreement_stays_a_member(client_for, alice, ours):
    from partnerships.models import AgreementParty

    member = ours.members.get()
    AgreementParty.objects.create(agreement=ours.agreements.get(), partner=member.partner)
    response = client_for(alice).delete(
        f"/api/v1/partnerships/{ours.pk}/members/{member.partner_id}/", **if_match(ours)
    )
    assert response.status_code == 400
    assert "party to an agreement" in response.json()["errors"]["partner"][0]
    assert ours.members.filter(pk=member.pk).exists()


def test_a_second_lead_partner_is_refused_naming_the_role(client_for, alice, ours):
    other = PartnershipMember.objects.create(partnership=ours, partner=PartnerFactory())
    response = client_for(alice).patch(
        f"/api/v1/partnerships/{ours.pk}/members/{other.partner_id}/",
        {"role": "lead"},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 400
    assert "at most one lead partner" in str(response.json())
    other.refresh_from_db()
    assert other.role == "member"


def test_a_partner_that_is_not_a_member_is_404(client_for, alice, ours):
    stranger = PartnerFactory()
    response = client_for(alice).delete(f"/api/v1/partnerships/{ours.pk}/members/{stranger.pk}/")
    assert response.status_code == 404


def test_a_partnership_with_no_member_is_refused_and_not_saved(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partnerships/", new_partnership(members=[]), format="json"
    )
    assert response.status_code == 400, response.content
    assert "at least one partner organisation" in str(response.json())
    assert not Partnership.objects.filter(title="Kampala midwifery exchange").exists()


def test_a_partnership_sent_without_members_is_refused_in_the_same_words(client_for, alice):
    data = new_partnership()
    del data["members"]
    response = client_for(alice).post("/api/v1/partnerships/", data, format="json")
    assert response.status_code == 400, response.content
    assert "at least one partner organisation" in str(response.json())
    assert not Partnership.objects.filter(title="Kampala midwifery exchange").exists()


def test_the_schema_says_a_new_partnership_needs_its_members(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    write = schema["components"]["schemas"]["PartnershipWriteRequest"]
    assert "members" in write["required"]


# --- a retried create ---------------------------------------------------------------------


def test_a_partnership_created_again_with_its_idempotency_key_is_created_once(client_for, alice):
    client = client_for(alice)
    body = new_partnership()
    first = client.post("/api/v1/partnerships/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == 201, first.content

    again = client.post("/api/v1/partnerships/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Partnership.objects.filter(title="Kampala midwifery exchange").count() == 1

    other = client.post(
        "/api/v1/partnerships/",
        {**body, "title": "Entebbe midwifery exchange"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert other.status_code == 422
    assert other.json()["type"] == "urn:accord:problem:idempotency_key_reused"
    assert not Partnership.objects.filter(title="Entebbe midwifery exchange").exists()


def test_an_objective_created_again_with_its_idempotency_key_is_created_once(
    client_for, alice, ours
):
    client = client_for(alice)
    body = new_objective(ours)
    first = client.post("/api/v1/objectives/", body, format="json", HTTP_IDEMPOTENCY_KEY="o-1")
    assert first.status_code == 201, first.content

    again = client.post("/api/v1/objectives/", body, format="json", HTTP_IDEMPOTENCY_KEY="o-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Objective.objects.filter(title="Train 40 midwives").count() == 1

    # The key belongs to the objective: sent to another endpoint, it is refused.
    metric = client.post(
        "/api/v1/metrics/",
        new_metric(Objective.objects.get(title="Train 40 midwives")),
        format="json",
        HTTP_IDEMPOTENCY_KEY="o-1",
    )
    assert metric.status_code == 422
    assert not OutcomeMetric.objects.filter(name="Midwives trained").exists()


def first_of_kin(kind, ours):
    """Where a keyed create of `kind` goes, its body, its model and the field
    naming the record it is added to."""
    if kind == "objectives":
        return "/api/v1/objectives/", new_objective(ours), Objective, "partnership"
    objective = ObjectiveFactory(partnership=ours)
    return "/api/v1/metrics/", new_metric(objective), OutcomeMetric, "objective"


NAMED = {"objectives": "title", "metrics": "name"}

# Another body, refused for its fields were it sent under a new key.
OTHER_BODIES = {
    "bad weight": lambda body, named, parent: {**body, "weight": "heavy"},
    "blank name": lambda body, named, parent: {**body, named: ""},
    "unknown field": lambda body, named, parent: {**body, "colour": "green"},
    "no parent": lambda body, named, parent: {k: v for k, v in body.items() if k != parent},
    "parent not an id": lambda body, named, parent: {**body, parent: "first"},
    "no such parent": lambda body, named, parent: {**body, parent: 999_999},
}


@pytest.mark.parametrize("kind", ["objectives", "metrics"])
@pytest.mark.parametrize("other", OTHER_BODIES.values(), ids=OTHER_BODIES)
def test_a_key_reused_with_another_body_is_refused_as_reused_whatever_that_body(
    kind, other, client_for, alice, ours
):
    """As on every other POST: the caller's rights first, then the key (422),
    then the body; not the body's 400 before the key's 422. Nothing is
    written, and the key keeps its first answer."""
    url, body, model, parent = first_of_kin(kind, ours)
    client = client_for(alice)
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    rows = set(model.objects.values_list("pk", flat=True))

    reused = client.post(
        url, other(body, NAMED[kind], parent), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert reused.status_code == 422, reused.content
    assert reused.json()["type"] == "urn:accord:problem:idempotency_key_reused"
    assert set(model.objects.values_list("pk", flat=True)) == rows
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert set(model.objects.values_list("pk", flat=True)) == rows
    assert IdempotentRequest.objects.count() == 1


@pytest.mark.parametrize("kind", ["objectives", "metrics"])
@pytest.mark.parametrize("weight", ["3", "heavy"])
def test_a_key_reused_for_a_record_one_may_not_change_is_refused_for_the_rights_first(
    kind, weight, client_for, alice, ours, theirs
):
    url, body, model, parent = first_of_kin(kind, ours)
    client = client_for(alice)
    assert client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    rows = set(model.objects.values_list("pk", flat=True))
    elsewhere = theirs if kind == "objectives" else ObjectiveFactory(partnership=theirs)

    refused = client.post(
        url,
        {**body, parent: elsewhere.pk, "weight": weight},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    assert refused.status_code == 403, refused.content
    assert set(model.objects.values_list("pk", flat=True)) == rows


@pytest.mark.parametrize("kind", ["objectives", "metrics"])
@pytest.mark.parametrize("other", OTHER_BODIES.values(), ids=OTHER_BODIES)
def test_a_bad_body_under_a_new_key_is_refused_for_its_fields_and_writes_nothing(
    kind, other, client_for, alice, ours
):
    url, body, model, parent = first_of_kin(kind, ours)
    rows = set(model.objects.values_list("pk", flat=True))

    refused = client_for(alice).post(
        url, other(body, NAMED[kind], parent), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )

    assert refused.status_code == 400, refused.content
    assert set(model.objects.values_list("pk", flat=True)) == rows
    assert not IdempotentRequest.objects.exists()


def test_a_replayed_create_carries_the_first_answers_etag(client_for, alice):
    """The retry is told what the first request was told: the ETag of the
    record as written (for its next If-Match), beside the same body, even
    after the record has changed since."""
    client = client_for(alice)
    body = new_partnership()
    first = client.post("/api/v1/partnerships/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-2")
    assert first.status_code == 201, first.content
    assert first["ETag"]
    again = client.post("/api/v1/partnerships/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-2")
    assert again["Idempotent-Replayed"] == "true"
    assert again["ETag"] == first["ETag"]

    pk = first.json()["id"]
    renamed = client.patch(
        f"/api/v1/partnerships/{pk}/",
        {"title": "Renamed"},
        format="json",
        HTTP_IF_MATCH=first["ETag"],
    )
    assert renamed.status_code == 200, renamed.content
    later = client.post("/api/v1/partnerships/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-2")
    assert (later.json(), later["ETag"]) == (first.json(), first["ETag"])
    # That ETag is the first answer's, so a write made on it is stale now.
    stale = client.patch(
        f"/api/v1/partnerships/{pk}/",
        {"title": "Again"},
        format="json",
        HTTP_IF_MATCH=first["ETag"],
    )
    assert stale.status_code == 412


def test_a_replayed_stage_change_carries_its_etag(client_for, alice, ours):
    """The retry is sent as the first request was, with the If-Match read
    before it, stale now that the first one wrote: it is answered as the first
    one was, not refused (412), and nothing is written again."""
    client = client_for(alice)
    body = {"stage": "struggling", "reason": "Waits are growing."}
    url = f"/api/v1/partnerships/{ours.pk}/stage/"
    read = if_match(ours)
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="s-1", **read)
    assert first.status_code == 200, first.content
    assert first["ETag"] != read["HTTP_IF_MATCH"]
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="s-1", **read)
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert (again.json(), again["ETag"]) == (first.json(), first["ETag"])
    assert ours.stage_changes.count() == 1


def test_a_write_refused_for_want_of_if_match_may_be_sent_again_with_it_under_its_key(
    client_for, alice, ours
):
    """A 428 stores no answer for its key, as any refusal: the client adds the
    header and sends the same request with the same key, and it is written."""
    client = client_for(alice)
    body = {"stage": "struggling", "reason": "Waits are growing."}
    url = f"/api/v1/partnerships/{ours.pk}/stage/"
    refused = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="s-2")
    assert refused.status_code == 428
    assert not ours.stage_changes.exists()
    sent = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="s-2", **if_match(ours))
    assert sent.status_code == 200, sent.content
    assert not sent.has_header("Idempotent-Replayed")
    assert ours.stage_changes.count() == 1


def test_a_replay_carries_the_location_and_etag_of_its_answer_and_no_other_header(alice):
    """No create answers a Location yet; when one does, its retry is told it too.
    Headers that describe the response sent now (caching, dates) are not kept."""
    from rest_framework.parsers import JSONParser as DrfJSONParser
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory

    from api.idempotency import idempotent, rights_checked

    def request():
        made = APIRequestFactory().post(
            "/api/v1/things/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="l-1"
        )
        made = Request(made, parsers=[DrfJSONParser()])
        made.user = alice
        return made

    def write(request):
        rights_checked(request)
        response = Response({"id": 7}, status=201)
        response["Location"] = "/api/v1/things/7/"
        response["ETag"] = '"abc"'
        response["Cache-Control"] = "no-store"
        return response

    def written_twice(request):
        rights_checked(request)
        pytest.fail("written twice")

    first = request()
    idempotent(first, lambda: write(first))
    again = request()
    replayed = idempotent(again, lambda: written_twice(again))
    assert (replayed.status_code, replayed.data) == (201, {"id": 7})
    assert (replayed["Location"], replayed["ETag"]) == ("/api/v1/things/7/", '"abc"')
    assert not replayed.has_header("Cache-Control")


def test_a_post_view_that_never_says_its_rights_are_checked_saves_nothing(alice):
    """Its retry would be written again (or told its answer without a rights
    check): the first keyed request already fails, and its write is undone."""
    from django.core.exceptions import ImproperlyConfigured
    from rest_framework.parsers import JSONParser as DrfJSONParser
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory

    from api.idempotency import idempotent
    from api.models import IdempotentRequest

    made = APIRequestFactory().post("/api/v1/things/", {}, format="json", HTTP_IDEMPOTENCY_KEY="f")
    made = Request(made, parsers=[DrfJSONParser()])
    made.user = alice

    def write():
        PartnerFactory(name="Written")
        return Response({}, status=201)

    with pytest.raises(ImproperlyConfigured):
        idempotent(made, write)
    assert not Partner.objects.filter(name="Written").exists()
    assert not IdempotentRequest.objects.exists()


def test_a_refused_create_stores_no_answer_for_its_key(client_for, alice, ours):
    client = client_for(alice)
    bad = new_objective(ours, weight="heavy")
    response = client.post("/api/v1/objectives/", bad, format="json", HTTP_IDEMPOTENCY_KEY="o-2")
    assert response.status_code == 400
    good = new_objective(ours)
    response = client.post("/api/v1/objectives/", good, format="json", HTTP_IDEMPOTENCY_KEY="o-2")
    assert response.status_code == 201, response.content


def test_a_create_without_a_key_is_created_each_time(client_for, alice, ours):
    client = client_for(alice)
    for _ in range(2):
        response = client.post("/api/v1/objectives/", new_objective(ours), format="json")
        assert response.status_code == 201, response.content
    assert Objective.objects.filter(title="Train 40 midwives").count() == 2
