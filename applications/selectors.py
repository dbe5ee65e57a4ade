"""Reads and access helpers for requests. Objects of other organisations are 404 for MSO users."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import get_membership_for_user

from .models import FundingRequest, FundingState, Programme, TrainingRequest, TrainingSession, TrainingState


def get_funding_request_for_member(user, organisation_pk, pk, *, board=False):
    """(membership, request) for a member of the request's organisation; 404 otherwise, 403 if `board` and
    the member is not on the board."""
    membership = get_membership_for_user(user, organisation_pk, board=board)
    request = get_object_or_404(
        FundingRequest.objects.select_related("programme", "organisation", "assignee"),
        pk=pk, organisation_id=organisation_pk,
    )  # fmt: skip
    return membership, request


def get_funding_request_for_advisor(user, pk):
    if not user.is_authenticated or not user.is_advisor:
        raise Http404
    return get_object_or_404(FundingRequest.objects.select_related("programme", "organisation", "assignee"), pk=pk)


def get_training_request_for_member(user, organisation_pk, pk, *, board=False):
    membership = get_membership_for_user(user, organisation_pk, board=board)
    training_request = get_object_or_404(
        TrainingRequest.objects.select_related("topic", "session", "organisation"), pk=pk, organisation_id=organisation_pk
    )
    return membership, training_request


def get_session_for_member(user, organisation_pk, pk):
    """A session in which the organisation has a request; 404 for anybody else."""
    membership = get_membership_for_user(user, organisation_pk)
    session = get_object_or_404(TrainingSession.objects.select_related("topic"), pk=pk,
                                requests__organisation_id=organisation_pk)  # fmt: skip
    return membership, session


def require_advisor(user):
    if not user.is_authenticated or not user.is_advisor:
        raise Http404


def open_programmes(today=None):
    today = today or timezone.localdate()
    return Programme.objects.filter(call_opens__lte=today, call_closes__gte=today)


def funding_requests_for_organisation(organisation):
    return organisation.funding_requests.select_related("programme").order_by("-created_at", "-pk")


def funding_queue(*, state="", programme=None, organisation=None, assignee=None, waiting_days=None, query="",
                  order="-state_changed_at"):  # fmt: skip
    """The advisor's queue: requests the KI can see (drafts only when shared for advice), filtered."""
    requests = FundingRequest.objects.select_related("programme", "organisation", "assignee").filter(
        ~Q(state=FundingState.DRAFT) | Q(shared_for_advice_at__isnull=False)
    )
    if state:
        requests = requests.filter(state=state)
    if programme:
        requests = requests.filter(programme=programme)
    if organisation:
        requests = requests.filter(organisation=organisation)
    if assignee:
        requests = requests.filter(assignee=assignee)
    if waiting_days:
        requests = requests.filter(state_changed_at__lt=timezone.now() - timezone.timedelta(days=waiting_days))
    if query:
        requests = requests.filter(Q(title__icontains=query) | Q(goals__icontains=query)
                                   | Q(organisation__name__icontains=query))  # fmt: skip
    return requests.order_by(order, "pk")


def funding_state_counts():
    rows = FundingRequest.objects.values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def training_demand():
    """Open training requests grouped by topic: [(topic, [requests…]), …], topics with most demand first."""
    open_requests = (TrainingRequest.objects.filter(state=TrainingState.REQUESTED)
                     .select_related("topic", "organisation").order_by("created_at"))  # fmt: skip
    groups = {}
    for training_request in open_requests:
        groups.setdefault(training_request.topic, []).append(training_request)
    return sorted(groups.items(), key=lambda item: -len(item[1]))
