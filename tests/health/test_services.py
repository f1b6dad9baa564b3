import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from health import services, tokens
from health.models import Answer, Cadence, FactorComment, Instrument, Respondent, Round, Statement
from health.tasks import send_invitation, send_reminder
from notifications.models import Notification
from ops.models import OutboxMessage
from partnerships.models import Contact
from tests.factories import PartnershipFactory
from tests.health.builders import (
    answer_all,
    closed_round,
    open_round,
    partner_of,
    ratings_for,
    running,
    shipped_instrument,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/health/answer/([\w-]+)/")

INVITE, REMIND = send_invitation.name, send_reminder.name


def queued(task_name: str) -> list[int]:
    """The respondents whose email of this kind waits in the outbox."""
    return [
        message.kwargs["respondent_id"]
        for message in OutboxMessage.objects.filter(task_name=task_name).order_by("pk")
    ]


class TestInstruments:
    def test_a_new_version_is_a_draft_copy_of_every_factor_and_statement(self):
        shipped = shipped_instrument()

        draft = services.instrument_new_version(instrument=shipped)

        assert (draft.name, draft.version, draft.published_at) == (shipped.name, 2, None)
        assert list(draft.factors.values_list("code", flat=True)) == list(
            shipped.factors.values_list("code", flat=True)
        )
        assert Statement.objects.filter(factor__instrument=draft).count() == 27
        french = Statement.objects.filter(factor__instrument=draft).first().text_in("fr")
        assert french.startswith("Quand l'autre partie")

    def test_a_draft_is_changed_and_published_and_then_never_changed(self):
        draft = services.instrument_new_version(instrument=shipped_instrument())
        statement = Statement.objects.filter(factor__instrument=draft).first()
        statement.text = "Reworded while a draft."
        statement.save()

        services.instrument_publish(instrument=draft)

        draft.refresh_from_db()
        assert draft.published_at is not None
        with pytest.raises(ValidationError):
            services.require_draft(draft)
        with pytest.raises(ValidationError):
            services.instrument_publish(instrument=draft)

    def test_a_draft_holding_a_malformed_translation_is_not_published(self):
        draft = services.instrument_new_version(instrument=shipped_instrument())
        statement = Statement.objects.filter(factor__instrument=draft).first()
        # Written around the model's validation, as before it held the rule.
        Statement.objects.filter(pk=statement.pk).update(translations={"xx": "Texte"})

        with pytest.raises(ValidationError) as refused:
            services.instrument_publish(instrument=draft)

        assert refused.value.messages == [
            f"Mend the translations of “{statement.text}” before publishing: "
            "Not a language Accord offers: xx (it offers en, fr, es, pt)."
        ]
        draft.refresh_from_db()
        assert draft.published_at is None

    def test_a_new_version_leaves_past_answers_on_the_statements_they_answered(self, alice):
        health_round = closed_round(PartnershipFactory(owner=alice), by=alice, ours=[4, 4, 4])
        services.instrument_new_version(instrument=health_round.instrument)
        answered = set(
            Answer.objects.filter(respondent__round=health_round).values_list(
                "statement__factor__instrument__version", flat=True
            )
        )
        assert answered == {1}
        assert Instrument.objects.filter(name=health_round.instrument.name).count() == 2


class TestAnswers:
    def test_an_answer_keeps_every_rating_and_the_comments(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1)
        respondent = health_round.respondents.get()
        trust = health_round.instrument.factors.get(code="trust")

        services.answers_submit(
            respondent=respondent,
            ratings=ratings_for(health_round.instrument, {"trust": 2}),
            factor_comments={trust.pk: "  Promises slip.  "},
            comment="Merci",
            today=health_round.opened_on,
        )

        respondent.refresh_from_db()
        assert respondent.answered_at is not None and respondent.comment == "Merci"
        assert respondent.answers.count() == 27
        assert respondent.answers.filter(statement__factor=trust, rating=2).count() == 3
        assert FactorComment.objects.get(respondent=respondent).text == "Promises slip."

    def test_it_names_each_comment_over_the_limit_and_keeps_nothing(self, alice):
        from health.models import COMMENT_MAX_LENGTH

        health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1)
        trust = health_round.instrument.factors.get(code="trust")
        long = "a" * (COMMENT_MAX_LENGTH + 1)

        with pytest.raises(ValidationError) as refused:
            services.answers_submit(
                respondent=health_round.respondents.get(),
                ratings=ratings_for(health_round.instrument, 4),
                factor_comments={trust.pk: long},
                comment=long,
                today=health_round.opened_on,
            )

        assert sorted(refused.value.message_dict) == ["comment", f"f{trust.pk}"]
        assert not Answer.objects.exists()
        assert not FactorComment.objects.exists()

    def test_it_names_each_statement_left_without_a_rating(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1)
        ratings = ratings_for(health_round.instrument, 4)
        skipped = next(iter(ratings))
        del ratings[skipped]

        with pytest.raises(ValidationError) as refused:
            services.answers_submit(
                respondent=health_round.respondents.get(),
                ratings=ratings,
                today=health_round.opened_on,
            )

        assert list(refused.value.message_dict) == [f"s{skipped}"]
        assert not Answer.objects.exists()

    def test_a_respondent_answers_once(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1)
        answer_all(health_round, partner=[4])

        with pytest.raises(ValidationError) as refused:
            answer_all(health_round, partner=[1])

        assert refused.value.code == "answered"
        assert set(Answer.objects.values_list("rating", flat=True)) == {4}

    def test_no_answer_is_taken_after_the_last_day_or_once_closed(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=2)
        late = health_round.closes_on + dt.timedelta(days=1)
        with pytest.raises(ValidationError):
            answer_all(health_round, partner=[4], today=late)
        services.round_close(health_round=health_round)
        with pytest.raises(ValidationError):
            answer_all(health_round, partner=[4, 4])
        assert not Answer.objects.exists()


