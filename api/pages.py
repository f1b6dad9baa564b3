"""The page where a person creates, lists and revokes their API tokens."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import form_status

from . import tokens
from .forms import TokenForm
from .models import ApiToken


# A token outlives the session that made it (up to never expiring) and asks
# for no second factor: whoever holds a session, a browser left signed in, must
# prove they are its person (password, or authenticator code) before minting
# one, as before changing a second factor. Listing needs nothing more.
@reauthentication_required(allow_get=True)
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = tokens.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at(),
        )
        # The secret is shown on this answer only: it is not stored, so it
        # cannot be shown again (no redirect, which would lose it).
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
        status=form_status(request, refused=secret is None),
    )


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("Revoked “%(name)s”: clients using it are now refused.") % {"name": token.name},
    )
    return redirect("api_tokens:list")
