from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.preferences import in_users_locale
from core.http import form_status

from . import services
from .forms import PreferencesForm
from .models import Notification

PER_PAGE = 25


def _back_to_inbox(request):
    """To the inbox page the person was on."""
    url = reverse("notifications:inbox")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@require_safe
def inbox(request):
    """The person's reminders, newest first; the unread ones stand out."""
    page = Paginator(
        Notification.objects.filter(user=request.user).order_by("-created_at", "-id"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
def open_notification(request, pk):
    """Mark a reminder read and go to its record."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return _back_to_inbox(request)


@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification)
    return _back_to_inbox(request)


@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "Marked %(count)d reminder as read.", "Marked %(count)d reminders as read.", count
            )
            % {"count": count},
        )
    return _back_to_inbox(request)


@require_http_methods(["GET", "POST"])
def preferences(request):
    """How the person wants reminders (by email and in the inbox, or in the inbox
    only), and the language and time zone they read Accord in."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        # Only these fields: the rest of the user row belongs to other pages and the admin.
        user.save(update_fields=PreferencesForm.Meta.fields)
        # The new language applies from this response on, the message included.
        with in_users_locale(user):
            messages.success(
                request,
                _("Saved. Reminders: %(channel)s.")
                % {"channel": user.get_reminder_channel_display()},
            )
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"form": form}, status=form_status(request)
    )
