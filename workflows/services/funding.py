"""Every action on a funding request: `grep funding_request_` lists them all.

Writes check the actor (board, member, other organisation, advisor), run in one transaction, and state
changes go through `run_transition` (log row and effects included).
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.services import ensure_board, ensure_member
from applications.finance import summarise
from applications.models import (
    COMMITTED_STATES,
    EDITABLE_STATES,
    REPORT_DUE_AFTER_END_DAYS,
    CostLine,
    FundingRequest,
    FundingState,
    IncomeLine,
    Programme,
    Receipt,
    UsageReport,
)

from . import Conflict, check_transition, log_transition, require_text, run_transition


# --- drafting ----------------------------------------------------------------------------------------
def funding_request_create(*, organisation, programme, actor, title):
    """Start a draft for `programme`. Any member may draft; the programme's call must be open."""
    ensure_member(actor, organisation)
    if not programme.call_is_open():
        raise ValidationError(_("The call of this programme is not open: requests are accepted from %(opens)s to "
                                "%(closes)s.") % {"opens": _date(programme.call_opens),
                                                  "closes": _date(programme.call_closes)})  # fmt: skip
    with transaction.atomic():
        request = FundingRequest.objects.create(organisation=organisation, programme=programme, title=title,
                                                created_by=actor)  # fmt: skip
        log_transition(subject=request, actor=actor, transition="create", source="", target=request.state)
    return request


# What `funding_request_update` may write: the state, amounts and decision have their own services.
UPDATABLE_FIELDS = frozenset({
    "title", "goals", "target_groups", "expected_participants", "place", "partners", "starts_on", "ends_on",
    "not_started", "early_start_requested", "information_true",
})  # fmt: skip


def funding_request_update(*, request, actor, data, based_on_version):
    """Save project fields or declarations of a request that can be edited (draft, changes requested).

    Raises PermissionDenied for non-members, ValidationError outside the editable states, Conflict if someone
    else saved the request since `based_on_version` (nothing is overwritten), and ValueError for fields that
    are not project fields or declarations (a queryset update would bypass the protected state).
    """
    if not set(data) <= UPDATABLE_FIELDS:
        raise ValueError(f"funding_request_update cannot write {sorted(set(data) - UPDATABLE_FIELDS)}")
    with transaction.atomic():
        current = _lock_for_edit(request, actor, based_on_version)
        FundingRequest.objects.filter(pk=current.pk).update(version=F("version") + 1, **data)
    return FundingRequest.objects.get(pk=request.pk)


def funding_request_set_finance_plan(*, request, actor, costs, incomes, requested_amount, based_on_version):
    """Replace the finance plan: `costs` as (category, description, amount), `incomes` as (kind, description,
    amount). Same permissions and checks as `funding_request_update`; amounts are validated by the form."""
    with transaction.atomic():
        current = _lock_for_edit(request, actor, based_on_version)
        CostLine.objects.filter(request=current).delete()
        IncomeLine.objects.filter(request=current).delete()
        CostLine.objects.bulk_create(CostLine(request=current, category=c, description=d, amount=a) for c, d, a in costs)
        IncomeLine.objects.bulk_create(IncomeLine(request=current, kind=k, description=d, amount=a) for k, d, a in incomes)
        FundingRequest.objects.filter(pk=current.pk).update(version=F("version") + 1, requested_amount=requested_amount)
    return FundingRequest.objects.get(pk=request.pk)


def funding_request_set_attachments(*, request, actor, documents, based_on_version):
    """Attach vault documents of the request's own organisation (others are refused)."""
    if any(document.organisation_id != request.organisation_id for document in documents):
        raise PermissionDenied(_("Only documents of your own organisation can be attached."))
    with transaction.atomic():
        current = _lock_for_edit(request, actor, based_on_version)
        current.attachments.set(documents)
        FundingRequest.objects.filter(pk=current.pk).update(version=F("version") + 1)
    return FundingRequest.objects.get(pk=request.pk)


def finance_summary(request):
    """The finance plan's totals and rule checks for a saved request."""
    return summarise(
        costs=[line.amount for line in request.cost_lines.all()],
        incomes=[(line.kind, line.amount) for line in request.income_lines.all()],
        requested=request.requested_amount,
        programme=request.programme,
    )


