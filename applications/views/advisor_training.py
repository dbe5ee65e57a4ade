"""The KI's side of trainings (issue 13): demand per topic across organisations, bundling requests into a
session, declining a request, and the session page (announce, participants, attendance, mark as held).

Anybody but an advisor gets 404 here (applications.selectors); every write is one service in
workflows.services.training.
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext
from django_fsm import can_proceed

from workflows.services.training import (
    attendance_record,
    training_request_decline,
    training_session_create,
    training_session_close,
    training_session_mark_held,
    training_session_schedule,
)

from ..forms import AttendanceForm, TrainingDeclineForm, TrainingSessionForm
from ..models import TrainingState, TrainingTopic
from ..selectors import (
    get_session_for_advisor,
    get_training_request_for_advisor,
    open_training_requests,
    require_advisor,
    session_participants,
    training_demand,
    training_sessions,
)
from .training import add_service_error

RECENTLY_HELD_SESSIONS = 10


def demand(request):
    require_advisor(request.user)
    groups = [(topic, requests, sum(r.expected_participants for r in requests)) for topic, requests in training_demand()]
    return render(request, "applications/training/demand.html", {
        "groups": groups,
        "sessions": training_sessions(held=False),
        "held_sessions": training_sessions(held=True)[:RECENTLY_HELD_SESSIONS],
    })  # fmt: skip


def bundle(request, topic):
    """GET: the open requests on a topic with checkboxes and the session's details; POST creates the session."""
    require_advisor(request.user)
    topic = get_object_or_404(TrainingTopic, pk=topic)
    open_requests = list(open_training_requests(topic))
    form = TrainingSessionForm(request.POST or None, initial=_session_defaults(open_requests))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = list(data.pop("requests"))
        try:
            session = training_session_create(actor=request.user, topic=topic, requests=chosen, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, ngettext(
                "The session is planned with %(count)d request. Announce it when the details are final.",
                "The session is planned with %(count)d requests. Announce it when the details are final.",
                len(chosen),
            ) % {"count": len(chosen)})  # fmt: skip
            return redirect("applications:session", pk=session.pk)
    chosen_ids = {str(value) for value in (form["requests"].value() or [])}
    return render(request, "applications/training/bundle.html", {
        "topic": topic, "form": form,
        "rows": [(training_request, str(training_request.pk) in chosen_ids) for training_request in open_requests],
    })  # fmt: skip


def decline(request, pk):
    """GET asks for the reason, POST declines (open or planned requests)."""
    training_request = get_training_request_for_advisor(request.user, pk)
    if training_request.session_id:
        back = reverse("applications:session", args=[training_request.session_id])
    else:
        back = reverse("applications:training_demand")
    form = TrainingDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_request_decline(training_request=training_request, actor=request.user,
                                     reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_error(form, error, field="reason")
            else:  # no longer possible in this state, or someone else changed it meanwhile
                messages.error(request, " ".join(error.messages))
                return redirect(back)
        else:
            messages.success(request, _("The request is declined. The organisation's board is told by e-mail."))
            return redirect(back)
    return render(request, "applications/training/decline.html", {
        "training_request": training_request, "form": form, "can_decline": can_proceed(training_request.decline),
        "back_url": back,
    })  # fmt: skip


def session_detail(request, pk):
    session = get_session_for_advisor(request.user, pk)
    participants = session_participants(session)
    confirmed = [p for p in participants if not p.on_waiting_list]
    requests = list(session.requests.select_related("organisation").order_by("organisation__name", "pk"))
    return render(request, "applications/training/session.html", {
        "session": session, "requests": requests, "confirmed": confirmed,
        "waiting": [p for p in participants if p.on_waiting_list],
        "free_places": max(session.capacity - len(confirmed), 0),
        "can_announce": any(r.state == TrainingState.PLANNED for r in requests),
        "can_mark_held": any(r.state == TrainingState.SCHEDULED for r in requests),
        "can_close": any(r.state == TrainingState.HELD for r in requests),
    })  # fmt: skip


def session_act(request, pk, action):
    """POST only: `schedule` (announce), `attendance` (record who came), `held` (mark as held) or `close`."""
    session = get_session_for_advisor(request.user, pk)
    if action not in SESSION_ACTIONS:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        success_message = SESSION_ACTIONS[action](request, session)
    except ValidationError as error:  # the service's reason, or someone else changed a request meanwhile
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success_message)
    return redirect("applications:session", pk=session.pk)


def _announce(request, session):
    training_session_schedule(session=session, actor=request.user)
    return _("The session is announced. The organisations are told by e-mail and can register participants now.")


def _record_attendance(request, session):
    form = AttendanceForm(request.POST, participants=session.participants.filter(on_waiting_list=False))
    if not form.is_valid():
        raise ValidationError(_("Attendance can be recorded only for confirmed participants of this session."))
    attendance_record(session=session, actor=request.user, attended_ids=[p.pk for p in form.cleaned_data["attended"]])
    return _("Attendance is recorded.")


def _mark_held(request, session):
    training_session_mark_held(session=session, actor=request.user)
    return _("The session is marked as held.")


def _close(request, session):
    training_session_close(session=session, actor=request.user)
    return _("The session is closed.")


SESSION_ACTIONS = {"schedule": _announce, "attendance": _record_attendance, "held": _mark_held, "close": _close}


def _session_defaults(open_requests):
    """Suggestions for a new session: room for everybody who was expected, in the language asked for most."""
    if not open_requests:
        return {}
    languages = Counter(r.language for r in open_requests)
    return {"capacity": min(sum(r.expected_participants for r in open_requests), 500),
            "language": languages.most_common(1)[0][0]}  # fmt: skip
