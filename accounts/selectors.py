"""Reads, and the access helpers every view fetches through. Objects of other organisations are 404."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PROFILE_STALE_AFTER, Document, Invitation, Membership, Organisation, OrganisationState


def get_membership_for_user(user, organisation_pk, *, board=False):
    """The user's membership in that organisation, or 404. `board=True`: 403 for members without a board role."""
    if not user.is_authenticated:
        raise Http404
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"), user=user, organisation_id=organisation_pk
    )
    if board and not membership.is_board:
        raise PermissionDenied(_("Only board members can do this."))
    return membership


def get_organisation_for_advisor(user, organisation_pk):
    if not user.is_authenticated or not user.is_advisor:
        raise Http404
    return get_object_or_404(Organisation, pk=organisation_pk)


def get_document_for_user(user, document_pk):
    """A vault document for a member of its organisation or for an advisor; anybody else gets 404."""
    if not user.is_authenticated:
        raise Http404
    documents = Document.objects.select_related("organisation")
    if not user.is_advisor:
        documents = documents.filter(organisation__memberships__user=user)
    return get_object_or_404(documents, pk=document_pk)


def get_open_invitation(token):
    return get_object_or_404(Invitation.objects.select_related("organisation", "invited_by"), token=token)


def organisations_for_advisor(*, state="", district="", legal_form="", stale=False, query=""):
    """The advisor's organisation list, filtered; a fixed number of queries however many there are."""
    organisations = Organisation.objects.all()
    if state:
        organisations = organisations.filter(state=state)
    if district:
        organisations = organisations.filter(district=district)
    if legal_form:
        organisations = organisations.filter(legal_form=legal_form)
    if stale:
        limit = timezone.now() - PROFILE_STALE_AFTER
        organisations = organisations.filter(Q(profile_confirmed_at__isnull=True) | Q(profile_confirmed_at__lt=limit))
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(register_number__icontains=query)
        )
    return organisations


def public_organisations():
    """Active organisations, for the public directory. Which fields show is each one's `public_fields`."""
    return Organisation.objects.filter(state=OrganisationState.ACTIVE)
