"""Every action on training requests and sessions: `grep training_` lists them all."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import ensure_advisor, ensure_member
from applications.models import Participant, TrainingRequest, TrainingSession, TrainingState

from . import log_transition, require_text, run_transition


def training_request_create(*, organisation, actor, data):
    """Ask the KI for a training on a topic. Any member of the organisation may ask."""
    ensure_member(actor, organisation)
    if not data["topic"].is_active:
        raise ValidationError({"topic": _("This topic is not offered at the moment.")})
    with transaction.atomic():
        training_request = TrainingRequest.objects.create(organisation=organisation, created_by=actor, **data)
        log_transition(subject=training_request, actor=actor, transition="create", source="",
                       target=training_request.state)  # fmt: skip
    return training_request


def training_request_withdraw(*, training_request, actor, reason):
    require_text(reason, _("Please tell the KI why you withdraw the request."))
    return run_transition(training_request, "withdraw", actor=actor, message=reason, reason=reason, fields=["reason"])


def training_request_decline(*, training_request, actor, reason):
    require_text(reason, _("Please give the organisation a reason."))
    return run_transition(training_request, "decline", actor=actor, message=reason, reason=reason, fields=["reason"])


def training_session_create(*, actor, topic, requests, starts_at, place, capacity, language, trainer):
    """Bundle open requests on `topic` into a new session; each request moves on to "planned".

    Raises PermissionDenied for non-advisors and ValidationError for no requests, or requests on another
    topic or no longer open (nothing is created then).
    """
    ensure_advisor(actor)
    if not requests:
        raise ValidationError({"requests": _("Please choose at least one request.")})
    if any(r.topic_id != topic.pk or r.state != TrainingState.REQUESTED for r in requests):
        raise ValidationError({"requests": _("Only open requests on this topic can be bundled.")})
    with transaction.atomic():
        session = TrainingSession.objects.create(topic=topic, starts_at=starts_at, place=place, capacity=capacity,
                                                 language=language, trainer=trainer)  # fmt: skip
        for training_request in requests:
            run_transition(training_request, "plan", actor=actor, session=session, fields=["session"])
    return session


def training_session_schedule(*, session, actor):
    """Announce the session: its requests become "scheduled" and organisations can register participants."""
    ensure_advisor(actor)
    with transaction.atomic():
        for training_request in session.requests.filter(state=TrainingState.PLANNED):
            run_transition(training_request, "schedule", actor=actor)
    return session


def participant_register(*, session, organisation, actor, name):
    """Register a named participant. Beyond the capacity the person goes on the waiting list.

    Only members of an organisation whose request is in this (announced) session may register.
    """
    ensure_member(actor, organisation)
    if not session.requests.filter(organisation=organisation, state=TrainingState.SCHEDULED).exists():
        raise ValidationError(_("Participants can be registered once the KI has announced the session."))
    require_text(name, _("Please enter the participant's name."))
    with transaction.atomic():
        # Lock the session so two organisations registering at once cannot both take the last place.
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        taken = session.participants.filter(on_waiting_list=False).count()
        return Participant.objects.create(session=session, organisation=organisation, name=name.strip(),
                                          on_waiting_list=taken >= session.capacity)  # fmt: skip


def attendance_record(*, session, actor, attended_ids):
    """Record who attended: participants in `attended_ids` attended, the others (not waiting) did not."""
    ensure_advisor(actor)
    with transaction.atomic():
        confirmed = session.participants.filter(on_waiting_list=False)
        confirmed.filter(pk__in=attended_ids).update(attended=True)
        confirmed.exclude(pk__in=attended_ids).update(attended=False)


def training_session_mark_held(*, session, actor):
    """The session took place: its scheduled requests become "held"."""
    ensure_advisor(actor)
    if session.starts_at > timezone.now():
        raise ValidationError(_("A session can be marked as held only after it has started."))
    with transaction.atomic():
        for training_request in session.requests.filter(state=TrainingState.SCHEDULED):
            run_transition(training_request, "mark_held", actor=actor)
        session.held_at = timezone.now()
        session.save(update_fields=["held_at"])
    return session




def training_session_close(*, session, actor):
    """Close the session's held requests once everything is done (attendance recorded, confirmations sent)."""
    ensure_advisor(actor)
    with transaction.atomic():
        for training_request in session.requests.filter(state=TrainingState.HELD):
            run_transition(training_request, "close", actor=actor)
    return session
