"""`Idempotency-Key` on every POST (ApiMixin.dispatch): a retry gets the first answer
and saves nothing again, once the caller's rights are checked again (`rights_checked`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
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


@dataclass
class _Keyed:
    """A POST with a key: the answer stored for it, if any, and whether its
    view has reached `rights_checked` yet."""

    stored: IdempotentRequest | None
    fingerprint: str
    checked: bool = False


class _Replayed(Exception):
    def __init__(self, response: Response):
        self.response = response


def rights_checked(request) -> None:
    """Called by every POST view once it has checked the caller's rights on
    what the request names (and before it writes): a retry is answered from
    here with its first answer, so one who has lost the right since (taken
    off the dyad, a role taken away) is refused as a new request would be,
    not told what the first request was told."""
    keyed = getattr(request, "idempotency", None)
    if keyed is None:
        return  # no key, or not a POST
    keyed.checked = True
    if keyed.stored is not None:
        raise _Replayed(_replay(keyed.stored, keyed.fingerprint))


def idempotent(request, write) -> Response:
    """Run `write()` (which returns a Response or raises) at most once per key.

    A retry runs `write()` too, up to its `rights_checked`, which answers it
    with the stored answer: before the write's If-Match check, as a retry
    repeats the If-Match its first request sent, stale once that one wrote.
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
    request.idempotency = keyed = _Keyed(stored=stored, fingerprint=fingerprint)
    try:
        with transaction.atomic():
            response = write()
            if not keyed.checked:
                # Undone with the transaction: a view that never says where
                # its rights are checked would write again on every retry.
                raise ImproperlyConfigured(
                    f"{request.path}: a POST view calls rights_checked(request) before it writes."
                )
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
    except _Replayed as replayed:
        return replayed.response
    except IntegrityError:
        # The same key, sent twice at once: the other one committed first.
        # This one passed the rights check too, as it wrote before it was undone.
        stored = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    return response
