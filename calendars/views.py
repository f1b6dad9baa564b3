"""The calendar feed (`/calendar/<secret>.ics`) and the page that creates it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import feeds
from .forms import FeedForm
from .models import CalendarFeed


def preferences(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    form = FeedForm(request.POST or None, initial={"time_zone": feed and feed.time_zone})
    address = None
    if request.method == "POST" and form.is_valid():
        feed, secret = feeds.feed_create(
            user=request.user, time_zone=form.cleaned_data["time_zone"]
        )
        # Shown on this answer only: the secret is not stored.
        address = request.build_absolute_uri(reverse("calendars:feed", args=[secret]))
    return render(
        request,
        "calendars/preferences.html",
        {"form": form, "feed": feed, "address": address},
        status=400 if request.method == "POST" and address is None else 200,
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
    if found is None or not found.user.has_a_role():
        raise Http404
    response = HttpResponse(
        feeds.feed_ical(found, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response
