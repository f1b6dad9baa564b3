from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("revoke/", views.revoke, name="revoke"),
    path("<str:secret>.ics", views.feed, name="feed"),
]
