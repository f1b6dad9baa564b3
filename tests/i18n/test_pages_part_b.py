"""The dashboards, lifecycle, staff-side health, inbox, API-token and calendar
pages read in French, Spanish and Portuguese (issue #16), and so do the
reminders each person is sent: a page is rendered for a person whose chosen
language is one of them, and none of the page's known English labels is left
among the words of its main part, while some of their translations are there.

Only `<main>` is read: the navigation bar around it is base.html's, translated
with the shared pages."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from calendars.feeds import feed_create
from notifications.models import Kind
from reminders import services as reminders
from tests.dashboards.test_partnership_dashboard import MONTHS_2025, assess
from tests.factories import AgreementFactory, partnership_with_data
from tests.notifications.factories import LeadFactory, NotificationFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "es", "pt"]
# Mid-January 2026, as the dashboards' own tests: every month of 2025 has closed.
TODAY = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def january_2026():
    with time_machine.travel(TODAY, tick=False):
        yield


def main_text(response) -> str:
    """The words a reader sees in the page's main part, without scripts and tags."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    page = page[page.index("<main") : page.index("</main>")]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def english_left(text: str, labels: list[str], language: str) -> list[str]:
    """The labels still in English. A label whose translation is the same word
    (Spanish "Global") cannot tell, and is left out."""
    with translation.override(language):
        telling = [label for label in labels if translation.gettext(label) != label]
    assert telling, "no label of the list can tell"
    return [
        label
        for label in telling
        if re.search(r"(?<![\w’'])" + re.escape(label) + r"(?![\w’'])", text)
    ]


def reading_in(user, language, time_zone=""):
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["language", "time_zone"])
    return user


def page_in(client, user, language, url):
    client.force_login(reading_in(user, language))
    return main_text(client.get(url))


@pytest.fixture
def assessed(alice):
    """Alice's partnership with a member, an agreement, metrics and three scorecards."""
    partnership = partnership_with_data(owner=alice, metrics=1, title="Nairobi cardiology")
    assess(MONTHS_2025[-3:])
    return partnership


# --- dashboards ------------------------------------------------------------------------

