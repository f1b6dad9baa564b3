"""Small middlewares for the headers and limits every response shares."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse

logger = logging.getLogger(__name__)

TOO_LARGE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Too large · Accord</title></head>
<body><h1>This upload is too large</h1>
<p>Accord accepts files of at most {limit} MB. Go back and choose a smaller file.</p>
</body></html>
"""


class RequestBodyLimitMiddleware:
    """Answers 413 to a request that announces a body above the upload limit,
    before Django reads any of it.

    Django stops reading at CONTENT_LENGTH, and a request without one has an
    empty body to it, so this header is all a client can use to send more.
    The proxy in front (nginx's client_max_body_size) should refuse the same
    bodies even earlier; this is the limit that holds without one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unparsable length as no body at all
        if length > settings.ACCORD_MAX_REQUEST_SIZE:
            logger.warning(
                "request body refused: %s %s announces %d bytes, the limit is %d",
                request.method,
                request.path,
                length,
                settings.ACCORD_MAX_REQUEST_SIZE,
            )
            response = HttpResponse(
                TOO_LARGE_PAGE.format(limit=settings.ACCORD_MAX_UPLOAD_MB), status=413
            )
            # The rest of the body is never read: the connection cannot be reused.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Turns off browser features Accord never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivateCacheMiddleware:
    """A page for a signed-in user is theirs alone: no shared cache keeps it
    and the browser does not store it on disk (a shared computer's back button
    or cache folder must not show a partnership's figures after sign-out).

    Sits below WhiteNoise, so static files never reach it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
