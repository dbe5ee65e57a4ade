"""The KI's side of funding: the queue, the review page with every advisor action, programmes, and the help page
with the allowed transitions.

Anybody but an advisor gets 404 here (applications.selectors.require_advisor / get_funding_request_for_advisor).
Every write is one service call; the actions offered are read from the state machine, not listed by hand.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from workflows.diagram import edges, mermaid
from workflows.services import comment_add
from workflows.services import funding as services

from ..forms import (
    AdvisorCommentForm,
    ApprovalForm,
    AssignForm,
    ChangesRequestForm,
    FundingQueueFilterForm,
    ProgrammeForm,
    RejectionForm,
    ReportCorrectionsForm,
)
from ..models import UNDECIDED_STATES, FundingRequest, FundingState, Programme, TrainingRequest, UsageReport
from ..selectors import (
    funding_queue,
    funding_request_timeline,
    funding_state_counts,
    get_funding_request_for_advisor,
    programmes_with_budget,
    require_advisor,
    usage_report_comparison,
)
from ..services import programme_save

REQUESTS_PER_PAGE = 50


class Action(NamedTuple):
    service: Callable
    form: type | None  # the form for the service's input, if it takes any
    button: str
    success: str


# URL slug → action. The slug is the transition's name with dashes; which actions the page offers is read from
# the state machine (`_available_actions`), not listed here.
ACTIONS = {
    "start-review": Action(services.funding_request_start_review, None, gettext_lazy("Start review"),
                           gettext_lazy("The review has started.")),
    "request-changes": Action(services.funding_request_request_changes, ChangesRequestForm,
                              gettext_lazy("Ask for changes"), gettext_lazy("The organisation has been asked for changes.")),
    "approve": Action(services.funding_request_approve, ApprovalForm, gettext_lazy("Approve"),
                      gettext_lazy("The request is approved.")),
    "reject": Action(services.funding_request_reject, RejectionForm, gettext_lazy("Reject"),
                     gettext_lazy("The request is rejected.")),
    "mark-report-due": Action(services.funding_request_mark_report_due, None, gettext_lazy("Ask for the usage report"),
                              gettext_lazy("The usage report is now due; the organisation can write it.")),
    "accept-report": Action(services.funding_request_accept_report, None, gettext_lazy("Accept the usage report"),
                            gettext_lazy("The usage report is accepted and the request is closed.")),
    "request-report-corrections": Action(
        services.funding_request_request_report_corrections, ReportCorrectionsForm,
        gettext_lazy("Send the usage report back"), gettext_lazy("The organisation has been asked to correct the usage report."),
    ),
}  # fmt: skip
PROJECT_FIELDS = ("goals", "target_groups", "expected_participants", "place", "partners", "starts_on", "ends_on",
                  "requested_amount", "not_started", "early_start_requested", "information_true")  # fmt: skip
WORKFLOWS = ((FundingRequest, gettext_lazy("Funding requests")), (TrainingRequest, gettext_lazy("Training requests")))


# --- the queue ----------------------------------------------------------------------------------------------
def queue(request):
    require_advisor(request.user)
    form = FundingQueueFilterForm(request.GET, user=request.user)
    paginator = Paginator(funding_queue(**form.filters()), REQUESTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    counts = funding_state_counts()
    context = {
        "form": form,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "state_counts": [(value, label, counts[value]) for value, label in FundingState.choices],
    }
    return render(request, "applications/advisor/queue.html", context)


@require_POST
def assign(request, pk):
    funding_request = get_funding_request_for_advisor(request.user, pk)
    form = AssignForm(request.POST, prefix="assign")
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        services.funding_request_assign(request=funding_request, actor=request.user, assignee=assignee)
        if assignee is None:
            messages.success(request, _("“%(title)s” is assigned to nobody.") % {"title": funding_request.title})
        else:
            messages.success(request, _("“%(title)s” is assigned to %(person)s.") % {"title": funding_request.title,
                                                                                    "person": assignee})  # fmt: skip
    else:
        messages.error(request, _("Please choose a KI advisor."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("applications:review", pk=funding_request.pk)


# --- the review page ---------------------------------------------------------------------------------------
def review(request, pk):
    return _render_review(request, get_funding_request_for_advisor(request.user, pk))


@require_POST
def comment(request, pk):
    funding_request = get_funding_request_for_advisor(request.user, pk)
    form = AdvisorCommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            comment_add(subject=funding_request, author=request.user, body=form.cleaned_data["body"],
                        internal=form.cleaned_data["internal"])  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if form.cleaned_data["internal"]:
                messages.success(request, _("Your internal note is saved. The organisation does not see it."))
            else:
                messages.success(request, _("Your comment is saved. The organisation can read it."))
            return redirect(reverse("applications:review", args=[funding_request.pk]) + "#timeline-heading")
    return _render_review(request, funding_request, comment_form=form)


@require_POST
def act(request, pk, action):
    """One advisor action on the request. Input errors re-render the page with what was typed; an action the
    current state does not allow, or a change someone else made meanwhile, is reported and changes nothing."""
    if action not in ACTIONS:
        raise Http404
    funding_request = get_funding_request_for_advisor(request.user, pk)
    offered = action in _available_actions(funding_request)
    form = ACTIONS[action].form(request.POST, prefix=action) if ACTIONS[action].form else None
    if form is not None and not form.is_valid():
        if not offered:  # the form is not on the page: say why instead
            messages.error(request, _illegal_reason(funding_request))
            return redirect("applications:review", pk=funding_request.pk)
        return _render_review(request, funding_request, action_forms={action: form})
    try:
        ACTIONS[action].service(request=funding_request, actor=request.user, **(form.cleaned_data if form else {}))
    except ValidationError as error:
        if offered and form is not None and hasattr(error, "error_dict"):
            _add_service_errors(form, error)
            return _render_review(request, funding_request, action_forms={action: form})
        # The service's own sentence: the state does not allow it, or (Conflict) someone else changed it meanwhile.
        # An input error of an action that is not offered would be shown nowhere: the state is the reason then.
        reason = " ".join(error.messages) if offered or not hasattr(error, "error_dict") else _illegal_reason(funding_request)
        messages.error(request, reason)
    else:
        messages.success(request, ACTIONS[action].success)
    return redirect("applications:review", pk=funding_request.pk)


def _render_review(request, funding_request, *, action_forms=None, comment_form=None):
    prefetch_related_objects([funding_request], "cost_lines", "income_lines", "attachments")
    action_forms = action_forms or {}
    actions = []
    for slug, edge in _available_actions(funding_request).items():
        form_class = ACTIONS[slug].form
        form = action_forms.get(slug)
        if form is None and form_class is not None:
            initial = ApprovalForm.initial_for(funding_request) if form_class is ApprovalForm else None
            form = form_class(prefix=slug, initial=initial)
        actions.append({"slug": slug, "label": edge.label, "button": ACTIONS[slug].button, "form": form})
    report = UsageReport.objects.filter(request=funding_request).prefetch_related("receipts").first()
    cost_rows, income_rows = usage_report_comparison(funding_request, report) if report else ((), ())
    context = {
        "project_fields": _project_fields(funding_request),
        "funding_request": funding_request,
        "summary": services.finance_summary(funding_request),
        "missing": services.missing_for_submission(funding_request) if funding_request.state in UNDECIDED_STATES else None,
        "actions": actions,
        "report": report,
        "report_tables": [
            (cost_rows, "report-costs-caption", _("Costs: planned and actual"), _("Category")),
            (income_rows, "report-income-caption", _("Income: planned and actual"), _("Kind of income")),
        ],
        "report_receipts_total": sum(receipt.amount for receipt in report.receipts.all()) if report else None,
        "timeline": funding_request_timeline(funding_request, include_internal=True),
        "comment_form": comment_form or AdvisorCommentForm(prefix="comment"),
        "assign_form": AssignForm(prefix="assign", initial={"assignee": funding_request.assignee_id}),
    }
    return render(request, "applications/advisor/review.html", context)


def _project_fields(funding_request):
    """(label, value) of the project's fields and declarations, as the organisation entered them."""
    rows = []
    for name in PROJECT_FIELDS:
        field = FundingRequest._meta.get_field(name)
        value = getattr(funding_request, name)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, date):
            value = date_format(value, "SHORT_DATE_FORMAT")
        elif isinstance(value, Decimal):
            value = f"{number_format(value, 2, force_grouping=True)} €"
        elif isinstance(value, int):
            value = str(value)  # 0 participants is an answer, not a blank
        rows.append((field.verbose_name, value))
    return rows


