from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("evaluation/", include("evaluation.urls")),
    path("", include("dashboards.urls")),
    path("", include("partnerships.urls")),
    path("inbox/", include("notifications.urls")),
    path("health/", include("health.urls")),
    path("", include("lifecycle.urls")),
    path("api/v1/", include("api.urls")),
    path("settings/api-tokens/", include("api.urls_pages")),
    path("calendar/", include("calendars.urls")),
    path("admin/", admin.site.urls),
]
