from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views
from .views import ApiMixin

app_name = "api"


class SchemaView(ApiMixin, SpectacularAPIView):
    """The OpenAPI schema, for signed-in clients (token or session)."""

    permission_classes = ApiMixin.permission_classes


# A page for people: signing in and a role are asked for by the site's
# middlewares, as for every other page (DRF's views opt out of them).
# Our own template: drf-spectacular's without its inline <style> (refused by
# the site's Content-Security-Policy, which stays as strict here as elsewhere),
# with a link back to Accord.
docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api:schema", template_name="api/docs.html"
)
docs_view.login_required = True

router = SimpleRouter()
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("objectives", views.ObjectiveViewSet, basename="objective")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")

urlpatterns = [
    path("portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI's script is a file of its own (the split view), as the CSP asks.
    path("docs/", docs_view, name="docs"),
    *router.urls,
]
