"""Who may do what in the managers' workspace: each role × each object × each verb.

alice owns the partnership; bob is another manager (then her co-lead); erin is
an executive; rita a reviewer. A refused write answers 403 and changes nothing,
whether it comes from a button or a forged POST.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import (
    Agreement,
    Measurement,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
)
from tests.factories import AgreementFactory, MemberFactory, MetricFactory, PartnershipFactory
from tests.forms import opened
from tests.partnerships.test_agreement_pages import form_data
from tests.partnerships.test_documents import TINY_PDF

pytestmark = pytest.mark.django_db

EVERYONE = ["alice", "bob", "erin", "rita"]


@pytest.fixture
def world(alice):
    partnership = PartnershipFactory(owner=alice, title="Alice's partnership", member=False)
    member = MemberFactory(partnership=partnership, role="lead")
    agreement = AgreementFactory(partnership=partnership)
    metric = MetricFactory(objective__partnership=partnership, frequency="quarterly")
    return {
        "partner": member.partner,
        "partnership": partnership,
        "agreement": agreement,
        "metric": metric,
    }


def snapshot():
    """Everything a write in the workspace could change."""
    return (
        list(Partner.objects.order_by("pk").values()),
        list(Partnership.objects.order_by("pk").values()),
        list(Agreement.objects.order_by("pk").values()),
        list(Objective.objects.order_by("pk").values()),
        list(OutcomeMetric.objects.order_by("pk").values()),
        list(Measurement.objects.order_by("pk").values()),
    )


READS = [
    ("partnerships:partner_list", None),
    ("partnerships:partner_detail", "partner"),
    ("dashboards:partnership_list", None),
    ("partnerships:partnership_board", None),
    ("partnerships:partnership_detail", "partnership"),
    ("partnerships:measurement_grid", "partnership"),
    ("partnerships:agreement_detail", "agreement"),
]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize(("name", "obj"), READS)
def test_everyone_signed_in_reads_everything(client, world, request, who, name, obj):
    client.force_login(request.getfixturevalue(who))
    args = [world[obj].pk] if obj else []
    assert client.get(reverse(name, args=args)).status_code == 200


# Creating partners and partnerships: managers only.
CREATES = [
    ("partnerships:partner_create", {"name": "Forged Clinic", "kind": "hospital"}),
    ("partnerships:partnership_create", {"title": "Forged partnership", "purpose": "conferences"}),
]


@pytest.mark.parametrize(("name", "data"), CREATES)
@pytest.mark.parametrize(
    ("who", "allowed"), [("alice", True), ("bob", True), ("erin", False), ("rita", False)]
)
def test_only_managers_create(client, world, request, name, data, who, allowed):
    client.force_login(request.getfixturevalue(who))
    url = reverse(name)
    before = snapshot()
    get, post = client.get(url), client.post(url, data)
    if allowed:
        assert get.status_code == 200
        assert post.status_code != 403
    else:
        assert (get.status_code, post.status_code) == (403, 403)
        assert snapshot() == before


def partnership_writes(world):
    """Every verb that changes the partnership or something under it, with a POST body."""
    p, a, m = world["partnership"], world["agreement"], world["metric"]
    quarter = dt.date(2026, 7, 1)
    return [
        (reverse("partnerships:partnership_edit", args=[p.pk]), {"title": "Taken over"}),
        (
            reverse("partnerships:partnership_stage", args=[p.pk]),
            {"stage": "failed", "reason": "Forged", "end_date": "2026-10-01"},
        ),
        (
            reverse("partnerships:objective_create", args=[p.pk]),
            {"objective-title": "Forged objective", "objective-benefit": "innovation"},
        ),
        (
            reverse("partnerships:metric_create", args=[p.pk, m.objective_id]),
            {f"metric-{m.objective_id}-name": "Forged metric"},
        ),
        (
            reverse("partnerships:measurement_save", args=[p.pk]),
            {"metric": m.pk, "period_start": quarter.isoformat(), "value": "99"},
        ),
        (reverse("partnerships:agreement_create", args=[p.pk]), {"title": "Forged MoU"}),
        (reverse("partnerships:agreement_edit", args=[a.pk]), {"title": "Forged title"}),
        (reverse("partnerships:agreement_document", args=[a.pk]), {}),
        (reverse("partnerships:agreement_supersede", args=[a.pk]), {"by": a.pk}),
    ]


@pytest.mark.parametrize("who", ["bob", "erin", "rita"])
def test_no_one_but_its_leads_changes_a_partnership_or_anything_under_it(
    client, world, request, who
):
    client.force_login(request.getfixturevalue(who))
    before = snapshot()
    for url, data in partnership_writes(world):
        assert client.post(url, data).status_code == 403, url
    for url in (
        reverse("partnerships:partnership_edit", args=[world["partnership"].pk]),
        reverse("partnerships:agreement_create", args=[world["partnership"].pk]),
        reverse("partnerships:agreement_edit", args=[world["agreement"].pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert snapshot() == before


def valid_writes(world) -> dict:
    """Each verb of `partnership_writes` with a body it accepts, and how to tell
    the row was saved: {name: (url, data, saved)}."""
    p, a, m = world["partnership"], world["agreement"], world["metric"]
    objective = m.objective
    renewal = AgreementFactory(partnership=p, changes=a, change_kind="renewal")
    return {
        "partnership_edit": (
            reverse("partnerships:partnership_edit", args=[p.pk]),
            {"title": "Renamed by its leads", "purpose": p.purpose, "start_date": "2025-01-01"},
            lambda: Partnership.objects.get(pk=p.pk).title == "Renamed by its leads",
        ),
        "partnership_stage": (
            reverse("partnerships:partnership_stage", args=[p.pk]),
            {"stage": "struggling", "reason": "Two sites stalled."},
            lambda: Partnership.objects.get(pk=p.pk).stage == "struggling",
        ),
        "objective_create": (
            reverse("partnerships:objective_create", args=[p.pk]),
            {
                "objective-title": "Shared protocol",
                "objective-benefit": "innovation",
                "objective-weight": "1",
            },
            lambda: Objective.objects.filter(partnership=p, title="Shared protocol").exists(),
        ),
        "metric_create": (
            reverse("partnerships:metric_create", args=[p.pk, objective.pk]),
            {
                f"metric-{objective.pk}-{name}": value
                for name, value in {
                    "name": "Nurses exchanged",
                    "unit": "nurses",
                    "direction": "higher",
                    "frequency": "quarterly",
                    "aggregation": "sum",
                    "weight": "1",
                }.items()
            },
            lambda: OutcomeMetric.objects.filter(
                objective=objective, name="Nurses exchanged"
            ).exists(),
        ),
        "measurement_save": (
            reverse("partnerships:measurement_save", args=[p.pk]),
            {"metric": m.pk, "period_start": "2025-07-01", "value": "99", "version": 0},
            lambda: Measurement.objects.filter(
                metric=m, period_start=dt.date(2025, 7, 1), value=99
            ).exists(),
        ),
        "agreement_create": (
            reverse("partnerships:agreement_create", args=[p.pk]),
            form_data(title="Second memorandum"),
            lambda: Agreement.objects.filter(partnership=p, title="Second memorandum").exists(),
        ),
        "agreement_edit": (
            reverse("partnerships:agreement_edit", args=[a.pk]),
            form_data(title="Renamed memorandum", status="active"),
            lambda: Agreement.objects.get(pk=a.pk).title == "Renamed memorandum",
        ),
        "agreement_document": (
            reverse("partnerships:agreement_document", args=[a.pk]),
            {"document": SimpleUploadedFile("mou.pdf", TINY_PDF, content_type="application/pdf")},
            lambda: Agreement.objects.get(pk=a.pk).document_sha256 != "",
        ),
        "agreement_supersede": (
            reverse("partnerships:agreement_supersede", args=[a.pk]),
            {"by": renewal.pk},
            lambda: Agreement.objects.get(pk=a.pk).status == "superseded",
        ),
    }


WRITES = [
    "partnership_edit",
    "partnership_stage",
    "objective_create",
    "metric_create",
    "measurement_save",
    "agreement_create",
    "agreement_edit",
    "agreement_document",
    "agreement_supersede",
]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_owner_and_a_co_lead_may(client, world, request, who, bob, write, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    PartnershipLead.objects.create(
        partnership=world["partnership"], user=bob, functional_area="administrative"
    )
    client.force_login(request.getfixturevalue(who))
    url, data, saved = valid_writes(world)[write]
    assert not saved()
    if write in ("partnership_edit", "agreement_edit"):
        data |= opened(client, url)
    response = client.post(url, data)
    assert response.status_code != 403, url
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved()


def test_every_write_of_the_rights_matrix_is_tried_by_a_co_lead(world):
    # A verb added to `partnership_writes` needs its valid body here too.
    assert [url for url, _ in partnership_writes(world)] == [
        url for url, _, _ in valid_writes(world).values()
    ]


def test_a_forged_owner_or_stage_in_an_edit_changes_neither(client, world, alice, bob):
    partnership = world["partnership"]
    client.force_login(alice)
    url = reverse("partnerships:partnership_edit", args=[partnership.pk])
    client.post(
        url,
        {
            "title": "Renamed",
            "purpose": partnership.purpose,
            "owner": bob.pk,
            "stage": "completed",
        }
        | opened(client, url),
    )
    partnership.refresh_from_db()
    assert (partnership.owner, partnership.stage) == (alice, "active")