class TestInvitations:
    def test_a_partner_side_invitation_carries_a_link_whose_digest_alone_is_kept(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1)
        respondent = health_round.respondents.get()

        assert services.invitation_send(respondent_id=respondent.pk) is True

        (message,) = mail.outbox
        assert message.to == [respondent.email]
        assert "Comment fonctionne le partenariat" in message.subject  # in French
        token = LINK.search(message.body)[1]
        respondent.refresh_from_db()
        assert respondent.token_hash == tokens.digest(token) != token
        assert token not in respondent.token_hash

    def test_the_subject_shows_the_title_as_typed(self, alice):
        # A plain-text email: "R&D" stays "R&D", not the "R&amp;D" of a web page.
        partnership = PartnershipFactory(owner=alice, title="R&D <Oncology> “Bridge”")
        respondent = open_round(partnership, by=alice, partner=1).respondents.get()

        services.invitation_send(respondent_id=respondent.pk)

        (message,) = mail.outbox
        assert message.subject == "Comment fonctionne le partenariat « R&D <Oncology> “Bridge” » ?"

    def test_an_invitation_is_emailed_once(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, ours=1, partner=1)
        for respondent in health_round.respondents.all():
            services.invitation_send(respondent_id=respondent.pk)
            services.invitation_send(respondent_id=respondent.pk)
        assert len(mail.outbox) == 2
        ours = health_round.respondents.get(side="ours")
        assert (
            f"/health/rounds/{health_round.pk}/respond/"
            in mail.outbox[0].body + mail.outbox[1].body
        )
        assert ours.user.email in {message.to[0] for message in mail.outbox}

    def test_a_failed_send_stays_owed_for_the_retry(self, alice, settings):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1)
        respondent = health_round.respondents.get()
        settings.EMAIL_BACKEND = "tests.health.failing_mail.Backend"

        with pytest.raises(OSError):
            services.invitation_send(respondent_id=respondent.pk)

        respondent.refresh_from_db()
        assert respondent.emailed_at is None and respondent.token_hash == ""

    def test_opening_a_round_stores_each_invitation_for_the_worker_with_the_round(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, ours=1, partner=2)
        # In the outbox, written in the round's transaction: a broker away
        # when it commits loses none (the relay sends them when it is back).
        assert sorted(queued(INVITE)) == sorted(
            health_round.respondents.values_list("pk", flat=True)
        )
        assert health_round.respondents.filter(emailed_at__isnull=True).count() == 3
        assert queued(REMIND) == []

    def test_an_address_is_invited_once_and_only_for_a_member_partner(self, alice):
        partnership = PartnershipFactory(owner=alice)
        partner = partner_of(partnership)
        person = services.PartnerPerson("a@partner.example", partner.pk, "fr")
        stranger = partner_of(PartnershipFactory())
        with pytest.raises(ValidationError):
            services.round_open(
                partnership=partnership,
                opened_by=alice,
                opened_on=dt.date(2026, 1, 5),
                closes_on=dt.date(2026, 1, 20),
                partner_people=[person._replace(partner_id=stranger.pk)],
            )
        # Refused, it queued no invitation either.
        assert not Round.objects.exists() and queued(INVITE) == []

    def test_an_address_given_twice_is_invited_once_and_not_again_later(self, alice):
        partnership = PartnershipFactory(owner=alice)
        partner = partner_of(partnership)
        person = services.PartnerPerson("a@partner.example", partner.pk, "fr")

        health_round = services.round_open(
            partnership=partnership,
            opened_by=alice,
            opened_on=dt.date(2026, 1, 5),
            closes_on=dt.date(2026, 1, 20),
            partner_people=[person, person._replace(email=" A@Partner.example"), person],
        )

        assert list(health_round.respondents.values_list("email", "language")) == [
            ("a@partner.example", "fr")
        ]
        with pytest.raises(ValidationError) as refused:
            services.respondents_invite(
                health_round=health_round,
                partner_people=[person._replace(email="A@partner.example")],
            )
        assert refused.value.messages == ["This address is already invited to this health check."]
        assert health_round.respondents.count() == 1

    def test_an_executive_is_not_invited_to_answer(self, alice, erin):
        partnership = PartnershipFactory(owner=alice)
        with pytest.raises(ValidationError) as refused:
            services.round_open(
                partnership=partnership,
                opened_by=alice,
                opened_on=dt.date(2026, 1, 5),
                closes_on=dt.date(2026, 1, 20),
                users=[alice, erin],
            )
        assert "Executives read health checks" in refused.value.message_dict["users"][0]
        assert not Respondent.objects.exists()
        assert not Round.objects.exists()

    @pytest.mark.parametrize("who", ["no role", "deactivated"])
    def test_someone_who_could_not_open_the_answer_page_is_not_invited(self, alice, who):
        from tests.factories import UserFactory

        nobody = UserFactory(username="nobody", first_name="Nobody")
        if who == "deactivated":
            nobody.groups.add(*alice.groups.all())
            nobody.is_active = False
            nobody.save()
        partnership = PartnershipFactory(owner=alice)
        assert nobody not in services.invitable_users()
        assert alice in services.invitable_users()
        with pytest.raises(ValidationError) as refused:
            services.round_open(
                partnership=partnership,
                opened_by=alice,
                opened_on=dt.date(2026, 1, 5),
                closes_on=dt.date(2026, 1, 20),
                users=[alice, nobody],
            )
        assert "Only people with a role in Accord" in refused.value.message_dict["users"][0]
        assert "Nobody" in refused.value.message_dict["users"][0]
        assert not Round.objects.exists()

    def test_a_round_is_sent_to_the_cap_of_addresses_and_not_one_more(self, alice):
        partnership = PartnershipFactory(owner=alice)
        partner = partner_of(partnership)
        cap = services.MAX_ADDRESSES_PER_ROUND
        people = [
            services.PartnerPerson(f"p{n}@partner.example", partner.pk) for n in range(cap + 1)
        ]
        opening = {
            "partnership": partnership,
            "opened_by": alice,
            "opened_on": dt.date(2026, 1, 5),
            "closes_on": dt.date(2026, 1, 20),
        }

        with pytest.raises(ValidationError) as refused:
            services.round_open(**opening, partner_people=people)
        assert refused.value.messages == [
            f"A health check is sent to at most {cap} email addresses; this would make {cap + 1}."
        ]
        assert not Round.objects.exists() and not Respondent.objects.exists()

        health_round = services.round_open(**opening, partner_people=people[:cap])
        assert health_round.respondents.filter(side="partner").count() == cap

        # The cap is the round's: inviting more later does not get round it.
        with pytest.raises(ValidationError):
            services.respondents_invite(health_round=health_round, partner_people=people[cap:])
        assert health_round.respondents.count() == cap


