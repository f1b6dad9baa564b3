"""What partnership managers enter: partners, partnerships, agreements, objectives,
outcome metrics and measurements.

Every rule that PostgreSQL can hold is a constraint here, so that neither a bug
nor a second worker can store what a form would refuse. Foreign keys PROTECT:
nothing a person entered disappears through a cascade they did not ask for;
partnerships are ended and agreements superseded, not deleted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.data import COUNTRIES
from django_countries.fields import CountryField
from timezone_field import TimeZoneField

from accounts.models import Role, User
from core import formatting
from core.dates import EARLIEST, validate_not_after_today, validate_plausible
from core.fields import BoundedTextField, length_check
from core.models import ChoiceLabels, Unignorable
from core.queries import holds
from core.text import refuse_unshown_name, tidy_name_of
from core.versioning import Versioned

from .geography import continent_of, currency_codes, language_codes
from .identifiers import (
    IATI_PATTERN,
    ROR_PATTERN,
    IatiIdField,
    RorIdField,
    normalize_iati_id,
    normalize_ror_id,
)
from .periods import Frequency, Period, is_period_start, named, unrecordable


def validate_language_code(code):
    if code not in language_codes():
        raise ValidationError(
            gettext("“%(code)s” is not an ISO 639-1 language code."), params={"code": code}
        )


def validate_currency_code(code):
    if code not in currency_codes():
        raise ValidationError(
            gettext("“%(code)s” is not an ISO 4217 currency code."), params={"code": code}
        )


class TimeStamped(ChoiceLabels):
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        abstract = True


# The longest free text a record keeps (notes, descriptions, goals): some
# eight pages, whether typed on a page (whose whole form Django caps at 2.5 MB),
# sent to the API or read from a file, so that what one door saved, another can
# open and save again.
LONG_TEXT_MAX_LENGTH = 20_000


# --- partners -------------------------------------------------------------------


class Sector(models.TextChoices):
    """The study's three sectors, with academia kept apart as our users expect."""

    NONPROFIT = "nonprofit", _("Nonprofit")
    INDUSTRY = "industry", _("Industry")
    GOVERNMENT = "government", _("Government")
    ACADEMIC = "academic", _("Academic")


class OrganisationType(models.TextChoices):
    """The IATI OrganisationType codelist."""

    GOVERNMENT = "10", _("Government")
    LOCAL_GOVERNMENT = "11", _("Local government")
    OTHER_PUBLIC = "15", _("Other public sector")
    INTERNATIONAL_NGO = "21", _("International NGO")
    NATIONAL_NGO = "22", _("National NGO")
    REGIONAL_NGO = "23", _("Regional NGO")
    PARTNER_COUNTRY_NGO = "24", _("Partner country based NGO")
    PUBLIC_PRIVATE = "30", _("Public private partnership")
    MULTILATERAL = "40", _("Multilateral")
    FOUNDATION = "60", _("Foundation")
    PRIVATE_SECTOR = "70", _("Private sector")
    PRIVATE_PROVIDER_COUNTRY = "71", _("Private sector in provider country")
    PRIVATE_RECIPIENT_COUNTRY = "72", _("Private sector in aid recipient country")
    PRIVATE_THIRD_COUNTRY = "73", _("Private sector in third country")
    ACADEMIC = "80", _("Academic, training and research")
    OTHER = "90", _("Other")


class PartnerKind(models.TextChoices):
    """What kind of organisation, in the words our users use."""

    HOSPITAL = "hospital", _("Hospital or health system")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    PROFESSIONAL_ASSOCIATION = "professional_association", _("Professional association")
    PHARMA_BIOTECH = "pharma_biotech", _("Pharma or biotech company")
    CRO = "cro", _("Contract research organisation")
    SUPPLIER = "supplier", _("Supplier")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency or ministry")
    NGO = "ngo", _("NGO")
    FOUNDATION = "foundation", _("Foundation")
    OTHER = "other", _("Other")


# What a person enters about a partner, in the order the form, the import's
# columns and the API show it (notes are not imported: a file has no room for them).
PARTNER_ENTERED_FIELDS = [
    "name",
    "kind",
    "organisation_type",
    "sector",
    "country",
    "city",
    "languages",
    "time_zone",
    "expertise",
    "website",
    "ror_id",
    "iati_id",
    "notes",
]


# A partner's areas of expertise are what it is known for, to find it by: a
# handful, not a catalogue. Twenty leaves room for a university hospital's
# specialties while keeping the list (and the search over it) readable.
EXPERTISE_MAX_AREAS = 20


def split_list(text: str) -> list[str]:
    """Items of a list typed as text (a form's box, a file's cell), separated
    by commas or semicolons."""
    return [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]


def once_each(items) -> list:
    """`items` with each kept once, where it came first (a language or a benefit
    listed twice would count twice on the portfolio)."""
    return list(dict.fromkeys(items))


def expertise_areas(items) -> list[str]:
    """The areas as they are kept: each trimmed, blanks dropped, and an area
    given twice (in any case) kept once, where it came first. Every door (the
    form, the import, the API) reads the areas typed through it."""
    areas, seen = [], set()
    for item in items:
        area = item.strip()
        if area and area.casefold() not in seen:
            seen.add(area.casefold())
            areas.append(area)
    return areas


def validate_expertise_count(areas):
    if len(areas) > EXPERTISE_MAX_AREAS:
        raise ValidationError(
            gettext(
                "A partner has at most %(limit)s areas of expertise; this lists %(count)s. "
                "Keep the main ones."
            ),
            code="max_length",
            params={"limit": EXPERTISE_MAX_AREAS, "count": len(areas)},
        )


