"""Memberships and invitations: invite, accept, change a role, remove, leave.

The organisation owns its requests and documents, so people can come and go without anything getting lost.
The one rule kept here: an organisation always has at least one board member, so somebody can run it.
Changes to one organisation's memberships lock the organisation row, so two board members cannot demote
or remove each other at the same moment and leave nobody on the board.

Every change is logged on the membership or invitation it changes (not on the organisation, whose log is
its state history), with roles as source and target; when a membership is deleted, its row in the log keeps
the person's e-mail address as the message.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from workflows.services import log_transition, send_email

from ..models import BOARD_ROLES, INVITATION_VALID_FOR, Invitation, Membership, Organisation, Role, User
from . import ensure_board


def membership_invite(*, organisation, actor, email, role):
    """Invite `email` into `organisation` with `role` and e-mail the link (valid 14 days, usable once).

    The e-mail is written in the inviter's current language. Raises PermissionDenied unless `actor` is on
    the board; ValidationError (on the field "email") if the address already belongs to a member or has an
    open invitation, and for an unknown role.
    """
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        organisation = _lock(organisation)
        ensure_board(actor, organisation)
        _ensure_role(role)
        if organisation.memberships.filter(user__email__iexact=email).exists():
            raise ValidationError(
                {"email": _("%(email)s is already a member of %(organisation)s.")
                 % {"email": email, "organisation": organisation}},
            )  # fmt: skip
        open_invitation = _open_invitations(organisation).filter(email__iexact=email).first()
        if open_invitation:
            raise ValidationError(
                {"email": _("%(email)s has already been invited. The invitation is valid until %(date)s.")
                 % {"email": email, "date": _date(open_invitation.expires_at)}},
            )  # fmt: skip
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=actor,
            expires_at=timezone.now() + INVITATION_VALID_FOR,
        )  # fmt: skip
        log_transition(subject=invitation, actor=actor, transition="invite", source="", target=role, message=email)
        send_email(
            template="invitation",
            to=email,
            context={"invitation": invitation, "organisation": organisation, "inviter": actor},
            language=translation.get_language(),
        )
    return invitation


def invitation_accept(*, invitation, user):
    """Make `user` a member with the invitation's role and mark the invitation as used.

    The invitation row is locked, so a double submit cannot use it twice. Raises ValidationError with the
    code "expired", "used" or "already_member"; in the last case the invitation stays unused.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        organisation = invitation.organisation
        if invitation.accepted_at is not None:
            raise ValidationError(
                _("This invitation has already been used. An invitation link works only once. If you need a new "
                  "one, please ask the board of %(organisation)s.") % {"organisation": organisation},
                code="used",
            )  # fmt: skip
        if invitation.is_expired:
            raise ValidationError(
                _("This invitation expired on %(date)s. Please ask the board of %(organisation)s to send you a "
                  "new one.") % {"date": _date(invitation.expires_at), "organisation": organisation},
                code="expired",
            )  # fmt: skip
        if Membership.objects.filter(user=user, organisation=organisation).exists():
            raise ValidationError(
                _("You are already a member of %(organisation)s.") % {"organisation": organisation},
                code="already_member",
            )
        membership = Membership.objects.create(user=user, organisation=organisation, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        log_transition(subject=invitation, actor=user, transition="accept", source="open", target="accepted")
        log_transition(subject=membership, actor=user, transition="join", source="", target=membership.role)
    return membership


def membership_change_role(*, membership, actor, role):
    """Give `membership` another role.

    Raises PermissionDenied unless `actor` is on the board; ValidationError for an unknown role, or when the
    last board member would become a plain member (someone else must be made a board member first).
    """
    with transaction.atomic():
        _lock(membership.organisation)
        ensure_board(actor, membership.organisation)
        _ensure_role(role)
        membership = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
        if role not in BOARD_ROLES and is_last_board_member(membership):
            raise ValidationError(
                _("%(name)s is the only board member left, so this role cannot change to member yet. Please first "
                  "make someone else a board member (for example chair or treasurer), then change this role.")
                % {"name": membership.user},
                code="last_board_member",
            )  # fmt: skip
        source = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        log_transition(subject=membership, actor=actor, transition="change_role", source=source, target=role)
    return membership


def membership_remove(*, membership, actor):
    """Remove a person from the organisation; what they created stays with the organisation.

    Raises PermissionDenied unless `actor` is on the board; ValidationError for the last board member.
    """
    with transaction.atomic():
        _lock(membership.organisation)
        ensure_board(actor, membership.organisation)
        membership = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
        if is_last_board_member(membership):
            raise ValidationError(
                _("%(name)s is the only board member left and cannot be removed. Please first make someone else "
                  "a board member (for example chair or treasurer).") % {"name": membership.user},
                code="last_board_member",
            )  # fmt: skip
        _delete(membership, actor=actor, transition="remove")


def membership_leave(*, membership):
    """The member leaves the organisation; what they created stays with the organisation.

    Raises ValidationError for the last board member, who must hand over first.
    """
    with transaction.atomic():
        _lock(membership.organisation)
        membership = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
        if is_last_board_member(membership):
            raise ValidationError(
                _("You are the only board member of %(organisation)s, so you cannot leave yet. Please first make "
                  "someone else a board member (for example chair or treasurer); then you can leave.")
                % {"organisation": membership.organisation},
                code="last_board_member",
            )  # fmt: skip
        _delete(membership, actor=membership.user, transition="leave")


def is_last_board_member(membership):
    """True if `membership` holds a board role and nobody else in its organisation does."""
    return (
        membership.role in BOARD_ROLES
        and not Membership.objects.filter(organisation_id=membership.organisation_id, role__in=BOARD_ROLES)
        .exclude(pk=membership.pk)
        .exists()
    )


def open_invitations(organisation):
    """Invitations of `organisation` that can still be accepted, soonest to expire first."""
    return _open_invitations(organisation).order_by("expires_at")


def _open_invitations(organisation):
    return organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def _delete(membership, *, actor, transition):
    log_transition(
        subject=membership, actor=actor, transition=transition, source=membership.role, target="",
        message=membership.user.email,
    )
    membership.delete()


def _lock(organisation):
    # One lock per organisation serialises the "is somebody else still on the board?" checks.
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _ensure_role(role):
    if role not in Role.values:
        raise ValidationError(_("Please choose one of the roles offered."))


def _date(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
