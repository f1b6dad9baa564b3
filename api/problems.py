"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the API answers has `type`, `title`, `status` and `detail`; a
refused write adds `errors`: {field: [messages]}, with rows named as in
`rows[2].value`. A service's Django ValidationError becomes a 400 here, so the
views pass services' messages through unchanged.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, renderers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"
NON_FIELD = "non_field_errors"


class ProblemRenderer(renderers.JSONRenderer):
    media_type = PROBLEM_TYPE


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("This record changed since you read it: read it again, then write.")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send the record's ETag from your last GET of it in an If-Match header, "
        "so that a change made since is not overwritten."
    )
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This conflicts with the record's current state.")
    default_code = "conflict"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used for a different request.")
    default_code = "idempotency_key_reused"


def service_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as the API's, field names kept."""
    if hasattr(error, "error_dict"):
        detail = {
            (NON_FIELD if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    else:
        detail = {NON_FIELD: error.messages}
    return exceptions.ValidationError(detail)


def form_errors(form, prefix: str = "") -> dict[str, list[str]]:
    """A page form's errors by field, as the form would show them to a person;
    with `prefix`, named as rows are (`members[1].partner`)."""
    errors = {}
    for name, messages in form.errors.get_json_data().items():
        key = NON_FIELD if name == "__all__" else name
        if prefix:
            key = prefix if key == NON_FIELD else f"{prefix}.{key}"
        errors[key] = [message["message"] for message in messages]
    return errors


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"rows[1].value": [messages]}."""
    errors: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            key = name if not prefix else (prefix if name == NON_FIELD else f"{prefix}.{name}")
            for inner, messages in flatten(value, key).items():
                errors.setdefault(inner, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            if item:
                errors.update(flatten(item, f"{prefix}[{index}]"))
    elif isinstance(detail, list):
        errors[prefix or NON_FIELD] = [str(item) for item in detail]
    else:
        errors[prefix or NON_FIELD] = [str(detail)]
    return errors


def problem(status_code: int, *, title: str, detail: str, code: str, errors=None) -> dict:
    body = {
        "type": f"urn:accord:problem:{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


TITLES = {
    400: _("The request is not valid"),
    401: _("Not signed in"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    412: _("Precondition failed"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    428: _("Precondition required"),
    429: _("Too many requests"),
}


def problem_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = service_error(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500, logged
    code = "error"
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        errors = flatten(exc.detail)
        detail = str(_("Some fields are not valid: see `errors`."))
        if list(errors) == [NON_FIELD] and len(errors[NON_FIELD]) == 1:
            detail = errors[NON_FIELD][0]
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        code = getattr(exc.detail, "code", None) or getattr(exc, "default_code", "error")
    body = problem(
        response.status_code,
        title=str(TITLES.get(response.status_code, _("Error"))),
        detail=str(detail),
        code=code,
        errors=errors,
    )
    headers = {
        name: value
        for name, value in response.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    request = context.get("request")
    if request is not None:
        # A problem is JSON whatever the client accepts: a browser asks for
        # HTML first, and the browsable API would answer it a page of HTML
        # labelled problem+json. The view renders with the request's renderer.
        request.accepted_renderer = ProblemRenderer()
        request.accepted_media_type = PROBLEM_TYPE
    return Response(body, status=response.status_code, headers=headers, content_type=PROBLEM_TYPE)
