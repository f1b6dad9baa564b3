"""The OpenAPI schema's shared parts: every operation may answer a problem,
every POST takes an Idempotency-Key, and every write to a record that exists
requires its If-Match."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .problems import PROBLEM_TYPE


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field; rows of a bulk write are named as in `rows[2].value`.",
    )


# What any operation may answer besides its own: bad parameters, not signed in,
# not allowed, not found, too many requests.
COMMON_PROBLEMS = (400, 401, 403, 404, 429)


# Every POST honours it (ApiMixin.dispatch).
IDEMPOTENCY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Send the same key again to retry safely: the first answer comes back, "
    "marked `Idempotent-Replayed: true`, and nothing is written again.",
)


# Every write to a record that exists asks for it (conditional.check_if_match):
# the views name it in their `extend_schema(parameters=…)`.
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The record's `ETag` from your last GET of it (for a member of a "
    "partnership, the partnership's). A write without it is refused (428); one "
    "with an ETag that is no longer the record's, because it changed since, is "
    "refused (412); neither saves anything. `*` writes over whatever is stored.",
)


def takes_if_match(parameters) -> bool:
    return any(getattr(parameter, "name", None) == IF_MATCH.name for parameter in parameters)


class ProblemAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            parameters = [*parameters, IDEMPOTENCY]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = list(COMMON_PROBLEMS)
        if self.method != "GET":
            codes += [412, 415, 422]
        if takes_if_match(self.get_override_parameters()):
            codes.append(428)
        for code in codes:
            if str(code) in responses:
                continue
            responses[str(code)] = self._get_response_for_code(
                ProblemSerializer, str(code), media_types=[PROBLEM_TYPE]
            )
        return responses
