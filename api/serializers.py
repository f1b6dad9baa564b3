"""What the API reads and writes: records as the pages show them.

Read serializers list their fields explicitly (no `__all__`): a field added to
a model reaches the API only when someone decides it should. They serve
answers only, so their model fields are not marked read-only: DRF would drop
`allow_blank` from them, and the schema would then refuse the blank choice a
record may hold (an agreement's `change_kind`, a scorecard's `override_rating`). Write
serializers check types only and refuse unknown fields; the rules are the
services' (`full_clean`), so the API cannot accept what a form refuses.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from timezone_field.rest_framework import TimeZoneSerializerField

from accounts.preferences import not_a_time_zone
from core.numbers import parse_decimal, parse_whole
from core.zones import time_zone_names
from evaluation.codes import flag_text
from evaluation.models import Rating, Scorecard
from evaluation.review import REVIEW_TEXT_MAX_LENGTH
from partnerships.forms_partners import PartnerForm
from partnerships.forms_partnerships import MetricForm, ObjectiveForm, PartnershipForm
from partnerships.models import (
    EVIDENCE_MAX_LENGTH,
    EXPERTISE_MAX_AREAS,
    NO_MEMBER_MESSAGE,
    PARTNER_ENTERED_FIELDS,
    STAGE_REASON_MAX_LENGTH,
    Agreement,
    AgreementParty,
    LeadArea,
    Measurement,
    MemberRole,
    Objective,
    Obligation,
    OrganisationType,
    OutcomeMetric,
    Partner,
    PartnerKind,
    Partnership,
    PartnershipLead,
    PartnershipMember,
    Sector,
    Stage,
    StageChange,
    expertise_areas,
)


class PlainDecimalField(serializers.DecimalField):
    """A decimal as the pages read one (`core.numbers.parse_decimal`, with a
    decimal point): a JSON number, or text such as "12.5". DRF's own reading,
    Python's Decimal(), also took "1_000", "1e3" and the digits of other
    scripts ("١٢"); they are refused as "A valid number is required."."""

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) <= self.MAX_STRING_LENGTH:
            number = parse_decimal(data)
            if number is None:
                self.fail("invalid")
            data = number
        return super().to_internal_value(data)


class PlainIntegerField(serializers.IntegerField):
    """A whole number (an id, a version) as a JSON number, or as text of the
    digits 0-9 as the pages' fields read it (`core.numbers.parse_whole`). DRF's
    own reading, Python's int(), also took "1_000" and the digits of other
    scripts ("١٢" as 12, naming another record than the one the client meant);
    they are refused as "A valid integer is required."."""

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) <= self.MAX_STRING_LENGTH:
            number = parse_whole(data)
            if number is None:
                self.fail("invalid")
            data = number
        return super().to_internal_value(data)


class StrictMixin:
    """Refuse fields the serializer does not know, rather than drop them silently:
    a misspelt field name would otherwise look like a successful write."""

    # A model's decimals, as a client writes them, read as the pages read them.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: PlainDecimalField,
        # A model's whole numbers too, should a write serializer take one.
        **dict.fromkeys(
            (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
            ),
            PlainIntegerField,
        ),
    }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                message = gettext("Unknown field: this API does not take it.")
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


class StrictSerializer(StrictMixin, serializers.Serializer):
    pass


class ZoneField(TimeZoneSerializerField):
    """An IANA zone name. Anything else (a control character included, on which
    zoneinfo raises ValueError rather than "not found") is a 400 naming the field."""

    def to_internal_value(self, data):
        name = data if isinstance(data, str) else ""
        if name not in time_zone_names():
            raise serializers.ValidationError(not_a_time_zone(name[:64]).messages)
        return super().to_internal_value(name)


class WebsiteField(serializers.CharField):
    """A web address read by the partner page's own field (`PartnerForm.website`),
    so the API takes what the page takes: "www.example.org" is saved as
    "https://www.example.org", and a refusal is in the page's words."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return PartnerForm.base_fields["website"].clean(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


# --- partners --------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)
    time_zone = TimeZoneSerializerField(use_pytz=False, read_only=True)

    class Meta:
        model = Partner
        fields = [
            "id",
            *PARTNER_ENTERED_FIELDS,
            "created_at",
            "updated_at",
        ]


class PartnerWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PartnerKind.choices)
    organisation_type = serializers.ChoiceField(choices=OrganisationType.choices)
    sector = serializers.ChoiceField(choices=Sector.choices)
    country = CountryField()
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=20
    )
    time_zone = ZoneField(use_pytz=False)
    expertise = serializers.ListField(
        # Blank areas are dropped (expertise_areas), as on the page and in the import.
        child=serializers.CharField(max_length=80, allow_blank=True),
        required=False,
        help_text=f"At most {EXPERTISE_MAX_AREAS} areas; an area given twice is kept once.",
    )
    website = WebsiteField(
        required=False,
        allow_blank=True,
        help_text="A web address; one without its scheme (www.example.org) is taken as https.",
    )
    ror_id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="A ROR ID, bare (03yrm5c26) or as its https://ror.org/ address; "
        "stored bare. Its check digits are checked.",
    )
    iati_id = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="An IATI organisation identifier, PREFIX-identifier (GB-CHC-202918).",
    )
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate_expertise(self, areas):
        # Read as the form and the import read them; the service says how many may be kept.
        return expertise_areas(areas)


