from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views
from .views import ApiMixin

app_name = "api"


class SchemaView(ApiMixin, SpectacularAPIView):
    """The OpenAPI schema, for signed-in clients (token or session)."""

    permission_classes = ApiMixin.permission_classes


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
    # Swagger UI's script is a file of its own (the split view), as the CSP asks;
    # the page asks a browser to sign in first, like every other page.
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    *router.urls,
]