PARTNERSHIP_DASHBOARD = [
    "Show as table",
    "Metrics against their planned trajectory",
    "Agreement timeline",
    "Members and where they are",
    "Shared working hours today:",
    "Export CSV",
    "Export XLSX",
    "Scorecard PDF",
    "Latest scorecard",
    "Open the scorecard",
    "Scorecard history",
    "Outcomes",
    "Relationship",
    "Agreement",
    "Planned",
    "Actual",
    "Progress",
    "Languages",
    "Time zone",
]
PARTNERSHIP_DASHBOARD_SAYS = {
    "fr": ["Afficher sous forme de tableau", "Chronologie des accords", "Historique des fiches"],
    "es": ["Mostrar como tabla", "Cronología de los acuerdos", "Historial de fichas"],
    "pt": ["Mostrar como tabela", "Cronologia dos acordos", "Histórico das fichas"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partnership_dashboard_is_in_the_readers_language(client, alice, assessed, language):
    text = page_in(client, alice, language, reverse("dashboards:partnership", args=[assessed.pk]))

    assert english_left(text, PARTNERSHIP_DASHBOARD, language) == []
    for words in PARTNERSHIP_DASHBOARD_SAYS[language]:
        assert words in text


PORTFOLIO = [
    "Partnership portfolio",
    "Apply filters",
    "Colour countries by",
    "Latest ratings",
    "Ratings by month",
    "Metrics on track",
    "Committed funding",
    "By region",
    "By partner sector",
    "Best and worst: latest score and trend",
    "Where our partners are: partnerships per country",
    "signed and active agreements, all parties",
    "Show as table",
    "Month",
]
PORTFOLIO_SAYS = {
    "fr": ["Portefeuille de partenariats", "Notations par mois", "Financement engagé"],
    "es": ["Cartera de alianzas", "Calificaciones por mes", "Financiación comprometida"],
    "pt": ["Carteira de parcerias", "Classificações por mês", "Financiamento comprometido"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_portfolio_with_its_chart_titles_is_in_the_readers_language(
    client, erin, assessed, language
):
    text = page_in(client, erin, language, reverse("dashboards:portfolio"))

    assert english_left(text, PORTFOLIO, language) == []
    for words in PORTFOLIO_SAYS[language]:
        assert words in text


def test_the_cached_portfolio_is_kept_apart_per_language(client, erin, bob, assessed):
    """The body is cached: the English one must not be served to a French reader."""
    english = page_in(client, bob, "en-gb", reverse("dashboards:portfolio"))
    french = page_in(client, erin, "fr", reverse("dashboards:portfolio"))

    assert "Ratings by month" in english
    assert "Notations par mois" in french and "Ratings by month" not in french


def test_the_partnership_export_headers_are_in_the_readers_language(client, alice, assessed):
    client.force_login(reading_in(alice, "fr"))

    response = client.get(reverse("dashboards:partnership_csv", args=[assessed.pk]))

    text = response.content.decode("utf-8-sig")
    assert "Fiches d'évaluation" in text and "Début de période" in text
    assert "Period start" not in text


# --- lifecycle -------------------------------------------------------------------------

PIPELINE = ["Pipeline of potential partnerships", "Recently dropped", "Filter", "Every owner"]
WARNINGS = ["Open early warnings", "Mine", "All", "Partnership", "Raised", "Signals"]
FACTORS = [
    "Success and negative factors across the portfolio",
    "Negative (hindered)",
    "Success (helped)",
    "Sources (none ticked: all)",
    "Lessons of ended partnerships",
    "Fit assessments",
    "Kind of partnership",
    "Show",
]
LIFECYCLE_SAYS = {
    "fr": ["Prospects de partenariats potentiels", "Alertes précoces ouvertes", "Facteurs"],
    "es": ["Cartera de alianzas potenciales", "Alertas tempranas abiertas", "Factores"],
    "pt": ["Pipeline de parcerias potenciais", "Alertas precoces abertos", "Fatores"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lifecycle_pages_are_in_the_readers_language(client, alice, assessed, language):
    pipeline = page_in(client, alice, language, reverse("lifecycle:pipeline"))
    warnings = page_in(client, alice, language, reverse("lifecycle:warnings") + "?scope=all")
    factors = page_in(client, alice, language, reverse("lifecycle:factors"))

    assert english_left(pipeline, PIPELINE, language) == []
    assert english_left(warnings, WARNINGS, language) == []
    assert english_left(factors, FACTORS, language) == []
    said = LIFECYCLE_SAYS[language]
    assert said[0] in pipeline and said[1] in warnings and said[2] in factors


def test_a_pipeline_card_counts_its_days_in_the_readers_plural(client, alice):
    partnership_with_data(owner=alice, stage="outreach", title="Kisumu outreach")

    french = page_in(client, alice, "fr", reverse("lifecycle:pipeline"))

    assert re.search(r"\b\d+ jours? à cette étape", french)


# --- health (the staff side) -----------------------------------------------------------

HEALTH = [
    "Health checks",
    "Open a health check",
    "Opened",
    "Last day",
    "Our side answered",
    "Partner side answered",
    "No health check yet.",
    "Schedule",
    "Save schedule",
    "Every (months)",
    "Open for (days)",
]
HEALTH_SAYS = {
    "fr": ["Ouvrir un bilan de santé", "Enregistrer le calendrier"],
    "es": ["Abrir un chequeo de salud", "Guardar la programación"],
    "pt": ["Abrir uma avaliação da saúde", "Guardar o calendário"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_health_checks_of_a_partnership_are_in_the_readers_language(
    client, alice, assessed, language
):
    text = page_in(client, alice, language, reverse("health:partnership", args=[assessed.pk]))

    assert english_left(text, HEALTH, language) == []
    for words in HEALTH_SAYS[language]:
        assert words in text


# --- notifications ---------------------------------------------------------------------

INBOX = [
    "Inbox",
    "Mark all as read",
    "Mark as read",
    "New",
    "Obligation due",
    "Reminders of agreements, obligations, metrics and scorecards that need you. "
    "Each event is reminded once.",
]
INBOX_SAYS = {
    "fr": ["Tout marquer comme lu", "Obligation à échéance"],
    "es": ["Marcar todo como leído", "Obligación pendiente"],
    "pt": ["Marcar tudo como lido", "Obrigação a cumprir"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_inbox_is_in_the_readers_language(client, alice, language):
    NotificationFactory(user=alice, kind=Kind.OBLIGATION_DUE, subject="Due in 7 days: report")

    text = page_in(client, alice, language, reverse("notifications:inbox"))

    assert english_left(text, INBOX, language) == []
    for words in INBOX_SAYS[language]:
        assert words in text


def test_the_inbox_shows_times_in_the_readers_time_zone(client, alice):
    NotificationFactory(
        user=alice, subject="Due tomorrow", created_at=dt.datetime(2026, 1, 9, 12, 0, tzinfo=dt.UTC)
    )
    client.force_login(reading_in(alice, "fr", "Asia/Kolkata"))

    text = main_text(client.get(reverse("notifications:inbox")))

    # Noon in London is 17:30 in Kolkata, and a French reader reads "janv.", not "Jan".
    assert "9 janv. 2026 17:30" in text


@pytest.mark.parametrize(
    "language, one, two",
    [
        ("en-gb", "Marked 1 reminder as read.", "Marked 2 reminders as read."),
        ("fr", "1 rappel marqué comme lu.", "2 rappels marqués comme lus."),
    ],
)
def test_marking_all_as_read_says_how_many_in_the_right_plural(client, alice, language, one, two):
    client.force_login(reading_in(alice, language))
    said = []
    for count in (1, 2):
        NotificationFactory.create_batch(count, user=alice)
        response = client.post(reverse("notifications:read_all"), follow=True)
        said.append([str(message) for message in response.context["messages"]])

    assert said == [[one], [two]]


# --- reminders: the recipient's words, whoever else is told ----------------------------


@pytest.fixture
def led(alice, bob):
    """Alice (French, in Paris) and bob (English) lead the same partnership."""
    partnership = partnership_with_data(owner=alice, title="Cardiac fellowship exchange")
    LeadFactory(partnership=partnership, user=alice, functional_area="clinical")
    LeadFactory(partnership=partnership, user=bob, functional_area="administrative")
    reading_in(alice, "fr", "Europe/Paris")
    reading_in(bob, "en-gb")
    return partnership


def test_a_reminder_email_is_in_its_recipients_language(
    led, alice, bob, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    agreement = AgreementFactory(
        partnership=led,
        title="Exchange MoU",
        expiry_date=today + dt.timedelta(days=30),
        notice_period_days=10,  # its notice period begins later: one reminder each
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send(today=today)

    to = {message.to[0]: message for message in mail.outbox}
    french, english = to["alice@example.org"], to["bob@example.org"]
    assert french.subject == "[Accord] Exchange MoU expire dans 30 jours"
    assert "Bonjour Alice," in french.body
    assert "« Exchange MoU » (Cardiac fellowship exchange) expire le 9 février 2026." in french.body
    assert "Vos rappels :" in french.body and "Your reminders" not in french.body
    assert english.subject == "[Accord] Exchange MoU expires in 30 days"
    assert "expires on 9 February 2026." in english.body
    # Stored in each reader's words, as they were told.
    assert alice.notifications.get().subject == "Exchange MoU expire dans 30 jours"
    assert bob.notifications.get().subject == f"{agreement.title} expires in 30 days"


def test_a_reminder_digest_counts_in_the_readers_plural(rita, assessed):
    from reminders import rules

    reading_in(rita, "fr")

    (draft,) = rules.review_digests(timezone.localdate())

    assert re.fullmatch(r"\d+ fiches? d'évaluation en attente de votre revue", draft.subject)
    assert draft.body.startswith("Période la plus récente d'abord :")


def test_a_health_check_invitation_reaches_our_side_in_their_language(led, alice, bob):
    from health import services as health

    health.round_open(
        partnership=led,
        opened_by=bob,
        opened_on=dt.date(2026, 1, 10),
        closes_on=dt.date(2026, 2, 20),
        users=[alice],
    )

    (note,) = alice.notifications.all()
    assert note.subject == "Bilan de santé : Cardiac fellowship exchange"
    assert "d'ici le 20 février 2026" in note.body


# --- API tokens and the calendar feed --------------------------------------------------

TOKENS = ["API tokens", "New token", "Create token", "No tokens yet.", "Name", "Scope"]
TOKENS_SAYS = {
    "fr": ["Jetons d'API", "Créer le jeton", "Lecture seule"],
    "es": ["Tokens de la API", "Crear token", "Solo lectura"],
    "pt": ["Tokens da API", "Criar token", "Só leitura"],
}
CALENDAR = ["Calendar feed", "Create my feed", "Time zone"]
CALENDAR_SAYS = {
    "fr": ["Flux d'agenda", "Créer mon flux"],
    "es": ["Suscripción de calendario", "Crear mi suscripción"],
    "pt": ["Feed de calendário", "Criar o meu feed"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_token_and_calendar_pages_are_in_the_readers_language(client, alice, language):
    tokens = page_in(client, alice, language, reverse("api_tokens:list"))
    calendar = page_in(client, alice, language, reverse("calendars:preferences"))

    assert english_left(tokens, TOKENS, language) == []
    assert english_left(calendar, CALENDAR, language) == []
    for words in TOKENS_SAYS[language]:
        assert words in tokens
    for words in CALENDAR_SAYS[language]:
        assert words in calendar


def test_the_calendar_feed_speaks_its_subscribers_language(client, alice, led):
    AgreementFactory(partnership=led, title="Exchange MoU", expiry_date=dt.date(2026, 6, 30))
    _, secret = feed_create(user=alice)

    # A calendar program asks in English; the feed is alice's, in French.
    response = client.get(reverse("calendars:feed", args=[secret]), HTTP_ACCEPT_LANGUAGE="en")

    body = response.content.decode().replace("\r\n ", "")
    assert "SUMMARY:Expire : Exchange MoU (Cardiac fellowship exchange)" in body
    assert "Expires:" not in body


def test_an_api_problem_is_titled_in_the_readers_language(client, alice):
    client.force_login(reading_in(alice, "fr"))

    response = client.get("/api/v1/partnerships/999999/", HTTP_ACCEPT="application/json")

    assert response.status_code == 404
    assert response.json()["title"] == "Introuvable"


def test_the_units_of_a_chart_number_read_with_the_readers_decimal_mark():
    from dashboards.templatetags.dashboard_charts import chart_number

    with translation.override("fr"):
        assert chart_number(2.5) == "2,5"
    with translation.override("en-gb"):
        assert chart_number(2.5) == "2.5"
    assert chart_number(Decimal("3")) == "3"


def test_the_scorecard_pdf_is_printed_in_the_readers_language(alice, assessed):
    from dashboards import pdf
    from evaluation.models import Scorecard

    card = Scorecard.objects.filter(partnership=assessed).latest("period_start")

    with translation.override("fr"):
        printed = "\n".join(pdf.render(card).printed)

    assert "Composantes" in printed and "Principaux indicateurs" in printed
    assert "décembre 2025" in printed
    assert "Components" not in printed and "Top metrics" not in printed