def _available_actions(funding_request):
    """{slug: edge} of the advisor's transitions from the request's current state, in the order of ACTIONS."""
    offered = {
        edge.action.replace("_", "-"): edge
        for edge in edges(FundingRequest)
        if edge.source == funding_request.state and edge.actor == "advisor"
    }
    return {slug: offered[slug] for slug in ACTIONS if slug in offered}


def _illegal_reason(funding_request):
    # The same sentence run_transition gives when the state does not allow an action.
    return _("This is not possible while the state is “%(state)s”.") % {"state": funding_request.get_state_display()}


def _add_service_errors(form, error):
    """Put a service's errors (keyed "amount", "approved_until", "message", …) on the form's fields. The service
    calls every text "message", the rejection form its only field "reason"; any other unknown key is shown
    above the form."""
    text_field = next(iter(form.fields))
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else text_field if field == "message" else None, messages_)


# --- programmes -----------------------------------------------------------------------------------------------
def programme_list(request):
    require_advisor(request.user)
    return render(request, "applications/advisor/programme_list.html", {"programmes": programmes_with_budget()})


def programme_edit(request, pk=None):
    require_advisor(request.user)
    programme = get_object_or_404(Programme, pk=pk) if pk is not None else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = programme_save(actor=request.user, programme=programme, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The programme “%(name)s” is saved.") % {"name": saved.name})
            return redirect("applications:programmes")
    return render(request, "applications/advisor/programme_form.html", {"form": form, "programme": programme})


# --- help ---------------------------------------------------------------------------------------------------------
def workflow_help(request):
    require_advisor(request.user)
    workflows = []
    for model, title in WORKFLOWS:
        states = dict(model._meta.get_field("state").flatchoices)
        workflows.append({
            "id": model._meta.model_name,
            "title": title,
            "diagram": mermaid(model),
            "edges": [(states.get(e.source, e.source), e.label, states.get(e.target, e.target), e.actor_label)
                      for e in edges(model)],
        })  # fmt: skip
    return render(request, "applications/advisor/workflow_help.html", {"workflows": workflows})
