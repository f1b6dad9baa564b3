"""What the worker writes is read in the reader's language (issue #16): a
scorecard's flags, an early warning's evidence and an assessment run's skip
reasons are stored as phrases (a code and the values it quotes, `core.phrases`)
and put in words when a page, an export, the PDF or the API reads them."""

import datetime as dt
import html
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.phrases import Wording, date, name, number, shown_memo
from evaluation import review, services
from evaluation.codes import FLAG_WORDING, FlagCode, flag_text, skip_text
from evaluation.models import Scorecard
from evaluation.scoring import Flag
from lifecycle import services as lifecycle
from lifecycle.models import EarlyWarning
from lifecycle.rules import evidence_text
from tests.factories import partnership_with_data
from tests.lifecycle.helpers import LAST_MONTH, MONTH_BEFORE, scorecard, watched

pytestmark = pytest.mark.django_db

DECEMBER = dt.date(2025, 12, 1)
TODAY = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


def reading_in(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def assess(month):
    run = services.assessment_run_start(period_start=month)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    return run


# --- the wording, worked by hand -------------------------------------------------------

# A value for each parameter any flag quotes.
VALUES = {
    "title": "MoU 2024",
    "name": "Referrals",
    "description": "Annual report",
    "factor": "Trust",
    "notice": 90,
    "due": date(dt.date(2027, 1, 9)),
    "progress": number(Decimal("20"), 0),
    "planned": number(Decimal("49"), 0),
    "previous": number(Decimal("4.1"), 1),
    "now": number(Decimal("2.8"), 1),
    "gap": number(Decimal("1.5"), 1),
}


@pytest.mark.parametrize("language", ["fr", "es", "pt"])
@pytest.mark.parametrize("code", FlagCode.values)
def test_every_flag_reads_in_each_language_with_its_values(code, language):
    flag = FLAG_WORDING.phrase(code, count=2, **VALUES)

    with translation.override(language):
        text = flag_text(flag)

    assert text and text != flag["message"]
    for value in ("MoU 2024", "Referrals", "Annual report", "Trust"):
        assert (value in flag["message"]) == (value in text)


def test_numbers_and_dates_follow_the_readers_locale():
    overdue = FLAG_WORDING.phrase("health_fell", **VALUES)
    due = FLAG_WORDING.phrase("objective_overdue", title="Clinic", due=date(dt.date(2027, 1, 9)))

    assert overdue["message"] == "Trust fell from 4.1 to 2.8."
    assert due["message"] == "Objective “Clinic” was due 9 January 2027 and is not achieved."
    with translation.override("fr"):
        assert "4,1" in flag_text(overdue) and "2,8" in flag_text(overdue)
        assert "9 janvier 2027" in flag_text(due)
    with translation.override("es"):
        assert "9 de enero de 2027" in flag_text(due)


def test_an_exports_memo_writes_each_number_and_date_as_the_reader_would_once():
    """`shown_memo` (an export's) writes what `flag_text` writes, in the
    language active; a value met again comes from the memo, not formatted again."""
    overdue = FLAG_WORDING.phrase("health_fell", **VALUES)
    due = FLAG_WORDING.phrase("objective_overdue", title="Clinic", due=date(dt.date(2027, 1, 9)))
    with translation.override("fr"):
        shown = shown_memo()
        for flag in (overdue, due, overdue, due):
            assert flag_text(flag, shown=shown) == flag_text(flag)
        assert (
            flag_text(due, shown=shown)
            == "L'objectif « Clinic » était attendu le 9 janvier 2027 et n'est pas atteint."
        )
    calls = []
    with translation.override("es"):
        shown = shown_memo()
        with mock.patch("core.phrases._shown", side_effect=lambda v: calls.append(v) or "X"):
            texts = [flag_text(due, shown=shown) for _ in range(3)]
    assert calls == [{"date": "2027-01-09"}]
    assert len(set(texts)) == 1


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en-gb", "for the last period.", "for the last 2 periods."),
        ("fr", "pour la dernière période.", "pour les 2 dernières périodes."),
        ("es", "en el último periodo.", "en los últimos 2 periodos."),
        ("pt", "no último período.", "nos últimos 2 períodos."),
    ],
)
def test_counts_take_the_readers_plural(language, one, two):
    with translation.override(language):
        assert flag_text(FLAG_WORDING.phrase("not_reported", name="X", count=1)).endswith(one)
        assert flag_text(FLAG_WORDING.phrase("not_reported", name="X", count=2)).endswith(two)