class TestSchedule:
    def test_a_due_cadence_opens_a_round_for_the_usual_respondents(
        self, alice, bob, django_capture_on_commit_callbacks
    ):
        partnership = PartnershipFactory(owner=alice)
        partner = partner_of(partnership)
        Contact.objects.create(partner=partner, name="Ana Lead", email="lead@partner.example")
        services.cadence_set(partnership=partnership, every_months=6, open_for_days=14)

        counts = services.health_checks_run(today=dt.date(2026, 3, 2))

        assert counts["opened"] == 1
        health_round = Round.objects.get(partnership=partnership)
        assert (health_round.opened_on, health_round.closes_on) == (
            dt.date(2026, 3, 2),
            dt.date(2026, 3, 16),
        )
        invited = health_round.respondents.all()
        assert {r.user for r in invited if r.user} == {alice}
        assert {r.email for r in invited if r.email} == {"lead@partner.example"}

    def test_the_next_round_is_due_after_the_cadence_and_invites_the_last_ones(self, alice):
        partnership = PartnershipFactory(owner=alice)
        first = closed_round(partnership, by=alice, ours=[4, 4, 4], opened_on=dt.date(2026, 1, 5))
        Cadence.objects.create(partnership=partnership, every_months=6)

        assert services.health_checks_run(today=dt.date(2026, 7, 4))["opened"] == 0
        assert services.health_checks_run(today=dt.date(2026, 7, 5))["opened"] == 1
        assert services.health_checks_run(today=dt.date(2026, 7, 5))["opened"] == 0

        second = Round.objects.open().get(partnership=partnership)
        assert set(second.respondents.values_list("user", flat=True)) == set(
            first.respondents.values_list("user", flat=True)
        )

    def test_a_round_over_the_cap_is_left_unopened_and_the_others_still_open(self, alice):
        crowded, usual = PartnershipFactory(owner=alice), PartnershipFactory(owner=alice)
        partner = partner_of(crowded)
        Contact.objects.bulk_create(
            Contact(partner=partner, name=f"Person {n}", email=f"p{n}@partner.example")
            for n in range(services.MAX_ADDRESSES_PER_ROUND + 1)
        )
        for partnership in (crowded, usual):
            services.cadence_set(partnership=partnership, every_months=6)
        ending = open_round(
            PartnershipFactory(owner=alice), by=alice, ours=1, closes_on=dt.date(2026, 3, 1)
        )

        counts = services.health_checks_run(today=dt.date(2026, 3, 2))

        assert counts["opened"] == 1 and counts["closed"] == 1
        assert not Round.objects.filter(partnership=crowded).exists()
        assert not Respondent.objects.filter(partner=partner).exists()
        assert Round.objects.open().filter(partnership=usual).exists()
        ending.refresh_from_db()
        assert not ending.is_open

    def test_a_round_past_its_last_day_is_closed(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, ours=1)
        services.health_checks_run(today=health_round.closes_on)
        assert Round.objects.get().is_open
        services.health_checks_run(today=health_round.closes_on + dt.timedelta(days=1))
        assert not Round.objects.get().is_open

    def test_those_who_have_not_answered_are_reminded_once(
        self, alice, django_capture_on_commit_callbacks
    ):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, ours=1, partner=2)
        for respondent in health_round.respondents.all():
            services.invitation_send(respondent_id=respondent.pk)
        answer_all(health_round, partner=[4])  # one of the two partner-side people answers
        mail.outbox.clear()
        near_the_end = health_round.closes_on - dt.timedelta(days=services.REMIND_DAYS_BEFORE)

        assert (
            services.health_checks_run(today=near_the_end - dt.timedelta(days=1))["reminders"] == 0
        )
        to_remind = Respondent.objects.pending().values_list("pk", flat=True)
        for _day in range(2):
            services.health_checks_run(today=near_the_end)
            for respondent_id in to_remind:
                services.reminder_send(respondent_id=respondent_id)

        assert len(mail.outbox) == 2
        assert sorted(queued(REMIND)) == sorted(to_remind)
        assert services.health_checks_run(today=near_the_end)["reminders"] == 0
        partner_mail = next(m for m in mail.outbox if "partner" in m.to[0])
        assert partner_mail.subject.startswith("Rappel")
        # The reminder's link is a new one, and it is the one that works now.
        token = LINK.search(partner_mail.body)[1]
        assert Respondent.objects.filter(token_hash=tokens.digest(token)).exists()

    def test_our_people_find_the_invitation_and_the_reminder_in_their_inbox_once(self, alice):
        health_round = open_round(PartnershipFactory(owner=alice), by=alice, ours=2, partner=3)
        ours = list(health_round.respondents.filter(side="ours"))
        invited = Notification.objects.filter(key=f"health-round:{health_round.pk}:invited")
        assert sorted(invited.values_list("user_id", flat=True)) == sorted(
            respondent.user_id for respondent in ours
        )
        assert invited.first().url == f"/health/rounds/{health_round.pk}/respond/"
        # Only our side has an inbox; partner-side people are emailed.
        assert Notification.objects.filter(kind="health_check").count() == 2

        for respondent in health_round.respondents.all():
            services.invitation_send(respondent_id=respondent.pk)
        services.answers_submit(
            respondent=ours[0],
            ratings=ratings_for(health_round.instrument, 4),
            today=health_round.opened_on,
        )
        near_the_end = health_round.closes_on - dt.timedelta(days=services.REMIND_DAYS_BEFORE)
        services.health_checks_run(today=near_the_end)
        services.health_checks_run(today=near_the_end)

        reminded = Notification.objects.filter(key=f"health-round:{health_round.pk}:reminder")
        assert list(reminded.values_list("user_id", flat=True)) == [ours[1].user_id]

    def test_our_people_get_one_email_per_invitation_the_sweep_never_a_second(self, alice):
        from notifications.services import notifications_email_pending

        health_round = open_round(PartnershipFactory(owner=alice), by=alice, ours=2, partner=0)
        mail.outbox.clear()
        for respondent in health_round.respondents.all():
            services.invitation_send(respondent_id=respondent.pk)
        assert len(mail.outbox) == 2

        # The daily sweep of reminders whose email failed: the inbox rows of
        # the invitations are not reminders waiting for an email.
        assert notifications_email_pending() == 0
        assert len(mail.outbox) == 2


