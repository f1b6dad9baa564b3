"""The calendar feed (`/calendar/<secret>.ics`) and the page that creates it."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.preferences import user_time_zone
from accounts.sessions import lacks_second_factor

from . import feeds
from .models import CalendarFeed


# The address is a credential that outlives the session that made it: as
# for an API token, whoever holds a session (a browser left signed in) must
# prove they are its person before making one. Reading the page asks nothing.
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def preferences(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = None
    if request.method == "POST":
        feed, secret = feeds.feed_create(user=request.user)
        # Shown on this answer only: the secret is not stored.
        address = request.build_absolute_uri(reverse("calendars:feed", args=[secret]))
    return render(
        request,
        "calendars/preferences.html",
        # The feed's times are in the person's zone, chosen in their Preferences.
        {"feed": feed, "address": address, "time_zone": user_time_zone(request.user)},
    )


@require_POST
def revoke(request):
    if feeds.feed_revoke(user=request.user):
        messages.success(
            request, _("Your calendar feed is revoked: calendars reading it stop updating.")
        )
    return redirect("calendars:preferences")


@login_not_required
@require_GET
def feed(request, secret):
    """The secret in the address is the only credential a calendar program can send."""
    found = feeds.feed_for_secret(secret, now=timezone.now())
    # Its user's role, and the second factor that role may need, as every page asks.
    if found is None or not found.user.has_a_role() or lacks_second_factor(found.user):
        raise Http404
    response = HttpResponse(
        feeds.feed_ical(found, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response
