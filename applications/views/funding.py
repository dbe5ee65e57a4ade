"""The organisation's side of funding requests: start, fill in step by step, submit, follow, report.

Every object is fetched through the access helpers (other organisations' requests are 404), every write is
one service call from workflows.services.funding, and state changes are POST-only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import get_membership_for_user
from workflows.diagram import main_path
from workflows.services import Conflict, comment_add
from workflows.services import funding as services

from ..finance import summarise
from ..forms import (
    CommentForm,
    CostFormSet,
    DeclarationsForm,
    DocumentsForm,
    FinanceForm,
    IncomeFormSet,
    NewRequestForm,
    ProjectForm,
    ReceiptFormSet,
    ResubmitForm,
    UsageReportForm,
    WithdrawForm,
    error_summary,
    with_version,
)
from ..models import CostCategory, FundingRequest, FundingState, IncomeKind, Programme, UsageReport
from ..selectors import (
    funding_request_timeline,
    funding_requests_for_organisation,
    get_funding_request_for_member,
    open_programmes,
    planned_by_category,
)

STEPS = ("project", "finance", "documents", "declarations", "review")


# --- list and start ------------------------------------------------------------------------------------------
@login_required
def request_list(request, org):
    membership = get_membership_for_user(request.user, org)
    organisation = membership.organisation
    return render(request, "applications/funding/request_list.html", {
        "membership": membership, "organisation": organisation,
        "funding_requests": funding_requests_for_organisation(organisation),
    })  # fmt: skip


@login_required
def choose_programme(request, org):
    membership = get_membership_for_user(request.user, org)
    return render(request, "applications/funding/choose_programme.html", {
        "membership": membership, "organisation": membership.organisation, "programmes": open_programmes(),
    })  # fmt: skip


@login_required
def create(request, org, programme):
    membership = get_membership_for_user(request.user, org)
    programme = get_object_or_404(Programme, pk=programme)
    form = NewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            funding_request = services.funding_request_create(
                organisation=membership.organisation, programme=programme, actor=request.user,
                title=form.cleaned_data["title"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your draft has been saved. Continue with the project details."))
            return redirect("applications:edit_step", org=org, pk=funding_request.pk, step="project")
    return render(request, "applications/funding/create.html", {
        "membership": membership, "organisation": membership.organisation, "programme": programme, "form": form,
    })  # fmt: skip


# --- the steps -------------------------------------------------------------------------------------------------
@login_required
def edit_step(request, org, pk, step):
    """One step of the form; each is saved on its own, so a volunteer can continue later on another device."""
    if step not in STEPS:
        raise Http404
    membership, funding_request = get_funding_request_for_member(request.user, org, pk)
    return STEP_VIEWS[step](request, membership, funding_request)


def _project_step(request, membership, funding_request):
    form = ProjectForm(request.POST or None, instance=funding_request, initial={"version": funding_request.version},
                       short_form=funding_request.programme.short_form)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        if _saved(form, funding_request, lambda version: services.funding_request_update(
                request=funding_request, actor=request.user, data=form.data_for_service(), based_on_version=version)):  # fmt: skip
            return _continue(request, funding_request, "project")
    return _render_step(request, membership, funding_request, "project", {"form": form})


def _finance_step(request, membership, funding_request):
    finance_form, costs, incomes = _finance_forms(request, funding_request)
    if request.method == "POST" and all([finance_form.is_valid(), costs.is_valid(), incomes.is_valid()]):
        if _saved(finance_form, funding_request, lambda version: services.funding_request_set_finance_plan(
                request=funding_request, actor=request.user, costs=costs.rows("category", "description", "amount"),
                incomes=incomes.rows("kind", "description", "amount"),
                requested_amount=finance_form.cleaned_data["requested_amount"], based_on_version=version)):  # fmt: skip
            return _continue(request, funding_request, "finance")
    summary = _summary_of_forms(funding_request, finance_form, costs, incomes) if request.method == "POST" else (
        services.finance_summary(funding_request))  # fmt: skip
    return _render_step(request, membership, funding_request, "finance", {
        "form": finance_form, "costs": costs, "incomes": incomes, "summary": summary,
        "errors": error_summary(finance_form, costs, incomes),
    })  # fmt: skip


def _documents_step(request, membership, funding_request):
    attached = list(funding_request.attachments.all())
    form = DocumentsForm(request.POST or None, organisation=funding_request.organisation, attached=attached,
                         initial={"version": funding_request.version, "attachments": attached})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        if _saved(form, funding_request, lambda version: services.funding_request_set_attachments(
                request=funding_request, actor=request.user, documents=list(form.cleaned_data["attachments"]),
                based_on_version=version)):  # fmt: skip
            return _continue(request, funding_request, "documents")
    attached_kinds = {document.kind for document in attached}
    required = [(label, kind in attached_kinds) for kind, label in
                zip(funding_request.programme.required_documents, funding_request.programme.required_document_labels())]  # fmt: skip
    return _render_step(request, membership, funding_request, "documents", {"form": form, "required": required})


def _declarations_step(request, membership, funding_request):
    form = DeclarationsForm(request.POST or None, instance=funding_request, initial={"version": funding_request.version})
    if request.method == "POST" and form.is_valid():
        if _saved(form, funding_request, lambda version: services.funding_request_update(
                request=funding_request, actor=request.user, data=form.data_for_service(), based_on_version=version)):  # fmt: skip
            return _continue(request, funding_request, "declarations")
    return _render_step(request, membership, funding_request, "declarations", {"form": form})


def _review_step(request, membership, funding_request):
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET"])  # the review only shows; submitting goes through `act`
    prefetch_related_objects([funding_request], "cost_lines", "income_lines", "attachments")
    return _render_step(request, membership, funding_request, "review", {
        "missing": _missing_with_links(funding_request), "summary": services.finance_summary(funding_request),
        "resubmit_form": ResubmitForm(),
    })  # fmt: skip


STEP_VIEWS = {"project": _project_step, "finance": _finance_step, "documents": _documents_step,
              "declarations": _declarations_step, "review": _review_step}  # fmt: skip


@require_POST
@login_required
def finance_preview(request, org, pk):
    """The totals and the programme's rules for the finance form as typed, without saving (htmx)."""
    membership, funding_request = get_funding_request_for_member(request.user, org, pk)
    finance_form, costs, incomes = _finance_forms(request, funding_request)
    summary = _summary_of_forms(funding_request, finance_form, costs, incomes)
    return render(request, "applications/funding/_finance_totals.html", {
        "summary": summary, "funding_request": funding_request, "preview": True, "requested_field_on_page": True,
        "unreadable": not (costs.is_valid() and incomes.is_valid() and "requested_amount" not in finance_form.errors),
    })  # fmt: skip