def missing_for_submission(request):
    """What still stops submission: a list of (step, field, message), each linkable to its field."""
    missing = []
    project_fields = ["title", "goals", "starts_on", "ends_on"]
    if not request.programme.short_form:
        project_fields += ["target_groups", "expected_participants", "place"]
    for name in project_fields:
        if getattr(request, name) in (None, ""):
            label = FundingRequest._meta.get_field(name).verbose_name
            missing.append(("project", name, _("Please fill in: %(field)s.") % {"field": label}))
    if request.starts_on and request.ends_on and request.ends_on < request.starts_on:
        missing.append(("project", "ends_on", _("The project cannot end before it starts.")))
    if not request.cost_lines.all():
        missing.append(("finance", "costs", _("Please list the costs of the project.")))
    if not request.requested_amount:
        missing.append(("finance", "requested_amount", _("Please enter the grant you request.")))
    for field, message in finance_summary(request).violations.items():
        missing.append(("finance", field, message))
    attached = {document.kind for document in request.attachments.all()}
    for kind, label in zip(request.programme.required_documents, request.programme.required_document_labels()):
        if kind not in attached:
            missing.append(("documents", "attachments", _("Please attach: %(document)s.") % {"document": label}))
    if not (request.not_started or request.early_start_requested):
        missing.append(("declarations", "not_started",
                        _("Please confirm that the project has not started yet, or ask to start early.")))  # fmt: skip
    if not request.information_true:
        missing.append(("declarations", "information_true",
                        _("Please confirm that all information is true and complete.")))  # fmt: skip
    return missing


# --- state changes by the organisation -----------------------------------------------------------------
def funding_request_share_for_advice(*, request, actor):
    """Let the KI read and comment on the draft; it stays a draft. Any member may ask for advice."""
    ensure_member(actor, request.organisation)
    now = timezone.now()
    with transaction.atomic():
        # Matched on the state in the database: the instance may have been loaded before someone submitted it.
        if not FundingRequest.objects.filter(pk=request.pk, state=FundingState.DRAFT).update(shared_for_advice_at=now):
            raise ValidationError(_("Only a draft can be shared for advice."))
        request.shared_for_advice_at = now
        log_transition(subject=request, actor=actor, transition="share_for_advice", source=FundingState.DRAFT,
                       target=FundingState.DRAFT)  # fmt: skip
    return request


def funding_request_submit(*, request, actor):
    """Submit a complete request. Board only; ValidationError lists everything still missing."""
    _refuse_other_organisations(actor, request)
    if request.state == FundingState.DRAFT:
        ensure_board(actor, request.organisation)
        if not request.programme.call_is_open():
            raise ValidationError(_("The call of this programme closed on %(closes)s, so the request can no longer be "
                                    "submitted. Please contact the KI.") % {"closes": _date(request.programme.call_closes)})  # fmt: skip
        _ensure_complete(request)
    return run_transition(request, "submit", actor=actor, fields=["submitted_at"])


def funding_request_resubmit(*, request, actor, message=""):
    _refuse_other_organisations(actor, request)
    if request.state == FundingState.CHANGES_REQUESTED:
        ensure_board(actor, request.organisation)
        _ensure_complete(request)
    return run_transition(request, "resubmit", actor=actor, message=message)


def funding_request_withdraw(*, request, actor, reason):
    _refuse_other_organisations(actor, request)
    require_text(reason, _("Please tell the KI why you withdraw the request."))
    return run_transition(request, "withdraw", actor=actor, message=reason, reason=reason, fields=["decision_reason"])


def funding_request_start_project(*, request, actor):
    _refuse_other_organisations(actor, request)
    return run_transition(request, "start_project", actor=actor)


def funding_request_submit_report(*, request, actor):
    _refuse_other_organisations(actor, request)
    report = UsageReport.objects.filter(request=request).first()
    if report is None or not report.narrative.strip():
        raise ValidationError(_("Please write the narrative report before submitting the usage report."))
    return run_transition(request, "submit_report", actor=actor)


def usage_report_save(*, request, actor, narrative, actual_costs, actual_income, receipts):
    """Save the usage report while it is due: narrative, actual numbers per category, receipts
    as (date, payee, purpose, amount). Board only."""
    ensure_board(actor, request.organisation)
    as_text = lambda numbers: {key: str(value) for key, value in numbers.items() if value is not None}  # noqa: E731
    with transaction.atomic():
        # The state in the database, locked: a form opened while the report was due must not change it once
        # it has been submitted (submitting takes the same row lock).
        current = FundingRequest.objects.select_for_update().only("state").get(pk=request.pk)
        if current.state != FundingState.REPORT_DUE:
            raise ValidationError(_("The usage report can be edited only while it is due."))
        report, _created = UsageReport.objects.update_or_create(
            request=request,
            defaults={"narrative": narrative, "actual_costs": as_text(actual_costs), "actual_income": as_text(actual_income)},
        )
        report.receipts.all().delete()
        Receipt.objects.bulk_create(Receipt(report=report, date=d, payee=p, purpose=u, amount=a) for d, p, u, a in receipts)
    return report


# --- state changes by the KI -----------------------------------------------------------------------------
def funding_request_start_review(*, request, actor):
    _refuse_other_organisations(actor, request)
    return run_transition(request, "start_review", actor=actor)


def funding_request_request_changes(*, request, actor, message):
    _refuse_other_organisations(actor, request)
    require_text(message, _("Please tell the organisation what to change."))
    return run_transition(request, "request_changes", actor=actor, message=message)