def test_a_flag_stored_before_phrases_reads_as_it_was_written():
    old = {"code": "health_fell", "severity": "warning", "message": "Trust fell from 4.1 to 2.8."}
    unknown = {"code": "retired_code", "params": {}, "message": "Something old."}

    with translation.override("fr"):
        assert flag_text(old) == "Trust fell from 4.1 to 2.8."
        assert flag_text(unknown) == "Something old."


def test_the_stored_english_is_the_wording_said_in_english():
    flag = Flag(FlagCode.NOT_REPORTED, "warning", {"name": "Referrals", "count": 3})

    stored = flag.as_json()

    assert stored["params"] == {"name": "Referrals", "count": 3}
    assert stored["message"] == "“Referrals” not reported for the last 3 periods."
    with translation.override("fr"):
        # The English stays English whatever language the worker runs in.
        assert Flag(FlagCode.NO_AGREEMENT, "critical").message == "No agreement is in force."


def test_wordings_combine_and_a_later_one_wins():
    first = Wording({"a": "A %(x)s"})
    both = Wording(first, {"b": "B %(x)s"})

    assert both.say({"code": "a", "params": {"x": 1}}) == "A 1"
    assert both.say({"code": "b", "params": {"x": 2}}) == "B 2"


# --- a scorecard computed by a real run, read everywhere ---------------------------------


@pytest.fixture
def noticed(alice):
    """A December 2025 scorecard flagging an agreement 45 days from its end, in its
    90-day notice period."""
    partnership = partnership_with_data(owner=alice, metrics=1, title="Nairobi cardiology")
    partnership.agreements.update(
        title="Exchange MoU",
        expiry_date=dt.date(2026, 2, 14),
        notice_period_days=90,
        auto_renewal=False,
    )
    with time_machine.travel(TODAY, tick=False):
        assess(DECEMBER)
    card = Scorecard.objects.get(partnership=partnership, period_start=DECEMBER)
    [notice] = [flag for flag in card.flags if flag["code"] == "agreement_notice"]
    assert notice["message"] == (
        "“Exchange MoU” expires in 45 days: its 90-day notice period has begun."
    )
    return card


FRENCH_NOTICE = "« Exchange MoU » expire dans 45 jours : son préavis de 90 jours a commencé."


