"""Lessons: recorded once a partnership has ended, coded against the instrument's factors."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from api.tokens import token_create
from lifecycle import services
from lifecycle.models import Lesson, LessonFactor
from notifications.models import Notification
from partnerships.models import Partnership, PartnershipLead
from partnerships.services import partnership_change_stage
from tests.factories import PartnershipFactory, UserFactory

from .helpers import factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def ended(owner, stage="failed", **fields):
    return PartnershipFactory(owner=owner, stage=stage, end_date=dt.date(2026, 10, 31), **fields)


class TestService:
    def test_it_records_the_factors_with_their_effects(self, alice):
        partnership = ended(alice)
        lesson = services.lesson_record(
            partnership=partnership,
            by=alice,
            summary="We never agreed who ran the registry.",
            entries=[
                services.LessonEntry(factor("roles"), "hindered", "No one owned the data."),
                services.LessonEntry(factor("trust"), "helped"),
            ],
        )
        assert sorted(lesson.factors.values_list("factor__code", "effect")) == [
            ("roles", "hindered"),
            ("trust", "helped"),
        ]

    @pytest.mark.parametrize("stage", ["outreach", "active", "struggling"])
    def test_it_refuses_a_partnership_that_has_not_ended(self, alice, stage):
        partnership = PartnershipFactory(owner=alice, stage=stage)
        with pytest.raises(ValidationError, match="once the partnership has ended"):
            services.lesson_record(
                partnership=partnership,
                by=alice,
                summary="Too early",
                entries=[services.LessonEntry(factor("trust"), "helped")],
            )
        assert not Lesson.objects.exists()

    def test_it_needs_a_factor_or_some_words(self, alice):
        with pytest.raises(ValidationError):
            services.lesson_record(partnership=ended(alice), by=alice, summary=" ", entries=[])

    @pytest.mark.parametrize("stage", ["completed", "withdrawn"])
    def test_every_ended_stage_takes_lessons(self, alice, stage):
        services.lesson_record(
            partnership=ended(alice, stage), by=alice, summary="Learnt", entries=[]
        )
        assert Lesson.objects.count() == 1


class TestDatabase:
    def test_the_database_refuses_a_lesson_on_an_active_partnership(self, alice):
        partnership = PartnershipFactory(owner=alice, stage="active")
        with (
            pytest.raises(IntegrityError, match="once the partnership has ended"),
            transaction.atomic(),
        ):
            Lesson.objects.create(partnership=partnership, recorded_by=alice)

    def test_a_partnership_with_lessons_cannot_be_brought_back(self, alice):
        """The service says why on the stage (every door shows it so); the
        database's trigger refuses a write that goes round the service."""
        partnership = ended(alice)
        services.lesson_record(partnership=partnership, by=alice, summary="Learnt", entries=[])
        with pytest.raises(ValidationError) as refused:
            partnership_change_stage(
                partnership=partnership, stage="active", reason="Revived", by=alice
            )
        assert "stays ended" in refused.value.message_dict["stage"][0]
        partnership.refresh_from_db()
        assert partnership.stage == "failed"
        assert not partnership.stage_changes.exists()
        with pytest.raises(IntegrityError, match="stays ended"), transaction.atomic():
            Partnership.objects.filter(pk=partnership.pk).update(stage="active")

    def test_a_partnership_with_lessons_moves_to_another_ended_stage(self, alice):
        partnership = ended(alice)
        services.lesson_record(partnership=partnership, by=alice, summary="Learnt", entries=[])
        partnership_change_stage(
            partnership=partnership, stage="completed", reason="It did finish.", by=alice
        )
        partnership.refresh_from_db()
        assert partnership.stage == "completed"

    def test_the_stage_page_and_the_api_refuse_it_next_to_the_stage(self, client, alice):
        partnership = ended(alice)
        services.lesson_record(partnership=partnership, by=alice, summary="Learnt", entries=[])
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partnership_stage", args=[partnership.pk]),
            {"stage": "active", "reason": "Revived", "expected_stage": "failed"},
        )
        assert response.status_code == 400
        assert "stays ended" in response.context["form"].errors["stage"][0]
        assert response.context["form"]["reason"].value() == "Revived"

        api = APIClient()
        api.credentials(
            HTTP_AUTHORIZATION=f"Bearer {token_create(user=alice, name='t', scope='read_write')[1]}"
        )
        url = f"/api/v1/partnerships/{partnership.pk}/"
        answer = api.post(
            f"{url}stage/",
            {"stage": "negotiating", "reason": "Again"},
            format="json",
            HTTP_IF_MATCH=api.get(url)["ETag"],
        )
        assert answer.status_code == 400
        assert "stays ended" in answer.json()["errors"]["stage"][0]
        partnership.refresh_from_db()
        assert partnership.stage == "failed"

    def test_a_second_lesson_record_is_refused(self, alice):
        partnership = ended(alice)
        Lesson.objects.create(partnership=partnership, recorded_by=alice)
        with pytest.raises(IntegrityError), transaction.atomic():
            Lesson.objects.create(partnership=partnership, recorded_by=alice)

    def test_a_factor_twice_and_an_unknown_effect_are_refused(self, alice):
        lesson = Lesson.objects.create(partnership=ended(alice), recorded_by=alice)
        LessonFactor.objects.create(lesson=lesson, factor=factor("trust"), effect="helped")
        with pytest.raises(IntegrityError, match="lesson_factor_once"), transaction.atomic():
            LessonFactor.objects.create(lesson=lesson, factor=factor("trust"), effect="hindered")
        with (
            pytest.raises(IntegrityError, match="lesson_factor_effect_valid"),
            transaction.atomic(),
        ):
            LessonFactor.objects.create(lesson=lesson, factor=factor("roles"), effect="maybe")


