"""The shared pages, accounts, partnerships, evaluation and audit read in French,
Spanish and Portuguese (issue #16): a page is rendered for a person whose chosen
language is one of them, and none of the page's known English labels is left
among the words shown, while some of their translations are there."""

import csv
import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import Role
from dashboards import pdf
from evaluation.models import Scorecard
from partnerships import imports
from partnerships.models import AgreementParty, Obligation
from tests.dashboards.test_partnership_dashboard import (
    MONTHS_2025,
    assess,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.factories import (
    AgreementFactory,
    PartnerFactory,
    partnership_with_data,
    user_with_role,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "es", "pt"]
DECEMBER = MONTHS_2025[-1]

# The navigation bar and menus of every signed-in page (base.html).
NAVBAR = [
    "Dashboards",
    "Partnerships",
    "Partners",
    "Lifecycle",
    "Pipeline of potential partnerships",
    "Board by stage",
    "Early warnings",
    "My health checks",
    "Success and negative factors",
    "Inbox",
    "Preferences",
    "Two-factor authentication",
    "Change password",
    "Sessions and sign out everywhere",
    "Calendar feed",
    "API tokens",
    "Sign out",
]


def shown(response) -> str:
    """The words a reader sees: the page without its scripts, styles and tags."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def english_left(text: str, labels: list[str], language: str) -> list[str]:
    """The labels still in English on the page. A label whose translation is the
    same word (French "Audit") cannot tell, and is left out."""
    with translation.override(language):
        telling = [label for label in labels if translation.gettext(label) != label]
    return [
        label
        for label in telling
        if re.search(r"(?<![\w’'])" + re.escape(label) + r"(?![\w’'])", text)
    ]


def reading_in(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def assert_translated(response, labels, language, wanted):
    assert response.status_code in (200, 400), response.status_code
    text = shown(response)
    assert english_left(text, labels, language) == []
    for translated in wanted[language]:
        assert translated in text, (language, translated)


@pytest.fixture
def partnership(alice):
    partnership = partnership_with_data(owner=alice, title="Hôpital de Dakar")
    return partnership


# --- shared pages and accounts ----------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_portfolio_and_the_navigation_read_in_the_users_language(client, alice, language):
    client.force_login(reading_in(alice, language))
    response = client.get(reverse("home"))
    # The tiles counting the partnerships of each lifecycle family too.
    families = ["Potential", "Active", "Struggling", "Ended"]
    labels = [*NAVBAR, *families, "Partnership portfolio", "Agreements expiring in the next"]
    assert_translated(
        response,
        [*labels, "None."],
        language,
        {
            "fr": ["Portefeuille de partenariats", "Se déconnecter", "Potentiel", "En difficulté"],
            "es": ["Cartera de alianzas", "Cerrar sesión", "Potencial", "En dificultades"],
            "pt": ["Carteira de parcerias", "Terminar sessão", "Potencial", "Em dificuldades"],
        },
    )


def test_the_sign_in_page_is_french_for_a_french_browser(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    text = shown(response)
    assert response["Content-Language"] == "fr"
    labels = [
        "Sign in to Accord",
        "Sign in",
        "Forgotten your password?",
        "Accounts are created by your Accord administrators.",
        "Username or email",
        "Password",
    ]
    assert english_left(text, labels, "fr") == []
    assert "Se connecter à Accord" in text
    assert "Nom d'utilisateur ou e-mail" in text
    assert "Mot de passe oublié ?" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_not_found_and_no_role_pages_are_translated(client, alice, nora, language):
    client.force_login(reading_in(alice, language))
    response = client.get("/partners/999999999/")
    assert response.status_code == 404
    assert english_left(shown(response), ["Not found", "Back to the portfolio"], language) == []
    client.force_login(reading_in(nora, language))
    response = client.get(reverse("home"))
    assert english_left(shown(response), ["You have no role in Accord yet"], language) == []


# --- partnerships -----------------------------------------------------------------

PARTNER_LIST = [
    "New partner",
    "Import",
    "Name, city or expertise",
    "Country",
    "Region",
    "Sector",
    "Organisation type",
    "Sort by",
    "Filter",
    "Name",
    "Kind",
    "City",
    "Any country",
    "Any sector",
    "Any type",
    "Any region",
    "Newest first",
    "partners.",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partner_list_is_translated(client, alice, language):
    PartnerFactory(name="Kenyatta National Hospital", country="KE")
    PartnerFactory(name="Makerere University", country="UG")
    client.force_login(reading_in(alice, language))
    response = client.get(reverse("partnerships:partner_list"))
    assert_translated(
        response,
        PARTNER_LIST,
        language,
        {
            "fr": ["Nouveau partenaire", "2 partenaires.", "Trier par", "Tous les secteurs"],
            "es": ["Nuevo socio", "2 socios.", "Ordenar por", "Cualquier sector"],
            "pt": ["Novo parceiro", "2 parceiros.", "Ordenar por", "Qualquer setor"],
        },
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partner_page_is_translated(client, alice, partnership, language):
    partner = partnership.members.get().partner
    client.force_login(reading_in(alice, language))
    response = client.get(reverse("partnerships:partner_detail", args=[partner.pk]))
    labels = [
        "Edit",
        "Kind",
        "Organisation type",
        "Sector",
        "Place",
        "Languages",
        "Time zone",
        "Website",
        "Contacts",
        "No contacts.",
        "Partnership",
        "Role",
        "Stage",
        "Agreements",
        "Agreement",
        "Status",
        "Term",
        "Party to no agreement.",
        "History",
        "Lead",
        "Active",
    ]
    assert_translated(
        response,
        labels,
        language,
        {
            # A record's history is ours, not the admin's ("História" in Portuguese).
            "fr": ["Type d'organisation", "Fuseau horaire", "Chef de file", "Historique"],
            "es": ["Tipo de organización", "Zona horaria", "Líder", "Historial"],
            "pt": ["Tipo de organização", "Fuso horário", "Líder", "Histórico"],
        },
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partner_form_with_errors_is_translated(client, alice, language):
    PartnerFactory(name="Kenyatta National Hospital", country="KE")
    client.force_login(reading_in(alice, language))
    response = client.post(
        reverse("partnerships:partner_create"),
        {"name": "Kenyatta National Hospital", "country": "KE", "kind": "hospital"},
    )
    assert response.status_code == 400
    labels = [
        "New partner",
        "Name",
        "Kind",
        "IATI organisation type",
        "Sector",
        "Country",
        "Languages",
        "Time zone",
        "Expertise",
        "Website",
        "Notes",
        "Save",
        "Cancel",
        "This field is required.",
        "Hold Ctrl (⌘ on a Mac) to choose several.",
        "Separate the areas with commas, e.g. cardiology, nursing.",
        "A partner with this name already exists in this country.",
    ]
    assert_translated(
        response,
        labels,
        language,
        {
            "fr": ["Ce champ est obligatoire.", "Type d'organisation IATI", "Ville", "Enregistrer"],
            "es": ["Este campo es", "Tipo de organización IATI", "Ciudad", "Guardar"],
            "pt": ["Este campo é obrigatório.", "Tipo de organização IATI", "Cidade", "Cancelar"],
        },
    )


def test_a_form_error_of_the_model_reads_in_french(client, alice):
    PartnerFactory(name="Kenyatta National Hospital", country="KE")
    client.force_login(reading_in(alice, "fr"))
    response = client.post(
        reverse("partnerships:partner_create"),
        {
            "name": "Kenyatta National Hospital",
            "country": "KE",
            "kind": "hospital",
            "organisation_type": "10",
            "sector": "government",
            "time_zone": "Africa/Nairobi",
        },
    )
    assert response.status_code == 400
    text = shown(response)
    assert "Un partenaire portant ce nom existe déjà dans ce pays." in text
    assert "already exists" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partnership_page_is_translated(client, alice, partnership, language):
    client.force_login(reading_in(alice, language))
    response = client.get(reverse("partnerships:partnership_detail", args=[partnership.pk]))
    labels = [
        "Measurements",
        "Edit",
        "Change stage",
        "Members",
        "Dyad co-leads",
        "No co-leads.",
        "Benefits sought",
        "New agreement",
        "Objectives and metrics",
        "Baseline",
        "Target",
        "Progress",
        "Add a metric",
        "Add metric",
        "Add an objective",
        "Add objective",
        "Stage changes",
        "No stage changes.",
        "Expires",
        "On track",
        "Active",
        "Quarterly",
    ]
    assert_translated(
        response,
        labels,
        language,
        {
            "fr": ["Objectifs et indicateurs", "Ajouter un indicateur", "Changer d'étape"],
            "es": ["Objetivos e indicadores", "Añadir un indicador", "Cambiar de etapa"],
            "pt": ["Objetivos e indicadores", "Adicionar um indicador", "Mudar de etapa"],
        },
    )


SPOKEN = {
    "fr": {"Fil d'Ariane", "Progression vers la cible", "Menu"},
    "es": {"Ruta de navegación", "Avance hacia la meta", "Menú"},
    "pt": {"Trilha de navegação", "Progresso em direção à meta", "Menu"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_a_screen_reader_says_of_the_page_is_translated(client, alice, partnership, language):
    """The labels a screen reader speaks but nobody sees (`aria-label`)."""
    client.force_login(reading_in(alice, language))
    spoken = set()
    for url in (
        reverse("partnerships:partnership_detail", args=[partnership.pk]),
        reverse("dashboards:partnership", args=[partnership.pk]),
    ):
        page = client.get(url).content.decode()
        spoken |= {html.unescape(label) for label in re.findall(r'aria-label="([^"]*)"', page)}

    assert SPOKEN[language] <= spoken
    assert not spoken & {"breadcrumb", "Breadcrumb", "Progress to target"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agreement_page_is_translated(client, alice, partnership, language):
    agreement = AgreementFactory(
        partnership=partnership,
        status="active",
        effective_date=dt.date(2025, 1, 1),
        expiry_date=dt.date(2027, 12, 31),
        notice_period_days=90,
    )
    client.force_login(reading_in(alice, language))
    response = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))
    labels = [
        "Edit",
        "Kind",
        "Reference",
        "Goals",
        "Signed on",
        "Effective",
        "Notice period",
        "Renewal",
        "No automatic renewal",
        "Governing law",
        "Language",
        "Parties",
        "No parties recorded.",
        "Obligations",
        "No obligations recorded.",
        "Timeline",
        "In effect",
        "Signed document",
        "No signed document yet.",
        "Upload",
        "Amendments and renewals",
        "History",
        "Last day for notice",
        "days",
    ]
    assert_translated(
        response,
        labels,
        language,
        {
            "fr": ["90 jours", "Chronologie", "Dernier jour pour le préavis (90 jours)"],
            "es": ["90 días", "Cronología", "Último día para el preaviso (90 días)"],
            "pt": ["90 dias", "Cronologia", "Último dia para o aviso prévio (90 dias)"],
        },
    )


def test_the_new_agreement_form_names_its_unsaved_parties_in_portuguese(client, alice, partnership):
    """An obligation's party is chosen among the form's rows; a row not yet
    saved is named by its number, in the reader's words."""
    client.force_login(reading_in(alice, "pt"))
    response = client.get(reverse("partnerships:agreement_create", args=[partnership.pk]))
    text = shown(response)
    assert "Party in row" not in text
    assert "1 · Parte da linha 1" in text


@pytest.mark.parametrize(
    ("language", "amount", "everyone"),
    [
        ("en-gb", "90,000.00 EUR", "All parties"),
        ("fr", "90\xa0000,00 EUR", "Toutes les parties"),
        ("es", "90\xa0000,00 EUR", "Todas las partes"),
        ("pt", "90.000,00 EUR", "Todas as partes"),
    ],
)
def test_an_agreements_money_and_shared_obligations_read_in_the_readers_words(
    client, alice, partnership, language, amount, everyone
):
    agreement = AgreementFactory(partnership=partnership)
    party = AgreementParty.objects.create(
        agreement=agreement,
        is_our_organisation=True,
        contribution_kind="financial",
        contribution_amount=Decimal("90000"),
        contribution_currency="EUR",
    )
    Obligation.objects.create(
        agreement=agreement, description="Report", due_date=dt.date(2026, 3, 1)
    )
    client.force_login(reading_in(alice, language))
    page = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))
    text = html.unescape(page.content.decode())
    assert party.contribution_amount == Decimal("90000")
    # Grouped as the reader's language groups thousands, not "90000.00".
    assert amount in text
    # An obligation all parties owe says so in the reader's words.
    assert f"<td>{everyone}</td>" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_measurement_grid_is_translated(client, alice, partnership, language):
    client.force_login(reading_in(alice, language))
    response = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk]))
    labels = ["Import measurements", "Back to the partnership", "Earlier", "Quarterly"]
    assert_translated(
        response,
        labels,
        language,
        {
            "fr": ["Importer des mesures", "Trimestrielle"],
            "es": ["Importar mediciones", "Trimestral"],
            "pt": ["Importar medições", "Trimestral"],
        },
    )
    # What a screen reader says of the periods' buttons.
    named = {
        "fr": "Périodes (Trimestrielle)",
        "es": "Periodos (Trimestral)",
        "pt": "Períodos (Trimestral)",
    }
    assert f'aria-label="{named[language]}"' in response.content.decode()


