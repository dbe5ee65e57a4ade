"""Members and invitations of one organisation, and joining through an invitation link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import InvitationForm, MemberRoleForm
from ..models import Role
from ..selectors import get_membership_for_user, get_open_invitation
from ..services.members import (
    invitation_accept,
    is_last_board_member,
    membership_change_role,
    membership_invite,
    membership_leave,
    membership_remove,
    open_invitations,
)


@login_required
def member_list(request, org):
    membership = get_membership_for_user(request.user, org)
    return _render_members(request, membership, InvitationForm() if membership.is_board else None)


@require_POST
@login_required
def invite(request, org):
    membership = get_membership_for_user(request.user, org, board=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = membership_invite(organisation=membership.organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("We have sent an invitation to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members", org=org)
    return _render_members(request, membership, form)


@require_POST
@login_required
def change_role(request, org, membership):
    actor = get_membership_for_user(request.user, org, board=True)
    target = _member_of(actor.organisation, membership)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the roles offered."))
        return redirect("accounts:members", org=org)
    try:
        target = membership_change_role(membership=target, actor=request.user, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is now %(role)s.") % {"name": target.user, "role": target.get_role_display()})
    return redirect("accounts:members", org=org)


@require_POST
@login_required
def remove(request, org, membership):
    actor = get_membership_for_user(request.user, org, board=True)
    target = _member_of(actor.organisation, membership)
    try:
        membership_remove(membership=target, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": target.user})
    return redirect("accounts:members", org=org)


@login_required
def leave(request, org):
    """GET explains what leaving means; POST leaves."""
    membership = get_membership_for_user(request.user, org)
    organisation = membership.organisation
    if request.method == "POST":
        try:
            membership_leave(membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:members", org=org)
        messages.success(request, _("You have left %(organisation)s.") % {"organisation": organisation})
        return redirect("accounts:home")
    return render(request, "accounts/leave_confirm.html", {
        "membership": membership, "organisation": organisation, "is_last_board_member": is_last_board_member(membership),
    })  # fmt: skip


def accept_invitation(request, token):
    """Visitors see who invited them and how to log in or register; logged-in people accept by POST."""
    invitation = get_open_invitation(token)
    error = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            if exc.code != "already_member":
                error = " ".join(exc.messages)
            else:
                messages.info(request, " ".join(exc.messages))
                return redirect("accounts:dashboard", org=invitation.organisation_id)
        else:
            messages.success(request, _("Welcome to %(organisation)s!") % {"organisation": invitation.organisation})
            return redirect("accounts:dashboard", org=invitation.organisation_id)
    return render(request, "accounts/invitation.html", {"invitation": invitation, "error": error})


def _member_of(organisation, membership_pk):
    # Scoped to the organisation: another organisation's membership id is 404 like any unknown id.
    return get_object_or_404(organisation.memberships.select_related("user", "organisation"), pk=membership_pk)


def _render_members(request, membership, invite_form):
    organisation = membership.organisation
    return render(request, "accounts/members.html", {
        "membership": membership,
        "organisation": organisation,
        "members": organisation.memberships.select_related("user").order_by("user__name", "user__email"),
        "invitations": open_invitations(organisation).select_related("invited_by"),
        "invite_form": invite_form,
        "roles": Role.choices,
    })  # fmt: skip