@time_machine.travel(dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_daily_task_runs_the_schedule_for_today(alice):
    from health.tasks import run_health_checks

    partnership = PartnershipFactory(owner=alice)
    Cadence.objects.create(partnership=partnership, every_months=6)
    assert run_health_checks.apply().get() == {
        "closed": 0, "opened": 1, "reminders": 0, "unsent": 0
    }  # fmt: skip
    health_round = Round.objects.get()
    assert health_round.opened_on == dt.date(2026, 1, 10)
    # Each invitation of the round it opened is queued once, not again by the
    # sweep of invitations still owed in the same run.
    respondents = list(health_round.respondents.values_list("pk", flat=True))
    assert respondents and sorted(queued(INVITE)) == sorted(respondents)


def test_users_no_longer_active_are_not_invited_again(alice):
    partnership = PartnershipFactory(owner=alice)
    closed_round(partnership, by=alice, ours=[4, 4, 4])
    leaver = Respondent.objects.filter(side="ours").first().user
    leaver.is_active = False
    leaver.save()
    users, _people = services.usual_respondents(partnership)
    assert leaver not in users and len(users) == 2


def test_an_invitation_the_mail_server_keeps_refusing_is_retried_then_swept_again(
    alice, settings, django_capture_on_commit_callbacks
):
    from health.tasks import send_invitation

    health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1, **running())
    respondent = health_round.respondents.get()
    settings.EMAIL_BACKEND = "tests.health.failing_mail.Backend"

    result = send_invitation.apply(args=[respondent.pk])

    assert result.failed() and isinstance(result.result, OSError)
    respondent.refresh_from_db()
    assert respondent.emailed_at is None
    # The daily task queues it again, and it goes once the server answers.
    assert services.health_checks_run(today=health_round.opened_on)["unsent"] == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_invitation.apply(args=[respondent.pk]).get() is True
    assert len(mail.outbox) == 1
