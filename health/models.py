"""Health-check instruments: versioned sets of factors, each rated through a few statements.

An instrument version, once published, is never edited: a change is a new
version (a new row), so the answers given to an earlier version keep the
statements they answered. Factors keep a stable `code` across versions
("trust"), which is what results, lessons and the portfolio view of factors
compare over time.
"""

import datetime as dt
from decimal import Decimal

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.fields import BoundedTextField, length_check
from core.models import ChoiceLabels
from core.text import half_a_character, shows_nothing
from partnerships.models import LONG_TEXT_MAX_LENGTH
from partnerships.periods import began_after

from . import results

RATING_MIN = 1
RATING_MAX = 5

# The languages a health check is answered in (a respondent's `language`), and so
# those a factor or statement may be translated to: Accord's own (settings.LANGUAGES),
# English as "en", not "en-gb", since `name_in` and `text_in` are asked for "en".
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("pt", "Português"),
]


def validate_translations(translations) -> None:
    """Refuse a factor's or statement's `translations` that is not {"fr": "…", …}:
    a language of LANGUAGES, each with its text. The answer page reads them by
    the respondent's language; a list or a number there breaks it, an unknown
    code is never read. The error is the `translations` field's."""
    if not isinstance(translations, dict):
        error = _(
            'Give the translations as language codes with their texts, e.g. {"fr": "Confiance"}, '
            "or {} for none."
        )
        raise ValidationError({"translations": error}, code="not_an_object")
    codes = [code for code, _name in LANGUAGES]
    if unknown := [code for code in translations if code not in codes]:
        raise ValidationError(
            {
                "translations": ValidationError(
                    _("Not a language Accord offers: %(codes)s (it offers %(offered)s)."),
                    code="unknown_language",
                    params={"codes": ", ".join(unknown), "offered": ", ".join(codes)},
                )
            }
        )
    if untexted := [
        code
        for code, text in translations.items()
        if not isinstance(text, str) or shows_nothing(text)
    ]:
        raise ValidationError(
            {
                "translations": ValidationError(
                    _("Give each translation its text: %(codes)s."),
                    code="no_text",
                    params={"codes": ", ".join(untexted)},
                )
            }
        )
    # A NUL, or half of a character (a lone surrogate, "\ud800" in the JSON
    # typed): no text holds one, and PostgreSQL refuses to store either.
    if not_text := [
        code for code, text in translations.items() if "\x00" in text or half_a_character(text)
    ]:
        raise ValidationError(
            {
                "translations": ValidationError(
                    _(
                        "A translation holds a character that is no text (a null "
                        "character, or half of one): %(codes)s."
                    ),
                    code="not_text",
                    params={"codes": ", ".join(not_text)},
                )
            }
        )


def _translations_are_an_object(name: str) -> models.CheckConstraint:
    """The shape the database holds (the languages and texts are `validate_translations`'):
    a JSON object, never a list, a text or null."""
    return models.CheckConstraint(
        condition=Exact(
            Func(F("translations"), function="JSONB_TYPEOF", output_field=models.CharField()),
            "object",
        ),
        name=name,
        violation_error_message=_("The translations are language codes with their texts."),
    )


@pghistory.track()
class Instrument(ChoiceLabels):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    # A factor's mean from `strength_from` up is a strength, below `concern_below`
    # a concern, and borderline in between.
    strength_from = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        verbose_name=_("strength from"),
    )
    concern_below = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        verbose_name=_("concern below"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "version",
                name="instrument_name_version_unique",
                violation_error_message=_(
                    "This instrument already has a version with this number."
                ),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="instrument_name_not_blank"),
            models.CheckConstraint(condition=Q(version__gte=1), name="instrument_version_positive"),
            models.CheckConstraint(
                condition=Q(concern_below__gte=RATING_MIN)
                & Q(strength_from__lte=RATING_MAX)
                & Q(concern_below__lt=F("strength_from")),
                name="instrument_bands_ordered",
                violation_error_message=_(
                    "Concern must start below strength, both within the 1–5 scale."
                ),
            ),
        ]

    def __str__(self):
        return gettext("%(name)s (version %(version)s)") % {
            "name": self.name,
            "version": self.version,
        }