class PartnerQuerySet(models.QuerySet):
    def with_partnership_count(self):
        """Each partner with `partnership_count`: the partnerships it is a member
        of. A subquery of its own memberships, so a page of partners, ordered
        and cut first, counts only its own (a join grouped by partner counted
        every partner's memberships for each page)."""
        memberships = (
            PartnershipMember.objects.filter(partner=OuterRef("pk"))
            .order_by()
            .values("partner")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(partnership_count=Coalesce(Subquery(memberships), 0))

    def search(self, text: str):
        """Partners whose name, city or an expertise item holds `text`, or whose
        ROR ID or IATI identifier does (the ROR ID typed bare or as its
        ror.org address): the partner list's search box and the API's `q`."""
        found = holds("name", text) | holds("city", text) | holds("expertise_text", text)
        found |= _identifiers(text, lookup="contains")
        # Expertise is an array: search its items joined into one text.
        return self.alias(
            expertise_text=Func(
                F("expertise"),
                Value("\n"),
                function="array_to_string",
                output_field=models.CharField(),
            )
        ).filter(found)

    def pick(self, text: str):
        """Partners for a picker: the name holds `text`, or an identifier is it."""
        return self.filter(holds("name", text) | _identifiers(text, lookup="exact"))


def _identifiers(text: str, *, lookup: str) -> Q:
    """Partners by ROR ID or IATI identifier; a blank one (none) never matches."""
    ror_id, iati_id = normalize_ror_id(text), normalize_iati_id(text)
    found = Q(pk__in=[])
    if ror_id:
        found |= Q(**{f"ror_id__{lookup}": ror_id})
    if iati_id:
        found |= Q(**{f"iati_id__{'icontains' if lookup == 'contains' else lookup}": iati_id})
    return found


@pghistory.track(exclude=["updated_at", "version"])
class Partner(TimeStamped, Versioned):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    kind = models.CharField(max_length=30, choices=PartnerKind, verbose_name=_("kind"))
    organisation_type = models.CharField(
        _("IATI organisation type"), max_length=2, choices=OrganisationType
    )
    sector = models.CharField(max_length=20, choices=Sector, verbose_name=_("sector"))
    country = CountryField(verbose_name=_("country"))
    city = models.CharField(max_length=120, blank=True, verbose_name=_("city"))
    languages = ArrayField(
        models.CharField(max_length=3, validators=[validate_language_code]),
        default=list,
        blank=True,
        help_text=_("ISO 639-1 codes"),
        verbose_name=_("languages"),
    )
    time_zone = TimeZoneField(use_pytz=False, verbose_name=_("time zone"))
    expertise = ArrayField(
        models.CharField(max_length=80),
        default=list,
        blank=True,
        validators=[validate_expertise_count],
        verbose_name=_("expertise"),
    )
    website = models.URLField(blank=True, verbose_name=_("website"))
    ror_id = RorIdField(
        _("ROR ID"),
        max_length=9,
        blank=True,
        help_text=_("From ror.org, e.g. 03yrm5c26: the ID or its https://ror.org/ address."),
    )
    iati_id = IatiIdField(
        _("IATI organisation identifier"),
        max_length=150,
        blank=True,
        help_text=_("The agency's prefix and the number there, e.g. GB-CHC-202918."),
    )
    notes = BoundedTextField(blank=True, max_length=LONG_TEXT_MAX_LENGTH, verbose_name=_("notes"))

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            length_check("notes", LONG_TEXT_MAX_LENGTH, name="partner_notes_bounded"),
            # One partner per identifier; most partners have none (blank).
            models.UniqueConstraint(
                fields=["ror_id"],
                condition=~Q(ror_id=""),
                name="partner_ror_id_unique",
                violation_error_message=_("Another partner has this ROR ID already."),
                violation_error_code="unique",
            ),
            models.UniqueConstraint(
                fields=["iati_id"],
                condition=~Q(iati_id=""),
                name="partner_iati_id_unique",
                violation_error_message=_(
                    "Another partner has this IATI organisation identifier already."
                ),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(ror_id="") | Q(ror_id__regex=ROR_PATTERN),
                name="partner_ror_id_form",
            ),
            models.CheckConstraint(
                condition=Q(iati_id="") | Q(iati_id__regex=IATI_PATTERN),
                name="partner_iati_id_form",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="partner_name_country_unique",
                violation_error_message=_(
                    "A partner with this name already exists in this country."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="partner_sector_valid"
            ),
            models.CheckConstraint(
                condition=Q(organisation_type__in=OrganisationType.values),
                name="partner_organisation_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PartnerKind.values), name="partner_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="partner_name_not_blank"),
            models.CheckConstraint(
                condition=Q(country__in=sorted(COUNTRIES)), name="partner_country_iso_3166"
            ),
            models.CheckConstraint(
                condition=Q(expertise__len__lte=EXPERTISE_MAX_AREAS),
                name="partner_expertise_capped",
            ),
        ]
        indexes = [GinIndex(fields=["expertise"], name="partner_expertise_gin")]

    def __str__(self):
        return self.name

    def validate_constraints(self, exclude=None):
        # The uniqueness of name and country is on Lower(name), so Django
        # reports it for no field: every door (the page, the API, a save that
        # met another's at the same moment) shows it next to the name.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            taken = str(partner_name_unique().get_violation_error_message())
            for refusal in errors.pop(NON_FIELD_ERRORS, []):
                field = "name" if str(refusal.message) == taken else NON_FIELD_ERRORS
                errors.setdefault(field, []).append(refusal)
            raise ValidationError(errors) from error

    def clean(self):
        # Every door (the form, the import, the API) saves through full_clean.
        super().clean()
        # An empty name is clean_fields' to report (or the import's, whose
        # column it excluded); one of invisible characters alone is ours.
        refuse_unshown_name(self, "name")
        self.languages = once_each(self.languages or [])
        # The page and the files split a list at its separators: an area
        # holding one would come back as two once its page is saved.
        for area in self.expertise or []:
            if len(split_list(area)) != 1:
                raise ValidationError(
                    {
                        "expertise": gettext(
                            "“%(area)s” holds a comma or a semicolon, which separate "
                            "areas: give each area on its own."
                        )
                        % {"area": area}
                    }
                )

    @property
    def continent(self):
        return continent_of(self.country.code)


def partner_name_unique() -> models.UniqueConstraint:
    """The uniqueness of a partner's name in its country, with its words."""
    return next(c for c in Partner._meta.constraints if c.name == "partner_name_country_unique")


@pghistory.track(exclude=["updated_at"])
class Contact(TimeStamped):
    """A person at a partner organisation: personal data, kept to what the work needs."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("partner")
    )
    name = models.CharField(max_length=150, verbose_name=_("name"))
    job_title = models.CharField(max_length=150, blank=True, verbose_name=_("job title"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    is_primary = models.BooleanField(default=False, verbose_name=_("primary contact"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_partner",
                violation_error_message=_("This partner already has a primary contact."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="contact_name_not_blank"),
        ]

    def __str__(self):
        return f"{self.name} ({self.partner})"


# --- partnerships ---------------------------------------------------------------


class Purpose(models.TextChoices):
    JOINT_RESEARCH = "joint_research", _("Joint research")
    CLINICAL_EXCHANGE = "clinical_exchange", _("Clinical-practice exchange")
    EXCHANGE_PROGRAMME = "exchange_programme", _("Exchange and internship programme")
    CONFERENCES = "conferences", _("Conferences and workshops")
    SHARED_SERVICES = "shared_services", _("Shared procurement or services")
    TECHNOLOGY_ACCESS = "technology_access", _("Access to technology")


class Benefit(models.TextChoices):
    INNOVATION = "innovation", _("Access to innovations")
    RESEARCH_CAPABILITY = "research_capability", _("Research capability")
    KNOWLEDGE_EXCHANGE = "knowledge_exchange", _("Diversity of ideas and knowledge exchange")
    ECONOMIES_OF_SCALE = "economies_of_scale", _("Economies of scale")
    PATIENT_OUTCOMES = "patient_outcomes", _("Better patient outcomes")


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    OUTREACH = "outreach", _("In outreach")
    NEGOTIATING = "negotiating", _("Negotiating")
    ACTIVE = "active", _("Active")
    STRUGGLING = "struggling", _("Struggling")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StageFamily(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


STAGES_BY_FAMILY = {
    StageFamily.POTENTIAL: (Stage.IDENTIFIED, Stage.OUTREACH, Stage.NEGOTIATING),
    StageFamily.ACTIVE: (Stage.ACTIVE, Stage.STRUGGLING),
    StageFamily.ENDED: (Stage.COMPLETED, Stage.FAILED, Stage.WITHDRAWN),
}
FAMILY_OF_STAGE = {stage: family for family, stages in STAGES_BY_FAMILY.items() for stage in stages}


class PartnershipQuerySet(models.QuerySet):
    def in_family(self, family: StageFamily):
        return self.filter(stage__in=STAGES_BY_FAMILY[family])

    def assessable(self):
        """Partnerships that get a scorecard: the active and the struggling."""
        return self.in_family(StageFamily.ACTIVE)

    def not_ended_by(self, day: dt.date):
        """Partnerships whose run has not ended before `day` (no end date, or
        one on or after it): what began on `day` still belongs to them. The
        query of `periods.began_after`."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))

    def with_stage_on(self, day: dt.date):
        """Each partnership with `stage_on`: its stage at the end of `day`.

        Every move is kept as a StageChange, but a partnership's first stage is
        not (creation records no change): so the stage then is the one the first
        move after that day left, or, with no move since, today's.
        """
        after = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
        left_then = (
            StageChange.objects.filter(partnership=OuterRef("pk"), changed_at__gte=after)
            .order_by("changed_at", "pk")
            .values("from_stage")[:1]
        )
        return self.annotate(stage_on=Coalesce(Subquery(left_then), F("stage")))

    def assessable_on(self, day: dt.date):
        """Partnerships that get a scorecard for the month ending on `day`: active
        or struggling at that day's end (whatever they are now), and started by then."""
        return (
            self.with_stage_on(day)
            .filter(stage_on__in=STAGES_BY_FAMILY[StageFamily.ACTIVE])
            .filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
        )

    def led_by(self, user):
        """Partnerships the user owns or co-leads: the one rule for who answers
        for a partnership (edit rights, review's "never your own", reminders)."""
        return self.filter(Q(owner=user) | Q(leads__user=user)).distinct()

    def leads_by_partnership(self) -> dict[int, list[int]]:
        """The active users who answer for each of these partnerships (the owner
        first, then the co-leads): the inverse of `led_by`, for whom to tell."""
        leads = defaultdict(list)
        owners = self.filter(owner__is_active=True).values_list("pk", "owner_id")
        co_leads = (
            PartnershipLead.objects.filter(partnership__in=self.values("pk"), user__is_active=True)
            .order_by("pk")
            .values_list("partnership_id", "user_id")
        )
        for partnership_id, user_id in [*owners, *co_leads]:
            if user_id not in leads[partnership_id]:
                leads[partnership_id].append(user_id)
        return leads

    def with_sectors_spanned(self):
        """Each partnership with `sectors_spanned`: how many sectors its members
        come from (0 without members). A subquery of its own members: a page of
        partnerships, ordered and cut first, counts only its own, where a join
        grouped by partnership would count every partnership's for each page."""
        spanned = (
            PartnershipMember.objects.filter(partnership=OuterRef("pk"))
            .order_by()
            .values("partnership")
            .annotate(n=Count("partner__sector", distinct=True))
            .values("n")
        )
        return self.annotate(sectors_spanned=Coalesce(Subquery(spanned), 0))

    def with_member_places(self):
        """Each partnership with its members' countries and sectors (the sectors
        it spans), as arrays; empty for a partnership without members."""
        members = Q(members__isnull=False)
        return self.annotate(
            countries=ArrayAgg(
                "members__partner__country", distinct=True, filter=members, default=Value([])
            ),
            sectors=ArrayAgg(
                "members__partner__sector", distinct=True, filter=members, default=Value([])
            ),
        )


@pghistory.track(exclude=["updated_at", "version"])
class Partnership(TimeStamped, Versioned):
    title = models.CharField(max_length=200, verbose_name=_("title"))
    description = BoundedTextField(
        blank=True, max_length=LONG_TEXT_MAX_LENGTH, verbose_name=_("description")
    )
    purpose = models.CharField(max_length=30, choices=Purpose, verbose_name=_("purpose"))
    benefits_sought = ArrayField(
        models.CharField(max_length=30, choices=Benefit),
        default=list,
        blank=True,
        verbose_name=_("benefits sought"),
    )
    stage = models.CharField(
        max_length=20, choices=Stage, default=Stage.IDENTIFIED, verbose_name=_("stage")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_partnerships",
        verbose_name=_("owner"),
    )
    partners = models.ManyToManyField(
        Partner, through="PartnershipMember", related_name="partnerships"
    )
    start_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("start date")
    )
    end_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("end date")
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["title"]
        constraints = [
            length_check(
                "description", LONG_TEXT_MAX_LENGTH, name="partnership_description_bounded"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="partnership_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="partnership_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(benefits_sought__contained_by=Benefit.values),
                name="partnership_benefits_valid",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="partnership_title_not_blank"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="partnership_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=STAGES_BY_FAMILY[StageFamily.ENDED])
                | Q(end_date__isnull=False),
                name="partnership_ended_has_end_date",
                violation_error_message=_("An ended partnership needs its end date."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def family(self) -> StageFamily:
        return FAMILY_OF_STAGE[self.stage]

    def clean(self):
        self.benefits_sought = once_each(self.benefits_sought or [])
        errors = {}
        # Found, sorted and shown in lists, pickers and exports as a name is.
        if problem := tidy_name_of(self, "title"):
            errors["title"] = problem
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = gettext("The end date cannot be before the start date.")
        elif self.stage in STAGES_BY_FAMILY[StageFamily.ENDED] and not self.end_date:
            errors["end_date"] = gettext("An ended partnership needs its end date.")
        if errors:
            raise ValidationError(errors)

    def refuse_end_after_today(self) -> None:
        """An ended partnership has ended: its end date is today at the latest.

        The services ask it whenever a partnership is created ended, moves into
        an ended stage (from any stage, an ended one too) or an ended one's end
        date changes: the page, the API, the pipeline's drop and any import go
        through them. Not `clean()`: an end date stored before this rule must
        not block an edit of something else (its owner corrects it when they
        next change it or the stage). Not a CHECK either: a constraint cannot
        read today."""
        if self.stage not in STAGES_BY_FAMILY[StageFamily.ENDED]:
            return
        try:
            validate_not_after_today(
                self.end_date,
                gettext(
                    "An ended partnership cannot end after today (%(today)s): "
                    "give the day it ended."
                ),
            )
        except ValidationError as error:
            raise ValidationError({"end_date": error}) from error


class LeadArea(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    ADMINISTRATIVE = "administrative", _("Administrative")
    RESEARCH = "research", _("Research")
    EDUCATION = "education", _("Education")
    NURSING = "nursing", _("Nursing")
    OTHER = "other", _("Other")


@pghistory.track()
class PartnershipLead(ChoiceLabels):
    """One of the dyad: co-leads from different functional areas share accountability."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="leads", verbose_name=_("partnership")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partnership_leads",
        verbose_name=_("user"),
    )
    functional_area = models.CharField(
        max_length=20, choices=LeadArea, verbose_name=_("functional area")
    )

    class Meta:
        verbose_name = _("co-lead")
        verbose_name_plural = _("co-leads")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"],
                name="lead_once_per_partnership",
                violation_error_message=_("This person is already a co-lead."),
            ),
            models.UniqueConstraint(
                fields=["partnership", "functional_area"],
                name="lead_areas_differ",
                violation_error_message=_("The co-leads of a dyad come from different areas."),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_functional_area_display()})"

    @staticmethod
    def who_may_lead():
        """The people who may co-lead a partnership: its managers. A co-lead
        gains the right to change the partnership, and answers for it; an
        executive reads, a reviewer reviews it (never one they lead). The one
        rule for the picker, `clean` and the database (`LeadIsManager`)."""
        return User.objects.filter(groups__name=Role.MANAGER)

    @staticmethod
    def held_by_non_managers():
        """Co-leads who are not partnership managers: written before the
        database refused them (`LeadIsManager`), or a role taken away around
        `accounts.hooks.roles_changed` (in SQL, say). Found by the system
        check `partnerships.W001`, taken off by `manage.py non_manager_co_leads`."""
        return PartnershipLead.objects.exclude(user__in=PartnershipLead.who_may_lead())

    @staticmethod
    def refuse_non_manager(user) -> None:
        """Refuse `user` as a co-lead unless they are a partnership manager."""
        if user is not None and not PartnershipLead.who_may_lead().filter(pk=user.pk).exists():
            raise ValidationError(
                gettext(
                    "%(name)s is not a partnership manager: only a manager co-leads a partnership."
                )
                % {"name": user},
                code="lead_not_manager",
            )

    def clean(self):
        if self.user_id is not None:
            try:
                self.refuse_non_manager(self.user)
            except ValidationError as error:
                raise ValidationError({"user": error}) from error


class LeadIsManager(Unignorable, pgtrigger.Trigger):
    """PostgreSQL refuses a co-lead who is not a partnership manager
    (`PartnershipLead.who_may_lead`), whatever wrote the row: a second worker,
    a command or a bulk insert meets the rule `clean` says in words."""

    when = pgtrigger.Before

    def __init__(self, *, name: str):
        memberships = User.groups.through._meta.db_table
        groups = Group._meta.db_table
        super().__init__(
            name=name,
            operation=pgtrigger.Insert | pgtrigger.UpdateOf("user_id"),
            func=f"""
            IF NOT EXISTS (
                SELECT 1 FROM "{memberships}" m JOIN "{groups}" g ON g.id = m.group_id
                 WHERE m.user_id = NEW.user_id AND g.name = '{Role.MANAGER.value}'
            ) THEN
                RAISE EXCEPTION 'user % is not a partnership manager', NEW.user_id
                    USING ERRCODE = 'check_violation', CONSTRAINT = '{LEAD_IS_MANAGER}';
            END IF;
            RETURN NEW;
            """,
        )


LEAD_IS_MANAGER = "lead_is_manager"
pgtrigger.register(LeadIsManager(name=LEAD_IS_MANAGER))(PartnershipLead)


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_LEAD = "co_lead", _("Co-lead")
    FUNDER = "funder", _("Funder")
    IMPLEMENTER = "implementer", _("Implementer")
    MEMBER = "member", _("Member")


@pghistory.track()
class PartnershipMember(ChoiceLabels):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="members", verbose_name=_("partnership")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("partner")
    )
    role = models.CharField(
        max_length=20, choices=MemberRole, default=MemberRole.MEMBER, verbose_name=_("role")
    )
    joined_on = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("joined on")
    )

    class Meta:
        verbose_name = _("partnership member")
        verbose_name_plural = _("partnership members")
        ordering = ["partnership", "role", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "partner"],
                name="member_once_per_partnership",
                violation_error_message=_("This partner is already a member of the partnership."),
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(role=MemberRole.LEAD),
                name="member_one_lead_per_partnership",
                violation_error_message=_("A partnership has at most one lead partner."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="member_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.get_role_display()}"


# A partnership is with one or more partners (DOMAIN.md): the services say so in
# words (`partnership_create`, `partnership_member_remove`); PostgreSQL refuses
# what gets past them.
NO_MEMBER_MESSAGE = _(
    "Choose at least one partner organisation: a partnership is with one or more partners."
)


class MemberRequired(Unignorable, pgtrigger.Trigger):
    """When a transaction commits, a partnership it created, or whose member it
    took away or moved, still has a member organisation, or PostgreSQL refuses
    the commit (a check violation, which Django raises as IntegrityError).
    Deferred to the commit, so that a partnership and its first members are
    written one after the other in the same transaction."""

    when = pgtrigger.After
    timing = pgtrigger.Deferred

    def __init__(self, *, name: str, operation, partnership_id: str):
        members = PartnershipMember._meta.db_table
        partnerships = Partnership._meta.db_table
        super().__init__(
            name=name,
            operation=operation,
            func=f"""
            IF NOT EXISTS (SELECT 1 FROM "{members}" WHERE partnership_id = {partnership_id})
               AND EXISTS (SELECT 1 FROM "{partnerships}" WHERE id = {partnership_id}) THEN
                RAISE EXCEPTION 'partnership % has no member organisation', {partnership_id}
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
            """,
        )


pgtrigger.register(
    MemberRequired(name="member_required", operation=pgtrigger.Insert, partnership_id="NEW.id")
)(Partnership)
pgtrigger.register(
    MemberRequired(
        name="member_kept",
        operation=pgtrigger.Delete | pgtrigger.Update,
        partnership_id="OLD.partnership_id",
    )
)(PartnershipMember)


# --- agreements -----------------------------------------------------------------


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    COLLABORATION = "collaboration", _("Collaboration agreement")
    DATA_SHARING = "data_sharing", _("Data-sharing agreement")
    FUNDING = "funding", _("Funding agreement")
    OTHER = "other", _("Other agreement")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATING = "negotiating", _("Negotiating")
    LEGAL_REVIEW = "legal_review", _("Legal review")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    SUPERSEDED = "superseded", _("Superseded")


# Statuses in which an agreement has been signed and so has its dates.
SIGNED_STATUSES = (
    AgreementStatus.SIGNED,
    AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRED,
    AgreementStatus.TERMINATED,
    AgreementStatus.SUPERSEDED,
)


# Where an agreement's status may go next: the one table the pages, the daily
# expiry job and supersession all obey. A signed agreement never returns to
# negotiation, and an ended one (expired, terminated, superseded) stays ended:
# an extension or a renewal is a new agreement that amends or renews it.
AGREEMENT_TRANSITIONS = {
    AgreementStatus.DRAFT: {
        AgreementStatus.NEGOTIATING,
        AgreementStatus.LEGAL_REVIEW,
        AgreementStatus.SIGNED,
        AgreementStatus.TERMINATED,
    },
    AgreementStatus.NEGOTIATING: {
        AgreementStatus.DRAFT,
        AgreementStatus.LEGAL_REVIEW,
        AgreementStatus.SIGNED,
        AgreementStatus.TERMINATED,
    },
    AgreementStatus.LEGAL_REVIEW: {
        AgreementStatus.NEGOTIATING,
        AgreementStatus.SIGNED,
        AgreementStatus.TERMINATED,
    },
    AgreementStatus.SIGNED: {
        AgreementStatus.ACTIVE,
        AgreementStatus.EXPIRED,
        AgreementStatus.TERMINATED,
        AgreementStatus.SUPERSEDED,
    },
    AgreementStatus.ACTIVE: {
        AgreementStatus.EXPIRED,
        AgreementStatus.TERMINATED,
        AgreementStatus.SUPERSEDED,
    },
    AgreementStatus.EXPIRED: {AgreementStatus.SUPERSEDED},
    AgreementStatus.TERMINATED: set(),
    AgreementStatus.SUPERSEDED: set(),
}


def agreement_status_error(old: str, new: str) -> str | None:
    """Why an agreement cannot go from `old` to `new`, or None when it can."""
    if old == new or new in AGREEMENT_TRANSITIONS[AgreementStatus(old)]:
        return None
    allowed = sorted(AgreementStatus(s).label.lower() for s in AGREEMENT_TRANSITIONS[old])
    was = AgreementStatus(old).label.lower()
    if not allowed:
        return gettext("An agreement that is %(was)s keeps that status.") % {"was": was}
    return gettext("An agreement that is %(was)s can only become %(allowed)s.") % {
        "was": was,
        "allowed": ", ".join(allowed),
    }


class ChangeKind(models.TextChoices):
    AMENDMENT = "amendment", _("Amendment")
    RENEWAL = "renewal", _("Renewal")


NOT_ONE_OF_ITS_RENEWALS = _("Choose one of the renewals of this agreement.")


def supersede_error(agreement, by) -> str | None:
    """Why `by` cannot supersede `agreement`, or None when it can: an agreement
    is superseded only by one of its renewals, the agreement that says it
    renews this one (not an amendment, not any other agreement). With no `by`
    (a status chosen on the edit page) it says where to mark it instead."""
    if by is None:
        return gettext(
            "An agreement is superseded only by one of its renewals: "
            "mark it under “Amendments and renewals”."
        )
    if by.changes_id != agreement.pk or by.change_kind != ChangeKind.RENEWAL:
        return str(NOT_ONE_OF_ITS_RENEWALS)
    return None


# The longest term an agreement renews itself for: ten years. A longer one is
# almost always a term typed in days or weeks, which would push the next expiry
# (and its reminders) decades away.
RENEWAL_TERM_MAX_MONTHS = 120
RENEWAL_TERM_TOO_LONG = format_lazy(
    _(
        "A renewal term is at most {months} months ({years} years). "
        "Enter it in months, e.g. 12 for one year."
    ),
    months=RENEWAL_TERM_MAX_MONTHS,
    years=RENEWAL_TERM_MAX_MONTHS // 12,
)


# The longest notice an agreement may ask for: two years. A longer one is almost
# always a period typed in hours or a date typed as a number, and it would put
# the notice date (and its reminders) years before anything happens.
NOTICE_PERIOD_MAX_DAYS = 730
NOTICE_PERIOD_TOO_LONG = format_lazy(
    _(
        "A notice period is at most {days} days (two years). "
        "Enter it in days, e.g. 90 for three months."
    ),
    days=NOTICE_PERIOD_MAX_DAYS,
)


def agreement_document_path(instance, filename):
    # The stored name is generated: a user's file name never reaches the disk.
    return f"agreements/{instance.document_sha256[:2]}/{instance.document_sha256}"


# Statuses of an agreement that was in force for its whole term: one expired or
# superseded since still covered the days of its term (an assessment of a past
# month must find it); a terminated one ended on a day its dates do not say.
IN_FORCE_FOR_TERM = (
    AgreementStatus.SIGNED,
    AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRED,
    AgreementStatus.SUPERSEDED,
)


# Statuses of an agreement that binds the parties now: signed, or active. One
# expired, superseded or terminated no longer does, whatever its dates say.
IN_FORCE = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


class AgreementQuerySet(models.QuerySet):
    def in_force(self):
        """Agreements that bind the parties today (reminders, expiry, funding)."""
        return self.filter(status__in=IN_FORCE)

    def in_force_on(self, day: dt.date):
        """Agreements that covered `day`, also one expired or superseded since
        (what an assessment of a past month reads)."""
        return self.filter(status__in=IN_FORCE_FOR_TERM, effective_date__lte=day).filter(
            Q(expiry_date__isnull=True) | Q(expiry_date__gte=day)
        )

    def expiring_between(self, first: dt.date, last: dt.date):
        return self.in_force().filter(expiry_date__range=(first, last))

    def expiring_within(self, days: int, *, on: dt.date):
        """Agreements in force that expire from `on` to `days` days later, both
        days counted. The window everyone uses is the scoring policy's
        (`evaluation.selectors.expiry_warning_days`)."""
        return self.expiring_between(on, on + dt.timedelta(days=days))


@pghistory.track(exclude=["updated_at", "version"])
class Agreement(TimeStamped, Versioned):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("partnership"),
    )
    kind = models.CharField(
        max_length=20, choices=AgreementKind, default=AgreementKind.MOU, verbose_name=_("kind")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    reference = models.CharField(max_length=60, blank=True, verbose_name=_("reference"))
    status = models.CharField(
        max_length=20,
        choices=AgreementStatus,
        default=AgreementStatus.DRAFT,
        verbose_name=_("status"),
    )
    goals = BoundedTextField(blank=True, max_length=LONG_TEXT_MAX_LENGTH, verbose_name=_("goals"))
    effective_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("effective date")
    )
    expiry_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("expiry date")
    )
    notice_period_days = models.PositiveSmallIntegerField(
        default=90,
        help_text=_("Days of notice needed to end or not renew the agreement."),
        validators=[MaxValueValidator(NOTICE_PERIOD_MAX_DAYS, message=NOTICE_PERIOD_TOO_LONG)],
        verbose_name=_("notice period (days)"),
    )
    auto_renewal = models.BooleanField(default=False, verbose_name=_("auto renewal"))
    renewal_term_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(RENEWAL_TERM_MAX_MONTHS, message=RENEWAL_TERM_TOO_LONG)],
        verbose_name=_("renewal term (months)"),
    )
    governing_law = models.CharField(max_length=120, blank=True, verbose_name=_("governing law"))
    language = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_language_code],
        help_text=_("ISO 639-1 code"),
        verbose_name=_("language"),
    )
    signed_on = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("signed on")
    )
    changes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changed_by",
        help_text=_("The agreement this one amends or renews."),
        verbose_name=_("changes"),
    )
    change_kind = models.CharField(
        max_length=20, choices=ChangeKind, blank=True, verbose_name=_("change kind")
    )
    document = models.FileField(
        upload_to=agreement_document_path, blank=True, verbose_name=_("document")
    )
    document_name = models.CharField(max_length=255, blank=True, verbose_name=_("document name"))
    document_sha256 = models.CharField(
        max_length=64, blank=True, verbose_name=_("document SHA-256")
    )
    document_size = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("document size")
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["partnership", "-effective_date", "title"]
        indexes = [
            # The first agreements in force to expire (the portfolio's tile, the
            # reminders): a short walk from today, whatever the portfolio's size.
            models.Index(
                fields=["expiry_date", "id"],
                name="agreement_in_force_expiry",
                condition=Q(status__in=IN_FORCE),
            ),
        ]
        constraints = [
            length_check("goals", LONG_TEXT_MAX_LENGTH, name="agreement_goals_bounded"),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgreementKind.values), name="agreement_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="agreement_title_not_blank"),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(expiry_date__gt=F("effective_date")),
                name="agreement_expires_after_effective",
                violation_error_message=_("The expiry date must be after the effective date."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=SIGNED_STATUSES) | Q(effective_date__isnull=False),
                name="agreement_signed_has_effective_date",
                violation_error_message=_("A signed agreement needs its effective date."),
            ),
            models.CheckConstraint(
                condition=Q(changes__isnull=True, change_kind="")
                | (Q(changes__isnull=False) & Q(change_kind__in=ChangeKind.values)),
                name="agreement_change_kind_with_changes",
                violation_error_message=(
                    _("Say whether this amends or renews the agreement it changes.")
                ),
            ),
            models.CheckConstraint(
                condition=~Q(changes=F("id")), name="agreement_does_not_change_itself"
            ),
            models.CheckConstraint(
                condition=Q(auto_renewal=False)
                | Q(renewal_term_months__isnull=False, renewal_term_months__gt=0),
                name="agreement_auto_renewal_has_term",
                violation_error_message=_("An auto-renewing agreement needs its renewal term."),
            ),
            models.CheckConstraint(
                condition=Q(renewal_term_months__isnull=True)
                | Q(renewal_term_months__lte=RENEWAL_TERM_MAX_MONTHS),
                name="agreement_renewal_term_capped",
                violation_error_message=RENEWAL_TERM_TOO_LONG,
            ),
            models.CheckConstraint(
                condition=Q(notice_period_days__lte=NOTICE_PERIOD_MAX_DAYS),
                name="agreement_notice_period_capped",
                violation_error_message=NOTICE_PERIOD_TOO_LONG,
            ),
            models.CheckConstraint(
                condition=Q(document="")
                | Q(document_sha256__regex=r"^[0-9a-f]{64}$", document_size__isnull=False),
                name="agreement_document_checksummed",
            ),
            # "unique" is the code Django says next to the constraint's one
            # field (Model.validate_constraints); without it, a conditional
            # constraint's refusal is said for no field.
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="agreement_reference_unique",
                violation_error_message=_("Another agreement has this reference."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def notice_date(self) -> dt.date | None:
        """The last day on which notice can still be given before expiry."""
        if self.expiry_date is None:
            return None
        return self.expiry_date - dt.timedelta(days=self.notice_period_days)

    def renewals(self):
        """The agreements that renew this one: those that may supersede it."""
        return self.changed_by.filter(change_kind=ChangeKind.RENEWAL)

    def is_in_force_on(self, day: dt.date) -> bool:
        return (
            self.status in IN_FORCE_FOR_TERM
            and self.effective_date is not None
            and self.effective_date <= day
            and (self.expiry_date is None or day <= self.expiry_date)
        )

    def clean(self):
        errors = {}
        if problem := tidy_name_of(self, "title"):
            errors["title"] = problem
        if self.effective_date and self.expiry_date and self.expiry_date <= self.effective_date:
            errors["expiry_date"] = gettext("The expiry date must be after the effective date.")
        if self.status in SIGNED_STATUSES and not self.effective_date:
            errors["effective_date"] = gettext("A signed agreement needs its effective date.")
        if self.auto_renewal and not self.renewal_term_months:
            errors["renewal_term_months"] = gettext(
                "An auto-renewing agreement needs its renewal term."
            )
        if self.changes_id and not self.change_kind:
            errors["change_kind"] = gettext(
                "Say whether this amends or renews the agreement it changes."
            )
        if self.change_kind and not self.changes_id:
            errors["changes"] = gettext("Choose the agreement this one amends or renews.")
        if self.changes_id and self.changes_id == self.pk:
            errors["changes"] = gettext("An agreement cannot amend itself.")
        if self.changes_id and self.changes.partnership_id != self.partnership_id:
            errors["changes"] = gettext(
                "Only an agreement of the same partnership can be amended or renewed."
            )
        if errors:
            raise ValidationError(errors)


class AgreementStatusMoves(Unignorable, pgtrigger.Trigger):
    """PostgreSQL refuses a change of an agreement's status that
    AGREEMENT_TRANSITIONS does not allow, and "superseded" unless one of its
    renewals is recorded (`supersede_error`), whichever door writes it. The
    trigger is built from the table, so changing the table makes a migration.
    Inserts are not checked: a row restored from a copy must go in, and the
    services refuse a new agreement that is already superseded."""

    when = pgtrigger.Before
    operation = pgtrigger.UpdateOf("status")
    condition = pgtrigger.Condition("OLD.status IS DISTINCT FROM NEW.status")

    def __init__(self, *, name: str):
        moves = ", ".join(
            f"('{old}', '{new}')"
            for old in AgreementStatus
            for new in sorted(AGREEMENT_TRANSITIONS[old])
        )
        super().__init__(
            name=name,
            func=f"""
            IF (OLD.status::text, NEW.status::text) NOT IN ({moves}) THEN
                RAISE EXCEPTION 'An agreement''s status cannot go from % to %.',
                    OLD.status, NEW.status USING ERRCODE = 'check_violation';
            END IF;
            IF NEW.status = '{AgreementStatus.SUPERSEDED}' AND NOT EXISTS (
                SELECT 1 FROM "{Agreement._meta.db_table}"
                 WHERE changes_id = NEW.id AND change_kind = '{ChangeKind.RENEWAL}'
            ) THEN
                RAISE EXCEPTION 'Agreement % is superseded only by one of its renewals.',
                    NEW.id USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
            """,
        )


pgtrigger.register(AgreementStatusMoves(name="status_moves"))(Agreement)


class ContributionKind(models.TextChoices):
    NONE = "none", _("No contribution")
    FINANCIAL = "financial", _("Financial")
    IN_KIND = "in_kind", _("In kind")


@pghistory.track()
class AgreementParty(ChoiceLabels):
    """A party to an agreement: one of the partners, or our own organisation."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="parties", verbose_name=_("agreement")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        verbose_name=_("partner"),
    )
    is_our_organisation = models.BooleanField(default=False, verbose_name=_("our organisation"))
    signatory_name = models.CharField(max_length=150, blank=True, verbose_name=_("signatory name"))
    signatory_title = models.CharField(
        max_length=150, blank=True, verbose_name=_("signatory title")
    )
    signed_on = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("signed on")
    )
    responsibilities = BoundedTextField(
        blank=True, max_length=LONG_TEXT_MAX_LENGTH, verbose_name=_("responsibilities")
    )
    contribution_kind = models.CharField(
        max_length=20,
        choices=ContributionKind,
        default=ContributionKind.NONE,
        verbose_name=_("contribution kind"),
    )
    contribution_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        verbose_name=_("contribution amount"),
    )
    contribution_currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code"),
        verbose_name=_("contribution currency"),
    )
    contribution_description = BoundedTextField(
        blank=True, max_length=LONG_TEXT_MAX_LENGTH, verbose_name=_("contribution description")
    )

    class Meta:
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        constraints = [
            length_check(
                "responsibilities",
                LONG_TEXT_MAX_LENGTH,
                name="agreement_party_responsibilities_bounded",
            ),
            length_check(
                "contribution_description",
                LONG_TEXT_MAX_LENGTH,
                name="agreement_party_contribution_description_bounded",
            ),
            models.CheckConstraint(
                condition=Q(partner__isnull=False, is_our_organisation=False)
                | Q(partner__isnull=True, is_our_organisation=True),
                name="party_is_partner_or_us",
                violation_error_message=_("A party is either a partner or our own organisation."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "partner"],
                name="party_partner_once_per_agreement",
                violation_error_message=_("This partner is already a party to the agreement."),
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(is_our_organisation=True),
                name="party_us_once_per_agreement",
                violation_error_message=_("Our organisation is already a party to the agreement."),
            ),
            models.CheckConstraint(
                condition=Q(contribution_amount__isnull=True) | Q(contribution_amount__gte=0),
                name="party_contribution_not_negative",
                violation_error_message=_("A contribution cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(contribution_kind=ContributionKind.FINANCIAL)
                    & Q(contribution_amount__isnull=False)
                    & Q(contribution_currency__regex=r"^[A-Z]{3}$")
                )
                | (
                    ~Q(contribution_kind=ContributionKind.FINANCIAL)
                    & Q(contribution_amount__isnull=True)
                    & Q(contribution_currency="")
                ),
                name="party_financial_has_amount_and_currency",
                violation_error_message=_(
                    "A financial contribution needs an amount and a currency."
                ),
            ),
            models.CheckConstraint(
                condition=Q(contribution_kind__in=ContributionKind.values),
                name="party_contribution_kind_valid",
            ),
        ]

    def __str__(self):
        return gettext("Our organisation") if self.is_our_organisation else str(self.partner)

    def clean(self):
        errors = {}
        if self.is_our_organisation and self.partner_id:
            errors["partner"] = gettext(
                "Leave the partner empty when the party is our own organisation."
            )
        if not self.is_our_organisation and not self.partner_id:
            errors["partner"] = gettext(
                "Choose the partner, or mark the party as our own organisation."
            )
        if self.contribution_kind == ContributionKind.FINANCIAL:
            if self.contribution_amount is None:
                errors["contribution_amount"] = gettext("A financial contribution needs an amount.")
            if not self.contribution_currency:
                errors["contribution_currency"] = gettext(
                    "A financial contribution needs a currency."
                )
        else:
            if self.contribution_amount is not None:
                errors["contribution_amount"] = gettext(
                    "Only a financial contribution has an amount."
                )
            if self.contribution_currency:
                errors["contribution_currency"] = gettext(
                    "Only a financial contribution has a currency."
                )
        if errors:
            raise ValidationError(errors)


