"""The demo portfolio: fictional partners, partnerships, agreements, objectives,
outcome metrics and measurements, and one sign-in per role.

The data is plain Python below; `build_demo` turns it into rows through the same
services user input goes through, so the demo passes the same validation.

Dates are offsets from the day the demo is built (`months(-18)`, `days(45)`), so
the demo always has current agreements and recently closed periods. Every row
has a natural key (a partner's name and country, a partnership's title, an
agreement's reference, …): a row that already exists is left as it is, so a
second run on the same day changes nothing, and a run on a later day only adds
the periods that have closed since. Measured values come from a random
generator seeded by the metric, never from what the database holds.

All organisations and people are invented; any likeness to a real one is
unintended.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections import Counter
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Role

from . import services
from .models import (
    SIGNED_STATUSES,
    Aggregation,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Benefit,
    ChangeKind,
    ContributionKind,
    Direction,
    LeadArea,
    MemberRole,
    Objective,
    ObjectiveStatus,
    OrganisationType,
    OutcomeMetric,
    Partner,
    PartnerKind,
    Partnership,
    Purpose,
    Sector,
    Stage,
)
from .periods import Frequency, Period

SEED = "accord-demo-1"

# --- sign-ins -------------------------------------------------------------------

DEMO_PASSWORD = "accord-demo"

# (username, password, role, full name): the README and the run script print these.
DEMO_USERS = [
    ("erin", DEMO_PASSWORD, Role.EXECUTIVE.value, "Erin Castellanos"),
    ("maya", DEMO_PASSWORD, Role.MANAGER.value, "Maya Okafor"),
    ("omar", DEMO_PASSWORD, Role.MANAGER.value, "Omar Haddad"),
    ("rita", DEMO_PASSWORD, Role.REVIEWER.value, "Rita Lindqvist"),
]

USER_PROFILES = {
    "erin": {"job_title": "Chief Executive Officer", "functional_area": "Executive leadership"},
    "maya": {"job_title": "Director of Clinical Partnerships", "functional_area": "Clinical"},
    "omar": {"job_title": "Partnerships Manager", "functional_area": "Administrative"},
    "rita": {"job_title": "Head of the Strategy Office", "functional_area": "Governance"},
}

# Who signs for our own organisation.
ERIN = ("Erin Castellanos", "Chief Executive Officer")
MAYA = ("Dr Maya Okafor", "Director of Clinical Partnerships")


# --- relative dates -------------------------------------------------------------


class Offset(NamedTuple):
    """A date relative to the day the demo is built."""

    months: int = 0
    days: int = 0


def months(n: int) -> Offset:
    return Offset(months=n)


def days(n: int) -> Offset:
    return Offset(days=n)


def on(today: dt.date, offset: Offset | None) -> dt.date | None:
    if offset is None:
        return None
    index = today.year * 12 + today.month - 1 + offset.months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(today.day, last_day)) + dt.timedelta(days=offset.days)


# --- partners -------------------------------------------------------------------

_H, _U, _RI = PartnerKind.HOSPITAL, PartnerKind.UNIVERSITY, PartnerKind.RESEARCH_INSTITUTE
_ACADEMIC = {"organisation_type": OrganisationType.ACADEMIC, "sector": Sector.ACADEMIC}
_COMPANY = {"organisation_type": OrganisationType.PRIVATE_SECTOR, "sector": Sector.INDUSTRY}
_PUBLIC = {"organisation_type": OrganisationType.OTHER_PUBLIC, "sector": Sector.GOVERNMENT}
_CHARITY = {"organisation_type": OrganisationType.NATIONAL_NGO, "sector": Sector.NONPROFIT}


def _contact(name, job_title, email, *, primary=False, phone=""):
    return {
        "name": name,
        "job_title": job_title,
        "email": f"{email}@example.org",
        "phone": phone,
        "is_primary": primary,
    }


PARTNERS = {
    # Europe
    "saint-aurele": {
        "name": "Hôpital Saint-Aurèle",
        "kind": _H,
        **_CHARITY,
        "country": "FR",
        "city": "Lyon",
        "languages": ["fr", "en"],
        "time_zone": "Europe/Paris",
        "expertise": [
            "Cardiac surgery",
            "Minimally invasive valve repair",
            "Paediatric cardiology",
        ],
        "notes": "Private not-for-profit hospital (ESPIC); the international office handles visas.",
        "contacts": [
            _contact("Dr Claire Montval", "Chief of Cardiac Surgery", "c.montval", primary=True),
            _contact("Julien Baptistin", "International Relations Officer", "j.baptistin"),
        ],
    },
    "valcourt": {
        "name": "Université de Valcourt — Faculté de Santé",
        "kind": _U,
        **_ACADEMIC,
        "country": "FR",
        "city": "Nantes",
        "languages": ["fr", "en"],
        "time_zone": "Europe/Paris",
        "expertise": ["Medical education", "Simulation training", "Public health"],
    },
    "rheinhoehe": {
        "name": "Klinikum Rheinhöhe",
        "kind": _H,
        **_PUBLIC,
        "country": "DE",
        "city": "Düsseldorf",
        "languages": ["de", "en"],
        "time_zone": "Europe/Berlin",
        "expertise": ["Stroke care", "Neuroradiology", "Telemedicine"],
        "contacts": [
            _contact("Prof. Dr Katrin Albrechts", "Head of Neurology", "k.albrechts", primary=True),
        ],
    },
    "nordmark": {
        "name": "Institut für Versorgungsforschung Nordmark",
        "kind": _RI,
        **_ACADEMIC,
        "country": "DE",
        "city": "Hamburg",
        "languages": ["de", "en"],
        "time_zone": "Europe/Berlin",
        "expertise": ["Health services research", "Health economics", "Registry studies"],
        "contacts": [_contact("Dr Lukas Brandeis", "Senior Researcher", "l.brandeis")],
    },
    "medivance": {
        "name": "Medivance Biologics GmbH",
        "kind": PartnerKind.PHARMA_BIOTECH,
        **_COMPANY,
        "country": "DE",
        "city": "Munich",
        "languages": ["de", "en"],
        "time_zone": "Europe/Berlin",
        "expertise": ["Biologics", "Nephrology", "Diabetes therapeutics"],
        "contacts": [
            _contact("Dr Sabine Kreuzer", "Medical Affairs Director", "s.kreuzer", primary=True)
        ],
    },
    "amstelwijk": {
        "name": "Amstelwijk Universitair Medisch Centrum",
        "kind": _H,
        **_ACADEMIC,
        "country": "NL",
        "city": "Amsterdam",
        "languages": ["nl", "en"],
        "time_zone": "Europe/Amsterdam",
        "expertise": ["Infection prevention", "Quality improvement", "Intensive care"],
        "contacts": [
            _contact(
                "Dr Femke van Houten", "Infection Prevention Lead", "f.vanhouten", primary=True
            )
        ],
    },
    "nordlys": {
        "name": "Nordlys Medtech AB",
        "kind": PartnerKind.SUPPLIER,
        **_COMPANY,
        "country": "SE",
        "city": "Gothenburg",
        "languages": ["sv", "en"],
        "time_zone": "Europe/Stockholm",
        "expertise": [
            "Remote patient monitoring",
            "Tele-stroke video systems",
            "Device integration",
        ],
        "contacts": [
            _contact("Anders Lindahl", "Key Account Manager", "a.lindahl", primary=True),
            _contact("Elin Sjöberg", "Clinical Implementation Lead", "e.sjoberg"),
        ],
    },
    "sierra-clara": {
        "name": "Fundación Sierra Clara para la Salud",
        "kind": PartnerKind.FOUNDATION,
        "organisation_type": OrganisationType.FOUNDATION,
        "sector": Sector.NONPROFIT,
        "country": "ES",
        "city": "Madrid",
        "languages": ["es", "en"],
        "time_zone": "Europe/Madrid",
        "expertise": ["Chronic disease prevention grants", "Health equity", "Latin America"],
        "contacts": [
            _contact("Lucía Ortega Ferrer", "Programme Director", "l.ortega", primary=True)
        ],
    },
    "santa-lucilla": {
        "name": "Ospedale Santa Lucilla",
        "kind": _H,
        **_PUBLIC,
        "country": "IT",
        "city": "Bologna",
        "languages": ["it", "en"],
        "time_zone": "Europe/Rome",
        "expertise": ["Liver transplantation", "Hepatology", "Organ donation"],
        "contacts": [
            _contact("Prof. Marco Bellandi", "Director of Transplant Surgery", "m.bellandi")
        ],
    },
    "alpenrand": {
        "name": "Alpenrand Clinical Research SA",
        "kind": PartnerKind.CRO,
        **_COMPANY,
        "country": "CH",
        "city": "Basel",
        "languages": ["de", "fr", "en"],
        "time_zone": "Europe/Zurich",
        "expertise": ["Clinical trial monitoring", "Health technology assessment", "Biostatistics"],
    },
    "albion-theatre-nurses": {
        "name": "Albion Society of Theatre Nurses",
        "kind": PartnerKind.PROFESSIONAL_ASSOCIATION,
        **_CHARITY,
        "country": "GB",
        "city": "London",
        "languages": ["en"],
        "time_zone": "Europe/London",
        "expertise": ["Perioperative nursing", "Surgical safety", "Continuing education"],
        "contacts": [_contact("Grace Whitfield", "Education Officer", "g.whitfield", primary=True)],
    },
    "st-brannocks": {
        "name": "St Brannock's University Hospital",
        "kind": _H,
        **_PUBLIC,
        "country": "GB",
        "city": "Bristol",
        "languages": ["en"],
        "time_zone": "Europe/London",
        "expertise": ["Major trauma", "Orthopaedics", "Simulation training"],
    },
    "northgate": {
        "name": "Northgate Institute of Global Health",
        "kind": _RI,
        **_ACADEMIC,
        "country": "GB",
        "city": "Manchester",
        "languages": ["en"],
        "time_zone": "Europe/London",
        "expertise": ["Global surgery", "Implementation science", "Health workforce"],
        "contacts": [_contact("Dr Samuel Adeyemi-Clarke", "Senior Lecturer", "s.adeyemi-clarke")],
    },
    "kestrel": {
        "name": "Kestrel Health Supplies Ltd",
        "kind": PartnerKind.SUPPLIER,
        **_COMPANY,
        "country": "GB",
        "city": "Leeds",
        "languages": ["en"],
        "time_zone": "Europe/London",
        "expertise": ["Sterile services", "Surgical consumables", "Hospital logistics"],
        "contacts": [_contact("Priya Raman", "Contracts Manager", "p.raman", primary=True)],
    },
    # North America
    "lakeshore": {
        "name": "Lakeshore Regional Medical Center",
        "kind": _H,
        **_CHARITY,
        "country": "US",
        "city": "Milwaukee",
        "languages": ["en", "es"],
        "time_zone": "America/Chicago",
        "expertise": ["Heart failure", "Care transitions", "Remote monitoring"],
        "contacts": [
            _contact("Dr Daniel Whitaker", "Chief Medical Officer", "d.whitaker", primary=True),
            _contact("Angela Russo", "Director of Care Transitions", "a.russo"),
        ],
    },
    "pinecrest": {
        "name": "Pinecrest University School of Medicine",
        "kind": _U,
        **_ACADEMIC,
        "country": "US",
        "city": "Denver",
        "languages": ["en"],
        "time_zone": "America/Denver",
        "expertise": ["Oncology research", "Biostatistics", "Medical education"],
    },
    "bayview": {
        "name": "Bayview Genomics Inc.",
        "kind": PartnerKind.PHARMA_BIOTECH,
        **_COMPANY,
        "country": "US",
        "city": "San Diego",
        "languages": ["en"],
        "time_zone": "America/Los_Angeles",
        "expertise": ["Tumour sequencing", "Precision oncology", "Companion diagnostics"],
        "contacts": [
            _contact("Rachel Kim", "VP Clinical Partnerships", "r.kim", primary=True),
        ],
    },
    "trialbridge": {
        "name": "TrialBridge Research LLC",
        "kind": PartnerKind.CRO,
        **_COMPANY,
        "country": "US",
        "city": "Raleigh",
        "languages": ["en", "es"],
        "time_zone": "America/New_York",
        "expertise": ["Site management", "Decentralised trials", "Regulatory submissions"],
        "contacts": [_contact("Marcus Bell", "Director of Site Services", "m.bell")],
    },
    "tele-rehab-society": {
        "name": "Society for Tele-Rehabilitation Practice",
        "kind": PartnerKind.PROFESSIONAL_ASSOCIATION,
        "organisation_type": OrganisationType.INTERNATIONAL_NGO,
        "sector": Sector.NONPROFIT,
        "country": "US",
        "city": "Chicago",
        "languages": ["en"],
        "time_zone": "America/Chicago",
        "expertise": ["Tele-rehabilitation", "Physiotherapy standards", "Clinician accreditation"],
    },
    "wexcombe": {
        "name": "Wexcombe Family Foundation",
        "kind": PartnerKind.FOUNDATION,
        "organisation_type": OrganisationType.FOUNDATION,
        "sector": Sector.NONPROFIT,
        "country": "US",
        "city": "Seattle",
        "languages": ["en"],
        "time_zone": "America/Los_Angeles",
        "expertise": ["Maternal and newborn health grants", "Community health"],
        "contacts": [
            _contact("Jonathan Pryor", "Senior Program Officer", "j.pryor", primary=True),
        ],
    },
    "gsaa": {
        "name": "Global Surgery Access Alliance",
        "kind": PartnerKind.NGO,
        "organisation_type": OrganisationType.INTERNATIONAL_NGO,
        "sector": Sector.NONPROFIT,
        "country": "US",
        "city": "Boston",
        "languages": ["en", "fr"],
        "time_zone": "America/New_York",
        "expertise": ["Surgical safety training", "Anaesthesia capacity", "Advocacy"],
        "contacts": [
            _contact("Dr Nadia Benali", "Director of Programmes", "n.benali", primary=True),
        ],
    },
    "harbourfront": {
        "name": "Harbourfront Children's Health Centre",
        "kind": _H,
        **_CHARITY,
        "country": "CA",
        "city": "Toronto",
        "languages": ["en", "fr"],
        "time_zone": "America/Toronto",
        "expertise": ["Neonatal intensive care", "Paediatric surgery", "Family-centred care"],
    },
    "laurentie": {
        "name": "Institut de recherche clinique de la Laurentie",
        "kind": _RI,
        **_ACADEMIC,
        "country": "CA",
        "city": "Montréal",
        "languages": ["fr", "en"],
        "time_zone": "America/Toronto",
        "expertise": ["Perinatal epidemiology", "Clinical trials"],
    },
    "santa-regina": {
        "name": "Hospital General de Santa Regina",
        "kind": _H,
        **_PUBLIC,
        "country": "MX",
        "city": "Guadalajara",
        "languages": ["es"],
        "time_zone": "America/Mexico_City",
        "expertise": ["Diabetes care", "Nephrology", "Dialysis"],
        "contacts": [
            _contact("Dra. Mariana Ibarra Solís", "Head of Nephrology", "m.ibarra", primary=True)
        ],
    },
    # South America
    "santa-aurora": {
        "name": "Hospital Santa Aurora",
        "kind": _H,
        **_CHARITY,
        "country": "BR",
        "city": "Belo Horizonte",
        "languages": ["pt"],
        "time_zone": "America/Sao_Paulo",
        "expertise": ["Chagas cardiomyopathy", "Heart failure", "Echocardiography"],
        "contacts": [
            _contact(
                "Dr Rafael Nogueira Prado",
                "Cardiology Research Coordinator",
                "r.nogueira",
                primary=True,
            )
        ],
    },
    "planalto": {
        "name": "Universidade Federal do Planalto Central",
        "kind": _U,
        **_ACADEMIC,
        "country": "BR",
        "city": "Brasília",
        "languages": ["pt", "en"],
        "time_zone": "America/Sao_Paulo",
        "expertise": ["Tropical medicine", "Epidemiology"],
    },
    "rio-alto-ministry": {
        "name": "Ministerio de Salud de la Provincia de Río Alto",
        "kind": PartnerKind.GOVERNMENT_AGENCY,
        "organisation_type": OrganisationType.LOCAL_GOVERNMENT,
        "sector": Sector.GOVERNMENT,
        "country": "AR",
        "city": "Villa Río Alto",
        "languages": ["es"],
        "time_zone": "America/Argentina/Buenos_Aires",
        "expertise": ["Health policy", "Public procurement", "Diagnostic imaging services"],
        "contacts": [_contact("Lic. Tomás Aguirre", "Director of Hospital Networks", "t.aguirre")],
    },
    "los-cerezos": {
        "name": "Clínica Los Cerezos",
        "kind": _H,
        **_COMPANY,
        "country": "CL",
        "city": "Santiago",
        "languages": ["es", "en"],
        "time_zone": "America/Santiago",
        "expertise": ["Robotic surgery", "Urology", "Bariatric surgery"],
        "contacts": [_contact("Dr Ignacio Fuenzalida", "Head of Robotic Surgery", "i.fuenzalida")],
    },
    "san-telmo": {
        "name": "Universidad San Telmo de Medellín",
        "kind": _U,
        **_ACADEMIC,
        "country": "CO",
        "city": "Medellín",
        "languages": ["es"],
        "time_zone": "America/Bogota",
        "expertise": ["Hypertension research", "Community cohorts", "Biostatistics"],
    },
    # Africa
    "kiambaru-county": {
        "name": "Kiambaru County Department of Health",
        "kind": PartnerKind.GOVERNMENT_AGENCY,
        "organisation_type": OrganisationType.LOCAL_GOVERNMENT,
        "sector": Sector.GOVERNMENT,
        "country": "KE",
        "city": "Kiambaru",
        "languages": ["sw", "en"],
        "time_zone": "Africa/Nairobi",
        "expertise": ["Primary health care", "Maternal and child health", "Health information"],
        "contacts": [
            _contact(
                "Dr Wanjiru Kamau-Otieno", "County Director of Health", "w.kamau", primary=True
            ),
            _contact("Peter Mwangi", "Health Records Officer", "p.mwangi"),
        ],
    },
    "mawingu": {
        "name": "Mawingu County Referral Hospital",
        "kind": _H,
        **_PUBLIC,
        "country": "KE",
        "city": "Kiambaru",
        "languages": ["sw", "en"],
        "time_zone": "Africa/Nairobi",
        "expertise": ["Obstetrics", "Neonatal care", "General surgery"],
        "contacts": [
            _contact("Dr Faith Chebet", "Medical Superintendent", "f.chebet", primary=True)
        ],
    },
    "tumaini": {
        "name": "Tumaini Mashinani Health Network",
        "kind": PartnerKind.NGO,
        "organisation_type": OrganisationType.PARTNER_COUNTRY_NGO,
        "sector": Sector.NONPROFIT,
        "country": "KE",
        "city": "Kisumu",
        "languages": ["sw", "en"],
        "time_zone": "Africa/Nairobi",
        "expertise": ["Community health workers", "Maternal health", "HIV care"],
        "contacts": [
            _contact("Esther Achieng", "Programme Coordinator", "e.achieng", primary=True)
        ],
    },
    "ogunmola": {
        "name": "Ogunmola Teaching Hospital",
        "kind": _H,
        **_PUBLIC,
        "country": "NG",
        "city": "Ibadan",
        "languages": ["en", "yo"],
        "time_zone": "Africa/Lagos",
        "expertise": ["Sickle cell disease", "Haematology", "Paediatrics"],
        "contacts": [
            _contact("Dr Adebayo Olatunji", "Consultant Haematologist", "a.olatunji", primary=True)
        ],
    },
    "kanem": {
        "name": "Kanem Pharmaceuticals Plc",
        "kind": PartnerKind.PHARMA_BIOTECH,
        **_COMPANY,
        "country": "NG",
        "city": "Kano",
        "languages": ["en", "ha"],
        "time_zone": "Africa/Lagos",
        "expertise": ["Insulin biosimilars", "Cold-chain distribution"],
        "contacts": [_contact("Aisha Bello", "Head of Market Access", "a.bello", primary=True)],
    },
    "cape-meridian": {
        "name": "Cape Meridian University — Faculty of Health Sciences",
        "kind": _U,
        **_ACADEMIC,
        "country": "ZA",
        "city": "Cape Town",
        "languages": ["en", "af", "xh"],
        "time_zone": "Africa/Johannesburg",
        "expertise": ["Surgical education", "Anaesthesia", "Simulation"],
        "contacts": [
            _contact("Prof. Thandeka Nkosi", "Dean of Health Sciences", "t.nkosi", primary=True)
        ],
    },
    "ubuntu-ctu": {
        "name": "Ubuntu Clinical Trials Unit (Pty) Ltd",
        "kind": PartnerKind.CRO,
        **_COMPANY,
        "country": "ZA",
        "city": "Johannesburg",
        "languages": ["en", "zu"],
        "time_zone": "Africa/Johannesburg",
        "expertise": ["HIV and TB trials", "Site management"],
    },
    "isoko": {
        "name": "Isoko Health Foundation",
        "kind": PartnerKind.FOUNDATION,
        "organisation_type": OrganisationType.FOUNDATION,
        "sector": Sector.NONPROFIT,
        "country": "RW",
        "city": "Kigali",
        "languages": ["rw", "en", "fr"],
        "time_zone": "Africa/Kigali",
        "expertise": ["Paediatric cardiac care", "Health financing"],
        "contacts": [
            _contact("Jean-Paul Habimana", "Executive Director", "jp.habimana", primary=True)
        ],
    },
    "volta-midwives": {
        "name": "Volta Association of Midwives",
        "kind": PartnerKind.PROFESSIONAL_ASSOCIATION,
        **_CHARITY,
        "country": "GH",
        "city": "Ho",
        "languages": ["en", "ee"],
        "time_zone": "Africa/Accra",
        "expertise": ["Midwifery", "Respectful maternity care"],
        "contacts": [_contact("Akosua Dzifa Agbeko", "President", "a.agbeko", primary=True)],
    },
    # Asia
    "sakuragawa": {
        "name": "Sakuragawa Medical University Hospital",
        "kind": _H,
        **_ACADEMIC,
        "country": "JP",
        "city": "Osaka",
        "languages": ["ja", "en"],
        "time_zone": "Asia/Tokyo",
        "expertise": ["Gastric cancer surgery", "Nursing education", "Robotic surgery"],
        "contacts": [
            _contact("Dr Haruka Tanabe", "Director of Nursing", "h.tanabe", primary=True),
            _contact("Kenji Morimoto", "International Office", "k.morimoto"),
        ],
    },
    "hikari": {
        "name": "Hikari BioPharma K.K.",
        "kind": PartnerKind.PHARMA_BIOTECH,
        **_COMPANY,
        "country": "JP",
        "city": "Tokyo",
        "languages": ["ja", "en"],
        "time_zone": "Asia/Tokyo",
        "expertise": ["Biobanking", "Oncology drug discovery"],
    },
    "deccan": {
        "name": "Deccan Institute of Cardiac Sciences",
        "kind": _RI,
        **_ACADEMIC,
        "country": "IN",
        "city": "Hyderabad",
        "languages": ["te", "hi", "en"],
        "time_zone": "Asia/Kolkata",
        "expertise": ["Rheumatic heart disease", "Cardiac screening"],
    },
    "narmada": {
        "name": "Narmada Rural Health Mission Trust",
        "kind": PartnerKind.NGO,
        "organisation_type": OrganisationType.PARTNER_COUNTRY_NGO,
        "sector": Sector.NONPROFIT,
        "country": "IN",
        "city": "Vadodara",
        "languages": ["gu", "hi", "en"],
        "time_zone": "Asia/Kolkata",
        "expertise": ["Mobile clinics", "Rural primary care"],
        "contacts": [_contact("Ravi Desai", "Programme Manager", "r.desai", primary=True)],
    },
    "lion-city": {
        "name": "Lion City Institute of Digital Health",
        "kind": _RI,
        **_ACADEMIC,
        "country": "SG",
        "city": "Singapore",
        "languages": ["en", "zh", "ms", "ta"],
        "time_zone": "Asia/Singapore",
        "expertise": ["Clinical AI evaluation", "Health data standards", "Telemedicine"],
        "contacts": [_contact("Dr Mei Ling Tan", "Deputy Director", "ml.tan", primary=True)],
    },
    "phu-sa": {
        "name": "Phù Sa University of Medicine and Pharmacy",
        "kind": _U,
        **_ACADEMIC,
        "country": "VN",
        "city": "Cần Thơ",
        "languages": ["vi", "en"],
        "time_zone": "Asia/Ho_Chi_Minh",
        "expertise": ["Nursing education", "Tropical medicine"],
    },
    "hanbit": {
        "name": "Hanbit Surgical Devices Co., Ltd.",
        "kind": PartnerKind.SUPPLIER,
        **_COMPANY,
        "country": "KR",
        "city": "Seoul",
        "languages": ["ko", "en"],
        "time_zone": "Asia/Seoul",
        "expertise": ["Surgical robotics", "Endoscopy instruments", "Sterilisation containers"],
        "contacts": [_contact("Park Ji-woo", "Director of Global Sales", "jw.park", primary=True)],
    },
    # Oceania
    "rural-telehealth-society": {
        "name": "Rural Telehealth Society of Australasia",
        "kind": PartnerKind.PROFESSIONAL_ASSOCIATION,
        "organisation_type": OrganisationType.REGIONAL_NGO,
        "sector": Sector.NONPROFIT,
        "country": "AU",
        "city": "Brisbane",
        "languages": ["en"],
        "time_zone": "Australia/Brisbane",
        "expertise": ["Tele-ICU", "Rural generalist training"],
    },
    "coral-coast": {
        "name": "Coral Coast Hospital and Health Service",
        "kind": _H,
        **_PUBLIC,
        "country": "AU",
        "city": "Cairns",
        "languages": ["en"],
        "time_zone": "Australia/Brisbane",
        "expertise": ["Rural health", "Rehabilitation", "First Nations health"],
        "contacts": [
            _contact("Dr Liam O'Connell", "Executive Director Medical Services", "l.oconnell")
        ],
    },
    "waitaha": {
        "name": "Waitaha Institute for Indigenous Health Research",
        "kind": _RI,
        **_ACADEMIC,
        "country": "NZ",
        "city": "Christchurch",
        "languages": ["en", "mi"],
        "time_zone": "Pacific/Auckland",
        "expertise": ["Māori health equity", "Genomics ethics"],
    },
}


# --- partnerships ---------------------------------------------------------------
#
# A partnership lists its members (partner key, role), its dyad of co-leads
# (username, area), its agreements (parties: "us" or a partner key, with a
# signatory and either a financial or an in-kind contribution; obligations
# naming the party by its index), and its objectives with their metrics.
# A metric's "missing" lists the closed periods left unreported, counted back
# from the latest (0 = the period just closed); "pace" is how far along its
# trajectory it gets (1 = exactly to plan; the stage sets the default).

_CLIN, _ADMIN, _RES, _EDU, _NURS = (
    LeadArea.CLINICAL,
    LeadArea.ADMINISTRATIVE,
    LeadArea.RESEARCH,
    LeadArea.EDUCATION,
    LeadArea.NURSING,
)
_LEAD, _CO, _FUND, _IMPL, _MEMB = (
    MemberRole.LEAD,
    MemberRole.CO_LEAD,
    MemberRole.FUNDER,
    MemberRole.IMPLEMENTER,
    MemberRole.MEMBER,
)
_Q, _M = Frequency.QUARTERLY, Frequency.MONTHLY
_LOWER, _SUM = Direction.LOWER, Aggregation.SUM


def _us(signatory=ERIN, responsibilities="", **contribution):
    return {
        "us": True,
        "signatory": signatory,
        "responsibilities": responsibilities,
        **contribution,
    }


def _them(partner, signatory, responsibilities="", **contribution):
    return {
        "partner": partner,
        "signatory": signatory,
        "responsibilities": responsibilities,
        **contribution,
    }


def _due(description, due, party=None, done=None):
    return {"description": description, "due": due, "party": party, "done": done}


PARTNERSHIPS = [
    # --- active ---------------------------------------------------------------------
    {
        "title": "Cardiac surgery fellowship exchange with Hôpital Saint-Aurèle",
        "description": (
            "Two-way fellowships in minimally invasive valve repair: our fellows spend six "
            "months in Lyon, theirs join our cardiac surgery unit. Both international offices "
            "arrange visas and French-language tuition."
        ),
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE, Benefit.PATIENT_OUTCOMES],
        "stage": Stage.ACTIVE,
        "owner": "maya",
        "leads": [("maya", _CLIN), ("omar", _ADMIN)],
        "members": [("saint-aurele", _LEAD)],
        "start": months(-40),
        "agreements": [
            {
                "reference": "AGR-1001",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on cardiac surgery fellowships",
                "status": AgreementStatus.ACTIVE,
                "goals": "Exchange two cardiac surgery fellows a year in each direction.",
                "effective": months(-40),
                "expiry": months(-4),
                "governing_law": "France",
                "language": "fr",
                "parties": [
                    _us(
                        ERIN,
                        "Host two incoming fellows a year with supervision and lodging.",
                        in_kind="Accommodation and consultant supervision",
                    ),
                    _them(
                        "saint-aurele",
                        ("Philippe Garnier-Duval", "Directeur général"),
                        "Host two of our fellows a year in the cardiac surgery department.",
                        in_kind="Supervision and French-language tuition",
                    ),
                ],
                "obligations": [
                    _due(
                        "First annual fellowship report to both boards",
                        months(-28),
                        None,
                        months(-28),
                    ),
                ],
            },
            {
                "reference": "AGR-1002",
                "kind": AgreementKind.MOU,
                "title": "Renewed memorandum on cardiac surgery fellowships (second term)",
                "status": AgreementStatus.ACTIVE,
                "renews": "AGR-1001",
                "goals": "Continue the exchange and add stipends paid by each side.",
                "effective": months(-4),
                "expiry": months(32),
                "notice_period_days": 180,
                "governing_law": "France",
                "language": "fr",
                "parties": [
                    _us(
                        ERIN,
                        "Host two incoming fellows a year; pay their stipends.",
                        financial=("60000", "GBP", "Stipends for incoming fellows"),
                    ),
                    _them(
                        "saint-aurele",
                        ("Philippe Garnier-Duval", "Directeur général"),
                        "Host two of our fellows a year; pay their stipends in Lyon.",
                        financial=("48000", "EUR", "Stipends for our fellows in Lyon"),
                    ),
                ],
                "obligations": [
                    _due(
                        "Shared fellowship curriculum for the second term",
                        months(-2),
                        None,
                        months(-3),
                    ),
                    _due("Joint annual fellowship report", months(8)),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Train cardiac surgeons in minimally invasive valve repair",
                "benefit": Benefit.KNOWLEDGE_EXCHANGE,
                "due": months(8),
                "metrics": [
                    {
                        "name": "Fellows completing the exchange",
                        "unit": "fellows",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 14,
                        "decimals": 0,
                        "data_source": "Fellowship programme register",
                    }
                ],
            },
            {
                "title": "Shorten the wait for elective valve surgery",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "weight": 2,
                "due": months(12),
                "metrics": [
                    {
                        "name": "Days from referral to valve surgery",
                        "unit": "days",
                        "direction": _LOWER,
                        "baseline": 74,
                        "target": 45,
                        "decimals": 0,
                        "data_source": "Theatre scheduling system",
                    }
                ],
            },
        ],
    },
    {
        "title": "Tele-stroke network with Klinikum Rheinhöhe and Nordlys Medtech",
        "description": (
            "Night-time tele-stroke cover shared with Klinikum Rheinhöhe's neurologists over "
            "Nordlys video carts, extended to district hospitals. Data protection rules in two "
            "jurisdictions slowed the registry link."
        ),
        "purpose": Purpose.TECHNOLOGY_ACCESS,
        "benefits": [Benefit.INNOVATION, Benefit.PATIENT_OUTCOMES],
        "stage": Stage.ACTIVE,
        "owner": "omar",
        "leads": [("maya", _CLIN), ("omar", _ADMIN)],
        "members": [("rheinhoehe", _LEAD), ("nordlys", _IMPL)],
        "start": months(-26),
        "agreements": [
            {
                "reference": "AGR-1010",
                "kind": AgreementKind.COLLABORATION,
                "title": "Tele-stroke collaboration agreement",
                "status": AgreementStatus.ACTIVE,
                "goals": "Round-the-clock thrombolysis decisions for stroke patients.",
                "effective": months(-25),
                # Expires within the warning window: the renewal is overdue.
                "expiry": days(45),
                "governing_law": "Germany",
                "language": "de",
                "parties": [
                    _us(
                        ERIN,
                        "Staff the hub stroke rota and share anonymised outcome data.",
                        financial=("180000", "EUR", "Share of the video platform licences"),
                    ),
                    _them(
                        "rheinhoehe",
                        ("Dr Stefan Kohlhaas", "Managing Director"),
                        "Provide consultant neurologists for the night rota.",
                        in_kind="Consultant neurologists on the night tele-stroke rota",
                    ),
                    _them(
                        "nordlys",
                        ("Karin Ekström", "Chief Executive Officer"),
                        "Install video carts and keep them running.",
                        in_kind="Video carts, installation and 24/7 technical support",
                    ),
                ],
                "obligations": [
                    _due("Quarterly platform uptime report", months(-1), 2, days(-20)),
                    _due("Data protection impact assessment review", months(-2), 0),
                    _due("Renewal decision communicated to all parties", days(-10)),
                ],
            },
            {
                "reference": "AGR-1011",
                "kind": AgreementKind.DATA_SHARING,
                "title": "Stroke registry data-sharing agreement",
                "status": AgreementStatus.SIGNED,
                "goals": "Pool pseudonymised stroke registry data for joint audit.",
                "signed": days(-12),
                "effective": months(1),
                "expiry": months(37),
                "governing_law": "Germany",
                "language": "en",
                "parties": [
                    _us(ERIN, "Act as joint controller for the pooled registry."),
                    _them(
                        "rheinhoehe",
                        ("Dr Stefan Kohlhaas", "Managing Director"),
                        "Pseudonymise and transfer registry extracts monthly.",
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Treat stroke patients faster",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "weight": 2,
                "due": months(10),
                "metrics": [
                    {
                        "name": "Door-to-needle time",
                        "unit": "minutes",
                        "direction": _LOWER,
                        "baseline": 68,
                        "target": 45,
                        "frequency": _M,
                        "decimals": 0,
                        "data_source": "National stroke audit submission",
                        # The audit team changed hands: the month just closed is
                        # not in yet (with the agreement's expiry, an early warning).
                        "missing": [0],
                    }
                ],
            },
            {
                "title": "Bring tele-stroke cover to district hospitals",
                "benefit": Benefit.INNOVATION,
                "due": months(6),
                "metrics": [
                    {
                        "name": "District hospitals connected",
                        "unit": "hospitals",
                        "baseline": 2,
                        "target": 12,
                        "decimals": 0,
                        "monotone": True,
                        "data_source": "Nordlys deployment log",
                    }
                ],
            },
        ],
    },
    {
        "title": "Maternal and newborn health programme with Kiambaru County",
        "description": (
            "Obstetric emergency training and mentoring at Mawingu County Referral Hospital, "
            "community health workers recruited by Tumaini Mashinani, funded by the Wexcombe "
            "Family Foundation. County data returns often arrive late."
        ),
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES, Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.ACTIVE,
        "owner": "maya",
        "leads": [("maya", _CLIN), ("omar", _ADMIN)],
        "members": [
            ("kiambaru-county", _LEAD),
            ("mawingu", _IMPL),
            ("tumaini", _IMPL),
            ("wexcombe", _FUND),
        ],
        "start": months(-30),
        "agreements": [
            {
                "reference": "AGR-1020",
                "kind": AgreementKind.FUNDING,
                "title": "Funding agreement for the Kiambaru maternal and newborn health programme",
                "status": AgreementStatus.ACTIVE,
                "goals": "Halve facility maternal deaths and train 300 community health workers.",
                "effective": months(-29),
                "expiry": months(19),
                "governing_law": "Kenya",
                "language": "en",
                "parties": [
                    _us(
                        ERIN,
                        "Clinical mentoring visits, obstetric emergency training, programme "
                        "management.",
                        in_kind="Clinical mentors' time and training materials",
                    ),
                    _them(
                        "kiambaru-county",
                        ("Dr Wanjiru Kamau-Otieno", "County Director of Health"),
                        "Staff the maternity units; return health information data quarterly.",
                        in_kind="Midwives' time and facilities",
                    ),
                    _them(
                        "mawingu",
                        ("Dr Faith Chebet", "Medical Superintendent"),
                        "Host the training hub and the maternal death reviews.",
                        in_kind="Skills lab and training rooms",
                    ),
                    _them(
                        "tumaini",
                        ("Esther Achieng", "Programme Coordinator"),
                        "Recruit and supervise community health workers.",
                        financial=(
                            "3500000",
                            "KES",
                            "Co-funding of community health worker stipends",
                        ),
                    ),
                    _them(
                        "wexcombe",
                        ("Margaret Wexcombe", "President"),
                        "Fund the programme; receive annual reports.",
                        financial=("450000", "USD", "Programme grant over four years"),
                    ),
                ],
                "obligations": [
                    _due(
                        "Year 1 narrative and financial report to the funder",
                        months(-17),
                        0,
                        months(-17),
                    ),
                    _due(
                        "Year 2 narrative and financial report to the funder",
                        months(-5),
                        0,
                        months(-5),
                    ),
                    _due("Quarterly county data return", months(-1), 1),
                    _due("Mid-term external evaluation", months(4), 0),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Reduce maternal deaths at the referral hospital",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "weight": 2,
                "due": months(18),
                "metrics": [
                    {
                        "name": "Facility maternal mortality ratio",
                        "unit": "per 100,000 live births",
                        "direction": _LOWER,
                        "baseline": 412,
                        "target": 250,
                        "decimals": 0,
                        "noise": 0.12,
                        "data_source": "County health information system (DHIS2)",
                    },
                    {
                        "name": "Births attended by skilled personnel",
                        "unit": "%",
                        "baseline": 61,
                        "target": 85,
                        "data_source": "County health information system (DHIS2)",
                    },
                ],
            },
            {
                "title": "Train community health workers in danger-sign recognition",
                "benefit": Benefit.KNOWLEDGE_EXCHANGE,
                "due": months(6),
                "owner": "omar",
                "metrics": [
                    {
                        "name": "Community health workers trained",
                        "unit": "people",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 300,
                        "decimals": 0,
                        "data_source": "Tumaini training register",
                    }
                ],
            },
        ],
    },
    {
        "title": "Precision oncology trials network with Bayview Genomics",
        "description": (
            "Tumour sequencing by Bayview Genomics matches our patients to targeted-therapy "
            "trials; TrialBridge monitors the sites and Pinecrest runs the trial database."
        ),
        "purpose": Purpose.JOINT_RESEARCH,
        "benefits": [Benefit.INNOVATION, Benefit.RESEARCH_CAPABILITY],
        "stage": Stage.ACTIVE,
        "owner": "omar",
        "leads": [("maya", _RES), ("omar", _ADMIN)],
        "members": [("bayview", _LEAD), ("trialbridge", _IMPL), ("pinecrest", _MEMB)],
        "start": months(-22),
        "agreements": [
            {
                "reference": "AGR-1030",
                "kind": AgreementKind.COLLABORATION,
                "title": "Precision oncology clinical research collaboration agreement",
                "status": AgreementStatus.ACTIVE,
                "goals": "Enrol 160 patients in genomically matched trials.",
                "effective": months(-21),
                "expiry": months(27),
                "governing_law": "State of Delaware, USA",
                "language": "en",
                "parties": [
                    _us(
                        ERIN,
                        "Identify and consent eligible patients; provide samples and outcomes.",
                        in_kind="Research nurses and pathology time",
                    ),
                    _them(
                        "bayview",
                        ("Rachel Kim", "VP Clinical Partnerships"),
                        "Sequence tumour samples and report within 14 days.",
                        financial=("1200000", "USD", "Sequencing and per-patient research costs"),
                    ),
                    _them(
                        "trialbridge",
                        ("Marcus Bell", "Director of Site Services"),
                        "Monitor the sites and manage regulatory submissions.",
                        in_kind="Site monitoring and regulatory support",
                    ),
                    _them(
                        "pinecrest",
                        ("Prof. Eleanor Vance", "Dean of the School of Medicine"),
                        "Host the central trial database and the biostatistics.",
                        in_kind="Biostatistics and the central trial database",
                    ),
                ],
                "obligations": [
                    _due("Annual safety report to the ethics committee", months(-9), 0, months(-9)),
                    _due("Publication plan agreed by the steering committee", months(-3)),
                    _due("Interim enrolment review", months(3)),
                ],
            },
            {
                "reference": "AGR-1031",
                "kind": AgreementKind.COLLABORATION,
                "title": "Amendment 1: a third trial site and a paediatric cohort",
                "status": AgreementStatus.ACTIVE,
                "amends": "AGR-1030",
                "goals": "Add a third site and a paediatric cohort of 30 patients.",
                "effective": months(-7),
                "expiry": months(27),
                "governing_law": "State of Delaware, USA",
                "language": "en",
                "parties": [
                    _us(ERIN, "Open the paediatric cohort at our children's unit."),
                    _them(
                        "bayview",
                        ("Rachel Kim", "VP Clinical Partnerships"),
                        "Fund the paediatric cohort.",
                        financial=("250000", "USD", "Per-patient costs of the paediatric cohort"),
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Enrol patients in genomically matched trials",
                "benefit": Benefit.RESEARCH_CAPABILITY,
                "weight": 2,
                "due": months(14),
                "metrics": [
                    {
                        "name": "Patients enrolled in matched trials",
                        "unit": "patients",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 160,
                        "decimals": 0,
                        "data_source": "Trial management system",
                    }
                ],
            },
            {
                "title": "Return sequencing results in time to guide treatment",
                "benefit": Benefit.INNOVATION,
                "due": months(6),
                "metrics": [
                    {
                        "name": "Days from biopsy to sequencing report",
                        "unit": "days",
                        "direction": _LOWER,
                        "baseline": 28,
                        "target": 14,
                        "frequency": _M,
                        "decimals": 1,
                        "data_source": "Bayview laboratory information system",
                    }
                ],
            },
        ],
    },
    {
        "title": "Sickle cell disease care partnership with Ogunmola Teaching Hospital",
        "description": (
            "Shared protocols for hydroxyurea therapy and crisis management, haematology "
            "mentoring and laboratory quality support for Ogunmola's sickle cell clinic."
        ),
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES, Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.ACTIVE,
        "owner": "maya",
        "leads": [("maya", _CLIN)],
        "members": [("ogunmola", _LEAD)],
        "start": months(-34),
        "agreements": [
            {
                "reference": "AGR-1040",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on sickle cell disease care",
                "status": AgreementStatus.ACTIVE,
                "goals": "Fewer crises and more patients on disease-modifying therapy.",
                "effective": months(-33),
                "expiry": months(15),
                "auto_renewal": True,
                "renewal_term_months": 24,
                "governing_law": "England and Wales",
                "language": "en",
                "parties": [
                    _us(
                        MAYA,
                        "Haematology mentoring, protocols and laboratory quality support.",
                        financial=("85000", "GBP", "Laboratory equipment and training visits"),
                    ),
                    _them(
                        "ogunmola",
                        ("Prof. Funmilayo Adeyemi", "Chief Medical Director"),
                        "Run the sickle cell clinic and keep the patient register.",
                        in_kind="Clinic space and staff",
                    ),
                ],
                "obligations": [
                    _due("Annual joint review meeting", months(-10), None, months(-10)),
                    _due("Patient register audit", months(-2), 1),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Fewer emergency admissions for sickle cell crises",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "due": months(12),
                "metrics": [
                    {
                        "name": "Emergency admissions for vaso-occlusive crisis",
                        "unit": "per 100 patients per quarter",
                        "direction": _LOWER,
                        "baseline": 38,
                        "target": 22,
                        "missing": [3],
                        "data_source": "Ogunmola sickle cell register",
                    }
                ],
            },
            {
                "title": "Put more eligible patients on hydroxyurea",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "due": months(12),
                "metrics": [
                    {
                        "name": "Eligible patients on hydroxyurea",
                        "unit": "%",
                        "baseline": 24,
                        "target": 60,
                        "data_source": "Ogunmola pharmacy records",
                    }
                ],
            },
        ],
    },
    {
        "title": "Nursing exchange programme with Sakuragawa Medical University Hospital",
        "description": (
            "Eight-week placements for four nurses a year in each direction, with interpreters "
            "provided by the host. The eight-hour time difference makes joint teaching hard."
        ),
        "purpose": Purpose.EXCHANGE_PROGRAMME,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.ACTIVE,
        "owner": "omar",
        "leads": [("omar", _EDU)],
        "members": [("sakuragawa", _LEAD)],
        "start": months(-18),
        "agreements": [
            {
                "reference": "AGR-1050",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on nursing exchange",
                "status": AgreementStatus.ACTIVE,
                "goals": "Four nurses a year in each direction.",
                "effective": months(-18),
                "expiry": months(18),
                "governing_law": "Japan",
                "language": "ja",
                "parties": [
                    _us(
                        ERIN,
                        "Host four Sakuragawa nurses a year for eight-week placements.",
                        in_kind="Placement supervision and accommodation",
                    ),
                    _them(
                        "sakuragawa",
                        ("Prof. Hiroshi Nakagawa", "Hospital Director"),
                        "Host four of our nurses a year; provide interpreters.",
                        financial=("6500000", "JPY", "Travel grants for exchange nurses"),
                    ),
                ],
                "obligations": [
                    _due("Placement schedule for the year", months(-6), None, months(-7)),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Nurses complete exchange placements",
                "benefit": Benefit.KNOWLEDGE_EXCHANGE,
                "due": months(18),
                "metrics": [
                    {
                        "name": "Nurses completing exchange placements",
                        "unit": "nurses",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 16,
                        "decimals": 0,
                        "data_source": "Exchange programme register",
                    },
                    {
                        # No target: reported for context, never rated.
                        "name": "Placement satisfaction score",
                        "unit": "score (1–5)",
                        "baseline": 4.1,
                        "noise": 0.04,
                        "data_source": "End-of-placement survey",
                    },
                ],
            },
        ],
    },
    {
        "title": "Heart failure readmission programme with Lakeshore Regional Medical Center",
        "description": (
            "Lakeshore adopts our nurse-led discharge protocol and remote monitoring pathway; "
            "both sides benchmark readmissions every quarter."
        ),
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES, Benefit.INNOVATION],
        "stage": Stage.ACTIVE,
        "owner": "maya",
        "leads": [("maya", _CLIN), ("omar", _ADMIN)],
        "members": [("lakeshore", _LEAD)],
        "start": months(-28),
        "agreements": [
            {
                "reference": "AGR-1060",
                "kind": AgreementKind.COLLABORATION,
                "title": "Heart failure care transitions collaboration",
                "status": AgreementStatus.ACTIVE,
                "goals": "Cut 30-day heart failure readmissions to 15%.",
                "effective": months(-27),
                "expiry": months(9),
                "governing_law": "State of Wisconsin, USA",
                "language": "en",
                "parties": [
                    _us(
                        MAYA,
                        "Share the discharge protocol; train Lakeshore's transition nurses.",
                        in_kind="Protocols and nurse training",
                    ),
                    _them(
                        "lakeshore",
                        ("Dr Daniel Whitaker", "Chief Medical Officer"),
                        "Enrol discharged patients in remote monitoring.",
                        financial=("95000", "USD", "Remote monitoring kits for the pilot"),
                    ),
                ],
            },
            {
                "reference": "AGR-1061",
                "kind": AgreementKind.DATA_SHARING,
                "title": "Readmissions benchmarking data-sharing agreement",
                "status": AgreementStatus.ACTIVE,
                "goals": "Exchange de-identified readmission data every quarter.",
                "effective": months(-26),
                "expiry": months(22),
                "governing_law": "State of Wisconsin, USA",
                "language": "en",
                "parties": [
                    _us(ERIN, "De-identify and send quarterly extracts."),
                    _them(
                        "lakeshore",
                        ("Dr Daniel Whitaker", "Chief Medical Officer"),
                        "De-identify and send quarterly extracts.",
                    ),
                ],
                "obligations": [
                    _due("Annual data protection audit", months(-14), None, months(-14)),
                    _due("Annual data protection audit", months(-2), None, months(-2)),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Cut heart failure readmissions",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "weight": 2,
                "due": months(9),
                "metrics": [
                    {
                        "name": "30-day readmission rate",
                        "unit": "%",
                        "direction": _LOWER,
                        "baseline": 21.5,
                        "target": 15,
                        "missing": [2],
                        "data_source": "Lakeshore quality dashboard",
                    }
                ],
            },
            {
                "title": "Enrol discharged patients in remote monitoring",
                "benefit": Benefit.INNOVATION,
                "due": months(9),
                "owner": "omar",
                "metrics": [
                    {
                        "name": "Patients enrolled in remote monitoring",
                        "unit": "patients",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 350,
                        "decimals": 0,
                        "data_source": "Nurse navigator log",
                    }
                ],
            },
        ],
    },
    {
        "title": "Shared sterile services with Kestrel Health Supplies and Hanbit Surgical Devices",
        "description": (
            "Kestrel decontaminates and delivers our instrument sets; Hanbit supplies "
            "containers and tracking at cost. Volumes are pooled with two neighbouring "
            "hospitals to lower unit costs."
        ),
        "purpose": Purpose.SHARED_SERVICES,
        "benefits": [Benefit.ECONOMIES_OF_SCALE],
        "stage": Stage.ACTIVE,
        "owner": "omar",
        "leads": [("omar", _ADMIN)],
        "members": [("kestrel", _LEAD), ("hanbit", _MEMB)],
        "start": months(-20),
        "agreements": [
            {
                "reference": "AGR-1070",
                "kind": AgreementKind.COLLABORATION,
                "title": "Shared sterile services agreement",
                "status": AgreementStatus.ACTIVE,
                "goals": "Sterile instrument sets within 24 hours at a lower unit cost.",
                "effective": months(-20),
                "expiry": months(16),
                "auto_renewal": True,
                "renewal_term_months": 12,
                "governing_law": "England and Wales",
                "language": "en",
                "parties": [
                    _us(
                        ERIN,
                        "Guarantee minimum volumes of instrument sets.",
                        financial=("410000", "GBP", "Annual service fee"),
                    ),
                    _them(
                        "kestrel",
                        ("Gareth Holloway", "Managing Director"),
                        "Decontaminate, pack and deliver instrument sets within 24 hours.",
                    ),
                    _them(
                        "hanbit",
                        ("Park Ji-woo", "Director of Global Sales"),
                        "Supply sterilisation containers and instrument tracking at cost.",
                        in_kind="Instrument tracking software licences",
                    ),
                ],
                "obligations": [
                    _due("Instrument tracking integration live", months(-4), 2, months(-3)),
                    _due("Quarterly service review", months(-1), None, months(-1)),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Lower the cost of sterile instrument sets",
                "benefit": Benefit.ECONOMIES_OF_SCALE,
                "weight": 2,
                "due": months(10),
                "metrics": [
                    {
                        "name": "Cost per sterile instrument set",
                        "unit": "GBP",
                        "direction": _LOWER,
                        "baseline": 42,
                        "target": 33,
                        "decimals": 2,
                        "data_source": "Finance ledger",
                    }
                ],
            },
            {
                "title": "Deliver instrument sets on time",
                "benefit": Benefit.ECONOMIES_OF_SCALE,
                "due": months(10),
                "metrics": [
                    {
                        "name": "Instrument sets delivered on time",
                        "unit": "%",
                        "baseline": 88,
                        "target": 98,
                        "frequency": _M,
                        "data_source": "Kestrel delivery tracking",
                    }
                ],
            },
        ],
    },
    {
        "title": "Safe surgery training network for East and Southern Africa",
        "description": (
            "Workshops on the surgical safety checklist for theatre teams, run with the Global "
            "Surgery Access Alliance at Cape Meridian's simulation centre and in Kiambaru "
            "County; Northgate evaluates adoption."
        ),
        "purpose": Purpose.CONFERENCES,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE, Benefit.PATIENT_OUTCOMES],
        "stage": Stage.ACTIVE,
        "owner": "maya",
        "leads": [("maya", _CLIN), ("omar", _EDU)],
        "members": [
            ("gsaa", _LEAD),
            ("cape-meridian", _CO),
            ("kiambaru-county", _MEMB),
            ("northgate", _MEMB),
        ],
        "start": months(-24),
        "agreements": [
            {
                "reference": "AGR-1080",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding for the Safe Surgery Training Network",
                "status": AgreementStatus.ACTIVE,
                "goals": "Train 600 theatre staff; checklist used in nine in ten operations.",
                "effective": months(-24),
                "expiry": months(12),
                "governing_law": "England and Wales",
                "language": "en",
                "parties": [
                    _us(MAYA, "Provide faculty for the workshops.", in_kind="Faculty time"),
                    _them(
                        "gsaa",
                        ("Dr Nadia Benali", "Director of Programmes"),
                        "Organise the workshops and fund travel.",
                        financial=("220000", "USD", "Workshop travel and venue costs"),
                    ),
                    _them(
                        "cape-meridian",
                        ("Prof. Thandeka Nkosi", "Dean of Health Sciences"),
                        "Host workshops in the simulation centre.",
                        in_kind="Simulation centre",
                    ),
                    _them(
                        "kiambaru-county",
                        ("Dr Wanjiru Kamau-Otieno", "County Director of Health"),
                        "Release theatre staff for training.",
                    ),
                    _them(
                        "northgate",
                        ("Dr Samuel Adeyemi-Clarke", "Senior Lecturer"),
                        "Evaluate the adoption of the checklist.",
                    ),
                ],
                "obligations": [
                    _due("Workshop calendar for the year published", months(-11), 1, months(-11)),
                    _due("Evaluation report on checklist adoption", months(-1), 4),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Train theatre teams in the surgical safety checklist",
                "benefit": Benefit.KNOWLEDGE_EXCHANGE,
                "due": months(12),
                "metrics": [
                    {
                        "name": "Surgeons, anaesthetists and nurses trained",
                        "unit": "people",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 600,
                        "decimals": 0,
                        "data_source": "Workshop attendance sheets",
                    }
                ],
            },
            {
                "title": "Use the checklist in every operation",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "due": months(12),
                "status": ObjectiveStatus.AT_RISK,
                "metrics": [
                    {
                        "name": "Operations with a completed safety checklist",
                        "unit": "%",
                        "baseline": 45,
                        "target": 90,
                        "pace": 0.8,
                        "data_source": "Theatre audit by Northgate",
                    }
                ],
            },
        ],
    },
    {
        "title": "Clinical AI evaluation collaboration with Lion City Institute of Digital Health",
        "description": (
            "Independent evaluation of clinical AI tools on our data before we adopt them, "
            "starting with a sepsis early-warning model."
        ),
        "purpose": Purpose.JOINT_RESEARCH,
        "benefits": [Benefit.RESEARCH_CAPABILITY, Benefit.INNOVATION],
        "stage": Stage.ACTIVE,
        "owner": "omar",
        "leads": [("omar", _ADMIN), ("maya", _RES)],
        "members": [("lion-city", _LEAD)],
        "start": months(-15),
        "agreements": [
            {
                "reference": "AGR-1090",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on clinical AI evaluation",
                "status": AgreementStatus.ACTIVE,
                "goals": "Joint evaluations and publications of clinical AI tools.",
                "effective": months(-15),
                "expiry": months(21),
                "governing_law": "Singapore",
                "language": "en",
                "parties": [
                    _us(ERIN, "Provide clinical questions and clinician reviewers."),
                    _them(
                        "lion-city",
                        ("Dr Mei Ling Tan", "Deputy Director"),
                        "Run the evaluations.",
                        in_kind="Data science team",
                    ),
                ],
            },
            {
                "reference": "AGR-1091",
                "kind": AgreementKind.DATA_SHARING,
                "title": "Data-sharing agreement for the sepsis model evaluation",
                "status": AgreementStatus.ACTIVE,
                "goals": "Pseudonymised vital signs and outcomes in a trusted research "
                "environment.",
                "effective": months(-13),
                "expiry": months(23),
                "governing_law": "Singapore",
                "language": "en",
                "parties": [
                    _us(ERIN, "Pseudonymise and deposit the extract."),
                    _them(
                        "lion-city",
                        ("Dr Mei Ling Tan", "Deputy Director"),
                        "Keep the data in the trusted research environment only.",
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Publish joint evaluations of clinical AI tools",
                "benefit": Benefit.RESEARCH_CAPABILITY,
                "due": months(21),
                "metrics": [
                    {
                        "name": "Joint peer-reviewed publications",
                        "unit": "publications",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 8,
                        "decimals": 0,
                        "data_source": "Library publication records",
                    }
                ],
            },
            {
                "title": "Act on sepsis alerts within the hour",
                "benefit": Benefit.INNOVATION,
                "due": months(9),
                "metrics": [
                    {
                        "name": "Sepsis alerts reviewed within one hour",
                        "unit": "%",
                        "baseline": 52,
                        "target": 85,
                        "data_source": "Electronic health record audit",
                    }
                ],
            },
        ],
    },
    # --- struggling -----------------------------------------------------------------
    {
        "title": "Chagas cardiomyopathy registry with Hospital Santa Aurora",
        "description": (
            "A shared registry of Chagas cardiomyopathy with central echocardiogram reading. "
            "Ethics approval for the shared database took nine months, and the Portuguese case "
            "report forms still wait for translation."
        ),
        "purpose": Purpose.JOINT_RESEARCH,
        "benefits": [Benefit.RESEARCH_CAPABILITY, Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.STRUGGLING,
        "owner": "maya",
        "leads": [("maya", _RES)],
        "members": [("santa-aurora", _LEAD), ("planalto", _MEMB)],
        "start": months(-27),
        "agreements": [
            {
                "reference": "AGR-1110",
                "kind": AgreementKind.COLLABORATION,
                "title": "Chagas cardiomyopathy registry collaboration agreement",
                "status": AgreementStatus.ACTIVE,
                "goals": "Enrol 400 patients with central echocardiogram reading.",
                "effective": months(-27),
                "expiry": days(52),
                "governing_law": "Brazil",
                "language": "pt",
                "parties": [
                    _us(
                        MAYA,
                        "Read echocardiograms centrally; host the registry database.",
                        financial=("70000", "GBP", "Central reading and registry database"),
                    ),
                    _them(
                        "santa-aurora",
                        ("Dra. Helena Vasconcelos", "Diretora Clínica"),
                        "Enrol patients and upload echocardiograms.",
                        in_kind="Research nurses",
                    ),
                    _them(
                        "planalto",
                        ("Prof. Carlos Eduardo Moura", "Pró-Reitor de Pesquisa"),
                        "Fund postgraduate fellows to run the follow-up.",
                        financial=("180000", "BRL", "Postgraduate research fellowships"),
                    ),
                ],
                "obligations": [
                    _due("Ethics approval for the shared database", months(-24), 0, months(-15)),
                    _due("Portuguese translation of the case report forms", months(-6), 1),
                    _due("Annual progress report", months(-3), 0),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Build the Chagas cardiomyopathy registry",
                "benefit": Benefit.RESEARCH_CAPABILITY,
                "weight": 2,
                "due": months(9),
                "metrics": [
                    {
                        "name": "Patients enrolled in the registry",
                        "unit": "patients",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 400,
                        "decimals": 0,
                        "missing": [0, 1],
                        "data_source": "Registry database",
                    }
                ],
            },
            {
                "title": "Read echocardiograms centrally within 14 days",
                "benefit": Benefit.KNOWLEDGE_EXCHANGE,
                "status": ObjectiveStatus.OFF_TRACK,
                "due": months(9),
                "metrics": [
                    {
                        "name": "Echocardiograms read within 14 days",
                        "unit": "%",
                        "baseline": 50,
                        "target": 90,
                        "missing": [0],
                        "data_source": "Core laboratory log",
                    }
                ],
            },
        ],
    },
    {
        "title": "Diabetic kidney disease programme with Hospital General de Santa Regina",
        "description": (
            "Earlier detection and treatment of diabetic kidney disease in Guadalajara, "
            "funded by Medivance and the Sierra Clara foundation. Import permits for the "
            "analysers took six months, and two trained nurses have since left."
        ),
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES, Benefit.INNOVATION],
        "stage": Stage.STRUGGLING,
        "owner": "omar",
        "leads": [("omar", _ADMIN), ("maya", _CLIN)],
        "members": [("santa-regina", _LEAD), ("medivance", _FUND), ("sierra-clara", _FUND)],
        "start": months(-20),
        "agreements": [
            {
                "reference": "AGR-1120",
                "kind": AgreementKind.COLLABORATION,
                "title": "Diabetic kidney disease programme agreement",
                "status": AgreementStatus.ACTIVE,
                "goals": "More patients at target HbA1c; fewer dialysis starts.",
                "effective": months(-20),
                "expiry": months(16),
                "governing_law": "Mexico",
                "language": "es",
                "parties": [
                    _us(MAYA, "Nephrology training visits.", in_kind="Nephrologists' time"),
                    _them(
                        "santa-regina",
                        ("Dr Alejandro Cárdenas Villaseñor", "Director General"),
                        "Run the screening clinic and report quarterly.",
                        financial=("900000", "MXN", "Point-of-care HbA1c analysers"),
                    ),
                    _them(
                        "medivance",
                        ("Dr Sabine Kreuzer", "Medical Affairs Director"),
                        "Fund the programme; no say over treatment choices.",
                        financial=("300000", "EUR", "Independent research grant"),
                    ),
                    _them(
                        "sierra-clara",
                        ("Lucía Ortega Ferrer", "Programme Director"),
                        "Fund patient education.",
                        financial=("150000", "EUR", "Patient education grant"),
                    ),
                ],
                "obligations": [
                    _due(
                        "Import permit for the point-of-care analysers", months(-14), 1, months(-8)
                    ),
                    _due("Six-monthly report to the funders", months(-2), 0),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Bring blood sugar under control",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "due": months(16),
                "metrics": [
                    {
                        "name": "Patients with HbA1c below 7%",
                        "unit": "%",
                        "baseline": 31,
                        "target": 55,
                        "missing": [0],
                        "data_source": "Clinic registry",
                    }
                ],
            },
            {
                "title": "Slow the progression to dialysis",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "status": ObjectiveStatus.OFF_TRACK,
                "due": months(16),
                "metrics": [
                    {
                        "name": "Dialysis starts",
                        "unit": "per 1,000 patients per year",
                        "direction": _LOWER,
                        "baseline": 14,
                        "target": 9,
                        "missing": [0, 1],
                        "data_source": "Renal unit records",
                    }
                ],
            },
        ],
    },
    {
        "title": "Rural tele-rehabilitation service with Coral Coast Hospital and Health Service",
        "description": (
            "Physiotherapy by video for patients far from Cairns. Unreliable home broadband "
            "and a nine-hour time difference with our therapists keep sessions short."
        ),
        "purpose": Purpose.TECHNOLOGY_ACCESS,
        "benefits": [Benefit.PATIENT_OUTCOMES, Benefit.INNOVATION],
        "stage": Stage.STRUGGLING,
        "owner": "maya",
        "leads": [("maya", _CLIN), ("omar", _ADMIN)],
        "members": [("coral-coast", _LEAD), ("tele-rehab-society", _MEMB)],
        "start": months(-16),
        "agreements": [
            {
                "reference": "AGR-1130",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on rural tele-rehabilitation",
                "status": AgreementStatus.ACTIVE,
                "goals": "Three in four patients complete their rehabilitation course.",
                "effective": months(-16),
                "expiry": months(8),
                "governing_law": "Queensland, Australia",
                "language": "en",
                "parties": [
                    _us(
                        MAYA,
                        "Protocols and therapist training.",
                        in_kind="Tele-rehabilitation protocols and therapist training",
                    ),
                    _them(
                        "coral-coast",
                        ("Dr Liam O'Connell", "Executive Director Medical Services"),
                        "Equip patients and run the service.",
                        financial=("120000", "AUD", "Tablets and connectivity for patients"),
                    ),
                    _them(
                        "tele-rehab-society",
                        ("Dr Joanne Mercer", "President"),
                        "Accredit the therapists.",
                        in_kind="Clinician accreditation course",
                    ),
                ],
                "obligations": [
                    _due("Broadband survey of patients' homes", months(-12), 1, months(-11)),
                    _due("Therapist accreditation completed", months(-3), 2),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Patients complete tele-rehabilitation",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "due": months(8),
                "metrics": [
                    {
                        "name": "Patients completing the tele-rehabilitation course",
                        "unit": "%",
                        "baseline": 40,
                        "target": 75,
                        "frequency": _M,
                        "missing": [0, 1, 2],
                        "data_source": "Coral Coast therapy records",
                    }
                ],
            },
            {
                "title": "Keep sessions connected",
                "benefit": Benefit.INNOVATION,
                "due": months(8),
                "owner": "omar",
                "metrics": [
                    {
                        "name": "Sessions lost to connection failures",
                        "unit": "%",
                        "direction": _LOWER,
                        "baseline": 18,
                        "target": 5,
                        "missing": [0],
                        "data_source": "Video platform logs",
                    }
                ],
            },
        ],
    },
    {
        "title": "Insulin biosimilar access programme with Kanem Pharmaceuticals",
        "description": (
            "Discounted biosimilar insulin for patients of our partner clinics in northern "
            "Nigeria. Cold-chain gaps at the distribution hubs cause stock-outs."
        ),
        "purpose": Purpose.TECHNOLOGY_ACCESS,
        "benefits": [Benefit.INNOVATION, Benefit.ECONOMIES_OF_SCALE],
        "stage": Stage.STRUGGLING,
        "owner": "omar",
        "leads": [("omar", _ADMIN)],
        "members": [("kanem", _LEAD)],
        "start": months(-14),
        "agreements": [
            {
                "reference": "AGR-1140",
                "kind": AgreementKind.COLLABORATION,
                "title": "Insulin biosimilar access agreement",
                "status": AgreementStatus.ACTIVE,
                "goals": "500 patients started on affordable insulin without stock-outs.",
                "effective": months(-14),
                "expiry": months(22),
                "governing_law": "Nigeria",
                "language": "en",
                "parties": [
                    _us(
                        ERIN,
                        "Pharmacy training and stock management support.",
                        in_kind="Pharmacists' time",
                    ),
                    _them(
                        "kanem",
                        ("Aisha Bello", "Head of Market Access"),
                        "Supply biosimilar insulin at the agreed price.",
                        financial=("45000000", "NGN", "Discount on biosimilar insulin"),
                    ),
                ],
                "obligations": [
                    _due("Cold-chain audit at the distribution hubs", months(-5), 1),
                    _due("Quarterly supply report", months(-1), 1),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Start patients on affordable insulin",
                "benefit": Benefit.ECONOMIES_OF_SCALE,
                "due": months(10),
                "metrics": [
                    {
                        "name": "Patients started on biosimilar insulin",
                        "unit": "patients",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 500,
                        "decimals": 0,
                        "missing": [0],
                        "data_source": "Clinic dispensing records",
                    }
                ],
            },
            {
                "title": "No insulin stock-outs",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "status": ObjectiveStatus.OFF_TRACK,
                "due": months(10),
                "metrics": [
                    {
                        "name": "Days of insulin stock-out",
                        "unit": "days per quarter",
                        "direction": _LOWER,
                        "baseline": 21,
                        "target": 3,
                        "decimals": 0,
                        "missing": [0],
                        "data_source": "Pharmacy stock cards",
                    }
                ],
            },
        ],
    },
    # --- completed ------------------------------------------------------------------
    {
        "title": "Hand hygiene improvement collaborative with Amstelwijk UMC",
        "description": (
            "A three-year quality improvement collaborative on hand hygiene and central line "
            "infections; both targets were met and the audit tools are now routine."
        ),
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES, Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.COMPLETED,
        "owner": "maya",
        "leads": [("maya", _CLIN)],
        "members": [("amstelwijk", _LEAD)],
        "start": months(-48),
        "end": months(-10),
        "agreements": [
            {
                "reference": "AGR-1210",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on infection prevention",
                "status": AgreementStatus.EXPIRED,
                "effective": months(-48),
                "expiry": months(-10),
                "governing_law": "Netherlands",
                "language": "en",
                "parties": [
                    _us(MAYA, "Join the audit rounds; share our infection data."),
                    _them(
                        "amstelwijk",
                        ("Dr Femke van Houten", "Infection Prevention Lead"),
                        "Train our observers and lend the audit tools.",
                        in_kind="Observer training and audit tools",
                    ),
                ],
                "obligations": [
                    _due(
                        "Final report to both infection control committees",
                        months(-10),
                        None,
                        months(-9),
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Raise hand hygiene compliance",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "due": months(-12),
                "metrics": [
                    {
                        "name": "Hand hygiene compliance",
                        "unit": "%",
                        "baseline": 58,
                        "target": 85,
                        "data_source": "Observation audits",
                    },
                    {
                        "name": "Central line infections",
                        "unit": "per 1,000 line days",
                        "direction": _LOWER,
                        "baseline": 2.4,
                        "target": 1.2,
                        "decimals": 2,
                        "data_source": "Infection surveillance",
                    },
                ],
            },
        ],
    },
    {
        "title": "Perioperative nursing conferences with the Albion Society of Theatre Nurses",
        "description": "Five conferences on perioperative nursing over three years, now concluded.",
        "purpose": Purpose.CONFERENCES,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.COMPLETED,
        "owner": "omar",
        "leads": [("omar", _EDU), ("maya", _NURS)],
        "members": [("albion-theatre-nurses", _LEAD)],
        "start": months(-36),
        "end": months(-6),
        "agreements": [
            {
                "reference": "AGR-1220",
                "kind": AgreementKind.COLLABORATION,
                "title": "Conference series collaboration agreement",
                "status": AgreementStatus.EXPIRED,
                "effective": months(-36),
                "expiry": months(-6),
                "governing_law": "England and Wales",
                "language": "en",
                "parties": [
                    _us(ERIN, "Venue and speakers.", financial=("36000", "GBP", "Venue costs")),
                    _them(
                        "albion-theatre-nurses",
                        ("Grace Whitfield", "Education Officer"),
                        "Programme committee and CPD accreditation.",
                        in_kind="Programme committee and accreditation",
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Reach theatre nurses across the region",
                "benefit": Benefit.KNOWLEDGE_EXCHANGE,
                "due": months(-6),
                "metrics": [
                    {
                        "name": "Delegates attending",
                        "unit": "delegates",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 900,
                        "decimals": 0,
                        "data_source": "Registration system",
                    }
                ],
            },
        ],
    },
    {
        "title": "Cost-effectiveness study of day-case hip replacement with Nordmark and Alpenrand",
        "description": (
            "A multi-site health economics study comparing day-case with inpatient hip "
            "replacement; the results were published and changed our pathway."
        ),
        "purpose": Purpose.JOINT_RESEARCH,
        "benefits": [Benefit.RESEARCH_CAPABILITY, Benefit.ECONOMIES_OF_SCALE],
        "stage": Stage.COMPLETED,
        "owner": "maya",
        "leads": [("maya", _RES), ("omar", _ADMIN)],
        "members": [("nordmark", _LEAD), ("alpenrand", _IMPL)],
        "start": months(-42),
        "end": months(-12),
        "agreements": [
            {
                "reference": "AGR-1230",
                "kind": AgreementKind.COLLABORATION,
                "title": "Research collaboration agreement on day-case arthroplasty",
                "status": AgreementStatus.EXPIRED,
                "effective": months(-42),
                "expiry": months(-12),
                "governing_law": "Germany",
                "language": "de",
                "parties": [
                    _us(
                        MAYA,
                        "Extract the data and provide clinical input.",
                        financial=("90000", "GBP", "Data extraction and clinical time"),
                    ),
                    _them(
                        "nordmark",
                        ("Dr Lukas Brandeis", "Senior Researcher"),
                        "Lead the study and the economic model.",
                        financial=("140000", "EUR", "Study coordination"),
                    ),
                    _them(
                        "alpenrand",
                        ("Dr Urs Aebischer", "Managing Director"),
                        "Monitor the sites and analyse the data.",
                        in_kind="Biostatistics and data management",
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Complete a multi-site cost-effectiveness study",
                "benefit": Benefit.RESEARCH_CAPABILITY,
                "due": months(-14),
                "metrics": [
                    {
                        "name": "Study sites recruited",
                        "unit": "sites",
                        "baseline": 0,
                        "target": 10,
                        "decimals": 0,
                        "monotone": True,
                        "pace": 1.1,
                        "data_source": "Study management file",
                    },
                    {
                        "name": "Patients with complete 12-month follow-up",
                        "unit": "%",
                        "baseline": 0,
                        "target": 90,
                        "data_source": "Study database",
                    },
                ],
            },
        ],
    },
    # --- failed -----------------------------------------------------------------------
    {
        "title": "Regional imaging services consortium with the Río Alto Ministry of Health",
        "description": (
            "A shared CT and MRI service for the province. It ended when provincial "
            "procurement law could not accommodate a foreign co-purchaser and the shared "
            "tender was cancelled twice."
        ),
        "purpose": Purpose.SHARED_SERVICES,
        "benefits": [Benefit.ECONOMIES_OF_SCALE, Benefit.PATIENT_OUTCOMES],
        "stage": Stage.FAILED,
        "owner": "omar",
        "leads": [("omar", _ADMIN)],
        "members": [("rio-alto-ministry", _LEAD)],
        "start": months(-30),
        "end": months(-8),
        "agreements": [
            {
                "reference": "AGR-1310",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on shared imaging services",
                "status": AgreementStatus.TERMINATED,
                "effective": months(-29),
                "expiry": months(7),
                "governing_law": "Argentina",
                "language": "es",
                "parties": [
                    _us(ERIN, "Run the imaging reporting hub."),
                    _them(
                        "rio-alto-ministry",
                        ("Lic. Tomás Aguirre", "Director of Hospital Networks"),
                        "Procure the scanners through a joint tender.",
                    ),
                ],
                "obligations": [_due("Joint tender for CT scanners", months(-18), 1)],
            },
        ],
        "objectives": [
            {
                "title": "Share imaging capacity across the province",
                "benefit": Benefit.ECONOMIES_OF_SCALE,
                "due": months(-6),
                "metrics": [
                    {
                        "name": "Scans performed under the shared contract",
                        "unit": "scans",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 12000,
                        "decimals": 0,
                        "pace": 0.2,
                        "data_source": "Ministry imaging statistics",
                    }
                ],
            },
        ],
    },
    {
        "title": "Mobile cardiac screening clinics with Narmada Rural Health Mission Trust",
        "description": (
            "Echocardiography screening of schoolchildren for rheumatic heart disease from "
            "mobile clinics. Stopped when the state grant that paid for the vans was withdrawn."
        ),
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES],
        "stage": Stage.FAILED,
        "owner": "maya",
        "leads": [("maya", _CLIN), ("omar", _ADMIN)],
        "members": [("narmada", _LEAD), ("deccan", _MEMB)],
        "start": months(-32),
        "end": months(-14),
        "agreements": [
            {
                "reference": "AGR-1320",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on mobile cardiac screening",
                "status": AgreementStatus.TERMINATED,
                "effective": months(-32),
                "expiry": months(4),
                "governing_law": "India",
                "language": "en",
                "parties": [
                    _us(
                        MAYA,
                        "Provide portable echocardiography devices and training.",
                        financial=("60000", "USD", "Portable echocardiography devices"),
                    ),
                    _them(
                        "narmada",
                        ("Ravi Desai", "Programme Manager"),
                        "Run the vans and the village outreach.",
                        in_kind="Vans, drivers and village outreach",
                    ),
                    _them(
                        "deccan",
                        ("Dr Lakshmi Reddy", "Director"),
                        "Read the echocardiograms remotely.",
                        in_kind="Cardiologists reading echocardiograms remotely",
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Screen schoolchildren for rheumatic heart disease",
                "benefit": Benefit.PATIENT_OUTCOMES,
                "due": months(-8),
                "metrics": [
                    {
                        "name": "Children screened",
                        "unit": "children",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 20000,
                        "decimals": 0,
                        "pace": 0.3,
                        "data_source": "Screening app",
                    }
                ],
            },
        ],
    },
    # --- withdrawn --------------------------------------------------------------------
    {
        "title": "Biobank access agreement with Hikari BioPharma",
        "description": (
            "We withdrew after legal review: the proposed terms gave Hikari exclusive rights "
            "to results from our patients' samples."
        ),
        "purpose": Purpose.TECHNOLOGY_ACCESS,
        "benefits": [Benefit.INNOVATION, Benefit.RESEARCH_CAPABILITY],
        "stage": Stage.WITHDRAWN,
        "owner": "omar",
        "leads": [("omar", _ADMIN)],
        "members": [("hikari", _LEAD)],
        "end": months(-3),
    },
    {
        "title": "Midwifery exchange with the Volta Association of Midwives",
        "description": (
            "Exchange placements for midwives. The association withdrew when its own "
            "funding for travel ended; the MoU was terminated by mutual consent."
        ),
        "purpose": Purpose.EXCHANGE_PROGRAMME,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.WITHDRAWN,
        "owner": "maya",
        "leads": [("maya", _NURS)],
        "members": [("volta-midwives", _LEAD)],
        "start": months(-20),
        "end": months(-5),
        "agreements": [
            {
                "reference": "AGR-1420",
                "kind": AgreementKind.MOU,
                "title": "Memorandum of understanding on midwifery exchange",
                "status": AgreementStatus.TERMINATED,
                "effective": months(-19),
                "expiry": months(17),
                "governing_law": "Ghana",
                "language": "en",
                "parties": [
                    _us(
                        MAYA,
                        "Host visiting midwives.",
                        financial=(
                            "24000",
                            "GBP",
                            "Travel and accommodation for visiting midwives",
                        ),
                    ),
                    _them(
                        "volta-midwives",
                        ("Akosua Dzifa Agbeko", "President"),
                        "Select midwives and host ours.",
                    ),
                ],
            },
        ],
        "objectives": [
            {
                "title": "Midwives complete exchange placements",
                "benefit": Benefit.KNOWLEDGE_EXCHANGE,
                "due": months(10),
                "metrics": [
                    {
                        "name": "Midwives completing exchange placements",
                        "unit": "midwives",
                        "aggregation": _SUM,
                        "baseline": 0,
                        "target": 30,
                        "decimals": 0,
                        "pace": 0.4,
                        "data_source": "Exchange programme register",
                    }
                ],
            },
        ],
    },
    # --- potential: identified, outreach, negotiating ---------------------------------
    {
        "title": "Neonatal intensive care twinning with Harbourfront Children's Health Centre",
        "description": "Met at a neonatology congress; Laurentie would evaluate outcomes.",
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES, Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.IDENTIFIED,
        "owner": "maya",
        "members": [("harbourfront", _LEAD), ("laurentie", _MEMB)],
    },
    {
        "title": "Genomic newborn screening research with the Waitaha Institute",
        "description": "Shared interest in the ethics of genomic newborn screening.",
        "purpose": Purpose.JOINT_RESEARCH,
        "benefits": [Benefit.RESEARCH_CAPABILITY],
        "stage": Stage.IDENTIFIED,
        "owner": "omar",
        "members": [("waitaha", _LEAD)],
    },
    {
        "title": "Nursing faculty exchange with Phù Sa University of Medicine and Pharmacy",
        "purpose": Purpose.EXCHANGE_PROGRAMME,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.IDENTIFIED,
        "owner": "omar",
        "members": [("phu-sa", _LEAD)],
    },
    {
        "title": "Simulation training exchange with St Brannock's and the Université de Valcourt",
        "purpose": Purpose.EXCHANGE_PROGRAMME,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE, Benefit.ECONOMIES_OF_SCALE],
        "stage": Stage.IDENTIFIED,
        "owner": "maya",
        "members": [("st-brannocks", _LEAD), ("valcourt", _MEMB)],
    },
    {
        "title": "Paediatric cardiac surgery outreach in Rwanda with the Isoko Health Foundation",
        "description": "First visit planned; the foundation would fund the surgical missions.",
        "purpose": Purpose.CLINICAL_EXCHANGE,
        "benefits": [Benefit.PATIENT_OUTCOMES],
        "stage": Stage.OUTREACH,
        "owner": "maya",
        "leads": [("maya", _CLIN)],
        "members": [("isoko", _LEAD)],
        "agreements": [
            {
                "reference": "AGR-1501",
                "kind": AgreementKind.MOU,
                "title": "Draft memorandum on paediatric cardiac surgery missions",
                "status": AgreementStatus.DRAFT,
                "goals": "Two surgical missions a year and training for the Kigali team.",
                "governing_law": "Rwanda",
                "language": "en",
                "parties": [
                    _us(ERIN, "Send surgical teams twice a year."),
                    _them(
                        "isoko",
                        ("Jean-Paul Habimana", "Executive Director"),
                        "Fund travel and consumables.",
                    ),
                ],
            },
        ],
    },
    {
        "title": "Tele-ICU support for rural hospitals with the Rural Telehealth Society",
        "purpose": Purpose.TECHNOLOGY_ACCESS,
        "benefits": [Benefit.INNOVATION, Benefit.PATIENT_OUTCOMES],
        "stage": Stage.OUTREACH,
        "owner": "maya",
        "members": [("rural-telehealth-society", _LEAD)],
    },
    {
        "title": "Decentralised trials capability with Ubuntu Clinical Trials Unit and TrialBridge",
        "description": "Exploring home visits and e-consent for trials in Gauteng.",
        "purpose": Purpose.JOINT_RESEARCH,
        "benefits": [Benefit.RESEARCH_CAPABILITY, Benefit.INNOVATION],
        "stage": Stage.OUTREACH,
        "owner": "omar",
        "leads": [("omar", _ADMIN)],
        "members": [("ubuntu-ctu", _LEAD), ("trialbridge", _MEMB)],
        "agreements": [
            {
                "reference": "AGR-1503",
                "kind": AgreementKind.MOU,
                "title": "Draft memorandum on decentralised trials",
                "status": AgreementStatus.DRAFT,
                "governing_law": "South Africa",
                "language": "en",
                "parties": [
                    _us(ERIN, "Provide trial protocols and investigators."),
                    _them("ubuntu-ctu", ("Dr Sipho Dlamini", "Chief Executive Officer")),
                    _them("trialbridge", ("Marcus Bell", "Director of Site Services")),
                ],
            },
        ],
    },
    {
        "title": "Transplant hepatology fellowship with Ospedale Santa Lucilla",
        "description": "Terms agreed in principle; the stipend split is still open.",
        "purpose": Purpose.EXCHANGE_PROGRAMME,
        "benefits": [Benefit.KNOWLEDGE_EXCHANGE, Benefit.PATIENT_OUTCOMES],
        "stage": Stage.NEGOTIATING,
        "owner": "maya",
        "leads": [("maya", _CLIN), ("omar", _ADMIN)],
        "members": [("santa-lucilla", _LEAD)],
        "agreements": [
            {
                "reference": "AGR-1601",
                "kind": AgreementKind.MOU,
                "title": "Memorandum on a transplant hepatology fellowship",
                "status": AgreementStatus.NEGOTIATING,
                "goals": "One fellow a year in each direction.",
                "governing_law": "Italy",
                "language": "it",
                "parties": [
                    _us(ERIN, "Host one fellow a year."),
                    _them(
                        "santa-lucilla",
                        ("Dott.ssa Giulia Ferraresi", "Direttrice Generale"),
                        "Host one of our fellows a year.",
                        financial=("40000", "EUR", "Fellowship stipend (proposed)"),
                    ),
                ],
            },
        ],
    },
    {
        "title": "Robotic surgery training centre with Clínica Los Cerezos and Hanbit",
        "description": "Hanbit would place a training robot; Los Cerezos' lawyers review the "
        "liability clauses.",
        "purpose": Purpose.TECHNOLOGY_ACCESS,
        "benefits": [Benefit.INNOVATION, Benefit.KNOWLEDGE_EXCHANGE],
        "stage": Stage.NEGOTIATING,
        "owner": "omar",
        "leads": [("omar", _ADMIN), ("maya", _CLIN)],
        "members": [("los-cerezos", _LEAD), ("hanbit", _MEMB)],
        "agreements": [
            {
                "reference": "AGR-1611",
                "kind": AgreementKind.COLLABORATION,
                "title": "Robotic surgery training centre agreement",
                "status": AgreementStatus.LEGAL_REVIEW,
                "goals": "Train 20 surgeons a year on the robotic platform.",
                "governing_law": "Chile",
                "language": "es",
                "parties": [
                    _us(ERIN, "Provide proctors.", in_kind="Proctoring surgeons"),
                    _them(
                        "los-cerezos",
                        ("Dr Ignacio Fuenzalida", "Head of Robotic Surgery"),
                        "Host the training centre.",
                        financial=("150000000", "CLP", "Training centre fit-out"),
                    ),
                    _them(
                        "hanbit",
                        ("Park Ji-woo", "Director of Global Sales"),
                        "Place a training robot.",
                        in_kind="Training robot on loan",
                    ),
                ],
            },
        ],
    },
    {
        "title": "Hypertension control research in Medellín with Universidad San Telmo",
        "description": "Community cohort study; funding from Sierra Clara under negotiation.",
        "purpose": Purpose.JOINT_RESEARCH,
        "benefits": [Benefit.RESEARCH_CAPABILITY, Benefit.PATIENT_OUTCOMES],
        "stage": Stage.NEGOTIATING,
        "owner": "maya",
        "leads": [("maya", _RES)],
        "members": [("san-telmo", _LEAD), ("sierra-clara", _FUND)],
        "agreements": [
            {
                "reference": "AGR-1621",
                "kind": AgreementKind.FUNDING,
                "title": "Funding agreement for the Medellín hypertension cohort",
                "status": AgreementStatus.NEGOTIATING,
                "governing_law": "Spain",
                "language": "es",
                "parties": [
                    _us(ERIN, "Co-investigators and data management."),
                    _them("san-telmo", ("Dra. Paula Restrepo", "Vicerrectora de Investigación")),
                    _them(
                        "sierra-clara",
                        ("Lucía Ortega Ferrer", "Programme Director"),
                        "Fund the cohort.",
                        financial=("210000", "EUR", "Cohort study grant (proposed)"),
                    ),
                ],
            },
            {
                "reference": "AGR-1622",
                "kind": AgreementKind.DATA_SHARING,
                "title": "Data-sharing agreement for the Medellín hypertension cohort",
                "status": AgreementStatus.DRAFT,
                "governing_law": "Colombia",
                "language": "es",
                "parties": [
                    _us(ERIN),
                    _them("san-telmo", ("Dra. Paula Restrepo", "Vicerrectora de Investigación")),
                ],
            },
        ],
    },
]


# --- building -------------------------------------------------------------------

LABELS = (
    "users",
    "partners",
    "partnerships",
    "agreements",
    "objectives",
    "outcome metrics",
    "measurements",
)

# What the stage says when a spec does not.
_DEFAULT_PACE = {
    Stage.ACTIVE: 1.0,
    Stage.STRUGGLING: 0.4,
    Stage.COMPLETED: 1.05,
    Stage.FAILED: 0.3,
    Stage.WITHDRAWN: 0.3,
}
_DEFAULT_OBJECTIVE_STATUS = {
    Stage.ACTIVE: ObjectiveStatus.ON_TRACK,
    Stage.STRUGGLING: ObjectiveStatus.AT_RISK,
    Stage.COMPLETED: ObjectiveStatus.ACHIEVED,
    Stage.FAILED: ObjectiveStatus.ABANDONED,
    Stage.WITHDRAWN: ObjectiveStatus.ABANDONED,
}


class DemoReport:
    """How many rows of each kind were created, and how many were already there."""

    def __init__(self, labels=LABELS):
        self.labels = labels
        self.created = Counter()
        self.present = Counter()

    def rows(self):
        return [(label, self.created[label], self.present[label]) for label in self.labels]

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


def build_demo(*, today: dt.date) -> DemoReport:
    """Create whatever part of the demo portfolio is missing, all or nothing."""
    builder = _Builder(today)
    with transaction.atomic():
        builder.build()
    return builder.report


class _Builder:
    def __init__(self, today: dt.date):
        self.today = today
        self.report = DemoReport()
        self.users = {}
        self.partners = {}

    def build(self):
        for username, password, role, full_name in DEMO_USERS:
            self.users[username] = self._user(username, password, role, full_name)
        for key, spec in PARTNERS.items():
            self.partners[key] = self._partner(spec)
        for spec in PARTNERSHIPS:
            partnership = self._partnership(spec)
            for agreement in spec.get("agreements", ()):
                self._agreement(partnership, agreement)
            for objective in spec.get("objectives", ()):
                self._objective(partnership, spec, objective)

    def _date(self, offset):
        return on(self.today, offset)

    def _user(self, username, password, role, full_name):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            self.report.present["users"] += 1
            return user
        first_name, last_name = full_name.split(" ", 1)
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.org",
            is_staff=True,
            **USER_PROFILES[username],
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        self.report.created["users"] += 1
        return user

    def _partner(self, spec):
        partner = Partner.objects.filter(name__iexact=spec["name"], country=spec["country"]).first()
        if partner is not None:
            self.report.present["partners"] += 1
            return partner
        website = f"https://{_slug(spec['name'])}.example.org"
        partner = services.partner_create(website=website, **spec)
        self.report.created["partners"] += 1
        return partner

    def _partnership(self, spec):
        partnership = Partnership.objects.filter(title=spec["title"]).first()
        if partnership is not None:
            self.report.present["partnerships"] += 1
            return partnership
        start = self._date(spec.get("start"))
        self.report.created["partnerships"] += 1
        # Members joined when the partnership started; potential ones have not yet.
        return services.partnership_create(
            title=spec["title"],
            description=spec.get("description", ""),
            purpose=spec["purpose"],
            benefits_sought=list(spec["benefits"]),
            stage=spec["stage"],
            owner=self.users[spec["owner"]],
            start_date=start,
            end_date=self._date(spec.get("end")),
            members=[
                services.Member(partner=self.partners[key], role=role, joined_on=start)
                for key, role in spec["members"]
            ],
            leads=[
                services.Lead(user=self.users[username], functional_area=area)
                for username, area in spec.get("leads", ())
            ],
        )

    def _agreement(self, partnership, spec):
        if Agreement.objects.filter(reference=spec["reference"]).exists():
            self.report.present["agreements"] += 1
            return
        status = spec["status"]
        effective = self._date(spec.get("effective"))
        signed_on = None
        if status in SIGNED_STATUSES:
            # Signed a fortnight before it takes effect, unless the spec says when.
            signed_on = (
                self._date(spec["signed"])
                if "signed" in spec
                else effective - dt.timedelta(days=14)
            )
        changes, change_kind = None, ""
        if "renews" in spec:
            changes = Agreement.objects.get(reference=spec["renews"])
            change_kind = ChangeKind.RENEWAL
        elif "amends" in spec:
            changes = Agreement.objects.get(reference=spec["amends"])
            change_kind = ChangeKind.AMENDMENT
        agreement = services.agreement_create(
            partnership=partnership,
            title=spec["title"],
            reference=spec["reference"],
            kind=spec["kind"],
            status=status,
            goals=spec.get("goals", ""),
            effective_date=effective,
            expiry_date=self._date(spec.get("expiry")),
            notice_period_days=spec.get("notice_period_days", 90),
            auto_renewal=spec.get("auto_renewal", False),
            renewal_term_months=spec.get("renewal_term_months"),
            governing_law=spec.get("governing_law", ""),
            language=spec.get("language", ""),
            signed_on=signed_on,
            changes=changes,
            change_kind=change_kind,
            parties=[self._party(party, signed_on) for party in spec["parties"]],
            obligations=[
                services.ObligationSpec(
                    description=obligation["description"],
                    due_date=self._date(obligation["due"]),
                    party_index=obligation["party"],
                    completed_on=self._date(obligation["done"]),
                )
                for obligation in spec.get("obligations", ())
            ],
        )
        if change_kind == ChangeKind.RENEWAL:
            services.agreement_supersede(agreement=changes, by=agreement)
        self.report.created["agreements"] += 1

    def _party(self, spec, signed_on):
        name, title = spec.get("signatory", ("", ""))
        party = services.Party(
            partner=self.partners[spec["partner"]] if "partner" in spec else None,
            is_our_organisation=spec.get("us", False),
            signatory_name=name,
            signatory_title=title,
            signed_on=signed_on,
            responsibilities=spec.get("responsibilities", ""),
        )
        if "financial" in spec:
            amount, currency, description = spec["financial"]
            party.contribution_kind = ContributionKind.FINANCIAL
            party.contribution_amount = Decimal(amount)
            party.contribution_currency = currency
            party.contribution_description = description
        elif "in_kind" in spec:
            party.contribution_kind = ContributionKind.IN_KIND
            party.contribution_description = spec["in_kind"]
        return party

    def _objective(self, partnership, partnership_spec, spec):
        stage = Stage(partnership_spec["stage"])
        owner = self.users[spec.get("owner", partnership_spec["owner"])]
        objective = Objective.objects.filter(partnership=partnership, title=spec["title"]).first()
        if objective is not None:
            self.report.present["objectives"] += 1
        else:
            objective = services.objective_create(
                partnership=partnership,
                title=spec["title"],
                owner=owner,
                benefit=spec["benefit"],
                weight=Decimal(spec.get("weight", 1)),
                due_date=self._date(spec["due"]),
                status=spec.get("status", _DEFAULT_OBJECTIVE_STATUS[stage]),
            )
            self.report.created["objectives"] += 1
        for metric_spec in spec.get("metrics", ()):
            metric = self._metric(objective, partnership_spec, spec, metric_spec, owner)
            self._measurements(metric, partnership_spec, spec, metric_spec, stage)

    def _metric(self, objective, partnership_spec, objective_spec, spec, owner):
        metric = OutcomeMetric.objects.filter(objective=objective, name=spec["name"]).first()
        if metric is not None:
            self.report.present["outcome metrics"] += 1
            return metric
        target = spec.get("target")
        metric = services.metric_create(
            objective=objective,
            name=spec["name"],
            unit=spec["unit"],
            owner=owner,
            direction=spec.get("direction", Direction.HIGHER),
            baseline_value=_decimal(spec.get("baseline")),
            baseline_date=self._date(partnership_spec["start"]),
            target_value=_decimal(target),
            target_date=self._date(objective_spec["due"]) if target is not None else None,
            frequency=spec.get("frequency", Frequency.QUARTERLY),
            aggregation=spec.get("aggregation", Aggregation.LATEST),
            data_source=spec.get("data_source", ""),
        )
        self.report.created["outcome metrics"] += 1
        return metric

    def _measurements(self, metric, partnership_spec, objective_spec, spec, stage):
        baseline_date = self._date(partnership_spec["start"])
        target_date = self._date(objective_spec["due"])
        end_date = self._date(partnership_spec.get("end"))
        periods = _closed_periods(
            Frequency(spec.get("frequency", Frequency.QUARTERLY)),
            baseline_date,
            min(self.today - dt.timedelta(days=1), end_date or self.today),
        )
        # Seeded by the metric alone: the values do not depend on what exists.
        rng = random.Random(f"{SEED}:{partnership_spec['title']}:{spec['name']}")
        values = _values(spec, periods, baseline_date, target_date, _pace(spec, stage), rng)
        missing = {len(periods) - 1 - index for index in spec.get("missing", ())}
        existing = set(metric.measurements.values_list("period_start", flat=True))
        for index, (period, value) in enumerate(zip(periods, values, strict=True)):
            if index in missing:
                continue
            if period.start in existing:
                self.report.present["measurements"] += 1
                continue
            services.measurement_record(
                metric=metric,
                period_start=period.start,
                value=value,
                entered_by=metric.owner,
                evidence=f"{spec.get('data_source') or 'Programme records'}, {period.label}",
            )
            self.report.created["measurements"] += 1


def _closed_periods(frequency: Frequency, baseline_date: dt.date, last_day: dt.date):
    """The periods after the baseline's that ended on or before `last_day`."""
    periods = []
    period = Period.containing(baseline_date, frequency).next()
    while period.end <= last_day:
        periods.append(period)
        period = period.next()
    return periods


