"""Every reminder and email reaches its reader in their own language (Preferences,
else the site's), whoever or whatever set it off: a reviewer reading Accord in
English, or the morning's beat.

Alice reads French, bob Portuguese; the English words beside theirs show that
nothing of the English trigger leaks into what they are sent."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from ops.models import OutboxMessage
from reminders import tasks
from tests.factories import AgreementFactory
from tests.notifications.factories import ScorecardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_and_portuguese(alice, bob, partnership):
    """Alice owns the partnership, in French; bob co-leads it, in Portuguese."""
    for user, language in ((alice, "fr"), (bob, "pt")):
        user.language = language
        user.save(update_fields=["language"])
    return partnership


def by_recipient(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


def test_a_scorecard_returned_by_an_english_reviewer_reaches_each_lead_in_their_language(
    client, rita, alice, bob, french_and_portuguese, django_capture_on_commit_callbacks, mailoutbox
):
    card = ScorecardFactory(partnership=french_and_portuguese, period_start=dt.date(2026, 3, 1))
    client.force_login(rita)  # rita has no language of her own: the browser's, English
    page = client.get(reverse("evaluation:scorecard", args=[card.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en-gb"
    shown = dict(
        re.findall(r'name="(computed_at|review_state)" value="([^"]+)"', page.content.decode())
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation:return", args=[card.pk]),
            shown | {"comment": "Check the referrals."},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 302
    (queued,) = OutboxMessage.objects.filter(task_name=tasks.remind_scorecard_returned.name)
    # The worker runs it with no reader's language of its own: the site's.
    with translation.override("en-gb"), django_capture_on_commit_callbacks(execute=True):
        tasks.remind_scorecard_returned(**queued.kwargs)

    french = alice.notifications.get()
    assert french.subject == "Fiche d'évaluation renvoyée : Cardiac fellowship exchange"
    assert "mars 2026" in french.body and "March" not in french.body
    portuguese = bob.notifications.get()
    assert portuguese.subject == "Ficha de avaliação devolvida: Cardiac fellowship exchange"
    assert "março de 2026" in portuguese.body and "March" not in portuguese.body
    sent = by_recipient(mailoutbox)
    assert sent["alice@example.org"].subject == f"[Accord] {french.subject}"
    assert sent["alice@example.org"].body.startswith("Bonjour Alice,")
    assert sent["bob@example.org"].subject == f"[Accord] {portuguese.subject}"
    assert sent["bob@example.org"].body.startswith("Olá Bob,")


def test_the_mornings_reminders_reach_each_lead_in_their_language(
    alice, bob, french_and_portuguese, django_capture_on_commit_callbacks, mailoutbox
):
    AgreementFactory(
        partnership=french_and_portuguese,
        title="Exchange MoU",
        expiry_date=dt.date(2026, 7, 1),
        notice_period_days=10,  # its notice period begins later: one reminder each
    )
    with (
        time_machine.travel(dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC), tick=False),
        translation.override("en-gb"),  # the beat's worker: the site's language
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.send_daily_reminders()

    sent = by_recipient(mailoutbox)
    french, portuguese = sent["alice@example.org"], sent["bob@example.org"]
    assert french.subject == "[Accord] Exchange MoU expire dans 30 jours"
    assert "expire le 1 juillet 2026." in french.body
    assert portuguese.subject == "[Accord] Exchange MoU expira dentro de 30 dias"
    assert "expira em 1 de julho de 2026." in portuguese.body
    assert "expires" not in french.body + portuguese.body
    assert alice.notifications.get().subject == "Exchange MoU expire dans 30 jours"
    assert bob.notifications.get().subject == "Exchange MoU expira dentro de 30 dias"


def test_someone_without_a_language_of_their_own_is_told_in_the_sites(
    alice, bob, french_and_portuguese, django_capture_on_commit_callbacks, mailoutbox
):
    bob.language = ""
    bob.save(update_fields=["language"])
    AgreementFactory(
        partnership=french_and_portuguese,
        title="Exchange MoU",
        expiry_date=dt.date(2026, 7, 1),
        notice_period_days=10,
    )
    with (
        time_machine.travel(dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC), tick=False),
        translation.override("fr"),  # whatever the worker was left speaking
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.send_daily_reminders()

    assert by_recipient(mailoutbox)["bob@example.org"].subject == (
        "[Accord] Exchange MoU expires in 30 days"
    )