@pghistory.track()
class Factor(ChoiceLabels):
    """One of the things that make a partnership succeed or struggle ("trust")."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="factors", verbose_name=_("instrument")
    )
    code = models.SlugField(
        max_length=40, help_text=_("Stable across versions, e.g. 'trust'."), verbose_name=_("code")
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    # {"fr": "Confiance"}: the factor's name in the languages it has been translated to.
    translations = models.JSONField(default=dict, blank=True, verbose_name=_("translations"))

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["instrument", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "code"],
                name="factor_code_unique_per_instrument",
                violation_error_message=_("The instrument already has a factor with this code."),
            ),
            models.CheckConstraint(condition=~Q(code=""), name="factor_code_not_blank"),
            models.CheckConstraint(condition=~Q(name=""), name="factor_name_not_blank"),
            _translations_are_an_object("factor_translations_object"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Here, not among the field's validators: Django skips those for a blank
        # field's empty values, and [] or "" are malformed too.
        validate_translations(self.translations)

    def name_in(self, language: str) -> str:
        return self.translations.get(language) or self.name

    def shown_name(self) -> str:
        """The name in the active language, where the instrument has it."""
        return self.name_in((translation.get_language() or "").split("-")[0])


@pghistory.track()
class Statement(ChoiceLabels):
    """A sentence respondents rate from 1 (strongly disagree) to 5 (strongly agree)."""

    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="statements")
    text = models.TextField(verbose_name=_("text"))
    # {"fr": "…", "es": "…"}: the statement in the languages it has been translated to.
    translations = models.JSONField(default=dict, blank=True, verbose_name=_("translations"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["factor", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="statement_text_not_blank"),
            _translations_are_an_object("statement_translations_object"),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        # Here, not among the field's validators: see Factor.clean.
        validate_translations(self.translations)

    def text_in(self, language: str) -> str:
        return self.translations.get(language) or self.text


# --- rounds: one health check of one partnership ------------------------------------

# A side's result is shown only from this many respondents: fewer are neither a
# reliable picture nor anonymous.
RESPONDENT_THRESHOLD = results.THRESHOLD


class RoundState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    OURS = "ours", _("Our organisation")
    PARTNER = "partner", _("Partner side")


class RoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=RoundState.OPEN)

    def closed(self):
        return self.filter(state=RoundState.CLOSED)


# The longest a health check stays open, opened by hand or by its schedule: a
# round open for years would hold the partnership's one open round, and the
# schedule would open no other.
MAX_OPEN_DAYS = 90


def validate_open_at_most(opened_on: dt.date, closes_on: dt.date) -> None:
    """A round opened on `opened_on` takes answers for MAX_OPEN_DAYS at most: the
    opening form asks it next to the last day, the model before it saves."""
    latest = opened_on + dt.timedelta(days=MAX_OPEN_DAYS)
    if closes_on > latest:
        raise ValidationError(
            gettext(
                "A health check stays open for %(days)s days at most: "
                "the last day for answers is %(day)s at the latest."
            )
            % {"days": MAX_OPEN_DAYS, "day": formatting.day(latest)}
        )


@pghistory.track()
class Round(ChoiceLabels):
    """One health check of one partnership: people on both sides rate its factors."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="health_rounds"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    opened_on = models.DateField()
    closes_on = models.DateField(help_text=_("The last day answers are taken."))
    opened_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="health_rounds_opened"
    )
    state = models.CharField(max_length=10, choices=RoundState, default=RoundState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gt=F("opened_on")),
                name="round_closes_after_opening",
                violation_error_message=_("A round closes after the day it opens."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__lte=F("opened_on") + dt.timedelta(days=MAX_OPEN_DAYS)),
                name="round_open_at_most_90_days",
                violation_error_message=_("A health check stays open for 90 days at most."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=RoundState.values), name="round_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=RoundState.OPEN, closed_at__isnull=True)
                | Q(state=RoundState.CLOSED, closed_at__isnull=False),
                name="round_closed_at_iff_closed",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(state=RoundState.OPEN),
                name="round_one_open_per_partnership",
                violation_error_message=_("This partnership already has an open health check."),
            ),
        ]

    def __str__(self):
        return gettext("Health check of %(partnership)s opened %(day)s") % {
            "partnership": self.partnership,
            "day": formatting.short_date(self.opened_on),
        }

    def clean(self):
        if self.opened_on and self.closes_on:
            try:
                validate_open_at_most(self.opened_on, self.closes_on)
            except ValidationError as error:
                raise ValidationError({"closes_on": error}) from error
        # Its ratings belong to the partnership's run, as its measurements do
        # (`partnerships.periods.unrecordable`): a round opened after its end
        # date rates nothing of it; one open across the end belongs to it.
        # Before the start, a prospect's trust and communication are worth
        # checking: the study asks to follow potential partnerships too.
        # PostgreSQL holds it as well (migration 0015's triggers).
        ended = self.partnership.end_date if self.partnership_id else None
        if self.opened_on and began_after(self.opened_on, ended):
            raise ValidationError(
                {
                    "opened_on": gettext(
                        "This partnership ended on %(day)s: a health check opened after "
                        "that rates nothing of it."
                    )
                    % {"day": formatting.day(ended)}
                }
            )

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN


class RespondentQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(answered_at__isnull=True)

    def answered(self):
        return self.filter(answered_at__isnull=False)


# The token's hash opens nothing, but history is kept forever: no secret in it.
# The longest comment a respondent leaves, on a factor or overall: the answer
# page's form, the service and a CHECK hold it (a note's limit elsewhere). The
# page is open to anyone with a link, and took megabytes.
COMMENT_MAX_LENGTH = LONG_TEXT_MAX_LENGTH


@pghistory.track(exclude=["token_hash"])
class Respondent(ChoiceLabels):
    """Someone invited to answer a round: one of our users, or a partner's person by email.

    A partner-side respondent answers through a link; only the SHA-256 of its
    token is kept, so the database alone opens no link. The answers are kept
    with the respondent to make "one answer per statement per person" a rule of
    the database, but no page shows them person by person.
    """

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="respondents")
    side = models.CharField(max_length=10, choices=Side)
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="health_invitations",
    )
    email = models.EmailField(blank=True)
    partner = models.ForeignKey(
        "partnerships.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="health_respondents",
    )
    language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    token_hash = models.CharField(max_length=64, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    comment = BoundedTextField("overall comment", blank=True, max_length=COMMENT_MAX_LENGTH)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["round", "side", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Side.values), name="respondent_side_valid"),
            models.CheckConstraint(
                condition=Q(side=Side.OURS, user__isnull=False, email="", partner__isnull=True)
                | Q(side=Side.PARTNER, user__isnull=True, partner__isnull=False) & ~Q(email=""),
                name="respondent_ours_is_a_user_partner_an_email",
                violation_error_message=(
                    _("Our side answers as users; the partner's side by email, with its partner.")
                ),
            ),
            models.UniqueConstraint(
                fields=["round", "user"],
                condition=Q(user__isnull=False),
                name="respondent_user_once_per_round",
                violation_error_message=_("This person is already invited to this health check."),
            ),
            models.UniqueConstraint(
                "round",
                Lower("email"),
                condition=~Q(email=""),
                name="respondent_email_once_per_round",
                violation_error_message=_("This address is already invited to this health check."),
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="respondent_token_unique",
            ),
            length_check("comment", COMMENT_MAX_LENGTH, name="respondent_comment_bounded"),
        ]

    def __str__(self):
        return str(self.user) if self.user_id else self.email


@pghistory.track()
class Answer(ChoiceLabels):
    respondent = models.ForeignKey(Respondent, on_delete=models.PROTECT, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "statement"], name="answer_once_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="answer_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.rating}"


@pghistory.track()
class FactorComment(ChoiceLabels):
    respondent = models.ForeignKey(
        Respondent, on_delete=models.PROTECT, related_name="factor_comments"
    )
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="comments")
    text = BoundedTextField(max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("factor comment")
        verbose_name_plural = _("factor comments")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "factor"], name="factor_comment_once_per_factor"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="factor_comment_not_blank"),
            length_check("text", COMMENT_MAX_LENGTH, name="factor_comment_bounded"),
        ]

    def __str__(self):
        return self.text


@pghistory.track()
class Cadence(ChoiceLabels):
    """How often a partnership's health is checked; the daily task opens due rounds."""

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="health_cadence"
    )
    every_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    open_for_days = models.PositiveSmallIntegerField(
        default=21, validators=[MinValueValidator(1), MaxValueValidator(MAX_OPEN_DAYS)]
    )

    class Meta:
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_months__gte=1, every_months__lte=24),
                name="cadence_every_1_to_24_months",
            ),
            models.CheckConstraint(
                condition=Q(open_for_days__gte=1, open_for_days__lte=MAX_OPEN_DAYS),
                name="cadence_open_1_to_90_days",
            ),
        ]

    def __str__(self):
        return ngettext("Every month", "Every %(count)s months", self.every_months) % {
            "count": self.every_months
        }
