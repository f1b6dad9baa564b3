"""The partnership pages: list, board, partnership page, create and edit,
stage changes, and objectives and metrics added inline.

alice owns the partnerships; bob is another manager (a co-lead where a test
says so); erin is an executive and rita a reviewer: they read, never change.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnerships import services
from partnerships.forms_partnerships import MAX_LEADS, MAX_MEMBERS
from partnerships.models import (
    STAGE_REASON_MAX_LENGTH,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipMember,
    StageChange,
)
from partnerships.views import partnerships as partnership_views
from tests.factories import (
    AgreementFactory,
    MemberFactory,
    ObjectiveFactory,
    PartnerFactory,
    PartnershipFactory,
    partnership_with_data,
)
from tests.forms import opened

pytestmark = pytest.mark.django_db


def titles(response):
    return [p.title for p in response.context["page"]]


class TestList:
    def test_it_filters_by_stage_purpose_and_owner(self, client, alice, bob):
        PartnershipFactory(title="Ours", owner=alice, stage="active", purpose="joint_research")
        PartnershipFactory(title="Bob's", owner=bob, stage="active", purpose="joint_research")
        PartnershipFactory(title="Early", owner=alice, stage="outreach", purpose="conferences")
        client.force_login(alice)
        url = reverse("dashboards:partnership_list")
        assert titles(client.get(url, {"stage": "active"})) == ["Bob's", "Ours"]
        assert titles(client.get(url, {"purpose": "conferences"})) == ["Early"]
        assert titles(client.get(url, {"owner": bob.pk})) == ["Bob's"]

    def test_it_filters_by_member_country_and_sector(self, client, alice):
        kenyan = PartnershipFactory(title="Kenyan", owner=alice, member=False)
        MemberFactory(partnership=kenyan, partner=PartnerFactory(country="KE", sector="industry"))
        MemberFactory(partnership=kenyan, partner=PartnerFactory(country="GB"))
        ugandan = PartnershipFactory(title="Ugandan", owner=alice, member=False)
        MemberFactory(partnership=ugandan, partner=PartnerFactory(country="UG"))
        client.force_login(alice)
        url = reverse("dashboards:partnership_list")
        assert titles(client.get(url, {"country": "GB"})) == ["Kenyan"]
        assert titles(client.get(url, {"sector": "industry"})) == ["Kenyan"]
        response = client.get(url, {"country": "GB"})
        # The country filter does not narrow the sectors counted.
        assert response.context["page"][0].sectors_spanned == 2

    def test_it_filters_by_sectors_spanned(self, client, alice):
        one = PartnershipFactory(title="One", owner=alice, member=False)
        MemberFactory(partnership=one, partner=PartnerFactory(sector="government"))
        MemberFactory(partnership=one, partner=PartnerFactory(sector="government"))
        three = PartnershipFactory(title="Three", owner=alice, member=False)
        for sector in ("government", "industry", "nonprofit"):
            MemberFactory(partnership=three, partner=PartnerFactory(sector=sector))
        client.force_login(alice)
        url = reverse("dashboards:partnership_list")
        assert titles(client.get(url, {"spanned": "1"})) == ["One"]
        assert titles(client.get(url, {"spanned": "2"})) == []
        assert titles(client.get(url, {"spanned": "3"})) == ["Three"]

    @pytest.mark.parametrize("rows", [5, 50])
    def test_it_takes_the_same_queries_for_5_or_50_rows(
        self, client, alice, rows, django_assert_max_num_queries
    ):
        for _ in range(rows):
            MemberFactory(partnership=PartnershipFactory(owner=alice))
        client.force_login(alice)
        # session, user, permissions (user and group), a savepoint and its
        # release, count, page of partnerships, their members, owners for the
        # filter, unread notifications in the menu
        with django_assert_max_num_queries(11):
            response = client.get(reverse("dashboards:partnership_list"))
        assert response.status_code == 200

    def test_it_offers_new_partnership_to_managers_only(self, client, alice, erin):
        client.force_login(alice)
        assert b"New partnership" in client.get(reverse("dashboards:partnership_list")).content
        client.force_login(erin)
        response = client.get(reverse("dashboards:partnership_list"))
        assert response.status_code == 200
        assert b"New partnership" not in response.content


class TestBoard:
    def test_it_shows_cards_in_the_column_of_their_stage(
        self, client, erin, django_assert_max_num_queries
    ):
        PartnershipFactory(title="Talking", stage="outreach")
        PartnershipFactory(title="Ended", stage="completed", end_date=dt.date(2025, 6, 30))
        client.force_login(erin)
        # session, user, permissions (user and group), a savepoint and its
        # release, unread notifications, the count of each stage, the first
        # partnerships of each with their owners
        with django_assert_max_num_queries(9):
            response = client.get(reverse("partnerships:partnership_board"))
        columns = {
            stage: [p.title for p in cards]
            for _family, stages in response.context["families"]
            for stage, cards, _count in stages
        }
        assert columns["outreach"] == ["Talking"]
        assert columns["completed"] == ["Ended"]
        assert columns["active"] == []
        assert [family for family, _ in response.context["families"]] == [
            "potential",
            "active",
            "ended",
        ]

    @pytest.mark.parametrize("in_stage", [2, 3])
    def test_a_column_shows_its_first_cards_and_counts_all_of_them(
        self, client, erin, monkeypatch, in_stage, django_assert_max_num_queries
    ):
        monkeypatch.setattr(partnership_views, "BOARD_CARDS", 2)
        titles = ["Cedar", "Alder", "Birch"][:in_stage]
        for title in titles:
            PartnershipFactory(title=title, stage="outreach")
        # Another column's first cards do not count against this one's.
        for title in ["Aardvark", "Abbey"]:
            PartnershipFactory(title=title, stage="identified")
        client.force_login(erin)
        with django_assert_max_num_queries(9):  # the counts by stage, and the cards
            response = client.get(reverse("partnerships:partnership_board"))
        columns = {
            stage: ([p.title for p in cards], count)
            for _family, stages in response.context["families"]
            for stage, cards, count in stages
        }
        assert columns["outreach"] == (sorted(titles)[:2], in_stage)
        assert columns["identified"] == (["Aardvark", "Abbey"], 2)
        html = response.content.decode()
        to_the_list = f'href="{reverse("dashboards:partnership_list")}?stage=outreach"'
        assert (to_the_list in html) == (in_stage > 2)
        if in_stage > 2:
            assert "All 3 in the list" in html


class TestDetail:
    def test_it_shows_members_leads_agreements_and_metrics(self, client, alice, bob, rita):
        partnership = partnership_with_data(owner=alice, benefits_sought=["innovation"])
        partnership.leads.create(user=bob, functional_area="administrative")
        client.force_login(rita)
        response = client.get(reverse("partnerships:partnership_detail", args=[partnership.pk]))
        content = response.content.decode()
        member = partnership.members.get()
        assert member.partner.name in content
        assert "Administrative" in content
        assert "Access to innovations" in content
        assert partnership.agreements.get().title in content
        # Latest 24 against baseline 10 and target 50: 35% of the way.
        assert "35%" in content
        assert not response.context["can_edit"]
        assert "Change stage" not in content

    def test_it_shows_edit_buttons_to_the_owner_and_co_lead(self, client, alice, bob):
        partnership = PartnershipFactory(owner=alice)
        partnership.leads.create(user=bob, functional_area="administrative")
        for user in (alice, bob):
            client.force_login(user)
            response = client.get(reverse("partnerships:partnership_detail", args=[partnership.pk]))
            assert response.context["can_edit"]
            assert "Change stage" in response.content.decode()

    @pytest.mark.parametrize("metrics", [1, 5])
    def test_it_takes_the_same_queries_for_1_or_5_metrics(
        self, client, alice, metrics, django_assert_max_num_queries
    ):
        partnership = partnership_with_data(owner=alice, metrics=metrics)
        ObjectiveFactory(partnership=partnership)
        client.force_login(alice)
        # session, user, permissions (user and group), a savepoint and its
        # release, unread notifications, partnership, members, leads,
        # agreements, objectives, metrics with their latest values, stage
        # changes, can_edit, history; the health card (3) and the lifecycle
        # card: next step, open warning, lessons
        with django_assert_max_num_queries(22):
            response = client.get(reverse("partnerships:partnership_detail", args=[partnership.pk]))
        assert response.status_code == 200

    def test_it_shows_the_history_with_who_changed_what(self, client, alice):
        partnership = PartnershipFactory(owner=alice, title="Before")
        client.force_login(alice)
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        client.post(url, {"title": "After", "purpose": "clinical_exchange"} | opened(client, url))
        response = client.get(reverse("partnerships:partnership_detail", args=[partnership.pk]))
        latest = response.context["history"][0]
        assert latest.event.user == alice
        assert [(c.field, c.old, c.new) for c in latest.changes if c.field == "title"] == [
            ("title", "Before", "After")
        ]


class TestCreate:
    def test_it_creates_with_members_and_the_poster_as_owner(self, client, alice, bob):
        hospital, university = PartnerFactory(), PartnerFactory(sector="academic")
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_create"),
            {
                "title": "Nurse exchange",
                "purpose": "clinical_exchange",
                "benefits_sought": ["knowledge_exchange"],
                "owner": bob.pk,  # forged: the form has no owner field
                "stage": "active",  # forged too
                "members-TOTAL_FORMS": "3",
                "members-INITIAL_FORMS": "0",
                "members-0-partner": hospital.pk,
                "members-0-role": "lead",
                "members-1-partner": university.pk,
                "members-1-role": "member",
                "members-2-role": "member",
                "leads-TOTAL_FORMS": "2",
                "leads-INITIAL_FORMS": "0",
                "leads-0-user": bob.pk,
                "leads-0-functional_area": "administrative",
                "leads-1-functional_area": "clinical",
            },
        )
        partnership = Partnership.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "partnerships:partnership_detail", args=[partnership.pk]
        )
        assert (partnership.owner, partnership.stage) == (alice, "identified")
        assert partnership.benefits_sought == ["knowledge_exchange"]
        assert set(partnership.members.values_list("partner", "role")) == {
            (hospital.pk, "lead"),
            (university.pk, "member"),
        }
        assert list(partnership.leads.values_list("user", flat=True)) == [bob.pk]

    def test_it_refuses_two_lead_partners_next_to_the_role_of_the_second(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_create"),
            {
                "title": "Two leads",
                "purpose": "clinical_exchange",
                "members-TOTAL_FORMS": "2",
                "members-INITIAL_FORMS": "0",
                "members-0-partner": PartnerFactory().pk,
                "members-0-role": "lead",
                "members-1-partner": PartnerFactory().pk,
                "members-1-role": "lead",
                "leads-TOTAL_FORMS": "0",
                "leads-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 400
        assert response.context["members"][1].errors == {
            "role": ["A partnership has at most one lead partner."]
        }
        assert response.context["form"]["title"].value() == "Two leads"
        assert not Partnership.objects.exists()

    def test_a_partner_chosen_twice_is_refused_next_to_the_row_repeating_it(self, client, alice):
        hospital, university = PartnerFactory(), PartnerFactory(sector="academic")
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_create"),
            {
                "title": "Twice the same hospital",
                "purpose": "clinical_exchange",
                "members-TOTAL_FORMS": "4",
                "members-INITIAL_FORMS": "0",
                "members-0-partner": hospital.pk,
                "members-0-role": "lead",
                "members-1-partner": university.pk,
                "members-1-role": "member",
                "members-2-partner": hospital.pk,
                "members-2-role": "funder",
                "members-3-role": "member",
                "leads-TOTAL_FORMS": "0",
                "leads-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 400
        assert not Partnership.objects.exists()
        html = response.content.decode()
        message = "This partner is already a member of the partnership."
        assert html.count(message) == 1
        # Inside the third row's partner field (its picker marked invalid),
        # not under the row, where it read as the empty fourth row's.
        repeating = html[
            html.index('id="div_id_members-2-partner"') : html.index('id="div_id_members-2-role"')
        ]
        assert message in repeating
        assert "is-invalid" in repeating
        assert f'name="members-2-partner" value="{hospital.pk}"' in repeating
        # All that was typed is kept.
        members = response.context["members"]
        assert [row["partner"].value() for row in members] == [
            str(hospital.pk),
            str(university.pk),
            str(hospital.pk),
            None,
        ]
        assert [row["role"].value() for row in members] == ["lead", "member", "funder", "member"]
        assert response.context["form"]["title"].value() == "Twice the same hospital"

    @pytest.mark.parametrize("forged", ["1.5", "Moi Teaching Hospital", "-3"])
    def test_a_partner_that_is_no_id_is_refused_next_to_its_row_not_a_500(
        self, client, alice, forged
    ):
        """The picker looked the partner up by what was posted to show its
        name again: a value that is no id raised there (a 500)."""
        hospital = PartnerFactory()
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_create"),
            {
                "title": "Forged",
                "purpose": "clinical_exchange",
                "members-TOTAL_FORMS": "2",
                "members-INITIAL_FORMS": "0",
                "members-0-partner": hospital.pk,
                "members-0-role": "lead",
                "members-1-partner": forged,
                "members-1-role": "member",
                "leads-TOTAL_FORMS": "0",
                "leads-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 400
        assert list(response.context["members"][1].errors) == ["partner"]
        assert f'name="members-1-partner" value="{forged}"' in response.content.decode()
        assert f'name="members-0-partner" value="{hospital.pk}"' in response.content.decode()
        assert not Partnership.objects.exists()

    def test_a_forged_count_of_rows_is_refused_without_building_them(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_create"),
            {
                "title": "Many rows",
                "purpose": "clinical_exchange",
                "members-TOTAL_FORMS": "100000",
                "members-INITIAL_FORMS": "0",
                "leads-TOTAL_FORMS": "100000",
                "leads-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 400
        members, leads = response.context["members"], response.context["leads"]
        assert (len(members.forms), len(leads.forms)) == (MAX_MEMBERS, MAX_LEADS)
        assert f"at most {MAX_MEMBERS} forms" in " ".join(members.non_form_errors())
        assert f"at most {MAX_LEADS} forms" in response.content.decode()
        assert not Partnership.objects.exists()

    @pytest.mark.parametrize("who", ["erin", "rita"])
    def test_it_refuses_creation_to_executives_and_reviewers(self, client, who, request):
        client.force_login(request.getfixturevalue(who))
        url = reverse("partnerships:partnership_create")
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "x", "purpose": "conferences"}).status_code == 403
        assert not Partnership.objects.exists()


class TestEdit:
    def test_it_saves_the_form_fields_and_ignores_forged_owner_and_stage(self, client, alice, bob):
        partnership = PartnershipFactory(owner=alice, stage="active")
        client.force_login(alice)
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        response = client.post(
            url,
            {
                "title": "Renamed",
                "purpose": "joint_research",
                "owner": bob.pk,
                "stage": "completed",
            }
            | opened(client, url),
        )
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert (partnership.title, partnership.purpose) == ("Renamed", "joint_research")
        assert (partnership.owner, partnership.stage) == (alice, "active")

    def test_it_keeps_the_input_when_the_end_is_before_the_start(self, client, alice):
        partnership = PartnershipFactory(owner=alice, title="Kept")
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_edit", args=[partnership.pk]),
            {
                "title": "Typed",
                "purpose": "clinical_exchange",
                "start_date": "2025-06-01",
                "end_date": "2025-01-01",
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors["end_date"] == [
            "The end date cannot be before the start date."
        ]
        assert response.context["form"]["title"].value() == "Typed"
        partnership.refresh_from_db()
        assert partnership.title == "Kept"

    def test_a_french_reader_reads_why_the_dates_are_refused_in_french(self, client, alice):
        alice.language = "fr"
        alice.save()
        partnership = PartnershipFactory(owner=alice)
        client.force_login(alice)
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        typed = {"title": "T", "purpose": "clinical_exchange"}
        typed |= {"start_date": "2025-06-01", "end_date": "2025-01-01"}
        response = client.post(url, typed | opened(client, url))
        assert response.status_code == 400
        assert response.context["form"].errors["end_date"] == [
            "La date de fin ne peut pas précéder la date de début."
        ]

    @pytest.mark.parametrize("who", ["bob", "erin", "rita"])
    def test_it_refuses_a_forged_post_by_a_non_editor_and_changes_nothing(
        self, client, alice, who, request
    ):
        partnership = PartnershipFactory(owner=alice, title="Kept", stage="active")
        objective = ObjectiveFactory(partnership=partnership)
        client.force_login(request.getfixturevalue(who))
        pk = partnership.pk
        posts = [
            (
                "partnerships:partnership_edit",
                [pk],
                {"title": "Hijacked", "purpose": "conferences"},
            ),
            ("partnerships:partnership_stage", [pk], {"stage": "failed", "reason": "x"}),
            (
                "partnerships:objective_create",
                [pk],
                {
                    "objective-title": "New",
                    "objective-benefit": "innovation",
                    "objective-weight": 1,
                },
            ),
            (
                "partnerships:metric_create",
                [pk, objective.pk],
                {f"metric-{objective.pk}-name": "New", f"metric-{objective.pk}-unit": "x"},
            ),
        ]
        for name, args, data in posts:
            assert client.post(reverse(name, args=args), data).status_code == 403
        assert client.get(reverse("partnerships:partnership_edit", args=[pk])).status_code == 403
        partnership.refresh_from_db()
        assert (partnership.title, partnership.stage) == ("Kept", "active")
        assert Objective.objects.count() == 1
        assert not OutcomeMetric.objects.exists()
        assert not StageChange.objects.exists()


class TestStageChange:
    def test_it_records_the_reason_and_who(self, client, alice, bob):
        partnership = PartnershipFactory(owner=alice, stage="negotiating")
        partnership.leads.create(user=bob, functional_area="administrative")
        client.force_login(bob)
        response = client.post(
            reverse("partnerships:partnership_stage", args=[partnership.pk]),
            {"stage": "active", "reason": "The MoU is signed."},
        )
        assert response.status_code == 302
        change = StageChange.objects.get()
        assert (change.from_stage, change.to_stage, change.reason, change.changed_by) == (
            "negotiating",
            "active",
            "The MoU is signed.",
            bob,
        )
        partnership.refresh_from_db()
        assert partnership.stage == "active"

    def test_it_needs_a_reason_and_an_end_date_to_end(self, client, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        client.force_login(alice)
        url = reverse("partnerships:partnership_stage", args=[partnership.pk])
        response = client.post(url, {"stage": "completed", "reason": ""})
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "reason": ["This field is required."],
            "end_date": ["An ended partnership needs its end date."],
        }
        assert response.context["form"]["stage"].value() == "completed"
        partnership.refresh_from_db()
        assert partnership.stage == "active"

        response = client.post(
            url, {"stage": "completed", "reason": "Done.", "end_date": "2025-12-31"}
        )
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == ("completed", dt.date(2025, 12, 31))

    @pytest.mark.parametrize("stage", ["completed", "failed", "withdrawn"])
    def test_an_end_after_today_is_named_next_to_the_end_date_and_kept(self, client, alice, stage):
        """Years ahead, as a slip of the year makes it: an ended partnership has ended."""
        partnership = PartnershipFactory(owner=alice, stage="active")
        client.force_login(alice)
        url = reverse("partnerships:partnership_stage", args=[partnership.pk])
        ahead = (timezone.localdate() + dt.timedelta(days=3 * 365)).isoformat()
        response = client.post(url, {"stage": stage, "reason": "Done.", "end_date": ahead})
        assert response.status_code == 400
        form = response.context["form"]
        assert list(form.errors) == ["end_date"]
        assert form.errors["end_date"][0].startswith("An ended partnership cannot end after today")
        assert (form["stage"].value(), form["reason"].value()) == (stage, "Done.")
        assert form["end_date"].value() == ahead
        partnership.refresh_from_db()
        assert (partnership.stage, partnership.end_date) == ("active", None)
        assert not StageChange.objects.exists()

    def test_a_stage_change_made_meanwhile_is_not_overwritten(self, client, alice, bob):
        """bob ends the partnership while alice has its stage page open on
        "active": her move to "struggling" is refused, her reason kept, and
        sent again (having seen it) it goes ahead from the stage it is at now."""
        partnership = PartnershipFactory(owner=alice, stage="active")
        partnership.leads.create(user=bob, functional_area="administrative")
        url = reverse("partnerships:partnership_stage", args=[partnership.pk])
        client.force_login(alice)
        shown_stage = client.get(url).context["form"]["expected_stage"].value()
        assert shown_stage == "active"
        services.partnership_change_stage(
            partnership=partnership,
            stage="completed",
            reason="Finished early.",
            by=bob,
            end_date=dt.date(2025, 6, 30),
        )

        typed = {"stage": "struggling", "reason": "Waits are growing."}
        typed["expected_stage"] = shown_stage
        response = client.post(url, typed)

        assert response.status_code == 400
        form = response.context["form"]
        assert "moved it to “Completed”" in form.errors["stage"][0]
        assert (form["reason"].value(), form["expected_stage"].value()) == (
            "Waits are growing.",
            "completed",
        )
        partnership.refresh_from_db()
        assert partnership.stage == "completed"
        assert StageChange.objects.count() == 1

        again = client.post(url, {**typed, "expected_stage": form["expected_stage"].value()})
        assert again.status_code == 302
        partnership.refresh_from_db()
        assert partnership.stage == "struggling"
        assert StageChange.objects.order_by("changed_at").last().from_stage == "completed"

    def test_a_reason_over_the_limit_is_refused_next_to_it_and_kept(self, client, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        url = reverse("partnerships:partnership_stage", args=[partnership.pk])
        client.force_login(alice)
        too_long = "r" * (STAGE_REASON_MAX_LENGTH + 1)
        response = client.post(url, {"stage": "struggling", "reason": too_long})
        assert response.status_code == 400
        form = response.context["form"]
        assert f"at most {STAGE_REASON_MAX_LENGTH} characters" in form.errors["reason"][0]
        assert form["reason"].value() == too_long
        partnership.refresh_from_db()
        assert (partnership.stage, StageChange.objects.count()) == ("active", 0)

        response = client.post(url, {"stage": "struggling", "reason": too_long[1:]})
        assert response.status_code == 302
        assert StageChange.objects.get().reason == too_long[1:]

    def test_the_service_refuses_a_reason_over_the_limit(self, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        with pytest.raises(ValidationError) as refused:
            services.partnership_change_stage(
                partnership=partnership,
                stage="struggling",
                reason="r" * (STAGE_REASON_MAX_LENGTH + 1),
                by=alice,
            )
        assert "reason" in refused.value.message_dict
        partnership.refresh_from_db()
        assert (partnership.stage, StageChange.objects.count()) == ("active", 0)

    def test_it_refuses_the_same_stage_next_to_the_field(self, client, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_stage", args=[partnership.pk]),
            {"stage": "active", "reason": "No change."},
        )
        assert response.status_code == 400
        assert response.context["form"].errors["stage"] == [
            "The partnership is at this stage already."
        ]


class TestObjectivesAndMetrics:
    def test_it_adds_an_objective_owned_by_the_editor(self, client, alice):
        partnership = PartnershipFactory(owner=alice)
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:objective_create", args=[partnership.pk]),
            {
                "objective-title": "Shorter waits",
                "objective-benefit": "patient_outcomes",
                "objective-weight": "2",
            },
        )
        assert response.status_code == 302
        objective = partnership.objectives.get()
        assert (objective.title, objective.owner, objective.weight) == ("Shorter waits", alice, 2)

    def test_it_shows_a_missing_objective_title_next_to_the_field(self, client, alice):
        partnership = PartnershipFactory(owner=alice)
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:objective_create", args=[partnership.pk]),
            {"objective-title": "", "objective-benefit": "innovation", "objective-weight": "3"},
        )
        assert response.status_code == 400
        assert response.context["objective_form"].errors == {"title": ["This field is required."]}
        assert response.context["objective_form"]["weight"].value() == "3"

    def test_it_adds_a_metric_to_an_objective(self, client, alice):
        objective = ObjectiveFactory(partnership=PartnershipFactory(owner=alice))
        client.force_login(alice)
        prefix = f"metric-{objective.pk}"
        response = client.post(
            reverse("partnerships:metric_create", args=[objective.partnership_id, objective.pk]),
            {
                f"{prefix}-name": "Nurses trained",
                f"{prefix}-unit": "nurses",
                f"{prefix}-direction": "higher",
                f"{prefix}-frequency": "quarterly",
                f"{prefix}-aggregation": "sum",
                f"{prefix}-baseline_value": "0",
                f"{prefix}-target_value": "40",
                f"{prefix}-weight": "1",
            },
        )
        assert response.status_code == 302
        metric = objective.metrics.get()
        assert (metric.name, metric.owner, metric.target_value) == ("Nurses trained", alice, 40)

    def test_it_shows_a_target_date_before_the_baseline_date_next_to_it(self, client, alice):
        objective = ObjectiveFactory(partnership=PartnershipFactory(owner=alice))
        other = ObjectiveFactory(partnership=objective.partnership)
        client.force_login(alice)
        prefix = f"metric-{objective.pk}"
        response = client.post(
            reverse("partnerships:metric_create", args=[objective.partnership_id, objective.pk]),
            {
                f"{prefix}-name": "Nurses trained",
                f"{prefix}-unit": "nurses",
                f"{prefix}-direction": "higher",
                f"{prefix}-frequency": "quarterly",
                f"{prefix}-aggregation": "sum",
                f"{prefix}-baseline_date": "2025-06-01",
                f"{prefix}-target_date": "2025-01-01",
                f"{prefix}-weight": "1",
            },
        )
        assert response.status_code == 400
        objectives = {o.pk: o for o in response.context["objectives"]}
        form = objectives[objective.pk].metric_form
        assert form.errors == {"target_date": ["The target date must be after the baseline date."]}
        assert form["name"].value() == "Nurses trained"
        assert not objectives[other.pk].metric_form.is_bound
        content = response.content.decode()
        assert "The target date must be after the baseline date." in content
        assert 'value="Nurses trained"' in content
        assert not OutcomeMetric.objects.exists()

    def test_it_does_not_find_an_objective_of_another_partnership(self, client, alice):
        mine = PartnershipFactory(owner=alice)
        elsewhere = ObjectiveFactory()
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:metric_create", args=[mine.pk, elsewhere.pk]),
            {f"metric-{elsewhere.pk}-name": "Sneaky"},
        )
        assert response.status_code == 404
        assert not OutcomeMetric.objects.exists()


def test_it_links_each_agreement_to_its_page(client, rita):
    agreement = AgreementFactory()
    client.force_login(rita)
    response = client.get(
        reverse("partnerships:partnership_detail", args=[agreement.partnership_id])
    )
    link = reverse("partnerships:agreement_detail", args=[agreement.pk])
    # The title is user text, in its own direction.
    title = f'<span dir="auto">{agreement.title}</span>'
    assert f'<a href="{link}">{title}</a>' in response.content.decode()


def test_a_partnership_and_partner_loaded_in_bulk_have_their_history(client, erin):
    # bulk_create bypasses save(), as a load by COPY would: the triggers do not.
    partner = Partner.objects.bulk_create(
        [
            Partner(
                name="Bulk Hospital",
                kind="hospital",
                organisation_type="80",
                sector="nonprofit",
                country="KE",
                time_zone="Africa/Nairobi",
            )
        ]
    )[0]
    partnership = Partnership.objects.bulk_create(
        [Partnership(title="Bulk", purpose="joint_research", owner=erin)]
    )[0]
    PartnershipMember.objects.bulk_create(
        [PartnershipMember(partnership=partnership, partner=partner)]
    )
    client.force_login(erin)
    response = client.get(f"/partnerships/{partnership.pk}/")
    assert [entry.kind for entry in response.context["history"]] == ["Created"]
    response = client.get(f"/partners/{partner.pk}/")
    assert [entry.kind for entry in response.context["history"]] == ["Created"]
