"""The organisation's trainings (issue 9): ask the KI for a training, follow and withdraw the request, register
participants for an announced session.

Objects are fetched through applications.selectors (another organisation's are 404); every write is one service
in workflows.services.training.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.selectors import get_membership_for_user
from workflows.diagram import main_path
from workflows.services.training import participant_register, training_request_create, training_request_withdraw

from ..forms import ParticipantForm, TrainingRequestForm, WithdrawForm
from ..models import TrainingRequest, TrainingState
from ..selectors import (
    free_places,
    get_session_for_member,
    get_training_request_for_member,
    session_participants,
    training_request_transitions,
    training_requests_for_organisation,
)

# Once planned, the request has a session whose date, place and trainer the organisation should see.
STATES_WITH_SESSION = (TrainingState.PLANNED, TrainingState.SCHEDULED, TrainingState.HELD, TrainingState.CLOSED)


@login_required
def create(request, org):
    """The request form, and below it the organisation's training requests. Any member may ask."""
    membership = get_membership_for_user(request.user, org)
    form = TrainingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_request = training_request_create(organisation=membership.organisation, actor=request.user,
                                                       data=form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your request has been sent to the KI."))
            return redirect("applications:training_detail", org=org, pk=training_request.pk)
    return render(request, "applications/training/create.html", {
        "membership": membership, "organisation": membership.organisation, "form": form,
        "training_requests": training_requests_for_organisation(membership.organisation),
    })  # fmt: skip


@login_required
def detail(request, org, pk):
    membership, training_request = get_training_request_for_member(request.user, org, pk)
    transitions = training_request_transitions(training_request)
    return render(request, "applications/training/detail.html", {
        "membership": membership, "organisation": membership.organisation, "training_request": training_request,
        "steps": progress_steps(training_request, transitions), "transitions": transitions,
        "show_session": training_request.session_id and training_request.state in STATES_WITH_SESSION,
        "can_withdraw": membership.is_board and can_proceed(training_request.withdraw),
    })  # fmt: skip


@login_required
def withdraw(request, org, pk):
    """GET asks for the reason, POST withdraws. Only the board may withdraw (403 for other members)."""
    membership, training_request = get_training_request_for_member(request.user, org, pk, board=True)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_request_withdraw(training_request=training_request, actor=request.user,
                                      reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_error(form, error, field="reason")
            else:  # no longer possible in this state, or someone else changed it meanwhile
                messages.error(request, " ".join(error.messages))
                return redirect("applications:training_detail", org=org, pk=pk)
        else:
            messages.success(request, _("The request is withdrawn. The KI is told by e-mail."))
            return redirect("applications:training_detail", org=org, pk=pk)
    return render(request, "applications/training/withdraw.html", {
        "membership": membership, "organisation": membership.organisation, "training_request": training_request,
        "form": form, "can_withdraw": can_proceed(training_request.withdraw),
    })  # fmt: skip


@login_required
def participants(request, org, session):
    """The organisation's participants of a session it has a request in; named people are registered one by one."""
    membership, session = get_session_for_member(request.user, org, session)
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = participant_register(session=session, organisation=membership.organisation,
                                               actor=request.user, name=form.cleaned_data["name"])  # fmt: skip
        except ValidationError as error:
            add_service_error(form, error, field="name")
        else:
            if participant.on_waiting_list:
                messages.warning(request, _("The session is full: %(name)s is on the waiting list.") % {"name": participant.name})
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": participant.name})
            return redirect("applications:participants", org=org, session=session.pk)
    own_requests = session.requests.filter(organisation_id=org)
    return render(request, "applications/training/participants.html", {
        "membership": membership, "organisation": membership.organisation, "session": session, "form": form,
        "participants": session_participants(session, organisation=membership.organisation),
        "free_places": free_places(session),
        "registration_open": own_requests.filter(state=TrainingState.SCHEDULED).exists(),
        "own_requests": own_requests,
    })  # fmt: skip


def progress_steps(training_request, transitions):
    """[(state label, "done" | "current" | "upcoming")] along the main path requested → … → closed.

    A request that left the path (declined, withdrawn) shows the steps it had reached, then where it ended.
    """
    path = main_path(TrainingRequest, start="requested", end="closed")
    labels = dict(TrainingState.choices)
    state = training_request.state
    if state in path:
        now = path.index(state)
        return [(labels[step], "done" if i < now else "current" if i == now else "upcoming") for i, step in enumerate(path)]
    left_from = transitions[-1].source if transitions else ""
    reached = path[: path.index(left_from) + 1] if left_from in path else []
    return [(labels[step], "done") for step in reached] + [(labels[state], "current")]


def add_service_error(form, error, *, field=None):
    """Show a service's ValidationError on `form`: messages for a field of the form go there, the others go to
    `field` (or above the form), so the person sees the service's own words next to what they typed."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(None, error.messages)
