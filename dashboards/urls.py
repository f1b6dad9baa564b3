from django.urls import include, path

app_name = "dashboards"

# The portfolio and the per-partner/per-partnership dashboards are built apart;
# both sets of names live in this namespace ("dashboards:portfolio", …).
urlpatterns = [
    path("", include("dashboards.urls_portfolio")),
    path("", include("dashboards.urls_detail")),
]
