"""What a page answers, the same on every app's pages."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

REFUSED = 400


def form_status(request: HttpRequest, *, refused: bool = True) -> int:
    """The status of a page that shows a form: 400 when it answers a POST it
    refused, 200 otherwise.

    The pages follow post/redirect/get: a POST they accept redirects, so a POST
    answered with the form page itself was refused (hence `refused` defaults
    to True). A page that may also answer a POST it accepted (a secret shown
    once) or that shows several forms says whether one was refused. The page
    still shows the errors next to the fields and keeps what was typed; the
    400 tells a client, a test or a monitor that nothing was saved. htmx swaps
    a 400 where a page asks it to (`responseHandling` in its htmx-config).
    """
    return REFUSED if request.method == "POST" and refused else 200


def in_active_language(response: HttpResponse) -> HttpResponse:
    """Label `response` with the language active now, for a page rendered in
    another language than its request's (`translation.override`): otherwise
    LocaleMiddleware, which labels only a response without a label, names the
    request's language once the override has ended."""
    response.headers["Content-Language"] = translation.get_language()
    return response


def client_address(request: HttpRequest) -> str | None:
    """The client's address, from the first of ACCORD_CLIENT_IP_HEADERS the
    request carries with a valid one (REMOTE_ADDR unless behind a proxy).

    The sign-in lockout (django-axes), allauth's limits and sessions page, and
    the API's limit on wrong tokens all read it here. A proxy appends the
    address it saw to X-Forwarded-For: the last entry is the one it vouches
    for, anything left of it the client may have written itself.
    """
    for header in settings.ACCORD_CLIENT_IP_HEADERS:
        last = request.META.get(header, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            continue
    return None


def site_link(path: str) -> str:
    """A link within Accord as an email gives it, with the site's address
    (settings.SITE_URL, never the Host a request sent): "" for no path."""
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""