def page(client, user, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_scorecard_and_the_dashboard_say_the_flags_in_french(client, alice, noticed):
    client.force_login(reading_in(alice, "fr"))

    for url in (
        reverse("evaluation:scorecard", args=[noticed.pk]),
        reverse("dashboards:partnership", args=[noticed.partnership_id]),
    ):
        text = page(client, alice, url)
        assert FRENCH_NOTICE in text, url
        assert "notice period has begun" not in text, url


def test_the_review_queue_says_the_flags_in_spanish(client, rita, noticed):
    client.force_login(reading_in(rita, "es"))

    text = page(client, rita, reverse("evaluation:review_queue"))

    assert "«Exchange MoU» vence en 45 días: su preaviso de 90 días ha comenzado." in text


def test_the_export_and_the_pdf_say_the_flags_in_french(client, alice, noticed):
    from dashboards import pdf

    client.force_login(reading_in(alice, "fr"))
    csv = client.get(reverse("dashboards:partnership_csv", args=[noticed.partnership_id]))
    with translation.override("fr"):
        printed = "\n".join(pdf.render(noticed).printed)

    assert FRENCH_NOTICE in csv.content.decode("utf-8-sig")
    assert FRENCH_NOTICE in printed


def test_the_api_gives_the_english_the_values_and_the_readers_words(client, alice, noticed):
    client.force_login(reading_in(alice, "pt"))

    body = client.get(f"/api/v1/scorecards/{noticed.pk}/", HTTP_ACCEPT="application/json").json()

    [notice] = [flag for flag in body["flags"] if flag["code"] == "agreement_notice"]
    assert notice["params"] == {"title": "Exchange MoU", "count": 45, "notice": 90}
    assert notice["message"].startswith("“Exchange MoU” expires in 45 days")
    assert notice["text"] == (
        "“Exchange MoU” expira em 45 dias: o seu pré-aviso de 90 dias já começou."
    )


def test_a_runs_skip_reasons_read_in_french(client, erin, rita, noticed):
    review.scorecard_approve(scorecard_id=noticed.pk, reviewer=rita)
    with time_machine.travel(TODAY, tick=False):
        run = assess(DECEMBER)
    run.refresh_from_db()
    [skipped] = run.skipped
    assert skipped["reason"] == "Approved already; kept as approved."
    client.force_login(reading_in(erin, "fr"))

    text = page(client, erin, reverse("evaluation:run", args=[run.pk]))

    assert "Nairobi cardiology — Déjà approuvée ; conservée telle quelle." in text
    with translation.override("fr"):
        # A run recorded before the codes keeps its English reason.
        assert skip_text({"partnership": 1, "reason": "Old words."}) == "Old words."


# --- an early warning's evidence -------------------------------------------------------


def test_a_warnings_evidence_reads_in_the_readers_language(client, alice):
    partnership = watched(alice)
    scorecard(partnership, MONTH_BEFORE, health=80)
    off_track = FLAG_WORDING.phrase(
        "metric_off_track", name="Referrals", progress=number(20, 0), planned=number(60, 0)
    )
    scorecard(partnership, LAST_MONTH, health=60, flags=[off_track | {"severity": "warning"}])
    client.force_login(reading_in(alice, "fr"))

    [warning] = lifecycle.early_warnings_raise(today=dt.date(2026, 11, 20))

    assert [signal["evidence"] for signal in warning.signals] == [
        "Relationship health fell from 80 to 60.",
        "“Referrals” is at 20% of its target where 60% was planned by now.",
    ]
    told = alice.notifications.get().body
    shown = page(client, alice, reverse("lifecycle:warning_detail", args=[warning.pk]))
    for text in (told, shown):
        assert "La santé de la relation est passée de 80 à 60." in text
        assert (
            "« Referrals » en est à 20\u00a0% de sa cible alors que 60\u00a0% étaient prévus"
            in text
        )
        assert "Relationship health fell" not in text


def test_a_warning_raised_before_phrases_reads_as_it_was_written(alice):
    warning = EarlyWarning(
        partnership=watched(alice),
        raised_on=dt.date(2026, 1, 5),
        signals=[{"code": "falling_health", "evidence": "Relationship health fell from 80 to 60."}],
        evidence_key="2025-12:falling_health",
    )

    with translation.override("fr"):
        assert evidence_text(warning.signals[0]) == "Relationship health fell from 80 to 60."


def test_a_name_kept_in_several_languages_reads_in_the_readers_or_as_written():
    trust = name("Trust", {"fr": "Confiance"})
    fell = FLAG_WORDING.phrase(
        "health_fell", factor=trust, previous=VALUES["previous"], now=VALUES["now"]
    )

    assert fell["message"] == "Trust fell from 4.1 to 2.8."
    with translation.override("fr"):
        assert flag_text(fell).startswith("Confiance")
        assert flag_text(fell, shown=shown_memo()) == flag_text(fell)
    with translation.override("es"):
        assert flag_text(fell).startswith("Trust")
    # A name with no translations is stored as plain text, as before.
    assert name("Trust") == "Trust"
