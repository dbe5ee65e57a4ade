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
    """A request for a KI advisor; 404 for anybody else, and for drafts the organisation has not shared for advice."""
    if not user.is_authenticated or not user.is_advisor:
        raise Http404
    requests = FundingRequest.objects.select_related("programme", "organisation", "assignee").filter(VISIBLE_TO_ADVISOR)
    return get_object_or_404(requests, pk=pk)


def get_training_request_for_member(user, organisation_pk, pk, *, board=False):
    membership = get_membership_for_user(user, organisation_pk, board=board)
    training_request = get_object_or_404(
        TrainingRequest.objects.select_related("topic", "session", "organisation"), pk=pk, organisation_id=organisation_pk
    )
    return membership, training_request


def get_session_for_member(user, organisation_pk, pk):
    """A session in which the organisation has a request; 404 for anybody else."""
    membership = get_membership_for_user(user, organisation_pk)
    # distinct: an organisation may have several requests bundled into one session
    session = get_object_or_404(
        TrainingSession.objects.select_related("topic").filter(requests__organisation_id=organisation_pk).distinct(),
        pk=pk,
    )
    return membership, session


def require_advisor(user):
    if not user.is_authenticated or not user.is_advisor:
        raise Http404


def open_programmes(today=None):
    today = today or timezone.localdate()
    return Programme.objects.filter(call_opens__lte=today, call_closes__gte=today)


def funding_requests_for_organisation(organisation):
    return organisation.funding_requests.select_related("programme").order_by("-created_at", "-pk")


# What the KI may see: every request except drafts the organisation has not shared for advice.
VISIBLE_TO_ADVISOR = ~Q(state=FundingState.DRAFT) | Q(shared_for_advice_at__isnull=False)


def funding_queue(*, state="", programme=None, organisation=None, assignee=None, unassigned=False, waiting_days=None,
                  query="", order="-state_changed_at"):  # fmt: skip
    """The advisor's queue: requests the KI can see (drafts only when shared for advice), filtered.

    `assignee` keeps the requests assigned to that advisor, `unassigned=True` those assigned to nobody.
    """
    requests = FundingRequest.objects.select_related("programme", "organisation", "assignee").filter(VISIBLE_TO_ADVISOR)
    if state:
        requests = requests.filter(state=state)
    if programme:
        requests = requests.filter(programme=programme)
    if organisation:
        requests = requests.filter(organisation=organisation)
    if assignee:
        requests = requests.filter(assignee=assignee)
    if unassigned:
        requests = requests.filter(assignee__isnull=True)
    if waiting_days:
        requests = requests.filter(state_changed_at__lt=timezone.now() - timezone.timedelta(days=waiting_days))
    if query:
        requests = requests.filter(Q(title__icontains=query) | Q(goals__icontains=query)
                                   | Q(organisation__name__icontains=query))  # fmt: skip
    return requests.order_by(order, "pk")


def funding_state_counts():
    """{state: number of requests the KI can see} for every state, zeros included, in one aggregate query.

    Drafts count only when shared for advice: the counts add up to the unfiltered queue."""
    return FundingRequest.objects.filter(VISIBLE_TO_ADVISOR).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in FundingState.values}
    )


def training_demand():
    """Open training requests grouped by topic: [(topic, [requests…]), …], topics with most demand first."""
    open_requests = (TrainingRequest.objects.filter(state=TrainingState.REQUESTED)
                     .select_related("topic", "organisation").order_by("created_at"))  # fmt: skip
    groups = {}
    for training_request in open_requests:
        groups.setdefault(training_request.topic, []).append(training_request)
    return sorted(groups.items(), key=lambda item: -len(item[1]))


# --- training pages (issues 9 and 13) ---


def get_training_request_for_advisor(user, pk):
    require_advisor(user)
    return get_object_or_404(TrainingRequest.objects.select_related("topic", "organisation", "session"), pk=pk)


def get_session_for_advisor(user, pk):
    require_advisor(user)
    return get_object_or_404(TrainingSession.objects.select_related("topic"), pk=pk)


def training_requests_for_organisation(organisation):
    return organisation.training_requests.select_related("topic", "session").order_by("-created_at", "-pk")


def open_training_requests(topic):
    """The requests on `topic` that can still be bundled into a session, oldest first."""
    return (topic.requests.filter(state=TrainingState.REQUESTED).select_related("organisation")
            .order_by("created_at", "pk"))  # fmt: skip


def training_sessions(*, held):
    """Sessions with `requests_total` and `confirmed_total`: not held yet (soonest first) or held (latest first)."""
    sessions = TrainingSession.objects.filter(held_at__isnull=not held).select_related("topic").annotate(
        requests_total=Count("requests", distinct=True),
        confirmed_total=Count("participants", filter=Q(participants__on_waiting_list=False), distinct=True),
    )
    return sessions.order_by("-starts_at", "-pk") if held else sessions.order_by("starts_at", "pk")


