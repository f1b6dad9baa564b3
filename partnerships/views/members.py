"""A partnership's member organisations, changed on a page of their own by
those who may change the partnership: add one, give one another role, take one
off. The services say what is refused (a partner twice, a second lead, the
last member, a party to an agreement) and move the partnership's version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from core.http import form_status

from .. import permissions, services
from ..forms_partnerships import MemberAddForm, MemberRoleForm
from ..models import Partnership, PartnershipMember


def _editable(request, pk) -> Partnership:
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    return partnership


def _member(partnership: Partnership, member_pk: int) -> PartnershipMember:
    # Scoped to the partnership checked: another partnership's member is a 404.
    return get_object_or_404(
        PartnershipMember.objects.select_related("partner"), pk=member_pk, partnership=partnership
    )


def _role_form(member: PartnershipMember, data=None) -> MemberRoleForm:
    # Each row's role box has an id of its own, and a label naming its partner
    # for a screen reader; on screen the column's header says "Role".
    form = MemberRoleForm(data, initial={"role": member.role}, auto_id=f"id_member_{member.pk}_%s")
    form.fields["role"].label = gettext("Role of %(partner)s") % {"partner": member.partner.name}
    return form


def _page(request, partnership, *, add_form=None, refused_member=None, role_form=None, error=None):
    """The members page; a refused change is shown on its member's row, with
    the choice that was made kept."""
    if role_form is not None and role_form.errors:
        # Drawn by hand on its row (not by crispy), so marked invalid here.
        widget = role_form.fields["role"].widget
        widget.attrs = {**widget.attrs, "class": f"{widget.attrs.get('class', '')} is-invalid"}
    rows = []
    for member in partnership.members.select_related("partner").order_by("role", "partner__name"):
        refused = member.pk == refused_member
        rows.append(
            {
                "member": member,
                "role_form": role_form if refused and role_form is not None else _role_form(member),
                "errors": error if refused else None,
            }
        )
    # A refusal about a member no longer there (taken off meanwhile) has no row to be on.
    gone = refused_member is not None and not any(r["member"].pk == refused_member for r in rows)
    page_errors = []
    if gone:
        page_errors = list(error or []) + [
            message for said in (role_form.errors.values() if role_form else []) for message in said
        ]
    context = {
        "partnership": partnership,
        "rows": rows,
        "add_form": add_form or MemberAddForm(),
        "page_errors": page_errors,
    }
    refused = add_form is not None or refused_member is not None
    return render(
        request,
        "partnerships/partnerships/members.html",
        context,
        status=form_status(request, refused=refused),
    )


@require_http_methods(["GET", "POST"])
def members(request, pk):
    partnership = _editable(request, pk)
    if request.method != "POST":
        return _page(request, partnership)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            member = services.partnership_member_add(partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(
                request, gettext("%(partner)s is now a member.") % {"partner": member.partner}
            )
            return redirect("partnerships:partnership_members", pk=partnership.pk)
    return _page(request, partnership, add_form=form)


@require_POST
def member_role(request, pk, member_pk):
    partnership = _editable(request, pk)
    member = _member(partnership, member_pk)
    form = _role_form(member, request.POST)
    if form.is_valid():
        try:
            services.partnership_member_update(member=member, role=form.cleaned_data["role"])
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(
                request,
                gettext("The role of %(partner)s is now “%(role)s”.")
                % {"partner": member.partner, "role": member.get_role_display()},
            )
            return redirect("partnerships:partnership_members", pk=partnership.pk)
    return _page(request, partnership, refused_member=member.pk, role_form=form)


@require_POST
def member_remove(request, pk, member_pk):
    partnership = _editable(request, pk)
    member = _member(partnership, member_pk)
    try:
        services.partnership_member_remove(member=member)
    except ValidationError as error:
        return _page(request, partnership, refused_member=member.pk, error=error.messages)
    messages.success(
        request, gettext("%(partner)s is no longer a member.") % {"partner": member.partner}
    )
    return redirect("partnerships:partnership_members", pk=partnership.pk)
