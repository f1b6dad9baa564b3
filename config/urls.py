from allauth.account.views import LogoutView
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views

from . import views

# One sign-in page, allauth's; the old address and the admin's send people there.
to_sign_in = login_not_required(
    RedirectView.as_view(pattern_name="account_login", query_string=True)
)

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", to_sign_in, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    # People's addresses are set by administrators (or the identity provider):
    # allauth's page for adding one, unverified, and making it the account's
    # own is not offered. Named as allauth's, so its links still resolve.
    path("accounts/email/", views.not_offered, name="account_email"),
    # Signing out everywhere ends the API tokens and calendar address too.
    path("accounts/sessions/", account_views.sessions, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("", include("dashboards.urls")),
    path("", include("partnerships.urls")),
    path("inbox/", include("notifications.urls")),
    path("health/", include("health.urls")),
    path("", include("lifecycle.urls")),
    path("admin/login/", to_sign_in),
    path("audit/", include("audit.urls")),
    path("api/v1/", include("api.urls")),
    path("settings/api-tokens/", include("api.urls_pages")),
    path("calendar/", include("calendars.urls")),
    path("admin/", admin.site.urls),
    # /-/live and /-/ready: health endpoints for a load balancer and a monitor
    # (/health/ is the partnership health checks').
    path("-/", include("ops.urls")),
]
