"""Registering organisations, editing their profile, and their lifecycle (verify, decline, …)."""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workflows.services import log_transition, run_transition, send_email

from ..models import (
    BOARD_ROLES,
    FocusArea,
    Language,
    LegalForm,
    Membership,
    Organisation,
    OrganisationState,
    ProfileChange,
)
from . import ensure_advisor, ensure_board


def organisation_register(*, actor, data, role, founding=False):
    """Create an organisation with `actor` as board member in `role`.

    An existing MSO waits for the advisor's verification; a group in founding starts in its own state.
    Raises ValidationError for a role without board rights (someone must be able to run the account).
    """
    if role not in BOARD_ROLES:
        raise ValidationError(_("The person who registers an organisation must hold a board role."))
    state = OrganisationState.FOUNDING if founding else OrganisationState.AWAITING_VERIFICATION
    if founding:
        data = {**data, "legal_form": LegalForm.FOUNDING}
    with transaction.atomic():
        organisation = Organisation.objects.create(state=state, **data)
        Membership.objects.create(user=actor, organisation=organisation, role=role)
        log_transition(subject=organisation, actor=actor, transition="register", source="", target=state)
    return organisation


def organisation_update_profile(*, organisation, actor, data, based_on_version):
    """Save the changed profile fields and record each change (who, when, old → new).

    Raises ValidationError if somebody else saved the profile since `based_on_version` was read, so a
    concurrent change is reported instead of overwritten; PermissionDenied unless the actor is on the
    board or a KI advisor (who keeps the public list correct, through the admin).
    """
    if not actor.is_advisor:
        ensure_board(actor, organisation)
    with transaction.atomic():
        # Compare with the row as stored now, not with the instance the form may already have modified.
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if current.profile_version != based_on_version:
            raise ValidationError(
                _("Someone else changed this profile while you were editing it. Your entries are still in the "
                  "form: please compare them with the current profile and save again.")
            )  # fmt: skip
        changed = {name: value for name, value in data.items() if getattr(current, name) != value}
        if not changed:
            return current
        history = [
            ProfileChange(
                organisation=current,
                actor=actor,
                field_name=name,
                old_value=json.dumps(getattr(current, name), cls=DjangoJSONEncoder),
                new_value=json.dumps(value, cls=DjangoJSONEncoder),
            )
            for name, value in changed.items()
        ]
        if changed.get("public_fields") and not current.publication_consent_at:
            changed["publication_consent_at"] = timezone.now()
        Organisation.objects.filter(pk=current.pk).update(profile_version=F("profile_version") + 1, **changed)
        ProfileChange.objects.bulk_create(history)
    return Organisation.objects.get(pk=current.pk)


def organisation_confirm_profile(*, organisation, actor):
    """Record that the board confirmed the profile as current today."""
    ensure_board(actor, organisation)
    organisation.profile_confirmed_at = timezone.now()
    organisation.save(update_fields=["profile_confirmed_at"])
    return organisation


def organisation_verify(*, organisation, actor, note=""):
    """The advisor confirms the organisation is known to the KI: it becomes active and may appear publicly."""
    return _decide(organisation=organisation, actor=actor, note=note, action="verify")


def organisation_decline(*, organisation, actor, note):
    """The advisor declines a registration; the reason is required and shown to the organisation."""
    if not note.strip():
        raise ValidationError(_("Please give the organisation a reason for declining."))
    return _decide(organisation=organisation, actor=actor, note=note, action="decline")


def _decide(*, organisation, actor, note, action):
    """Run the decision through the workflow engine (state guard, log row) and tell the board by e-mail.

    Raises PermissionDenied for non-advisors, and ValidationError with the code "illegal_transition" or
    "conflict" when the organisation no longer awaits verification (nothing changes then).
    """
    ensure_advisor(actor)
    with transaction.atomic():
        run_transition(organisation, action, actor=actor, message=note, note=note,
                       fields=["verified_at", "verification_note"])  # fmt: skip
        for membership in organisation.memberships.filter(role__in=BOARD_ROLES).select_related("user"):
            send_email(
                template=f"organisation_{action}",
                to=membership.user.email,
                context={"organisation": organisation, "note": note, "user": membership.user},
                language=membership.user.preferred_language,
            )
    return organisation


LIST_LABELS = {
    "focus_areas": dict(FocusArea.choices),
    "languages": dict(Language.choices),
    "public_fields": {name: Organisation._meta.get_field(name).verbose_name for name in Organisation.PUBLISHABLE_FIELDS},
}


def display_value(name, value):
    """A human-readable value of a profile field, in the active language."""
    field = Organisation._meta.get_field(name)
    if isinstance(field, models.DateField) and isinstance(value, str) and value:
        value = formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if field.choices and value:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        labels = LIST_LABELS.get(name, {})
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


LIFECYCLE_ACTIONS = ("make_dormant", "reactivate", "dissolve")


def organisation_change_state(*, organisation, actor, action, note=""):
    """The advisor marks an organisation as dormant, reactivates it, or records its dissolution.

    Raises PermissionDenied for non-advisors, ValidationError for an action the current state does not allow
    (translated reason) and Conflict if somebody changed the state meanwhile. Dormant and dissolved
    organisations disappear from the public directory.
    """
    ensure_advisor(actor)
    if action not in LIFECYCLE_ACTIONS:
        raise ValidationError(_("Unknown action."))
    return run_transition(organisation, action, actor=actor, message=note)