class TestPages:
    def test_the_owner_records_lessons_through_the_form(self, client, alice):
        partnership = ended(alice)
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:lesson_record", args=[partnership.pk]),
            {
                "effect_trust": "hindered",
                "note_trust": "Promises were not kept.",
                "effect_logistics": "helped",
                "summary": "Start with a pilot.",
            },
        )
        assert response.status_code == 302
        lesson = Lesson.objects.get()
        assert lesson.summary == "Start with a pilot."
        assert sorted(lesson.factors.values_list("factor__code", "effect", "note")) == [
            ("logistics", "helped", ""),
            ("trust", "hindered", "Promises were not kept."),
        ]
        page = client.get(reverse("lifecycle:lessons", args=[partnership.pk]))
        assert "Promises were not kept." in page.content.decode()

    def test_a_note_without_an_effect_is_shown_next_to_the_factor(self, client, alice):
        partnership = ended(alice)
        client.force_login(alice)
        response = client.post(
            reverse("lifecycle:lesson_record", args=[partnership.pk]),
            {"note_trust": "Half a thought", "summary": "Something"},
        )
        assert response.status_code == 400
        assert "effect_trust" in response.context["form"].errors
        assert "Half a thought" in response.content.decode()

    def test_it_offers_the_factors_of_the_latest_published_instrument(self, client, alice):
        client.force_login(alice)
        response = client.get(reverse("lifecycle:lesson_record", args=[ended(alice).pk]))
        codes = [f.code for f, _, _ in response.context["form"].rows()]
        assert codes == [
            "trust",
            "communication",
            "shared-vision",
            "roles",
            "cultural-competence",
            "regulatory",
            "logistics",
            "resources",
            "leadership",
        ]

    def test_the_factors_read_in_the_readers_language(self, client, alice):
        alice.language = "fr"
        alice.save(update_fields=["language"])
        client.force_login(alice)
        response = client.get(reverse("lifecycle:lesson_record", args=[ended(alice).pk]))
        assert response.context["form"]["effect_trust"].label == "Confiance"
        assert "Confiance" in response.content.decode()

    def test_lessons_sent_from_a_second_tab_are_refused_with_what_was_typed(
        self, client, alice, bob
    ):
        partnership = ended(alice)
        PartnershipLead.objects.create(
            partnership=partnership, user=bob, functional_area="administrative"
        )
        url = reverse("lifecycle:lesson_record", args=[partnership.pk])
        client.force_login(alice)
        assert client.get(url).status_code == 200  # her second tab, opened before bob's save
        services.lesson_record(partnership=partnership, by=bob, summary="Bob's", entries=[])

        typed = {"summary": "Alice's: start with a pilot.", "effect_trust": "hindered"}
        response = client.post(url, typed)
        assert response.status_code == 400
        form = response.context["form"]
        assert "recorded the lessons of this partnership on 20 November 2026" in str(
            form.non_field_errors()
        )
        assert form["summary"].value() == typed["summary"]
        assert form["effect_trust"].value() == "hindered"
        assert Lesson.objects.get().summary == "Bob's"
        # Opened again afterwards, the form leads to the lessons recorded.
        assert client.get(url)["Location"] == reverse("lifecycle:lessons", args=[partnership.pk])

    def test_an_active_partnership_has_no_lessons_form(self, client, alice):
        client.force_login(alice)
        partnership = PartnershipFactory(owner=alice, stage="active")
        assert (
            client.get(reverse("lifecycle:lesson_record", args=[partnership.pk])).status_code == 404
        )

    @pytest.mark.parametrize("who", ["erin", "rita", "carol"])
    def test_only_owners_and_co_leads_record(self, client, alice, erin, rita, who):
        partnership = ended(alice)
        user = {"erin": erin, "rita": rita}.get(who) or UserFactory(
            username="carol", role="Partnership manager"
        )
        client.force_login(user)
        url = reverse("lifecycle:lesson_record", args=[partnership.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"summary": "x"}).status_code == 403
        assert not Lesson.objects.exists()

    @pytest.mark.parametrize("factors", [1, 9])
    def test_the_lessons_page_takes_the_same_queries_at_two_sizes(
        self, client, alice, factors, django_assert_max_num_queries
    ):
        from health.models import Factor

        partnership = ended(alice)
        services.lesson_record(
            partnership=partnership,
            by=alice,
            summary="",
            entries=[
                services.LessonEntry(f, "hindered")
                for f in Factor.objects.filter(instrument__version=1)[:factors]
            ],
        )
        client.force_login(alice)
        # session, user, savepoint and release, the partnership with owner, the
        # lesson with its recorder, its factors, user and group permissions, unread count
        with django_assert_max_num_queries(10):
            response = client.get(reverse("lifecycle:lessons", args=[partnership.pk]))
        assert len(response.context["lesson"].factors.all()) == factors


