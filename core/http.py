"""What a page answers, the same on every app's pages."""

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
