""" "Forgotten your password?": the link is made and emailed by the worker.

The page that asks answers an address with an account as it answers one
without (ACCOUNT_PREVENT_ENUMERATION), and it must take as long over both:
before, it made the link and spoke to the mail server for an address with an
account only, so a page answering in a second rather than a few milliseconds
told anyone timing it that the address had an account. Now the page does
the same for every address (`password_reset_request`: one row in the outbox
and nothing else), and the worker finds the accounts, makes each its link and
emails it (`password_reset_send`).

A mail server that refuses or cannot be reached no longer loses the link
either: the task is sent again for some fifteen minutes (accounts.tasks),
and a link made then still has its hour (PASSWORD_RESET_TIMEOUT).
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.utils import user_pk_to_url_str, user_username
from django.urls import reverse
from django.utils import translation

from core.http import site_link
from ops.outbox import outbox_enqueue

from .preferences import in_users_locale
from .sso import signs_in_through_organisation

TASK = "accounts.tasks.password_reset_send"


def password_reset_request(*, email: str) -> None:
    """Ask the worker to email `email`'s reset link, whether or not an account
    has that address: in the language of the page that asked, for whoever
    has not chosen one."""
    outbox_enqueue(
        task_name=TASK, kwargs_list=[{"email": email, "language": translation.get_language()}]
    )


def password_reset_send(*, email: str, language: str = "") -> int:
    """Email a reset link to each active account with the address `email`
    that keeps a password of its own (accounts.sso): in the person's language,
    else `language`. Returns how many went out. A send that fails raises, for
    the task's retry; a link sent again meanwhile is a second valid link."""
    # allauth's lookup, as its reset form makes it (by the address however
    # it was capitalised, preferring a verified one).
    accounts = [
        user
        for user in filter_users_by_email(
            email, is_active=True, prefer_verified=True, for_login=True
        )
        if not signs_in_through_organisation(user)
    ]
    adapter = get_adapter()
    # allauth's emails greet from the site and sign with its address.
    site = SimpleNamespace(name="Accord", domain=urlsplit(site_link("/")).netloc)
    for user in accounts:
        key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        context = {
            "user": user,
            "username": user_username(user),
            "email": email,
            "current_site": site,
            "password_reset_url": site_link(path.replace("UID-KEY", quote(key))),
        }
        with in_users_locale(user, otherwise=language):
            message = adapter.render_mail("account/email/password_reset_key", email, context)
        message.send()
    return len(accounts)