class PartnerUpdateSerializer(PartnerWriteSerializer):
    """A partial change: only the fields sent change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class PartnerBulkSerializer(StrictSerializer):
    rows = PartnerWriteSerializer(many=True, allow_empty=False, max_length=1000)


class BulkCreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


# --- partnerships ----------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = PartnershipMember
        fields = ["partner", "partner_name", "role", "joined_on"]


class LeadSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = PartnershipLead
        fields = ["user", "functional_area"]


class StageChangeSerializer(serializers.ModelSerializer):
    changed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "reason", "changed_by", "changed_at"]


class PartnershipSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    leads = LeadSerializer(many=True, read_only=True)
    stage_history = StageChangeSerializer(source="stage_changes", many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "title",
            "description",
            "purpose",
            "benefits_sought",
            "stage",
            "owner",
            "start_date",
            "end_date",
            "members",
            "leads",
            "stage_history",
            "created_at",
            "updated_at",
        ]


class MemberWriteSerializer(StrictSerializer):
    """A member organisation, as a row of the partnership form (`MemberForm`)."""

    partner = PlainIntegerField(min_value=1)
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)


class MemberRoleSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=MemberRole.choices)


class LeadWriteSerializer(StrictSerializer):
    """A dyad co-lead, as a row of the partnership form (`LeadForm`): a manager."""

    user = PlainIntegerField(min_value=1)
    functional_area = serializers.ChoiceField(choices=LeadArea.choices)


class PartnershipUpdateSerializer(StrictMixin, serializers.ModelSerializer):
    """The fields of the partnership form (`PartnershipForm`): types here, the
    rules in the form and the service. The owner is whoever creates it; the
    stage moves through `stage/`."""

    class Meta:
        model = Partnership
        fields = PartnershipForm.Meta.fields
        # Types only: the uniqueness and other rules are the form's and the service's.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class PartnershipWriteSerializer(StrictMixin, serializers.ModelSerializer):
    # A partnership is with one or more partners: said here with the service's
    # words, so that the schema says it too (required, at least one item).
    members = MemberWriteSerializer(
        many=True,
        min_length=1,
        max_length=100,
        error_messages={"required": NO_MEMBER_MESSAGE, "min_length": NO_MEMBER_MESSAGE},
    )
    leads = LeadWriteSerializer(many=True, required=False, max_length=20)

    class Meta:
        model = Partnership
        fields = [*PartnershipForm.Meta.fields, "members", "leads"]
        validators = []


class StageChangeWriteSerializer(StrictSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(max_length=STAGE_REASON_MAX_LENGTH)
    end_date = serializers.DateField(required=False, allow_null=True)


# --- agreements ------------------------------------------------------------------------


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementParty
        fields = [
            "id",
            "partner",
            "is_our_organisation",
            "signatory_name",
            "signatory_title",
            "signed_on",
            "responsibilities",
            "contribution_kind",
            "contribution_amount",
            "contribution_currency",
            "contribution_description",
        ]


class ObligationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = ["id", "party", "description", "due_date", "completed_on"]


class DocumentSerializer(serializers.Serializer):
    """What is known of the signed document; the file itself is downloaded from its page."""

    name = serializers.CharField(source="document_name")
    size = serializers.IntegerField(source="document_size", allow_null=True)
    sha256 = serializers.CharField(source="document_sha256")


class AgreementSerializer(serializers.ModelSerializer):
    parties = PartySerializer(many=True, read_only=True)
    obligations = ObligationSerializer(many=True, read_only=True)
    document = serializers.SerializerMethodField()
    notice_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "partnership",
            "kind",
            "title",
            "reference",
            "status",
            "goals",
            "effective_date",
            "expiry_date",
            "notice_period_days",
            "notice_date",
            "auto_renewal",
            "renewal_term_months",
            "governing_law",
            "language",
            "signed_on",
            "changes",
            "change_kind",
            "parties",
            "obligations",
            "document",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(DocumentSerializer(allow_null=True))
    def get_document(self, agreement):
        return DocumentSerializer(agreement).data if agreement.document else None


# --- objectives, metrics, measurements --------------------------------------------------


class ObjectiveSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)

    class Meta:
        model = Objective
        fields = [
            "id",
            "partnership",
            "title",
            "description",
            "benefit",
            "owner",
            "weight",
            "due_date",
            "status",
            "created_at",
            "updated_at",
        ]


class MetricSerializer(serializers.ModelSerializer):
    partnership = serializers.IntegerField(source="objective.partnership_id", read_only=True)

    class Meta:
        model = OutcomeMetric
        fields = [
            "id",
            "objective",
            "partnership",
            "name",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "frequency",
            "aggregation",
            "data_source",
            "weight",
            "is_active",
            "created_at",
            "updated_at",
        ]


class ObjectiveWriteSerializer(StrictMixin, serializers.ModelSerializer):
    """An objective of a partnership: the fields of its form (`ObjectiveForm`)."""

    partnership = PlainIntegerField(min_value=1)

    class Meta:
        model = Objective
        fields = ["partnership", *ObjectiveForm.Meta.fields]
        validators = []


class MetricWriteSerializer(StrictMixin, serializers.ModelSerializer):
    """A metric of an objective: the fields of its form (`MetricForm`)."""

    objective = PlainIntegerField(min_value=1)

    class Meta:
        model = OutcomeMetric
        fields = ["objective", *MetricForm.Meta.fields]
        validators = []


class MeasurementSerializer(serializers.ModelSerializer):
    entered_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Measurement
        fields = [
            "id",
            "metric",
            "period_start",
            "value",
            "evidence",
            "version",
            "entered_by",
            "created_at",
            "updated_at",
        ]


class MeasurementRowSerializer(StrictSerializer):
    metric = PlainIntegerField(min_value=1)
    period_start = serializers.DateField()
    value = PlainDecimalField(max_digits=14, decimal_places=4)
    evidence = serializers.CharField(
        required=False, allow_blank=True, max_length=EVIDENCE_MAX_LENGTH
    )
    version = PlainIntegerField(
        required=False,
        min_value=0,
        help_text=(
            "The `version` of the value as read (0: the period had none): the row is "
            "refused if someone has entered, changed or cleared it since, as a grid "
            "cell is. Without it the row may record a period that has no value, or "
            "repeat the value recorded (which changes nothing), but a row that would "
            "change a recorded value is refused, naming its value and version."
        ),
    )


class MeasurementBulkSerializer(StrictSerializer):
    rows = MeasurementRowSerializer(many=True, allow_empty=False, max_length=5000)


class MeasurementBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


# --- scorecards ------------------------------------------------------------------------


class ComponentsSerializer(serializers.Serializer):
    outcomes = serializers.DecimalField(
        source="outcomes_score", max_digits=5, decimal_places=2, allow_null=True
    )
    objectives = serializers.DecimalField(
        source="objectives_score", max_digits=5, decimal_places=2, allow_null=True
    )
    health = serializers.DecimalField(
        source="health_score", max_digits=5, decimal_places=2, allow_null=True
    )
    agreement = serializers.DecimalField(
        source="agreement_score", max_digits=5, decimal_places=2, allow_null=True
    )


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField(required=False)
    # The values the flag quotes (`core.phrases`); absent from flags computed before them.
    params = serializers.DictField(required=False)
    # The English sentence, as stored: stable for a client that matches on it.
    message = serializers.CharField()
    # The sentence in the request's language: Accept-Language (a signed-in user's choice).
    text = serializers.SerializerMethodField()
    ref = serializers.DictField(required=False, allow_null=True)

    def get_text(self, flag) -> str:
        return flag_text(flag)


class ScorecardSerializer(serializers.ModelSerializer):
    components = ComponentsSerializer(source="*", read_only=True)
    flags = FlagSerializer(many=True, read_only=True)
    effective_rating = serializers.CharField(read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)
    reviewer = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "partnership",
            "period_start",
            "period_end",
            "components",
            "overall_score",
            "rating",
            "override_rating",
            "effective_rating",
            "override_justification",
            "trend",
            "flags",
            "review_state",
            "reviewer",
            "reviewed_at",
            "computed_at",
            "policy_version",
        ]


class ReviewReturnSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=REVIEW_TEXT_MAX_LENGTH)


class ReviewOverrideSerializer(StrictSerializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    justification = serializers.CharField(max_length=REVIEW_TEXT_MAX_LENGTH)


class EmptySerializer(StrictSerializer):
    pass


# --- the portfolio ---------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.OBJECT)
class LooseObjectField(serializers.JSONField):
    pass


class PortfolioSerializer(serializers.Serializer):
    """The numbers of the portfolio dashboard (dashboards.portfolio.portfolio_summary)."""

    count = serializers.IntegerField()
    families = serializers.DictField(child=serializers.IntegerField())
    ratings = serializers.DictField(child=serializers.IntegerField())
    provisional_count = serializers.IntegerField()
    metrics = serializers.DictField(child=serializers.IntegerField())
    expiring = LooseObjectField()
    funding = LooseObjectField()
    rating_trend = LooseObjectField()
    by_sector = LooseObjectField()
    by_spanned = LooseObjectField()
    by_region = LooseObjectField()
    by_purpose = LooseObjectField()
    by_benefit = LooseObjectField()
    countries = LooseObjectField()
    best = serializers.ListField(child=LooseObjectField())
    worst = serializers.ListField(child=LooseObjectField())