def session_participants(session, *, organisation=None):
    """Confirmed participants first, then the waiting list in order; each with `waiting_position` (or None)."""
    participants = list(session.participants.select_related("organisation"))
    position = 0
    for participant in participants:  # ordered by the model: confirmed first, then by registration
        position += participant.on_waiting_list
        participant.waiting_position = position if participant.on_waiting_list else None
    if organisation is not None:
        participants = [p for p in participants if p.organisation_id == organisation.pk]
    return participants


def training_request_transitions(training_request):
    """The request's transition log, oldest first, with readable `action_label`, `source_label`, `target_label`."""
    from django.contrib.contenttypes.models import ContentType

    from workflows.diagram import ACTION_LABELS
    from workflows.models import TransitionLog

    states = dict(TrainingState.choices)
    entries = list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(TrainingRequest), object_id=training_request.pk
        ).select_related("actor")
    )
    for entry in entries:
        entry.action_label = ACTION_LABELS.get(entry.transition, entry.transition)
        entry.source_label = states.get(entry.source, entry.source)
        entry.target_label = states.get(entry.target, entry.target)
    return entries


# --- the organisation's view of one funding request ------------------------------------------------------
def planned_by_category(funding_request):
    """({cost category: planned total}, {income kind: planned total}) from the saved finance plan."""
    costs, incomes = {}, {}
    for line in funding_request.cost_lines.all():
        costs[line.category] = costs.get(line.category, 0) + line.amount
    for line in funding_request.income_lines.all():
        incomes[line.kind] = incomes.get(line.kind, 0) + line.amount
    return costs, incomes


# --- the KI's review (issue 10–12) -----------------------------------------------------------------------
def advisors():
    """Everybody a request can be assigned to: active KI staff, by name."""
    from accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True).order_by("name", "email")


def programmes_with_budget():
    """Every programme with `committed` (approved grants, approved and later states) and `available` (yearly budget
    minus committed), summed by the database: one query however many programmes and requests there are."""
    from decimal import Decimal

    from django.db.models import DecimalField, ExpressionWrapper, F, Sum, Value
    from django.db.models.functions import Coalesce

    from .models import COMMITTED_STATES

    money = DecimalField(max_digits=12, decimal_places=2)
    committed = Coalesce(
        Sum("funding_requests__approved_amount", filter=Q(funding_requests__state__in=COMMITTED_STATES,
                                                           funding_requests__decided_at__year=timezone.localdate().year)),
        Value(Decimal("0.00")), output_field=money,
    )  # fmt: skip
    return Programme.objects.annotate(committed=committed).annotate(
        available=ExpressionWrapper(F("yearly_budget") - F("committed"), output_field=money)
    ).order_by("name", "pk")


def funding_request_timeline(funding_request, *, include_internal=False):
    """The request's changes of state and its comments as one list, oldest first.

    Each entry has `kind` ("transition" or "comment"), `created_at`, `who`, `label`, `text` and `internal`;
    transitions also `source_label` and `target_label`. Internal notes only with `include_internal=True`.
    """
    from types import SimpleNamespace

    from django.contrib.contenttypes.models import ContentType

    from workflows.diagram import ACTION_LABELS
    from workflows.models import Comment, TransitionLog

    where = {"content_type": ContentType.objects.get_for_model(FundingRequest), "object_id": funding_request.pk}
    states = dict(FundingState.choices)
    entries = [
        SimpleNamespace(kind="transition", created_at=log.created_at, who=log.actor, internal=False,
                        label=ACTION_LABELS.get(log.transition, log.transition), text=log.message,
                        source_label=states.get(log.source, log.source), target_label=states.get(log.target, log.target))
        for log in TransitionLog.objects.filter(**where).select_related("actor")
    ]  # fmt: skip
    comments = Comment.objects.filter(**where).select_related("author")
    if not include_internal:
        comments = comments.filter(internal=False)
    entries += [
        SimpleNamespace(kind="comment", created_at=comment.created_at, who=comment.author, internal=comment.internal,
                        label="", text=comment.body)
        for comment in comments
    ]  # fmt: skip
    return sorted(entries, key=lambda entry: entry.created_at)


def usage_report_comparison(funding_request, report):
    """Planned against actual numbers of a usage report: (cost rows, income rows), each row
    (label, planned, actual) for every category or kind that has a planned or an actual amount."""
    from decimal import Decimal, InvalidOperation

    from .models import CostCategory, IncomeKind

    def amount(text):
        try:
            return Decimal(text) if text not in (None, "") else None
        except (InvalidOperation, TypeError):
            return None

    def rows(choices, planned, actual):
        labels = {**dict(choices), **{key: key for key in actual if key not in dict(choices)}}
        result = [(label, planned.get(key), amount(actual.get(key))) for key, label in labels.items()]
        return [row for row in result if row[1] is not None or row[2] is not None]

    planned_costs, planned_income = planned_by_category(funding_request)
    return (
        rows(CostCategory.choices, planned_costs, report.actual_costs or {}),
        rows(IncomeKind.choices, planned_income, report.actual_income or {}),
    )


def free_places(session):
    """Places left in `session` before people go on the waiting list."""
    return max(session.capacity - session.participants.filter(on_waiting_list=False).count(), 0)
