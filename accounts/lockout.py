"""django-axes callables: whose account a sign-in attempt is for, and the page
a locked-out visitor sees."""

import ipaddress
import logging

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessBase
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Q
from django.shortcuts import render
from django.utils import timezone

from .models import User

log = logging.getLogger(__name__)


def username_of_attempt(request, credentials=None) -> str | None:
    """The username a sign-in attempt is for, so "alice" and alice's email
    address count against one account.

    allauth authenticates with `username=` or `email=`; before that (axes's
    middleware) only the form's `login` field is there.
    """
    credentials = credentials or {}
    login = credentials.get("username") or credentials.get("email")
    if login is None and request is not None:
        login = request.POST.get("login")
    if not login:
        return None
    # Sign-in finds the account whatever the letters' case ("ALICE" is alice),
    # so the attempts count against the account's own username: counted per
    # spelling, each spelling had five tries, and a right password under one
    # spelling let a locked account in and cleared its count.
    lookup = {"email__iexact": login} if "@" in login else {"username__iexact": login}
    username = User.objects.filter(**lookup).values_list("username", flat=True).first()
    return username or login.lower()


def _address(request_or_attempt) -> str | None:
    if isinstance(request_or_attempt, AccessBase):
        return request_or_attempt.ip_address
    return getattr(request_or_attempt, "axes_ip_address", None) or get_client_ip_address(
        request_or_attempt
    )


def is_shared(address: str | None) -> bool:
    """Whether many people sign in from `address` (settings.ACCORD_SHARED_ADDRESSES:
    a hospital's NAT or proxy), where failures lock accounts, never the address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    # A dual-stack listener gives an IPv4 client as ::ffff:198.51.100.7.
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return any(ip in network for network in settings.ACCORD_SHARED_ADDRESSES)


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """What failures count against (django-axes): the account, and the address
    unless it is one many people share."""
    if is_shared(_address(request_or_attempt)):
        return ["username"]
    return ["username", "ip_address"]


def locked_out_until(request, credentials=None):
    """When the lockout of this account or address ends: the cool-off counts
    from the last failed attempt."""
    username = get_client_username(request, credentials)
    address = _address(request)
    counted = Q(username=username)
    if not is_shared(address):
        counted |= Q(ip_address=address)
    last = AccessAttempt.objects.filter(counted).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + get_cool_off(request)


def lockout_response(request, original_response=None, credentials=None):
    until = timezone.localtime(locked_out_until(request, credentials))
    log.warning(
        "sign-in refused: locked out until %s (login %r, address %s)",
        until.isoformat(timespec="minutes"),
        get_client_username(request, credentials),
        getattr(request, "axes_ip_address", None),
    )
    return render(
        request, "account/lockout.html", {"until": until, "today": timezone.localdate()}, status=429
    )


def unlock_after_password_reset(sender, request, user, **kwargs):
    """A password reset by the emailed link unlocks the account at once: the
    lockout page sends a person who forgot their password to reset it, and the
    link proves the mailbox. Attempts from an address on other accounts stay.
    (AccountsConfig connects it to allauth's password_reset.)"""
    reset(username=user.username)
