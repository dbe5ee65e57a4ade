"""Every write to accounts goes through a service in this package: organisations, members, documents."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import BOARD_ROLES, Membership


def ensure_member(actor, organisation):
    """Raise PermissionDenied unless `actor` belongs to `organisation` (any role)."""
    if not Membership.objects.filter(user=actor, organisation=organisation).exists():
        raise PermissionDenied(_("Only members of the organisation can do this."))


def ensure_board(actor, organisation):
    """Raise PermissionDenied unless `actor` holds a board role in `organisation`."""
    if not organisation.memberships.filter(user=actor, role__in=BOARD_ROLES).exists():
        raise PermissionDenied(_("Only board members can do this."))


def ensure_advisor(actor):
    if not actor.is_advisor:
        raise PermissionDenied(_("Only KI advisors can do this."))
