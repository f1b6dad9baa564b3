"""The managers' workspace. Each area keeps its own views and URL list."""

from django.urls import include, path

from .views.records import record

app_name = "partnerships"

urlpatterns = [
    path("partners/", include("partnerships.urls_partners")),
    path("partnerships/", include("partnerships.urls_partnerships")),
    path("agreements/", include("partnerships.urls_agreements")),
    path("records/<str:model>/<int:pk>/", record, name="record"),
]