class TestPrompt:
    def test_owner_and_co_leads_are_asked_once_until_they_record(self, alice, bob):
        partnership = ended(alice, title="Porto")
        PartnershipLead.objects.create(
            partnership=partnership, user=bob, functional_area="administrative"
        )
        ended_and_done = ended(alice, title="Done")
        services.lesson_record(partnership=ended_and_done, by=alice, summary="x", entries=[])
        PartnershipFactory(owner=alice, stage="active")
        assert services.lessons_prompt(today=dt.date(2026, 11, 20)) == 2
        assert services.lessons_prompt(today=dt.date(2026, 11, 21)) == 0
        notice = Notification.objects.get(user=alice)
        assert notice.subject == "Record the lessons of Porto"
        assert notice.url == reverse("lifecycle:lesson_record", args=[partnership.pk])


class TestPanel:
    def test_an_ended_partnership_shows_record_lessons_until_they_are(self, rf, alice):
        from django.template.loader import render_to_string

        partnership = ended(alice)
        request = rf.get("/")
        request.user = alice
        html = render_to_string(
            "lifecycle/_partnership_panel.html", {"partnership": partnership}, request=request
        )
        assert "Record lessons" in html
        services.lesson_record(partnership=partnership, by=alice, summary="x", entries=[])
        html = render_to_string(
            "lifecycle/_partnership_panel.html", {"partnership": partnership}, request=request
        )
        assert "Record lessons" not in html
        assert "Lessons recorded" in html


@pytest.mark.parametrize("assessments", [1, 6])
def test_the_panel_takes_the_same_queries_at_two_sizes(
    rf, alice, assessments, django_assert_max_num_queries
):
    from django.template.loader import render_to_string

    partnership = PartnershipFactory(owner=alice, stage="outreach")
    services.next_step_set(
        partnership=partnership, description="Call", due_on=dt.date(2026, 11, 1), by=alice
    )
    for _ in range(assessments):
        services.fit_assessment_record(
            partnership=partnership,
            by=alice,
            today=dt.date(2026, 11, 20),
            recommendation="pursue",
            **{
                f"{c}_rating": 3
                for c in ("goals", "strengths", "prior", "languages", "hours", "regulatory")
            },
        )
    request = rf.get("/")
    request.user = alice
    # the next step, the latest fit assessment, an open warning; the page's
    # own `can_edit` spares the rights query
    with django_assert_max_num_queries(3):
        html = render_to_string(
            "lifecycle/_partnership_panel.html",
            {"partnership": partnership, "can_edit": True},
            request=request,
        )
    assert "(overdue)" not in html and "text-danger" in html
    assert "Pursue" in html
