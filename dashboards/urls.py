from django.urls import include, path

from . import views_list

app_name = "dashboards"

# The portfolio and the per-partner/per-partnership dashboards are built apart;
# both sets of names live in this namespace ("dashboards:portfolio", …). The
# partnership list keeps its address among the partnership pages.
urlpatterns = [
    path("dashboards/", include("dashboards.urls_portfolio")),
    path("dashboards/", include("dashboards.urls_detail")),
    path("partnerships/", views_list.partnership_list, name="partnership_list"),
]
