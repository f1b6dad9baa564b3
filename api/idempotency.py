"""`Idempotency-Key` on every POST (ApiMixin.dispatch): a retry gets the first answer
and saves nothing again."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .models import IdempotentRequest
from .problems import IdempotencyKeyReused

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# The headers that describe the answer itself, so a retry is told what the first
# request was: the ETag of the record written (for its next `If-Match`) and
# where a created one lives. Not the others (dates, caching, the request's id),
# which describe the response sent now.
REPLAYED_HEADERS = ("ETag", "Location")


def request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(stored: IdempotentRequest, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    response = Response(stored.response_body, status=stored.status_code)
    for name, value in stored.response_headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, write) -> Response:
    """Run `write()` (which returns a Response or raises) at most once per key.

    Only a successful answer is stored, in the write's transaction: a refused
    request saved nothing, so the client may correct it and send it again with
    the same key.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return write()
    if len(key) > MAX_KEY_LENGTH:
        from rest_framework.exceptions import ValidationError

        raise ValidationError(
            {HEADER: [_("At most %(count)d characters.") % {"count": MAX_KEY_LENGTH}]}
        )
    fingerprint = request_hash(request)
    stored = IdempotentRequest.objects.filter(user=request.user, key=key).first()
    if stored is not None:
        # Before the write and so before its If-Match check: a retry repeats
        # the If-Match its first request sent, stale once that one wrote.
        return _replay(stored, fingerprint)
    try:
        with transaction.atomic():
            response = write()
            IdempotentRequest.objects.create(
                user=request.user,
                key=key,
                request_hash=fingerprint,
                status_code=response.status_code,
                response_body=response.data,
                response_headers={
                    name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)
                },
            )
    except IntegrityError:
        # The same key, sent twice at once: the other one committed first.
        stored = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    return response