class ObligationQuerySet(models.QuerySet):
    def open(self):
        """What is still owed: not done, under an agreement in force (the
        reminders and the calendar feeds). One under an agreement terminated,
        expired or superseded is owed no longer."""
        return self.filter(completed_on__isnull=True, agreement__status__in=IN_FORCE)


@pghistory.track(exclude=["updated_at"])
class Obligation(TimeStamped):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="obligations")
    party = models.ForeignKey(
        AgreementParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        help_text=_("Who owes it; empty when all parties do."),
        verbose_name=_("party"),
    )
    description = models.CharField(max_length=300, verbose_name=_("description"))
    due_date = models.DateField(validators=[validate_plausible], verbose_name=_("due date"))
    completed_on = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("completed on")
    )

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="obligation_description_not_blank"
            ),
        ]

    def __str__(self):
        return self.description

    def is_overdue_on(self, day: dt.date) -> bool:
        return self.completed_on is None and self.due_date < day

    def clean(self):
        # A line, as a name is: the reminders' subjects (an email header holds
        # no line break), the calendar's summaries and the lists show it.
        errors = {}
        if problem := tidy_name_of(self, "description"):
            errors["description"] = problem
        # A completion still to come would end its reminders today.
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = gettext(
                "Give the day it was done: %(day)s is still to come."
            ) % {"day": formatting.day(self.completed_on)}
        if errors:
            raise ValidationError(errors)


