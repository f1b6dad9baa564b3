"""The API's endpoints: thin, like the pages' views.

Reads go through the QuerySet methods the pages use (`Scorecard.objects.
visible_to`, `portfolio_summary`); every write is checked by the page's form
(`_by_forms`) and goes through the page's service with the page's rights
check. An object the user may not see answers 404; one they see but may not
change, 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.forms import IntegerField
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.middleware import use_preferences
from dashboards.forms import PortfolioFilterForm
from dashboards.portfolio import portfolio_summary
from evaluation import review
from evaluation.models import Scorecard
from partnerships import permissions as partnership_rights
from partnerships import services
from partnerships.forms_partnerships import (
    LeadForm,
    MemberForm,
    MetricForm,
    ObjectiveForm,
    PartnershipForm,
    StageChangeForm,
)
from partnerships.measurement_import import active_metrics
from partnerships.models import (
    Agreement,
    Measurement,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
    PartnershipMember,
    StageChange,
)

from . import filters, serializers
from .conditional import check_if_match, with_etag
from .idempotency import idempotent, rights_checked
from .parsers import JSONParser
from .permissions import ModelPermission
from .problems import form_errors, service_error
from .schema import IF_MATCH, IF_MATCH_WHEN_SENT


class ApiMixin:
    """Every endpoint signs its client in itself (token or session), so the
    site's login-required middleware, which would redirect to a login page, lets it by."""

    permission_classes = [
        *viewsets.GenericViewSet.permission_classes,
        ModelPermission,
    ]
    # REST_FRAMEWORK's DEFAULT_PARSER_CLASSES (JSON only), with a parse error
    # said in the reader's language, and JSON nested too deep to parse a 400
    # parse error, not a RecursionError (a 500).
    parser_classes = [JSONParser]

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def perform_authentication(self, request):
        super().perform_authentication(request)
        # The rest of the request in the user's language and time zone, as
        # their pages are (accounts.middleware.UserLocaleMiddleware, which ran
        # before DRF knew a token's user): their own choice, else the
        # client's Accept-Language, else the site's.
        if request.user.is_authenticated:
            use_preferences(request._request, request.user)

    def dispatch(self, request, *args, **kwargs):
        # Every POST honours an Idempotency-Key, here rather than in each view
        # so that none forgets: a retry gets the first answer and writes nothing
        # again. It runs after the sign-in and the permission classes
        # (`initial`); the answer is replayed only where the view says the
        # caller's rights on its records are checked (`rights_checked`).
        post = getattr(self, "post", None)
        if post is not None:

            def post_once(request, *args, **kwargs):
                return idempotent(request, lambda: post(request, *args, **kwargs))

            self.post = post_once
        return super().dispatch(request, *args, **kwargs)


class ReadViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return with_etag(Response(self.get_serializer(instance).data), instance)


# --- partners --------------------------------------------------------------------------


