"""Accord's own versions of allauth's account pages."""

from allauth.usersessions.forms import ManageUserSessionsForm
from allauth.usersessions.views import ListUserSessionsView

from . import services


class SignOutEverywhereForm(ManageUserSessionsForm):
    def save(self, request):
        # allauth's form ends the other sessions only: a stolen API token or
        # calendar address would outlive them (accounts.services.user_end_credentials).
        if request.user.is_authenticated:
            services.user_end_credentials(
                user=request.user, keep_session_key=request.session.session_key
            )


class SessionsView(ListUserSessionsView):
    """The Sessions page: "sign out everywhere" ends every credential but this browser's."""

    form_class = SignOutEverywhereForm


sessions = SessionsView.as_view()
