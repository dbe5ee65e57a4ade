"""Reads, and the access helpers every view fetches through. Objects of other organisations are 404."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
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
    """The advisor's organisation list, filtered, with `members_total`; one query however many there are.

    `query` searches name, short name, register number, e-mail and contact person.
    """
    organisations = Organisation.objects.annotate(members_total=Count("memberships")).order_by("name", "pk")
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
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(register_number__icontains=query)
            | Q(email__icontains=query)
            | Q(contact_name__icontains=query)
        )
    return organisations


def public_organisations():
    """Active organisations, for the public directory. Which fields show is each one's `public_fields`."""
    return Organisation.objects.filter(state=OrganisationState.ACTIVE)


# --- the KI advisor ---


def check_advisor(user):
    """404 for anybody but an active advisor: advisor pages do not reveal that they exist."""
    if not user.is_authenticated or not user.is_advisor:
        raise Http404


def organisation_state_counts():
    """{state: number of organisations} for every state, zeros included, in one aggregate query."""
    return Organisation.objects.aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in OrganisationState.values}
    )


def organisation_members(organisation):
    return organisation.memberships.select_related("user").order_by("user__name", "pk")


def current_documents(organisation):
    """The vault's current documents; replaced versions are left out."""
    return organisation.documents.filter(replaced_by__isnull=True).select_related("uploaded_by")


def organisation_transitions(organisation):
    """The organisation's transition log, oldest first, with readable `action_label`, `source_label`, `target_label`."""
    from django.contrib.contenttypes.models import ContentType

    from workflows.models import TransitionLog

    states = dict(OrganisationState.choices)
    actions = {
        "register": _("registered"), "verify": _("verified"), "decline": _("declined"),
        "make_dormant": _("marked as dormant"), "reactivate": _("reactivated"), "dissolve": _("dissolved"),
    }  # fmt: skip
    entries = list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Organisation), object_id=organisation.pk
        ).select_related("actor")
    )
    for entry in entries:
        entry.action_label = actions.get(entry.transition, entry.transition)
        entry.source_label = states.get(entry.source, entry.source)
        entry.target_label = states.get(entry.target, entry.target)
    return entries