# --- objectives, metrics, measurements ------------------------------------------


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")
    ABANDONED = "abandoned", _("Abandoned")


@pghistory.track(exclude=["updated_at"])
class Objective(TimeStamped):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="objectives",
        verbose_name=_("partnership"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    description = BoundedTextField(
        blank=True, max_length=LONG_TEXT_MAX_LENGTH, verbose_name=_("description")
    )
    benefit = models.CharField(max_length=30, choices=Benefit, verbose_name=_("benefit"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="objectives",
        verbose_name=_("owner"),
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
        verbose_name=_("weight"),
    )
    due_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("due date")
    )
    status = models.CharField(
        max_length=20,
        choices=ObjectiveStatus,
        default=ObjectiveStatus.NOT_STARTED,
        verbose_name=_("status"),
    )

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["partnership", "due_date", "title"]
        constraints = [
            length_check("description", LONG_TEXT_MAX_LENGTH, name="objective_description_bounded"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="objective_weight_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ObjectiveStatus.values), name="objective_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(benefit__in=Benefit.values), name="objective_benefit_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="objective_title_not_blank"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        refuse_unshown_name(self, "title")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum of the periods")
    LATEST = "latest", _("Latest value")


class OutcomeMetricQuerySet(models.QuerySet):
    def with_measured(self, *, until: dt.date):
        """Each metric with what its measurements of the periods starting by
        `until` come to: `total` (the sum of those since the baseline date, what
        a summed metric adds to its baseline), `latest` and `latest_period`.
        Correlated subqueries read each metric's rows through the index on
        (metric, period_start): no sort or hash of the whole table."""
        measured = Measurement.objects.filter(metric_id=OuterRef("id"), period_start__lte=until)
        newest = measured.order_by("-period_start")
        since_baseline = Q(
            period_start__gte=Coalesce(
                OuterRef("baseline_date"), F("period_start"), output_field=models.DateField()
            )
        )
        return self.annotate(
            total=Subquery(
                measured.filter(since_baseline)
                .order_by()
                .values("metric_id")
                .annotate(total=Sum("value"))
                .values("total")
            ),
            latest=Subquery(newest.values("value")[:1]),
            latest_period=Subquery(newest.values("period_start")[:1]),
        )


# How many of the values a change of frequency would leave off their periods
# its refusal names; it says how many there are in all.
SHOWN_PERIODS = 3


@pghistory.track(exclude=["updated_at"])
class OutcomeMetric(TimeStamped):
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="metrics", verbose_name=_("objective")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    unit = models.CharField(max_length=40, verbose_name=_("unit"))
    direction = models.CharField(
        max_length=10, choices=Direction, default=Direction.HIGHER, verbose_name=_("direction")
    )
    baseline_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, verbose_name=_("baseline value")
    )
    baseline_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("baseline date")
    )
    target_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, verbose_name=_("target value")
    )
    target_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible], verbose_name=_("target date")
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency, default=Frequency.QUARTERLY, verbose_name=_("frequency")
    )
    aggregation = models.CharField(
        max_length=10,
        choices=Aggregation,
        default=Aggregation.LATEST,
        verbose_name=_("aggregation"),
    )
    data_source = models.CharField(max_length=200, blank=True, verbose_name=_("data source"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="metrics",
        verbose_name=_("owner"),
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
        verbose_name=_("weight"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("active"))

    objects = OutcomeMetricQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome metric")
        verbose_name_plural = _("outcome metrics")
        ordering = ["objective", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="metric_weight_positive"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="metric_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="metric_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(aggregation__in=Aggregation.values), name="metric_aggregation_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="metric_name_not_blank"),
            # Progress is (actual - baseline) / (target - baseline): a target must
            # lie on the better side of its baseline, or progress is undefined.
            models.CheckConstraint(
                condition=Q(target_value__isnull=True)
                | Q(
                    direction=Direction.HIGHER,
                    baseline_value__isnull=False,
                    target_value__gt=F("baseline_value"),
                )
                | Q(
                    direction=Direction.LOWER,
                    baseline_value__isnull=False,
                    target_value__lt=F("baseline_value"),
                ),
                name="metric_target_beyond_baseline",
                violation_error_message=(
                    _(
                        "The target must be above the baseline when higher is better, "
                        "and below it when lower is better."
                    )
                ),
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True)
                | Q(baseline_date__isnull=True)
                | Q(target_date__gt=F("baseline_date")),
                name="metric_target_date_after_baseline",
                violation_error_message=_("The target date must be after the baseline date."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def clean(self):
        errors = {}
        if problem := tidy_name_of(self, "name"):
            errors["name"] = problem
        if self.target_value is not None:
            if self.baseline_value is None:
                errors["baseline_value"] = gettext("A metric with a target needs its baseline.")
            elif self.direction == Direction.HIGHER and self.target_value <= self.baseline_value:
                errors["target_value"] = gettext(
                    "When higher is better, the target must be above the baseline."
                )
            elif self.direction == Direction.LOWER and self.target_value >= self.baseline_value:
                errors["target_value"] = gettext(
                    "When lower is better, the target must be below the baseline."
                )
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = gettext("The target date must be after the baseline date.")
        if problem := self.values_off_periods():
            errors["frequency"] = problem
        if errors:
            raise ValidationError(errors)

    def values_off_periods(self) -> str:
        """Why this metric cannot be reported at `frequency`, or "": a value is
        named by the first day of one of its metric's periods
        (`periods.is_period_start`; `Measurement.clean`), and a new frequency
        would leave stored values on days that start none (a monthly value for
        February under a quarterly frequency). Asked only when the frequency
        changes, so that a value stored before the database held the rule
        (migration 0027, which refuses the change whatever writes it) blocks
        no other edit of the metric."""
        if self.pk is None or self.frequency not in Frequency.values:
            return ""
        # Nothing when the stored frequency is this one.
        changed = (
            self.measurements.exclude(metric__frequency=self.frequency)
            .order_by("period_start")
            .values_list("period_start", "metric__frequency")
        )
        off = [(day, was) for day, was in changed if not is_period_start(day, self.frequency)]
        if not off:
            return ""
        shown = [named(day, was) for day, was in off[:SHOWN_PERIODS]]
        if len(off) > SHOWN_PERIODS:
            shown.append("…")
        return ngettext(
            "Reported %(frequency)s, %(count)s recorded value would not start a period "
            "(%(periods)s): clear it first, or keep this metric reported %(current)s.",
            "Reported %(frequency)s, %(count)s recorded values would not start a period "
            "(%(periods)s): clear them first, or keep this metric reported %(current)s.",
            len(off),
        ) % {
            "frequency": Frequency(self.frequency).label.lower(),
            "count": len(off),
            "periods": ", ".join(shown),
            "current": Frequency(off[0][1]).label.lower(),
        }


# The longest evidence a value keeps, and the longest reason for a stage change,
# whether typed on a page, sent to the API or read from a file.
EVIDENCE_MAX_LENGTH = 5000
STAGE_REASON_MAX_LENGTH = 2000


@pghistory.track(exclude=["updated_at", "version"])
class Measurement(TimeStamped, Versioned):
    """One value of a metric for one reporting period, named by the period's first day."""

    metric = models.ForeignKey(
        OutcomeMetric,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("metric"),
    )
    period_start = models.DateField(validators=[validate_plausible], verbose_name=_("period start"))
    value = models.DecimalField(max_digits=14, decimal_places=4, verbose_name=_("value"))
    evidence = BoundedTextField(
        blank=True,
        max_length=EVIDENCE_MAX_LENGTH,
        help_text=_("Where the number comes from."),
        verbose_name=_("evidence"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["metric", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_start"],
                name="measurement_once_per_period",
                violation_error_message=_("This metric already has a value for this period."),
            ),
            # Which months start a period is the metric's frequency, another
            # table's: held by triggers (`PERIOD_REFUSALS`).
            models.CheckConstraint(
                condition=Q(period_start__day=1), name="measurement_period_starts_a_month"
            ),
            # The rest of "a period that can be recorded" needs today's date or
            # the partnership's start and end, which a CHECK cannot read: see
            # `clean`; the start and end are held by triggers (`RUN_REFUSALS`).
            models.CheckConstraint(
                condition=Q(period_start__gte=EARLIEST),
                name="measurement_period_from_2000",
                violation_error_message=_("A period starts in 2000 or later."),
            ),
            length_check("evidence", EVIDENCE_MAX_LENGTH, name="measurement_evidence_bounded"),
        ]

    def __str__(self):
        # The admin's and the history's name for it: its period as the grid's heading.
        return f"{self.metric.name} {named(self.period_start, self.metric.frequency)}: {self.value}"

    @classmethod
    def first_versions(cls, metric_ids) -> dict[tuple[int, dt.date], int]:
        """The version a new value of each (metric, period) of these metrics that
        ever had one starts at; a period never recorded starts at 1.

        A cleared value's row is gone, but a page or an API client may still
        hold its version: a new value starting at 1 again would match it, and
        that client's save would write over the new value unrefused. So a new
        value starts past every version the period's values ever reached: their
        history has an event for each insert and correction (one at least per
        version), so its count plus one will do."""
        events = (
            cls.pgh_event_model.objects.filter(metric_id__in=list(metric_ids))
            .values_list("metric_id", "period_start")
            .annotate(count=models.Count("pgh_id"))
            .order_by()
        )
        return {(metric, period): count + 1 for metric, period, count in events}

    def clean(self):
        if self.period_start and self.metric_id:
            frequency = Frequency(self.metric.frequency)
            if not is_period_start(self.period_start, frequency):
                raise ValidationError(
                    {
                        "period_start": gettext(
                            "This metric is reported %(frequency)s: choose the first "
                            "day of a period, such as %(day)s."
                        )
                        % {
                            "frequency": frequency.label.lower(),
                            "day": formatting.day(
                                Period.containing(self.period_start, frequency).start
                            ),
                        }
                    }
                )
            partnership = self.metric.objective.partnership
            problem = unrecordable(
                Period(self.period_start, frequency),
                started=partnership.start_date,
                ended=partnership.end_date,
                today=timezone.localdate(),
            )
            if problem:
                raise ValidationError({"period_start": problem})

    @property
    def period(self) -> Period:
        return Period(self.period_start, Frequency(self.metric.frequency))


# A value belongs to its partnership's run (`periods.unrecordable`), which the
# triggers of migration 0025 hold whatever writes the rows: each constraint's
# field and words, for a write that passed `clean` and the services' checks
# and meets the database all the same (registered with `core.refusals` in
# `apps.py`). `clean` and `services.refuse_stranded` say more: the period,
# the day, how many.
RUN_REFUSALS = {
    "measurement_began_after_end": (
        "period_start",
        _("This period began after the partnership ended."),
    ),
    "measurement_ended_before_start": (
        "period_start",
        _("This period ended before the partnership started."),
    ),
    "partnership_ends_after_its_measurements": (
        "end_date",
        _(
            "Values are recorded for periods that begin after this date: "
            "clear them first, or choose a later date."
        ),
    ),
    "partnership_starts_before_its_measurements": (
        "start_date",
        _(
            "Values are recorded for periods that end before this date: "
            "clear them first, or choose an earlier date."
        ),
    ),
}

# A value is named by the first day of one of its metric's periods, which the
# triggers of migration 0027 hold whatever writes the rows: their words, for a
# write that passed `clean` and meets the database all the same (a frequency
# changed by someone else meanwhile). `clean` says more: which periods, how many.
PERIOD_REFUSALS = {
    "measurement_starts_a_period": (
        "period_start",
        _("This day does not start a period of the metric's frequency."),
    ),
    "metric_values_start_periods": (
        "frequency",
        _(
            "Values are recorded for periods that would not start one of this frequency: "
            "clear them first, or keep the metric's frequency."
        ),
    ),
}


@pghistory.track()
class StageChange(ChoiceLabels):
    """A move of a partnership from one lifecycle stage to another, and why."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage)
    to_stage = models.CharField(max_length=20, choices=Stage)
    reason = BoundedTextField(max_length=STAGE_REASON_MAX_LENGTH)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["partnership", "-changed_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="stage_change_has_reason"),
            length_check("reason", STAGE_REASON_MAX_LENGTH, name="stage_change_reason_bounded"),
            models.CheckConstraint(
                condition=~Q(from_stage=F("to_stage")), name="stage_change_changes_stage"
            ),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.from_stage} → {self.to_stage}"


@pghistory.track()
class DocumentDownload(ChoiceLabels):
    """Someone downloaded the signed document of an agreement: who, which, when,
    and the SHA-256 of the bytes they were given (the agreement's document may be
    replaced later; this says which version left the building)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="downloads", verbose_name=_("agreement")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="document_downloads",
        verbose_name=_("user"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    downloaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("downloaded at"))

    class Meta:
        verbose_name = _("document download")
        verbose_name_plural = _("document downloads")
        ordering = ["-downloaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="document_download_sha256"
            ),
        ]

    def __str__(self):
        return gettext("%(person)s downloaded %(agreement)s on %(when)s") % {
            "person": self.user,
            "agreement": self.agreement,
            "when": formatting.short_datetime(self.downloaded_at),
        }


# --- bulk imports in the background -----------------------------------------------


class ImportKind(models.TextChoices):
    PARTNERS = "partners", _("Partners")
    MEASUREMENTS = "measurements", _("Measurements")


class ImportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the worker")
    CHECKING = "checking", _("Checking the rows")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Nothing imported: the file has problems")
    FAILED = "failed", _("Failed")


IMPORT_UNDER_WAY = (ImportStatus.WAITING, ImportStatus.CHECKING, ImportStatus.SAVING)


def import_file_path(instance, filename):
    # The stored name is generated: a user's file name never reaches the disk.
    # The extension stays, since it says how to read the file.
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return f"imports/{uuid.uuid4().hex}.{extension}"


class ImportJob(TimeStamped):
    """A large import file, checked and saved by the worker, and its report.

    The worker's progress (rows checked of `rows`) is written as it goes, so
    the page can show it; `report` holds every bad row once refused.
    """

    kind = models.CharField(max_length=20, choices=ImportKind)
    file = models.FileField(upload_to=import_file_path)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    status = models.CharField(max_length=20, choices=ImportStatus, default=ImportStatus.WAITING)
    rows = models.PositiveIntegerField(default=0, help_text=_("Rows in the file, about."))
    checked = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True, help_text=_("The bad rows, when refused."))
    failure = models.TextField(blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ImportKind.PARTNERS, partnership__isnull=True)
                | Q(kind=ImportKind.MEASUREMENTS, partnership__isnull=False),
                name="import_job_measurements_name_partnership",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_job_status_valid"
            ),
        ]

    def __str__(self):
        return gettext("Import %(id)s of %(kind)s (%(status)s)") % {
            "id": self.pk,
            "kind": self.get_kind_display(),
            "status": self.get_status_display(),
        }

    @property
    def is_under_way(self) -> bool:
        return self.status in IMPORT_UNDER_WAY