# --- following the request ------------------------------------------------------------------------------------
@login_required
def detail(request, org, pk):
    membership, funding_request = get_funding_request_for_member(request.user, org, pk)
    return _render_detail(request, membership, funding_request)


@require_POST
@login_required
def comment(request, org, pk):
    membership, funding_request = get_funding_request_for_member(request.user, org, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_add(subject=funding_request, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        else:
            messages.success(request, _("Your comment has been added. The KI can read it."))
            return redirect(reverse("applications:detail", args=[org, pk]) + "#timeline-heading")
    return _render_detail(request, membership, funding_request, comment_form=form)


# action in the URL → service; the action's form (if any) names the service's other keyword arguments
ACTIONS = {
    "share": services.funding_request_share_for_advice,
    "submit": services.funding_request_submit,
    "resubmit": services.funding_request_resubmit,
    "withdraw": services.funding_request_withdraw,
    "start-project": services.funding_request_start_project,
    "submit-report": services.funding_request_submit_report,
}
DONE = {  # module level: translated lazily, in the language of each request
    "share": gettext_lazy("The KI can now read your draft and comment on it. It stays a draft until a board member submits it."),
    "submit": gettext_lazy("Your request has been submitted. The KI will review it."),
    "resubmit": gettext_lazy("Your changed request has been sent to the KI."),
    "withdraw": gettext_lazy("The request has been withdrawn."),
    "start-project": gettext_lazy("Thank you: the KI knows that your project has started."),
    "submit-report": gettext_lazy("Your usage report has been submitted. The KI will check it."),
}


ACTION_FORMS = {"withdraw": WithdrawForm, "resubmit": ResubmitForm}
ANY_MEMBER_ACTIONS = {"share"}  # the others are the board's: a plain member gets 403


@require_POST
@login_required
def act(request, org, pk, action):
    """A state change chosen by the organisation. PermissionDenied (a member where the board must act) is 403."""
    if action not in ACTIONS:
        raise Http404
    membership, funding_request = get_funding_request_for_member(request.user, org, pk,
                                                                  board=action not in ANY_MEMBER_ACTIONS)  # fmt: skip
    form = ACTION_FORMS[action](request.POST) if action in ACTION_FORMS else None
    if action == "withdraw" and not form.is_valid():
        return _render_detail(request, membership, funding_request, withdraw_form=form)
    if form is not None and not form.is_valid():
        for message in [message for errors in form.errors.values() for message in errors]:
            messages.error(request, message)
        return redirect("applications:edit_step", org=org, pk=pk, step="review")
    try:
        ACTIONS[action](request=funding_request, actor=request.user, **(form.cleaned_data if form else {}))
    except Conflict as error:
        messages.error(request, " ".join(error.messages))
    except ValidationError as error:
        if action in ("submit", "resubmit") and services.missing_for_submission(funding_request):
            messages.error(request, _("The request cannot be sent yet. Please complete what the list below names."))
            return redirect("applications:edit_step", org=org, pk=pk, step="review")
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, DONE[action])
    return redirect("applications:detail", org=org, pk=pk)


@login_required
def report(request, org, pk):
    """The usage report while it is due: narrative, actual numbers next to the plan, receipts. Board saves."""
    membership, funding_request = get_funding_request_for_member(request.user, org, pk)
    saved = UsageReport.objects.filter(request=funding_request).first()
    editable = funding_request.state == FundingState.REPORT_DUE and membership.is_board
    receipts_initial = [{"date": r.date, "payee": r.payee, "purpose": r.purpose, "amount": r.amount}
                        for r in (saved.receipts.all() if saved else [])]  # fmt: skip
    data = request.POST if request.method == "POST" else None
    form = UsageReportForm(data, initial=UsageReportForm.initial_from(saved))
    receipts = ReceiptFormSet(data, initial=receipts_initial, prefix="receipts")
    if request.method == "POST" and form.is_valid() and receipts.is_valid():
        try:
            services.usage_report_save(
                request=funding_request, actor=request.user, narrative=form.cleaned_data["narrative"],
                actual_costs=form.actual_costs(), actual_income=form.actual_income(),
                receipts=receipts.rows("date", "payee", "purpose", "amount"),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The usage report has been saved. When it is complete, submit it below."))
            return redirect("applications:report", org=org, pk=pk)
    planned_costs, planned_income = planned_by_category(funding_request)
    return render(request, "applications/funding/report.html", {
        "membership": membership, "organisation": membership.organisation, "funding_request": funding_request,
        "form": form, "receipts": receipts, "saved": saved, "editable": editable,
        "cost_rows": _report_rows(form, "cost", planned_costs), "income_rows": _report_rows(form, "income", planned_income),
        "errors": error_summary(form, receipts),
    })  # fmt: skip


# --- helpers -------------------------------------------------------------------------------------------------------
def _saved(form, funding_request, save):
    """Call `save(version)`; on refusal put the service's reason on the form and return False. After a conflict the
    form is based on the current version, so that saving again — having compared — goes through."""
    try:
        save(form.cleaned_data["version"])
    except ValidationError as error:
        if getattr(error, "code", None) == "conflict":
            form.data = with_version(form.data, FundingRequest.objects.values_list("version", flat=True).get(pk=funding_request.pk))
        form.add_error(None, error)
        return False
    return True


def _continue(request, funding_request, step):
    messages.success(request, _("Saved."))
    if request.POST.get("then") == "stay":
        following = step
    elif step == "project" and funding_request.programme.short_form:
        following = "review"  # a short form needs nothing more on its own page: the review lists what is left
    else:
        following = STEPS[STEPS.index(step) + 1]
    return redirect("applications:edit_step", org=funding_request.organisation_id, pk=funding_request.pk, step=following)


def _render_step(request, membership, funding_request, step, context):
    return render(request, f"applications/funding/step_{step}.html", {
        "membership": membership, "organisation": membership.organisation, "funding_request": funding_request,
        "step": step, "steps": _step_links(funding_request, step), **context,
    })  # fmt: skip


STEP_LABELS = {
    "project": gettext_lazy("Project"), "finance": gettext_lazy("Finance plan"), "documents": gettext_lazy("Documents"),
    "declarations": gettext_lazy("Declarations"), "review": gettext_lazy("Review and submit"),
}  # fmt: skip


def _step_links(funding_request, current):
    return [(step, STEP_LABELS[step], reverse("applications:edit_step", args=[funding_request.organisation_id,
             funding_request.pk, step]), step == current) for step in STEPS]  # fmt: skip


def _finance_forms(request, funding_request):
    data = request.POST if request.method == "POST" else None
    costs = [{"category": line.category, "description": line.description, "amount": line.amount}
             for line in funding_request.cost_lines.all()]  # fmt: skip
    incomes = [{"kind": line.kind, "description": line.description, "amount": line.amount}
               for line in funding_request.income_lines.all()]  # fmt: skip
    return (
        FinanceForm(data, initial={"version": funding_request.version, "requested_amount": funding_request.requested_amount}),
        CostFormSet(data, initial=costs, prefix="costs"),
        IncomeFormSet(data, initial=incomes, prefix="incomes"),
    )


def _summary_of_forms(funding_request, finance_form, costs, incomes):
    """The finance summary of what was typed; rows that cannot be read yet are left out."""
    finance_form.is_valid()
    return summarise(
        costs=[amount for (amount,) in costs.rows("amount")],
        incomes=incomes.rows("kind", "amount"),
        requested=finance_form.cleaned_data.get("requested_amount"),
        programme=funding_request.programme,
    )


FIELD_ANCHORS = {"costs": "costs-heading", "balance": "total-balance", "own_share": "total-own_share",
                 "volunteer_work": "total-volunteer_work"}  # fmt: skip


def _missing_with_links(funding_request):
    """What stops submission, each with the address of the field in its step."""
    return [
        (reverse("applications:edit_step", args=[funding_request.organisation_id, funding_request.pk, step])
         + "#" + FIELD_ANCHORS.get(field, f"id_{field}"), message)
        for step, field, message in services.missing_for_submission(funding_request)
    ]  # fmt: skip


def _report_rows(form, prefix, planned):
    """(label, planned amount, bound field) per cost category or kind of income."""
    kinds = CostCategory.choices if prefix == "cost" else IncomeKind.choices
    return [(label, planned.get(value), form[f"{prefix}_{value}"]) for value, label in kinds]


def _render_detail(request, membership, funding_request, *, comment_form=None, withdraw_form=None):
    prefetch_related_objects([funding_request], "cost_lines", "income_lines", "attachments")
    return render(request, "applications/funding/detail.html", {
        "membership": membership, "organisation": membership.organisation, "funding_request": funding_request,
        "summary": services.finance_summary(funding_request), "timeline": funding_request_timeline(funding_request),
        "progress": _progress(funding_request),
        "comment_form": comment_form or CommentForm(), "withdraw_form": withdraw_form or WithdrawForm(),
    })  # fmt: skip


def _progress(funding_request):
    """The main path (draft → … → closed) as (label, status) with status "done", "current" or "next".

    A request off the path is shown where it left it: "changes requested" in place of the review; a rejected
    request ends after the review, a withdrawn one after the draft or, once submitted, after the submission."""
    path = main_path(FundingRequest, start=FundingState.DRAFT, end=FundingState.CLOSED)
    labels = dict(FundingState.choices)
    state = funding_request.state
    if state in path or state == FundingState.CHANGES_REQUESTED:
        current = path.index(FundingState.IN_REVIEW if state == FundingState.CHANGES_REQUESTED else state)
        steps = [(labels[s], "done" if i < current else "current" if i == current else "next") for i, s in enumerate(path)]
        if state == FundingState.CHANGES_REQUESTED:
            steps[current] = (labels[FundingState.CHANGES_REQUESTED], "current")
        return steps
    if state == FundingState.REJECTED:
        last = FundingState.IN_REVIEW
    else:
        last = FundingState.SUBMITTED if funding_request.submitted_at else FundingState.DRAFT
    return [(labels[s], "done") for s in path[: path.index(last) + 1]] + [(labels[state], "current")]