def funding_request_approve(*, request, actor, amount, conditions="", approved_from=None, approved_until=None,
                            report_due_on=None):  # fmt: skip
    """Approve fully or partly. The amount must be positive, at most the requested grant and within the
    programme's remaining yearly budget (checked under a lock on the programme, so two approvals at once
    cannot overspend it)."""
    # Who may decide, and whether it can be decided now, comes first: the amount and budget checks below
    # must not answer anybody else (they would reveal the requested grant and the programme's budget).
    _refuse_other_organisations(actor, request)
    check_transition(request, "approve", actor=actor)
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Please enter an amount above 0 €.")})
    if amount > request.requested_amount:
        raise ValidationError({"amount": _("The approved amount (%(amount)s €) cannot exceed the requested grant "
                                           "(%(requested)s €).") % {"amount": _money(amount),
                                                                    "requested": _money(request.requested_amount)}})  # fmt: skip
    approved_from = approved_from or request.starts_on
    approved_until = approved_until or request.ends_on
    if approved_from and approved_until and approved_until < approved_from:
        raise ValidationError({"approved_until": _("The approval period cannot end before it starts.")})
    if report_due_on is None and approved_until:
        report_due_on = approved_until + timedelta(days=REPORT_DUE_AFTER_END_DAYS)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=request.programme_id)
        remaining = programme.yearly_budget - committed_budget(programme)
        if amount > remaining:
            raise ValidationError({"amount": _("The programme's remaining budget is %(remaining)s € (of %(budget)s €); "
                                               "%(amount)s € cannot be approved.") % {
                "remaining": _money(remaining), "budget": _money(programme.yearly_budget), "amount": _money(amount)}})  # fmt: skip
        return run_transition(
            request, "approve", actor=actor, message=conditions, amount=amount, conditions=conditions,
            approved_from=approved_from, approved_until=approved_until, report_due_on=report_due_on,
            fields=["approved_amount", "conditions", "approved_from", "approved_until", "report_due_on", "decided_at"],
        )  # fmt: skip


def funding_request_reject(*, request, actor, reason):
    _refuse_other_organisations(actor, request)
    require_text(reason, _("Please give the organisation the reason for the rejection."))
    return run_transition(request, "reject", actor=actor, message=reason, reason=reason,
                          fields=["decision_reason", "decided_at"])  # fmt: skip


def funding_request_mark_report_due(*, request, actor):
    _refuse_other_organisations(actor, request)
    return run_transition(request, "mark_report_due", actor=actor)


def funding_request_accept_report(*, request, actor):
    _refuse_other_organisations(actor, request)
    return run_transition(request, "accept_report", actor=actor)


def funding_request_request_report_corrections(*, request, actor, message):
    _refuse_other_organisations(actor, request)
    require_text(message, _("Please tell the organisation what to correct."))
    return run_transition(request, "request_report_corrections", actor=actor, message=message)


def funding_request_assign(*, request, actor, assignee):
    """Assign the request to an advisor (or to nobody)."""
    if not actor.is_advisor or (assignee is not None and not assignee.is_advisor):
        raise PermissionDenied(_("Requests can only be assigned by and to KI advisors."))
    # A queryset update: saving the instance would fail with ConcurrentTransition if its state changed
    # since it was loaded, and the assignee does not depend on the state.
    FundingRequest.objects.filter(pk=request.pk).update(assignee=assignee)
    request.assignee = assignee
    return request


def committed_budget(programme, *, year=None):
    """Sum of the grants approved in `year` (default: this year) — the budget is a yearly one."""
    year = year or timezone.localdate().year
    total = programme.funding_requests.filter(state__in=COMMITTED_STATES, decided_at__year=year).aggregate(
        total=Sum("approved_amount")
    )
    return total["total"] or Decimal("0.00")


# --- helpers -----------------------------------------------------------------------------------------------
def _lock_for_edit(request, actor, based_on_version):
    ensure_member(actor, request.organisation)
    current = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if current.state not in EDITABLE_STATES:
        raise ValidationError(_("The request can only be changed as a draft or when the KI asked for changes; it is "
                                "“%(state)s”.") % {"state": current.get_state_display()})  # fmt: skip
    if current.version != based_on_version:
        raise Conflict(_("Someone else changed this request while you were editing it. Your entries are still "
                         "in the form: please compare them with the current request and save again."),
                       code="conflict")  # fmt: skip
    return current


def _ensure_complete(request):
    # Checked on the stored request: the instance may have been loaded before somebody changed the plan.
    missing = missing_for_submission(FundingRequest.objects.select_related("programme").get(pk=request.pk))
    if missing:
        # Django drops `code` for a list of plain messages, so each message carries it.
        raise ValidationError([ValidationError(message, code="incomplete") for _step, _field, message in missing])


def _refuse_other_organisations(actor, request):
    """Members of other organisations learn nothing, not even whether the request is complete."""
    if not actor.is_advisor and not Membership.objects.filter(user=actor, organisation=request.organisation).exists():
        raise PermissionDenied(_("You are not allowed to do this."))


def _money(value):
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT")