class PartnerViewSet(mixins.CreateModelMixin, ReadViewSet):
    queryset = Partner.objects.order_by("name", "pk")
    serializer_class = serializers.PartnerSerializer
    filterset_class = filters.PartnerFilter
    read_permission = "partnerships.view_partner"

    @extend_schema(
        request=serializers.PartnerWriteSerializer,
        responses={201: serializers.PartnerSerializer},
    )
    def create(self, request):
        partner_rights_check(request.user)
        rights_checked(request)
        data = _valid(serializers.PartnerWriteSerializer, request)
        partner = services.partner_create(**data)
        response = Response(serializers.PartnerSerializer(partner).data, status=201)
        return with_etag(response, partner)

    @extend_schema(
        request=serializers.PartnerUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: serializers.PartnerSerializer},
    )
    def partial_update(self, request, pk=None):
        self.get_object()  # 404 before 403
        partner_rights_check(request.user)
        data = _valid(serializers.PartnerUpdateSerializer, request)
        with transaction.atomic():
            partner = get_object_or_404(Partner.objects.select_for_update(), pk=pk)
            check_if_match(request, partner)
            partner = services.partner_update(partner=partner, **data)
        return with_etag(Response(serializers.PartnerSerializer(partner).data), partner)

    @extend_schema(
        request=serializers.PartnerBulkSerializer,
        responses={201: serializers.BulkCreatedSerializer},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Create many partners, all or none: every bad row is named in `errors`."""
        partner_rights_check(request.user)
        rights_checked(request)
        rows = _valid(serializers.PartnerBulkSerializer, request)["rows"]
        created = _all_or_nothing(rows, lambda row: services.partner_create(**row))
        ids = [partner.pk for partner in created]
        return Response({"created": len(ids), "ids": ids}, status=201)


def partner_rights_check(user):
    if not partnership_rights.can_create(user):
        raise exceptions.PermissionDenied(
            _("Only partnership managers create and change partners.")
        )


def _valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _by_forms(*checks) -> list:
    """Check the body with the pages' own forms, as if a person had typed it:
    their rules and their messages are the API's. Each check is (form class,
    data, prefix naming its rows in errors, form kwargs); every form's errors
    are gathered before refusing, so one answer names every bad field."""
    forms, errors = [], {}
    for form_class, data, prefix, kwargs in checks:
        # A field left out keeps what the form shows: its initial value, or
        # the record's for an edit (`instance`), as a person would leave it.
        shown = form_class(**kwargs)
        values = {name: shown[name].value() for name in shown.fields} | dict(data)
        form = form_class(data={shown.add_prefix(k): v for k, v in values.items()}, **kwargs)
        if not form.is_valid():
            errors.update(form_errors(form, prefix))
        forms.append(form)
    if errors:
        raise exceptions.ValidationError(errors)
    return forms


def _all_or_nothing(rows, save_row) -> list:
    """Save every row or none; a refusal names each bad row (`rows[2].name`).

    Each row is tried in its own savepoint, so the rows after a bad one are still
    checked (against the rows before them, e.g. a duplicate name); any error
    rolls the whole batch back.
    """
    saved, errors = [], {}
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():
                    saved.append(save_row(row))
            except DjangoValidationError as error:
                for name, messages in service_error(error).detail.items():
                    key = (
                        f"rows[{index}]" if name == "non_field_errors" else f"rows[{index}].{name}"
                    )
                    errors[key] = [str(message) for message in messages]
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise exceptions.ValidationError(errors)
    return saved


# --- partnerships ----------------------------------------------------------------------


def _partnerships():
    return Partnership.objects.select_related("owner").prefetch_related(
        Prefetch(
            "members",
            queryset=PartnershipMember.objects.select_related("partner").order_by(
                "role", "partner__name"
            ),
        ),
        Prefetch("leads", queryset=PartnershipLead.objects.select_related("user")),
        Prefetch(
            "stage_changes",
            queryset=StageChange.objects.select_related("changed_by").order_by("-changed_at"),
        ),
    )


class PartnershipViewSet(mixins.CreateModelMixin, ReadViewSet):
    serializer_class = serializers.PartnershipSerializer
    filterset_class = filters.PartnershipFilter
    read_permission = "partnerships.view_partnership"

    def get_queryset(self):
        return _partnerships().order_by("title", "pk")

    def _editable(self, request, pk) -> Partnership:
        """404 if the user may not see it, 403 if they see it but may not change it."""
        partnership = self.get_object()
        partnership_rights.require_edit(request.user, partnership)
        return partnership

    @staticmethod
    def _locked(request, pk, *, if_match_required: bool = True) -> Partnership:
        """The partnership's row locked for a write (inside its transaction),
        refused without an If-Match (428, unless `if_match_required` is False)
        or with one naming an older state of it (412)."""
        partnership = Partnership.objects.select_for_update().get(pk=pk)
        check_if_match(request, partnership, required=if_match_required)
        return partnership

    def _answer(self, pk, status=200):
        partnership = _partnerships().get(pk=pk)
        response = Response(self.get_serializer(partnership).data, status=status)
        return with_etag(response, partnership)

    @extend_schema(
        request=serializers.PartnershipWriteSerializer,
        responses={201: serializers.PartnershipSerializer},
    )
    def create(self, request):
        """Create a partnership with its members and co-leads, as its page does:
        the caller is its owner; every bad field and row is named."""
        partnership_rights.require_create(request.user)
        rights_checked(request)
        _valid(serializers.PartnershipWriteSerializer, request)
        data = dict(request.data)
        members, leads = data.pop("members", []), data.pop("leads", [])
        form, *rows = _by_forms(
            (PartnershipForm, data, "", {}),
            *[(MemberForm, row, f"members[{i}]", {}) for i, row in enumerate(members)],
            *[(LeadForm, row, f"leads[{i}]", {}) for i, row in enumerate(leads)],
        )
        partnership = services.partnership_create(
            owner=request.user,  # whoever creates it, as on the page
            members=[services.Member(**row.cleaned_data) for row in rows[: len(members)]],
            leads=[services.Lead(**row.cleaned_data) for row in rows[len(members) :]],
            **form.edited_data,
        )
        return self._answer(partnership.pk, status=201)

    @extend_schema(
        request=serializers.PartnershipUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: serializers.PartnershipSerializer},
    )
    def partial_update(self, request, pk=None):
        """Change the fields sent, as the edit page does (not the owner, not the stage)."""
        self._editable(request, pk)
        _valid(serializers.PartnershipUpdateSerializer, request)
        with transaction.atomic():
            partnership = self._locked(request, pk)
            # The edit page's form of the locked row, with the values sent.
            (form,) = _by_forms((PartnershipForm, request.data, "", {"instance": partnership}))
            services.partnership_update(
                partnership=partnership,
                expected_version=form.expected_version,
                **form.edited_data,
            )
        return self._answer(pk)

    @extend_schema(
        request=serializers.MemberWriteSerializer,
        parameters=[IF_MATCH_WHEN_SENT],
        responses={201: serializers.PartnershipSerializer},
    )
    @action(detail=True, methods=["post"], url_path="members")
    def members(self, request, pk=None):
        """Add a member organisation, as a member row of the partnership form.
        The partnership's ETag changes: its members are part of it.

        No If-Match is needed, as the members page asks for no version: a new
        member writes over nothing, and what it could clash with (the partner
        already a member, a second lead partner) is refused under the
        partnership's lock. Asking for the ETag refused the add whenever anyone
        had renamed the partnership or added another member since it was read.
        One sent is held to (412), as a client that sends it means it."""
        self._editable(request, pk)
        rights_checked(request)
        _valid(serializers.MemberWriteSerializer, request)
        (form,) = _by_forms((MemberForm, request.data, "", {}))
        with transaction.atomic():
            partnership = self._locked(request, pk, if_match_required=False)
            services.partnership_member_add(partnership=partnership, **form.cleaned_data)
        return self._answer(pk, status=201)

    @extend_schema(
        methods=["PATCH"],
        request=serializers.MemberRoleSerializer,
        parameters=[IF_MATCH],
        responses={200: serializers.PartnershipSerializer},
    )
    @extend_schema(methods=["DELETE"], request=None, parameters=[IF_MATCH], responses={204: None})
    @action(detail=True, methods=["patch", "delete"], url_path=r"members/(?P<partner_id>\d+)")
    def member(self, request, pk=None, partner_id=None):
        """Change a member organisation's role, or take it off the partnership
        (refused while it is a party to one of its agreements). Either changes
        the partnership's ETag: its members are part of it."""
        partnership = self._editable(request, pk)
        member = get_object_or_404(
            PartnershipMember.objects.select_related("partner"),
            partnership=partnership,
            partner_id=partner_id,
        )
        if request.method != "DELETE":
            _valid(serializers.MemberRoleSerializer, request)
            data = {"partner": member.partner_id, **request.data}
            (form,) = _by_forms((MemberForm, data, "", {}))
        with transaction.atomic():
            member.partnership = self._locked(request, pk)
            if request.method == "DELETE":
                services.partnership_member_remove(member=member)
                return Response(status=204)
            services.partnership_member_update(member=member, role=form.cleaned_data["role"])
        return self._answer(pk)

    @extend_schema(
        request=serializers.StageChangeWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: serializers.PartnershipSerializer},
    )
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        """Move the partnership to another stage, saying why (as on its stage page)."""
        self._editable(request, pk)
        rights_checked(request)
        _valid(serializers.StageChangeWriteSerializer, request)
        # The stage page's form: an ended partnership needs its end date.
        (form,) = _by_forms((StageChangeForm, request.data, "", {}))
        with transaction.atomic():
            partnership = self._locked(request, pk)
            services.partnership_change_stage(
                partnership=partnership, by=request.user, **form.cleaned_data
            )
        partnership = _partnerships().get(pk=pk)
        return with_etag(Response(self.get_serializer(partnership).data), partnership)

    @extend_schema(
        request=serializers.MeasurementBulkSerializer,
        responses={
            200: serializers.MeasurementBulkResultSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="measurements")
    def measurements(self, request, pk=None):
        """Record or correct measurements by (metric, period), all or none.

        Each metric must be an active metric of this partnership; every bad row
        is named in `errors`, and nothing is saved unless every row is good. A
        row changes a recorded value only with the `version` it read of it.
        """
        partnership = self._editable(request, pk)
        rights_checked(request)
        rows = _valid(serializers.MeasurementBulkSerializer, request)["rows"]
        metrics = {metric.pk: metric for metric in active_metrics(partnership)}
        seen = {}
        counts = {"created": 0, "updated": 0}

        def save_row(row):
            metric = metrics.get(row["metric"])
            if metric is None:
                raise DjangoValidationError(
                    {
                        "metric": _("%(metric)s is not an active metric of this partnership.")
                        % {"metric": row["metric"]}
                    }
                )
            key = (metric.pk, row["period_start"])
            if key in seen:
                raise DjangoValidationError(
                    {
                        "period_start": _("The same metric and period as rows[%(row)s].")
                        % {"row": seen[key]}
                    }
                )
            seen[key] = index_of[id(row)]
            measurement, saved = services.measurement_save(
                metric=metric,
                period_start=row["period_start"],
                value=row["value"],
                entered_by=request.user,
                evidence=row.get("evidence", ""),
                expected_version=row.get("version"),
            )
            if saved != services.Saved.UNCHANGED:  # a row repeating the value counts in neither
                counts[saved] += 1
            return measurement

        index_of = {id(row): index for index, row in enumerate(rows)}
        saved = _all_or_nothing(rows, save_row)
        return Response({**counts, "ids": [measurement.pk for measurement in saved]})


# --- agreements, objectives, metrics, measurements ---------------------------------------


class AgreementViewSet(ReadViewSet):
    queryset = Agreement.objects.prefetch_related("parties", "obligations").order_by("pk").all()
    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter
    read_permission = "partnerships.view_agreement"


def _leads_some(request) -> None:
    """Refuse before reading the body whoever leads no partnership at all
    (an executive, a reviewer): their write could not be saved anywhere."""
    if not partnership_rights.editable_partnerships(request.user).exists():
        raise exceptions.PermissionDenied(_("Only the partnership's owner and co-leads change it."))


def _named(model, request, serializer_class, name):
    """The record the body names as `name` (a partnership, an objective), read
    ahead of the rest of the body: the caller's rights on it come first, then
    the key (`rights_checked`), then the body, as on every POST. The id as its
    serializer reads it ("12.0" is 12). None when the body names none; the
    body's check, then `_parent`, say why."""
    data = request.data if isinstance(request.data, dict) else {}
    try:
        pk = serializer_class().fields[name].run_validation(data.get(name, empty))
    except exceptions.ValidationError:
        return None
    return model.objects.filter(pk=pk).first()


def _parent(parent, name):
    """`parent` (from `_named`) once the body is checked, so its id is well
    formed: a field error when it names none. Everyone who reads sees them all."""
    if parent is None:
        raise exceptions.ValidationError({name: [_("No %(name)s has this id.") % {"name": name}]})
    return parent


class ObjectiveViewSet(mixins.CreateModelMixin, ReadViewSet):
    queryset = Objective.objects.select_related("owner").order_by("pk")
    serializer_class = serializers.ObjectiveSerializer
    filterset_class = filters.ObjectiveFilter
    read_permission = "partnerships.view_objective"

    @extend_schema(
        request=serializers.ObjectiveWriteSerializer,
        responses={201: serializers.ObjectiveSerializer},
    )
    def create(self, request):
        """Add an objective to a partnership the caller owns or co-leads, as its page does."""
        _leads_some(request)
        partnership = _named(
            Partnership, request, serializers.ObjectiveWriteSerializer, "partnership"
        )
        if partnership is not None:
            partnership_rights.require_edit(request.user, partnership)
        # Whether or not it names one: a body naming no partnership that
        # exists has no answer stored (partnerships are never deleted), so
        # its key, used before, can only be refused as reused.
        rights_checked(request)
        _valid(serializers.ObjectiveWriteSerializer, request)
        partnership = _parent(partnership, "partnership")
        data = {k: v for k, v in request.data.items() if k != "partnership"}
        (form,) = _by_forms((ObjectiveForm, data, "", {}))
        objective = services.objective_create(
            partnership=partnership, owner=request.user, **form.cleaned_data
        )
        response = Response(self.get_serializer(objective).data, status=201)
        return with_etag(response, objective)


class MetricViewSet(mixins.CreateModelMixin, ReadViewSet):
    queryset = OutcomeMetric.objects.select_related("objective").order_by("pk")
    serializer_class = serializers.MetricSerializer
    filterset_class = filters.MetricFilter
    read_permission = "partnerships.view_outcomemetric"

    @extend_schema(
        request=serializers.MetricWriteSerializer,
        responses={201: serializers.MetricSerializer},
    )
    def create(self, request):
        """Add a metric to an objective of a partnership the caller owns or co-leads."""
        _leads_some(request)
        objective = _named(Objective, request, serializers.MetricWriteSerializer, "objective")
        if objective is not None:
            partnership_rights.require_edit(request.user, objective.partnership)
        rights_checked(request)  # as for an objective
        _valid(serializers.MetricWriteSerializer, request)
        objective = _parent(objective, "objective")
        data = {k: v for k, v in request.data.items() if k != "objective"}
        (form,) = _by_forms((MetricForm, data, "", {"objective": objective}))
        metric = services.metric_create(
            objective=objective, owner=request.user, **form.cleaned_data
        )
        response = Response(self.get_serializer(metric).data, status=201)
        return with_etag(response, metric)


class MeasurementViewSet(ReadViewSet):
    # By the metric's key: "metric" would order by the metric's own ordering,
    # joining its objective and partnership to sort every measurement by title.
    queryset = Measurement.objects.select_related("entered_by").order_by(
        "metric_id", "period_start"
    )
    serializer_class = serializers.MeasurementSerializer
    filterset_class = filters.MeasurementFilter
    read_permission = "partnerships.view_measurement"

    @extend_schema(request=None, parameters=[IF_MATCH], responses={204: None})
    def destroy(self, request, pk=None):
        """Clear a recorded value, as emptying its grid cell does (the history
        keeps it, naming who cleared it): refused without an If-Match (428)
        or with one naming an older state of it (412). Any period may be
        cleared, also one that could no longer be recorded."""
        measurement = self.get_object()
        metric = OutcomeMetric.objects.select_related("objective__partnership").get(
            pk=measurement.metric_id
        )
        partnership_rights.require_edit(request.user, metric.objective.partnership)
        with transaction.atomic():
            locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
            check_if_match(request, locked)
            services.measurement_clear(
                metric=metric, period_start=locked.period_start, by=request.user
            )
        return Response(status=204)


# --- scorecards and their review ---------------------------------------------------------


class ScorecardViewSet(ReadViewSet):
    serializer_class = serializers.ScorecardSerializer
    filterset_class = filters.ScorecardFilter
    read_permission = "evaluation.view_scorecard"

    def get_queryset(self):
        # Executives see the approved ones only, as on the dashboards.
        return (
            Scorecard.objects.visible_to(self.request.user)
            .select_related("reviewer", "policy")
            .order_by("-period_start", "partnership_id", "pk")
        )

    def _act(self, request, serializer_class, act):
        """The rights first (404 unseen, 403 not the user's to review), then the
        body, then the change on the locked row, refused if it is stale."""
        card = self.get_object()
        if not review.may_review(request.user, card):
            raise exceptions.PermissionDenied(
                _("Only a reviewer who does not lead the partnership reviews its scorecard.")
            )
        rights_checked(request)
        data = _valid(serializer_class, request)
        with transaction.atomic():
            locked = Scorecard.objects.select_for_update().get(pk=card.pk)
            check_if_match(request, locked)
            act(locked, data)
        card = self.get_queryset().get(pk=card.pk)
        return with_etag(Response(self.get_serializer(card).data), card)

    @extend_schema(
        request=serializers.EmptySerializer,
        parameters=[IF_MATCH],
        responses={200: serializers.ScorecardSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(
            request,
            serializers.EmptySerializer,
            lambda card, data: review.scorecard_approve(
                scorecard_id=card.pk, reviewer=request.user
            ),
        )

    @extend_schema(
        request=serializers.ReviewReturnSerializer,
        parameters=[IF_MATCH],
        responses={200: serializers.ScorecardSerializer},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._act(
            request,
            serializers.ReviewReturnSerializer,
            lambda card, data: review.scorecard_return(
                scorecard_id=card.pk, reviewer=request.user, comment=data["comment"]
            ),
        )

    @extend_schema(
        request=serializers.ReviewOverrideSerializer,
        parameters=[IF_MATCH],
        responses={200: serializers.ScorecardSerializer},
    )
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        return self._act(
            request,
            serializers.ReviewOverrideSerializer,
            lambda card, data: review.scorecard_override(
                scorecard_id=card.pk, reviewer=request.user, **data
            ),
        )


# --- the portfolio ---------------------------------------------------------------------


def _plain(value):
    """The summary's dates, decimals and lazy labels as JSON values."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _parameter_type(field) -> type:
    if isinstance(field, filters.TrueOrFalseField):
        return bool
    if isinstance(field, IntegerField):  # an id: `owner`
        return int
    return str


PORTFOLIO_FILTERS = [
    OpenApiParameter(name, _parameter_type(field), OpenApiParameter.QUERY, required=False)
    for name, field in filters.PortfolioParameters.base_fields.items()
    if name not in PortfolioFilterForm.LINK_EXCLUDED
    and name not in ("family", "benefit", "spanned", "rating")
]


class PortfolioView(ApiMixin, GenericAPIView):
    """The portfolio dashboard's numbers, for its filters (same parameter names)."""

    serializer_class = serializers.PortfolioSerializer
    read_permission = "partnerships.view_partnership"
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=PORTFOLIO_FILTERS, responses={200: serializers.PortfolioSerializer})
    def get(self, request):
        form = filters.PortfolioParameters(request.query_params, user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        summary = portfolio_summary(data=dict(form.cleaned_data), today=timezone.localdate())
        return Response(_plain(summary), status=status.HTTP_200_OK)
