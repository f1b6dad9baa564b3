from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_events, name="events"),
    path("export.csv", views.audit_export, name="export"),
]