def _pace(spec, stage):
    return spec.get("pace", _DEFAULT_PACE.get(stage, 1.0))


def _values(spec, periods, baseline_date, target_date, pace, rng) -> list[Decimal]:
    """Values moving from baseline towards target at `pace`, with noise.

    The generator is drawn the same number of times for every period, so a
    period's value is the same whichever periods are left out.
    """
    baseline = float(spec.get("baseline") or 0)
    target = spec.get("target")
    decimals = spec.get("decimals", 1)
    total_days = (target_date - baseline_date).days
    values, previous = [], None
    for period in periods:
        noise, jitter = rng.gauss(0, 1), rng.random()
        if target is None:
            value = baseline * (1 + spec.get("noise", 0.05) * noise)
        elif spec.get("aggregation") == Aggregation.SUM:
            period_days = (period.end - period.start).days + 1
            share = (float(target) - baseline) * pace * period_days / total_days
            value = share * (1 + spec.get("noise", 0.25) * noise)
            if decimals == 0:
                # Round at random so that small counts add up to the plan.
                value = math.floor(max(value, 0) + jitter)
        else:
            elapsed = min(1.0, (period.end - baseline_date).days / total_days)
            gap = float(target) - baseline
            value = baseline + gap * pace * elapsed + spec.get("noise", 0.06) * abs(gap) * noise
        value = max(value, 0.0)
        if spec["unit"] == "%":
            value = min(value, 100.0)
        if spec.get("monotone") and previous is not None:
            value = max(value, previous)
        previous = value
        values.append(Decimal(f"{value:.{decimals}f}"))
    return values


def _decimal(value):
    return None if value is None else Decimal(str(value))


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    return "-".join(words[:3])
