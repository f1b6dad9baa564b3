"""The OpenAPI schema's shared parts: every operation may answer a problem,
every POST takes an Idempotency-Key, and every write to a record that exists
requires its If-Match (adding a partnership's member takes it when sent)."""

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


# Adding a member to a partnership overwrites nothing of it: the header may be
# left out (conditional.check_if_match(required=False)), and is held to when sent.
IF_MATCH_WHEN_SENT = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional: adding a member writes over nothing, so it needs no `ETag`, "
    "as creating an objective or a metric needs none. Send the partnership's `ETag` to "
    "add the member only if the partnership (its fields and members) is still as you "
    "read it: otherwise it is refused (412) and nothing is saved. `*` adds it whatever "
    "is stored.",
)


def takes_if_match(parameters) -> bool:
    """Whether the operation requires If-Match (and so may answer 428)."""
    return any(
        getattr(parameter, "name", None) == IF_MATCH.name and getattr(parameter, "required", False)
        for parameter in parameters
    )


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
