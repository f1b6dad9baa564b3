"""A page with one chart of each kind, for test_charts.py (ROOT_URLCONF of that test only)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path
from django.utils import translation

from core.charts import chart, world_map

PAGE = Template(
    """{% load static %}<!doctype html><html lang="{{ language }}"><head>
<link rel="icon" href="{% static 'img/favicon.svg' %}" type="image/svg+xml">
<link rel="stylesheet" href="{% static 'css/accord.css' %}"></head><body>
{% for id, spec in specs %}{% include "dashboards/_chart.html" with spec=spec id=id %}{% endfor %}
<script src="{% static 'vendor/bootstrap/js/bootstrap.bundle.min.js' %}"></script>
<script src="{% static 'vendor/chartjs/chart.umd.min.js' %}"></script>
<script src="{% static 'vendor/chartjs-chart-geo/index.umd.min.js' %}"></script>
<script src="{% static 'js/charts.js' %}"></script>
</body></html>"""
)


@login_not_required
def charts(request):
    language = request.GET.get("lang", "en-gb")
    with translation.override(language):
        labels = ["Green", "Amber", "Red"]
        data = [{"label": "Partnerships", "data": [5, 2, 1]}]
        radar = {"label": "Us", "data": [4, 3.5]}
        score = {"label": "Score", "data": [1500.25, None]}
        partners = {"KE": 3, "BR": 1, "SG": 2}
        specs = [
            ("bar", chart("bar", labels, data, title="Bar", links=["/g/", "/a/", "/r/"])),
            ("hbar", chart("horizontal-bar", labels, data, title="Horizontal")),
            ("line", chart("line", ["Jan", "Feb"], [score], title="Line", unit="EUR")),
            ("doughnut", chart("doughnut", labels, data, title="Doughnut")),
            ("radar", chart("radar", ["Trust", "Roles"], [radar], title="Radar", suggested_max=5)),
            ("map", world_map(partners, title="Map", label="Partners", links={"KE": "/ke/"})),
        ]
    context = {"specs": specs, "language": language}
    return HttpResponse(PAGE.render(RequestContext(request, context)))


urlpatterns = [path("charts/", charts)]
