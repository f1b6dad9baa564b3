"""The URLconf while the dashboards benchmark measures pages: the site's URLs
plus an empty view and the frame, which the site itself never serves.

Only `tooling.benchmarks.dashboards.measure_pages` selects it, with
`override_settings(ROOT_URLCONF=…)`; the settings never name it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import include, path


@login_required
def empty_view(request):
    return HttpResponse(b"")


# Every page is drawn in this frame: the navigation, its permission checks and
# the unread-notification count. Timed apart, it says what of a page's time is
# the site's and not the page's own.
FRAME = Template('{% extends "base.html" %}{% block title %}Benchmark{% endblock %}')


@login_required
def frame_view(request):
    return HttpResponse(FRAME.render(RequestContext(request)))


urlpatterns = [
    path("benchmark/empty/", empty_view, name="benchmark_empty"),
    path("benchmark/frame/", frame_view, name="benchmark_frame"),
    path("", include("config.urls")),
]