def test_an_import_refused_for_its_bad_rows_is_reported_in_french(client, alice):
    PartnerFactory(name="Kenyatta National Hospital", country="KE")
    good = ["Moi Teaching Hospital", "hospital", "10", "government", "KE", "Eldoret", "en; sw",
            "Africa/Nairobi", "surgery; nursing", "https://mtrh.go.ke"]  # fmt: skip
    bad = [*good]
    bad[3], bad[7] = "charity", "Mars/Olympus"
    rows = [imports.COLUMNS, good, bad, ["KENYATTA national hospital", *good[1:]]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    upload = SimpleUploadedFile("partenaires.csv", out.getvalue().encode(), "text/csv")
    client.force_login(reading_in(alice, "fr"))
    response = client.post(reverse("partnerships:partner_import"), {"file": upload})
    assert response.status_code == 400
    text = shown(response)
    assert "Rien n'a été importé : le fichier comporte 4 problèmes." in text
    assert (
        "« charity » ne fait pas partie des secteurs proposés : "
        "Non lucratif, Industrie, Pouvoirs publics, Universitaire." in text
    )
    assert "« Mars/Olympus » n'est pas un fuseau horaire" in text
    assert "Même nom et même pays que la ligne 2 de ce fichier." in text
    assert "Un partenaire portant ce nom existe déjà dans ce pays." in text
    labels = ["Nothing was imported", "Row", "Column", "Problem", "Value given", "Import partners"]
    assert english_left(text, labels, "fr") == []


def test_an_english_label_in_a_file_still_imports_for_a_french_reader(client, alice):
    row = ["Makerere University", "University", "Academic, training and research",
           "ACADEMIC", "UG", "Kampala", "en", "Africa/Kampala", "public health", ""]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([imports.COLUMNS, row])
    upload = SimpleUploadedFile("partners.csv", out.getvalue().encode(), "text/csv")
    client.force_login(reading_in(alice, "fr"))
    response = client.post(reverse("partnerships:partner_import"), {"file": upload})
    assert response.status_code == 302
    page = client.get(response.url)
    assert "1 partenaire importé." in shown(page)


# --- evaluation -------------------------------------------------------------------


@pytest.fixture
def card(alice, partnership):
    assess([DECEMBER])
    return Scorecard.objects.select_related("partnership", "reviewer", "policy").get(
        partnership=partnership, period_start=DECEMBER
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_assessments_page_is_translated(client, rita, card, language):
    client.force_login(reading_in(rita, language))
    response = client.get(reverse("evaluation:runs"))
    labels = [
        "Assessments",
        "Run now",
        "Month to assess",
        "Start the assessment",
        "Month",
        "Status",
        "Started",
        "Assessed",
        "Skipped",
        "Failed",
        "Policy",
        "Schedule",
        "Completed",
    ]
    assert_translated(
        response,
        labels,
        language,
        {
            "fr": ["Lancer l'évaluation", "décembre 2025"],
            "es": ["Iniciar la evaluación", "diciembre de 2025"],
            "pt": ["Iniciar a avaliação", "dezembro de 2025"],
        },
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_review_queue_and_the_scorecard_are_translated(client, rita, card, language):
    client.force_login(reading_in(rita, language))
    queue = client.get(reverse("evaluation:review_queue"))
    labels = [
        "Scorecards awaiting review",
        "Partnership",
        "Rating",
        "With warnings only",
        "Filter",
        "awaiting review.",
        "Score",
        "Since last",
        "Flags",
        "Owner",
        "Any rating",
        "Not rated",
    ]
    assert_translated(
        queue,
        labels,
        language,
        {
            "fr": ["Fiches d'évaluation en attente de revue", "Toute notation"],
            "es": ["Fichas de evaluación pendientes de revisión", "Cualquier calificación"],
            "pt": ["Fichas de avaliação a aguardar revisão", "Qualquer classificação"],
        },
    )
    page = client.get(reverse("evaluation:scorecard", args=[card.pk]))
    labels = [
        "Review queue",
        "Overall",
        "Outcomes",
        "Objectives",
        "Relationship",
        "Agreement",
        "Outcome metrics",
        "Baseline → target",
        "Latest values",
        "Progress",
        "Planned",
        "Approve",
        "Return to the owner",
        "Return with this comment",
        "Override the rating and approve",
        "Override and approve",
        "Recompute from today's data",
        "What should the owner look at?",
        "Justification",
        "History",
        "In review",
    ]
    assert_translated(
        page,
        labels,
        language,
        {
            "fr": ["Indicateurs de résultat", "Approuver", "Renvoyer au responsable"],
            "es": ["Indicadores de resultado", "Aprobar", "Devolver al responsable"],
            "pt": ["Indicadores de resultado", "Aprovar", "Devolver ao responsável"],
        },
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scoring_policy_form_with_errors_is_translated(client, rita, language):
    client.force_login(reading_in(rita, language))
    response = client.post(reverse("evaluation:policy"), {"name": ""})
    labels = [
        "Scoring policy",
        "Publish a new version",
        "Weights of the components",
        "Bands and thresholds",
        "Early warning",
        "Relationship health",
        "Green from (score)",
        "On-track tolerance",
        "Warn of an expiry (days ahead)",
        "Signals together that raise a warning",
        "This field is required.",
        "Versions",
        "Warning",
    ]
    assert_translated(
        response,
        labels,
        language,
        {
            "fr": ["Poids des composantes", "Ce champ est obligatoire."],
            "es": ["Pesos de los componentes", "Este campo es"],
            "pt": ["Pesos dos componentes", "Este campo é obrigatório."],
        },
    )


def test_the_scorecard_pdf_reads_in_french(client, alice, card):
    client.force_login(reading_in(alice, "fr"))
    response = client.get(reverse("dashboards:scorecard_pdf", args=[card.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with translation.override("fr"):
        lines = "\n".join(pdf.render(card).printed)
    for french in [
        "Fiche d'évaluation du partenariat",
        "décembre 2025 (provisoire, pas encore approuvée)",
        "Composantes",
        "Résultats",
        "Principaux indicateurs",
        "Indicateur",
        "Pas encore approuvée",
        "Calculée le",
    ]:
        assert french in lines, french
    for english in ["Partnership scorecard", "Components", "Top metrics", "Not yet approved"]:
        assert english not in lines
    # The served file itself, its text read back from the PDF.
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Composantes" in text
    assert "Principaux indicateurs" in text


# --- audit ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_trail_is_translated(client, language):
    ada = user_with_role("ada", Role.ADMINISTRATOR, first_name="Ada")
    PartnerFactory(name="Kenyatta National Hospital", country="KE")
    client.force_login(reading_in(ada, language))
    response = client.get(reverse("audit:events"))
    labels = [
        "Audit trail",
        "Export CSV",
        "Person",
        "Kind of record",
        "Record id",
        "Change",
        "Since",
        "Until",
        "Filter",
        "When",
        "Record",
        "By",
        "What changed",
        "Anyone",
        "Created",
        "the system",
    ]
    assert_translated(
        response,
        labels,
        language,
        {
            "fr": ["Piste d'audit", "Exporter en CSV", "Ce qui a changé"],
            "es": ["Registro de auditoría", "Exportar CSV", "Qué cambió"],
            "pt": ["Registo de auditoria", "Exportar CSV", "O que mudou"],
        },
    )
    export = client.get(reverse("audit:export"))
    header = export.content.decode("utf-8-sig").splitlines()[0]
    with translation.override(language):
        assert header.startswith(translation.gettext("When (UTC)"))


@pytest.mark.parametrize(
    ("language", "names"),
    [("en-gb", ["Green", "Amber", "Red"]), ("fr", ["Vert", "Orange", "Rouge"])],
)
def test_a_ratings_badge_names_it_in_the_readers_language(client, rita, card, language, names):
    client.force_login(reading_in(rita, language))
    url = reverse("evaluation:scorecard", args=[card.pk])

    for rating, name in zip(["green", "amber", "red"], names, strict=True):
        Scorecard.objects.filter(pk=card.pk).update(rating=rating)
        page = client.get(url).content.decode()
        assert f'<span class="badge rating-{rating}">{name}</span>' in page


@pytest.mark.parametrize(
    "language, following", [("fr", "Suivant"), ("es", "Siguiente"), ("pt", "Seguinte")]
)
def test_the_pages_of_a_list_are_turned_in_the_readers_language(client, alice, language, following):
    PartnerFactory.create_batch(26)  # a list of 25 a page
    client.force_login(reading_in(alice, language))
    html = client.get(reverse("partnerships:partner_list")).content.decode()
    assert f">{following}</a>" in html
    assert ">Next</a>" not in html


@pytest.mark.parametrize(
    ("language", "croatian", "english", "euro"),
    [
        ("en-gb", "Croatian", "English", "EUR — Euro"),
        ("fr", "croate", "anglais", "EUR — euro"),
        ("pt", "croata", "inglês", "EUR — euro"),
    ],
)
def test_languages_and_currencies_are_named_in_the_readers_language(
    client, alice, partnership, language, croatian, english, euro
):
    partner = PartnerFactory(languages=["en", "hr"])
    agreement = AgreementFactory(partnership=partnership)
    client.force_login(reading_in(alice, language))
    form = client.get(reverse("partnerships:partner_edit", args=[partner.pk])).content.decode()
    assert re.search(rf'<option value="hr"[^>]*>{croatian}</option>', form)
    shown = html.unescape(
        client.get(reverse("partnerships:partner_detail", args=[partner.pk])).content.decode()
    )
    assert f"{english}, {croatian}" in shown
    party = client.get(reverse("partnerships:agreement_edit", args=[agreement.pk]))
    assert f'<option value="EUR">{euro}</option>' in html.unescape(party.content.decode())


def test_an_import_takes_a_language_by_its_english_name_or_the_uploaders():
    with translation.override("fr"):
        assert imports._languages("Croatian, croate, anglais, xx") == (["hr", "hr", "en"], ["xx"])


def test_a_portuguese_import_takes_a_language_as_portugal_or_brazil_writes_it():
    """Accord's Portuguese is Portugal's ("neerlandês", "polaco"); a file from a
    Brazilian partner writes "holandês", "polonês"."""
    with translation.override("pt"):
        assert imports._languages("neerlandês, Holandês, polaco, polonês, checo, tcheco") == (
            ["nl", "nl", "pl", "pl", "cs", "cs"],
            [],
        )
    # Each language's own names only: Brazil's spelling is not read from a French file.
    with translation.override("fr"):
        assert imports._languages("holandês") == ([], ["holandês"])
