"""Every action in workflows/services/funding.py: who may do it, when it is refused and why, what it writes
(state, fields, log row) and what it leaves for after the commit (e-mails)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import Document, DocumentKind
from applications.models import (
    REPORT_DUE_AFTER_END_DAYS,
    CostLine,
    FundingRequest,
    FundingState,
    IncomeKind,
    IncomeLine,
    Programme,
    UsageReport,
)
from tests.factories import AdvisorFactory, FundingRequestFactory, ProgrammeFactory, complete_request
from workflows.models import TransitionLog
from workflows.services import Conflict
from workflows.services import funding as f

S = FundingState
D = Decimal
ACTORS = ["board_a", "member_a", "board_b", "advisor"]


# --- helpers ---------------------------------------------------------------------------------------------
def fresh(request):
    return FundingRequest.objects.get(pk=request.pk)


def logs(request):
    return TransitionLog.objects.filter(content_type__model="fundingrequest", object_id=request.pk)


def save_report(request, board, narrative="Das Fest hatte 90 Gäste."):
    return f.usage_report_save(request=request, actor=board, narrative=narrative, actual_costs={"rent": D("990.00")},
                               actual_income={"own_funds": D("290.00")},
                               receipts=[(date(2025, 6, 1), "Zeltverleih Hagen", "Zeltmiete", D("990.00"))])  # fmt: skip


# How to reach each state through the services, as the right people.
STEPS = {
    "submit": lambda r, board, advisor: f.funding_request_submit(request=r, actor=board),
    "start_review": lambda r, board, advisor: f.funding_request_start_review(request=r, actor=advisor),
    "request_changes": lambda r, board, advisor: f.funding_request_request_changes(request=r, actor=advisor,
                                                                                   message="Bitte Kosten erläutern"),
    "resubmit": lambda r, board, advisor: f.funding_request_resubmit(request=r, actor=board),
    "approve": lambda r, board, advisor: f.funding_request_approve(request=r, actor=advisor, amount=D("700.00")),
    "reject": lambda r, board, advisor: f.funding_request_reject(request=r, actor=advisor, reason="Budget erschöpft"),
    "withdraw": lambda r, board, advisor: f.funding_request_withdraw(request=r, actor=board, reason="Termin fällt aus"),
    "start_project": lambda r, board, advisor: f.funding_request_start_project(request=r, actor=board),
    "mark_report_due": lambda r, board, advisor: f.funding_request_mark_report_due(request=r, actor=advisor),
    "save_report": lambda r, board, advisor: save_report(r, board),
    "submit_report": lambda r, board, advisor: f.funding_request_submit_report(request=r, actor=board),
    "accept_report": lambda r, board, advisor: f.funding_request_accept_report(request=r, actor=advisor),
}
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.IN_REVIEW: ["submit", "start_review"],
    S.CHANGES_REQUESTED: ["submit", "start_review", "request_changes"],
    S.APPROVED: ["submit", "start_review", "approve"],
    S.REJECTED: ["submit", "start_review", "reject"],
    S.WITHDRAWN: ["submit", "withdraw"],
    S.IN_PROGRESS: ["submit", "start_review", "approve", "start_project"],
    S.REPORT_DUE: ["submit", "start_review", "approve", "start_project", "mark_report_due"],
    S.REPORT_SUBMITTED: ["submit", "start_review", "approve", "start_project", "mark_report_due", "save_report",
                         "submit_report"],  # fmt: skip
    S.CLOSED: ["submit", "start_review", "approve", "start_project", "mark_report_due", "save_report",
               "submit_report", "accept_report"],  # fmt: skip
}


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def request_in(org_a, board_a, advisor, programme):
    """request_in(state): a complete request of org A (1,000 € costs, 800 € requested), brought to `state`."""

    def make(state, **plan):
        request = f.funding_request_create(organisation=org_a, programme=programme, actor=board_a, title="Sommerfest")
        request = complete_request(request, **plan)
        for step in PATHS[state]:
            STEPS[step](request, board_a, advisor)
        request = fresh(request)
        assert request.state == state
        return request

    return make


def make_document(organisation, kind=DocumentKind.STATUTES):
    return Document.objects.create(organisation=organisation, kind=kind, title="Satzung",
                                   file=f"documents/{organisation.pk}/0123456789abcdef", original_name="Satzung.pdf",
                                   content_type="application/pdf", size=1234)  # fmt: skip


# --- who may do what ----------------------------------------------------------------------------------------
# action → (state in which it is possible, who may do it, the call, the state afterwards)
ACTIONS = {
    "share_for_advice": (S.DRAFT, {"board_a", "member_a"},
                         lambda r, a: f.funding_request_share_for_advice(request=r, actor=a), S.DRAFT),
    "update": (S.DRAFT, {"board_a", "member_a"},
               lambda r, a: f.funding_request_update(request=r, actor=a, data={"goals": "Neu"}, based_on_version=r.version),
               S.DRAFT),
    "set_finance_plan": (S.CHANGES_REQUESTED, {"board_a", "member_a"},
                         lambda r, a: f.funding_request_set_finance_plan(
                             request=r, actor=a, costs=[("rent", "Saal", D("500"))], incomes=[("own_funds", "Kasse", D("100"))],
                             requested_amount=D("400"), based_on_version=r.version),
                         S.CHANGES_REQUESTED),
    "set_attachments": (S.DRAFT, {"board_a", "member_a"},
                        lambda r, a: f.funding_request_set_attachments(request=r, actor=a, documents=[],
                                                                       based_on_version=r.version),
                        S.DRAFT),
    "submit": (S.DRAFT, {"board_a"}, lambda r, a: f.funding_request_submit(request=r, actor=a), S.SUBMITTED),
    "start_review": (S.SUBMITTED, {"advisor"}, lambda r, a: f.funding_request_start_review(request=r, actor=a),
                     S.IN_REVIEW),
    "request_changes": (S.IN_REVIEW, {"advisor"},
                        lambda r, a: f.funding_request_request_changes(request=r, actor=a, message="Bitte ergänzen"),
                        S.CHANGES_REQUESTED),
    "resubmit": (S.CHANGES_REQUESTED, {"board_a"}, lambda r, a: f.funding_request_resubmit(request=r, actor=a),
                 S.IN_REVIEW),
    "approve": (S.IN_REVIEW, {"advisor"}, lambda r, a: f.funding_request_approve(request=r, actor=a, amount=D("800")),
                S.APPROVED),
    "reject": (S.IN_REVIEW, {"advisor"}, lambda r, a: f.funding_request_reject(request=r, actor=a, reason="Kein Bezug"),
               S.REJECTED),
    "withdraw": (S.IN_REVIEW, {"board_a"}, lambda r, a: f.funding_request_withdraw(request=r, actor=a, reason="Abgesagt"),
                 S.WITHDRAWN),
    "start_project": (S.APPROVED, {"board_a"}, lambda r, a: f.funding_request_start_project(request=r, actor=a),
                      S.IN_PROGRESS),
    "mark_report_due": (S.IN_PROGRESS, {"advisor"}, lambda r, a: f.funding_request_mark_report_due(request=r, actor=a),
                        S.REPORT_DUE),
    "usage_report_save": (S.REPORT_DUE, {"board_a"}, lambda r, a: save_report(r, a), S.REPORT_DUE),
    "submit_report": (S.REPORT_DUE, {"board_a"}, lambda r, a: f.funding_request_submit_report(request=r, actor=a),
                      S.REPORT_SUBMITTED),
    "accept_report": (S.REPORT_SUBMITTED, {"advisor"}, lambda r, a: f.funding_request_accept_report(request=r, actor=a),
                      S.CLOSED),
    "request_report_corrections": (S.REPORT_SUBMITTED, {"advisor"},
                                   lambda r, a: f.funding_request_request_report_corrections(request=r, actor=a,
                                                                                             message="Beleg fehlt"),
                                   S.REPORT_DUE),
    "assign": (S.SUBMITTED, {"advisor"}, lambda r, a: f.funding_request_assign(request=r, actor=a, assignee=a),
               S.SUBMITTED),
}  # fmt: skip


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_is_open_only_to_the_people_it_belongs_to(action, actor_name, request_in, request, board_a):
    state, allowed, call, target = ACTIONS[action]
    funding_request = request_in(state)
    if action == "submit_report":
        save_report(funding_request, board_a)
    actor = request.getfixturevalue(actor_name)
    rows_before = logs(funding_request).count()
    version_before = funding_request.version
    if actor_name in allowed:
        call(funding_request, actor)
        assert fresh(funding_request).state == target
    else:
        with pytest.raises(PermissionDenied):
            call(funding_request, actor)
        after = fresh(funding_request)
        assert (after.state, after.version, after.assignee) == (state, version_before, None)
        assert logs(funding_request).count() == rows_before


@pytest.mark.parametrize("actor_name,allowed", [("board_a", True), ("member_a", True), ("board_b", False),
                                                ("advisor", False)])  # fmt: skip
def test_only_members_can_start_a_draft_and_it_is_logged(org_a, programme, request, actor_name, allowed):
    actor = request.getfixturevalue(actor_name)
    if not allowed:
        with pytest.raises(PermissionDenied):
            f.funding_request_create(organisation=org_a, programme=programme, actor=actor, title="Fest")
        assert not FundingRequest.objects.exists() and not TransitionLog.objects.exists()
        return
    funding_request = f.funding_request_create(organisation=org_a, programme=programme, actor=actor, title="Fest")
    assert (funding_request.state, funding_request.created_by, funding_request.organisation) == (S.DRAFT, actor, org_a)
    (row,) = logs(funding_request)
    assert (row.transition, row.source, row.target, row.actor) == ("create", "", S.DRAFT, actor)


def test_a_draft_cannot_be_started_when_the_call_is_closed(org_a, board_a):
    closed = ProgrammeFactory(call_opens=date(2020, 1, 1), call_closes=date(2020, 3, 31))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_create(organisation=org_a, programme=closed, actor=board_a, title="Fest")
    assert "01/01/2020" in error.value.messages[0] and "03/31/2020" in error.value.messages[0]
    assert not FundingRequest.objects.exists()


def test_members_of_other_organisations_learn_nothing_about_the_state(request_in, board_b):
    """They get the same refusal whether or not the action would be possible now."""
    draft = request_in(S.DRAFT)
    calls = [f.funding_request_start_review, f.funding_request_mark_report_due, f.funding_request_accept_report,
             f.funding_request_start_project, f.funding_request_submit_report]  # fmt: skip
    for call in calls:
        with pytest.raises(PermissionDenied):
            call(request=draft, actor=board_b)
    with pytest.raises(PermissionDenied):
        f.funding_request_approve(request=draft, actor=board_b, amount=D("999999"))
    for call in (f.funding_request_reject, f.funding_request_withdraw):
        with pytest.raises(PermissionDenied):
            call(request=draft, actor=board_b, reason="")
    for call in (f.funding_request_request_changes, f.funding_request_request_report_corrections):
        with pytest.raises(PermissionDenied):
            call(request=draft, actor=board_b, message="")


# --- illegal actions: refused with a reason in the person's language -------------------------------------------
def illegal(call, **kwargs):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value


def test_advisor_cannot_approve_a_draft(request_in, advisor):
    draft = request_in(S.DRAFT)
    error = illegal(f.funding_request_approve, request=draft, actor=advisor, amount=D("100"))
    assert error.messages == ["This is not possible while the state is “draft”."]
    assert error.code == "illegal_transition"
    assert fresh(draft).state == S.DRAFT and fresh(draft).approved_amount is None


def test_board_cannot_resubmit_an_approved_request(request_in, board_a):
    approved = request_in(S.APPROVED)
    error = illegal(f.funding_request_resubmit, request=approved, actor=board_a)
    assert error.messages == ["This is not possible while the state is “approved”."]
    assert fresh(approved).state == S.APPROVED


def test_the_reason_is_given_in_the_active_language(request_in, advisor):
    submitted = request_in(S.SUBMITTED)
    with translation.override("de"), pytest.raises(ValidationError) as german:
        f.funding_request_approve(request=submitted, actor=advisor, amount=D("100"))
    with translation.override("en"), pytest.raises(ValidationError) as english:
        f.funding_request_approve(request=submitted, actor=advisor, amount=D("100"))
    with translation.override("de"):
        label_de = str(S.SUBMITTED.label)
    assert english.value.messages == ["This is not possible while the state is “submitted”."]
    assert label_de in german.value.messages[0] and german.value.messages != english.value.messages


def test_member_cannot_submit_but_learns_what_a_board_member_must_do(request_in, member_a):
    draft = request_in(S.DRAFT)
    with translation.override("en"), pytest.raises(PermissionDenied) as error:
        f.funding_request_submit(request=draft, actor=member_a)
    assert str(error.value) == "Only board members can do this."
    assert fresh(draft).state == S.DRAFT and logs(draft).count() == 1


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.CLOSED])
def test_nothing_can_be_edited_outside_draft_and_changes_requested(request_in, board_a, state):
    funding_request = request_in(state)
    edits = [
        lambda: f.funding_request_update(request=funding_request, actor=board_a, data={"goals": "Neu"},
                                         based_on_version=funding_request.version),
        lambda: f.funding_request_set_finance_plan(request=funding_request, actor=board_a, costs=[], incomes=[],
                                                   requested_amount=D("0"), based_on_version=funding_request.version),
        lambda: f.funding_request_set_attachments(request=funding_request, actor=board_a, documents=[],
                                                  based_on_version=funding_request.version),
    ]  # fmt: skip
    for edit in edits:
        with translation.override("en"):
            with pytest.raises(ValidationError) as error:
                edit()
            assert f"it is “{state.label}”" in error.value.messages[0]
    after = fresh(funding_request)
    assert (after.goals, after.version, after.requested_amount) == ("Begegnung im Stadtteil", funding_request.version,
                                                                     D("800.00"))  # fmt: skip
    assert after.cost_lines.count() == 1


def test_changes_requested_can_be_edited_and_resubmitted(request_in, board_a, advisor):
    funding_request = request_in(S.CHANGES_REQUESTED)
    funding_request = f.funding_request_update(request=funding_request, actor=board_a, data={"goals": "Genauer"},
                                               based_on_version=funding_request.version)  # fmt: skip
    assert funding_request.goals == "Genauer" and funding_request.version == 1
    f.funding_request_resubmit(request=funding_request, actor=board_a, message="Kosten erläutert")
    assert fresh(funding_request).state == S.IN_REVIEW
    assert logs(funding_request).last().message == "Kosten erläutert"


def test_resubmission_is_checked_for_completeness_again(request_in, board_a):
    funding_request = request_in(S.CHANGES_REQUESTED)
    funding_request = f.funding_request_set_finance_plan(
        request=funding_request, actor=board_a, costs=[("rent", "Saal", D("1000"))], incomes=[],
        requested_amount=D("1000"), based_on_version=funding_request.version)  # fmt: skip
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_resubmit(request=funding_request, actor=board_a)
    assert {item.code for item in error.value.error_list} == {"incomplete"}
    assert error.value.messages == [
        "The programme funds at most 80 % of the costs; your request is 100 %.",
        "Your own share (own funds and volunteer work) must be at least 20 % of the costs; it is 0 %.",
    ]
    assert fresh(funding_request).state == S.CHANGES_REQUESTED


def test_update_cannot_write_the_state_or_the_decision(request_in, board_a):
    draft = request_in(S.DRAFT)
    for data in ({"state": S.APPROVED}, {"approved_amount": D("800")}, {"version": 7}, {"goals": "x", "organisation_id": 9}):
        with pytest.raises(ValueError):
            f.funding_request_update(request=draft, actor=board_a, data=data, based_on_version=0)
    after = fresh(draft)
    assert (after.state, after.approved_amount, after.version, after.goals) == (S.DRAFT, None, 0, "Begegnung im Stadtteil")


def test_required_documents_must_be_attached_before_submission(org_a, board_a):
    programme = ProgrammeFactory(required_documents=[DocumentKind.STATUTES])
    draft = complete_request(f.funding_request_create(organisation=org_a, programme=programme, actor=board_a, title="Fest"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_submit(request=draft, actor=board_a)
    assert error.value.messages == ["Please attach: statutes (Satzung)."]
    draft = f.funding_request_set_attachments(request=draft, actor=board_a, documents=[make_document(org_a)],
                                              based_on_version=draft.version)  # fmt: skip
    f.funding_request_submit(request=draft, actor=board_a)
    assert fresh(draft).state == S.SUBMITTED and fresh(draft).submitted_at is not None


# --- withdrawal -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED])
def test_board_can_withdraw_an_undecided_request_with_a_reason(request_in, board_a, state):
    funding_request = request_in(state)
    f.funding_request_withdraw(request=funding_request, actor=board_a, reason="Der Saal ist nicht frei")
    after = fresh(funding_request)
    assert (after.state, after.decision_reason) == (S.WITHDRAWN, "Der Saal ist nicht frei")
    row = logs(funding_request).last()
    assert (row.transition, row.source, row.target, row.actor, row.message) == (
        "withdraw", state, S.WITHDRAWN, board_a, "Der Saal ist nicht frei")  # fmt: skip


@pytest.mark.parametrize("state", [S.APPROVED, S.REJECTED, S.WITHDRAWN, S.IN_PROGRESS, S.CLOSED])
def test_a_decided_request_cannot_be_withdrawn(request_in, board_a, state):
    funding_request = request_in(state)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_withdraw(request=funding_request, actor=board_a, reason="zu spät")
    assert error.value.code == "illegal_transition"
    assert fresh(funding_request).state == state


def test_withdrawal_needs_a_reason(request_in, board_a):
    funding_request = request_in(S.SUBMITTED)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_withdraw(request=funding_request, actor=board_a, reason="   ")
    assert error.value.message_dict == {"message": ["Please tell the KI why you withdraw the request."]}
    assert fresh(funding_request).state == S.SUBMITTED


# --- review and decision ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,kwargs", [(f.funding_request_request_changes, {"message": ""}),
                                         (f.funding_request_reject, {"reason": " "})])  # fmt: skip
def test_changes_and_rejections_need_a_text(request_in, advisor, call, kwargs):
    funding_request = request_in(S.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        call(request=funding_request, actor=advisor, **kwargs)
    assert list(error.value.message_dict) == ["message"]
    assert fresh(funding_request).state == S.IN_REVIEW


def test_rejection_keeps_the_reason_and_the_time(request_in, advisor):
    funding_request = request_in(S.IN_REVIEW)
    f.funding_request_reject(request=funding_request, actor=advisor, reason="Nicht förderfähig")
    after = fresh(funding_request)
    assert (after.state, after.decision_reason, after.approved_amount) == (S.REJECTED, "Nicht förderfähig", None)
    assert after.decided_at is not None and logs(funding_request).last().message == "Nicht förderfähig"


def test_partial_approval_sets_amount_conditions_period_and_report_deadline(request_in, advisor):
    funding_request = request_in(S.IN_REVIEW)
    start, end = date(2030, 5, 1), date(2030, 9, 30)
    f.funding_request_approve(request=funding_request, actor=advisor, amount="650.50", conditions="Logo des Landes zeigen",
                              approved_from=start, approved_until=end)  # fmt: skip
    after = fresh(funding_request)
    assert after.state == S.APPROVED and after.approved_amount == D("650.50")
    assert (after.conditions, after.approved_from, after.approved_until) == ("Logo des Landes zeigen", start, end)
    assert after.report_due_on == end + timedelta(days=REPORT_DUE_AFTER_END_DAYS) and after.decided_at is not None
    assert logs(funding_request).last().message == "Logo des Landes zeigen"


def test_approval_period_defaults_to_the_project_period(request_in, advisor):
    funding_request = request_in(S.IN_REVIEW)
    f.funding_request_approve(request=funding_request, actor=advisor, amount=D("800.00"))
    after = fresh(funding_request)
    assert (after.approved_from, after.approved_until) == (funding_request.starts_on, funding_request.ends_on)
    assert after.report_due_on == funding_request.ends_on + timedelta(days=REPORT_DUE_AFTER_END_DAYS)


@pytest.mark.parametrize("amount,message", [
    ("800.01", "The approved amount (800.01 €) cannot exceed the requested grant (800.00 €)."),
    ("0", "Please enter an amount above 0 €."),
    ("-5", "Please enter an amount above 0 €."),
])  # fmt: skip
def test_approval_must_be_positive_and_at_most_the_requested_grant(request_in, advisor, amount, message):
    funding_request = request_in(S.IN_REVIEW)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_approve(request=funding_request, actor=advisor, amount=amount)
    assert error.value.message_dict == {"amount": [message]}
    assert fresh(funding_request).state == S.IN_REVIEW and fresh(funding_request).approved_amount is None


def test_approval_period_cannot_end_before_it_starts(request_in, advisor):
    funding_request = request_in(S.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        f.funding_request_approve(request=funding_request, actor=advisor, amount="100", approved_from=date(2030, 5, 2),
                                  approved_until=date(2030, 5, 1))  # fmt: skip
    assert list(error.value.message_dict) == ["approved_until"]


def test_approval_beyond_the_remaining_budget_is_refused_with_the_numbers(request_in, advisor, programme):
    programme.yearly_budget = D("1000.00")
    programme.save()
    first, second = request_in(S.IN_REVIEW), request_in(S.IN_REVIEW)
    f.funding_request_approve(request=first, actor=advisor, amount=D("600.00"))
    assert f.committed_budget(programme) == D("600.00")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_approve(request=second, actor=advisor, amount=D("400.01"))
    assert error.value.message_dict == {"amount": [
        "The programme's remaining budget is 400.00 € (of 1,000.00 €); 400.01 € cannot be approved."]}  # fmt: skip
    assert fresh(second).state == S.IN_REVIEW
    f.funding_request_approve(request=second, actor=advisor, amount=D("400.00"))
    assert f.committed_budget(programme) == D("1000.00")


def test_only_approved_and_later_requests_use_the_budget(request_in, programme):
    for state in (S.DRAFT, S.IN_REVIEW, S.REJECTED, S.WITHDRAWN):
        request_in(state)
    assert f.committed_budget(programme) == D("0.00")
    for state in (S.APPROVED, S.IN_PROGRESS, S.CLOSED):
        request_in(state)
    assert f.committed_budget(programme) == D("2100.00")  # 3 × 700


def test_own_board_cannot_approve_and_does_not_learn_the_budget(request_in, board_a, programme):
    programme.yearly_budget = D("100.00")
    programme.save()
    funding_request = request_in(S.IN_REVIEW)
    for amount in ("800.00", "900.00", "0"):  # beyond the budget, beyond the request, not positive
        with pytest.raises(PermissionDenied):
            f.funding_request_approve(request=funding_request, actor=board_a, amount=amount)
    assert fresh(funding_request).state == S.IN_REVIEW


# --- project and usage report ------------------------------------------------------------------------------------------
def test_usage_report_flow_with_corrections(request_in, board_a, member_a, advisor):
    funding_request = request_in(S.REPORT_DUE)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_submit_report(request=funding_request, actor=board_a)
    assert error.value.messages == ["Please write the narrative report before submitting the usage report."]
    with pytest.raises(PermissionDenied):
        save_report(funding_request, member_a)
    with pytest.raises(PermissionDenied):
        save_report(funding_request, advisor)
    report = save_report(funding_request, board_a, narrative="   ")
    with pytest.raises(ValidationError):
        f.funding_request_submit_report(request=funding_request, actor=board_a)
    report = save_report(funding_request, board_a)
    assert report.actual_costs == {"rent": "990.00"} and report.receipts.get().amount == D("990.00")
    f.funding_request_submit_report(request=funding_request, actor=board_a)
    assert fresh(funding_request).state == S.REPORT_SUBMITTED
    with translation.override("en"), pytest.raises(ValidationError) as error:
        save_report(funding_request, board_a, narrative="nachträglich geändert")
    assert error.value.messages == ["The usage report can be edited only while it is due."]
    with pytest.raises(ValidationError):
        f.funding_request_request_report_corrections(request=funding_request, actor=advisor, message="")
    f.funding_request_request_report_corrections(request=funding_request, actor=advisor, message="Beleg fehlt")
    assert fresh(funding_request).state == S.REPORT_DUE
    f.usage_report_save(request=funding_request, actor=board_a, narrative="Mit allen Belegen.", actual_costs={},
                        actual_income={}, receipts=[(date(2025, 6, 1), "A", "Zelt", D("500")),
                                                    (date(2025, 6, 2), "B", "Essen", D("490"))])  # fmt: skip
    report = UsageReport.objects.get(request=funding_request)
    assert report.narrative == "Mit allen Belegen." and report.receipts.count() == 2
    f.funding_request_submit_report(request=funding_request, actor=board_a)
    f.funding_request_accept_report(request=funding_request, actor=advisor)
    assert fresh(funding_request).state == S.CLOSED
    assert [row.transition for row in logs(funding_request)][-4:] == [
        "submit_report", "request_report_corrections", "submit_report", "accept_report"]  # fmt: skip


def test_a_report_form_opened_while_due_cannot_change_the_submitted_report(request_in, board_a):
    funding_request = request_in(S.REPORT_DUE)
    save_report(funding_request, board_a, narrative="Erste Fassung")
    opened = fresh(funding_request)  # the form is loaded while the report is due ...
    f.funding_request_submit_report(request=funding_request, actor=board_a)  # ... and submitted in another tab
    with pytest.raises(ValidationError):
        save_report(opened, board_a, narrative="Zweite Fassung")
    assert UsageReport.objects.get(request=funding_request).narrative == "Erste Fassung"


@pytest.mark.parametrize("state", [S.APPROVED, S.IN_PROGRESS, S.CLOSED])
def test_the_report_cannot_be_written_when_it_is_not_due(request_in, board_a, state):
    funding_request = request_in(state)
    before = list(UsageReport.objects.filter(request=funding_request).values_list("narrative", flat=True))
    with pytest.raises(ValidationError):
        save_report(funding_request, board_a, narrative="Neue Fassung")
    assert list(UsageReport.objects.filter(request=funding_request).values_list("narrative", flat=True)) == before


# --- assignment -------------------------------------------------------------------------------------------------------
def test_requests_are_assigned_only_by_and_to_advisors(request_in, advisor, board_a):
    funding_request = request_in(S.SUBMITTED)
    colleague = AdvisorFactory()
    f.funding_request_assign(request=funding_request, actor=advisor, assignee=colleague)
    assert fresh(funding_request).assignee == colleague
    with pytest.raises(PermissionDenied):
        f.funding_request_assign(request=funding_request, actor=advisor, assignee=board_a)
    with pytest.raises(PermissionDenied):
        f.funding_request_assign(request=funding_request, actor=board_a, assignee=advisor)
    colleague.is_active = False
    colleague.save()
    with pytest.raises(PermissionDenied):
        f.funding_request_assign(request=funding_request, actor=advisor, assignee=colleague)
    f.funding_request_assign(request=funding_request, actor=advisor, assignee=None)
    assert fresh(funding_request).assignee is None


def test_assigning_works_on_a_page_loaded_before_the_state_changed(request_in, advisor):
    funding_request = request_in(S.SUBMITTED)
    loaded = fresh(funding_request)
    f.funding_request_start_review(request=funding_request, actor=advisor)
    f.funding_request_assign(request=loaded, actor=advisor, assignee=advisor)
    after = fresh(funding_request)
    assert (after.state, after.assignee) == (S.IN_REVIEW, advisor)


# --- sharing a draft for advice ------------------------------------------------------------------------------------------
def test_sharing_for_advice_keeps_the_draft_and_is_logged(request_in, member_a):
    draft = request_in(S.DRAFT)
    f.funding_request_share_for_advice(request=draft, actor=member_a)
    after = fresh(draft)
    assert after.state == S.DRAFT and after.shared_for_advice_at is not None
    row = logs(draft).last()
    assert (row.transition, row.source, row.target, row.actor) == ("share_for_advice", S.DRAFT, S.DRAFT, member_a)


@pytest.mark.parametrize("state", [S.SUBMITTED, S.CHANGES_REQUESTED, S.WITHDRAWN])
def test_only_a_draft_can_be_shared_for_advice(request_in, board_a, state):
    funding_request = request_in(state)
    rows = logs(funding_request).count()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        f.funding_request_share_for_advice(request=funding_request, actor=board_a)
    assert error.value.messages == ["Only a draft can be shared for advice."]
    assert fresh(funding_request).shared_for_advice_at is None and logs(funding_request).count() == rows


def test_sharing_a_draft_that_was_submitted_meanwhile_is_refused_not_crashed(request_in, board_a, member_a):
    draft = request_in(S.DRAFT)
    loaded = fresh(draft)
    f.funding_request_submit(request=draft, actor=board_a)
    with pytest.raises(ValidationError):
        f.funding_request_share_for_advice(request=loaded, actor=member_a)
    assert fresh(draft).state == S.SUBMITTED and fresh(draft).shared_for_advice_at is None


# --- optimistic locking of edits ---------------------------------------------------------------------------------------------
def test_an_edit_based_on_an_old_version_is_refused_and_overwrites_nothing(request_in, board_a, member_a):
    draft = request_in(S.DRAFT)
    first = f.funding_request_update(request=draft, actor=board_a, data={"place": "Stadthalle"}, based_on_version=0)
    assert (first.place, first.version) == ("Stadthalle", 1)
    with translation.override("en"), pytest.raises(Conflict) as error:
        f.funding_request_update(request=draft, actor=member_a, data={"place": "Volkspark"}, based_on_version=0)
    assert error.value.code == "conflict" and "Someone else changed this request" in error.value.messages[0]
    assert (fresh(draft).place, fresh(draft).version) == ("Stadthalle", 1)
    with pytest.raises(Conflict):
        f.funding_request_set_finance_plan(request=draft, actor=member_a, costs=[], incomes=[], requested_amount=D("1"),
                                           based_on_version=0)  # fmt: skip
    assert fresh(draft).cost_lines.count() == 1 and fresh(draft).requested_amount == D("800.00")
    f.funding_request_update(request=draft, actor=member_a, data={"place": "Volkspark"}, based_on_version=1)
    assert (fresh(draft).place, fresh(draft).version) == ("Volkspark", 2)


def test_finance_plan_is_replaced_as_a_whole(request_in, board_a):
    draft = request_in(S.DRAFT)
    draft = f.funding_request_set_finance_plan(
        request=draft, actor=board_a, costs=[("rent", "Saal", D("600")), ("fees", "Trainerin", D("400"))],
        incomes=[(IncomeKind.OWN_FUNDS, "Kasse", D("150")), (IncomeKind.VOLUNTEER_WORK, "10 h", D("100"))],
        requested_amount=D("750"), based_on_version=draft.version)  # fmt: skip
    assert sorted(CostLine.objects.filter(request=draft).values_list("amount", flat=True)) == [D("400"), D("600")]
    assert IncomeLine.objects.filter(request=draft).count() == 2 and draft.requested_amount == D("750.00")
    assert f.finance_summary(draft).is_valid and draft.version == 1


# --- attachments ------------------------------------------------------------------------------------------------------------
def test_documents_of_another_organisation_cannot_be_attached(request_in, board_a, org_a, org_b):
    draft = request_in(S.DRAFT)
    own, foreign = make_document(org_a), make_document(org_b)
    with translation.override("en"), pytest.raises(PermissionDenied) as error:
        f.funding_request_set_attachments(request=draft, actor=board_a, documents=[own, foreign], based_on_version=0)
    assert str(error.value) == "Only documents of your own organisation can be attached."
    assert not fresh(draft).attachments.exists() and fresh(draft).version == 0
    draft = f.funding_request_set_attachments(request=draft, actor=board_a, documents=[own], based_on_version=0)
    assert list(draft.attachments.all()) == [own] and draft.version == 1


# --- effects after commit ----------------------------------------------------------------------------------------------------
def test_no_email_leaves_before_the_commit_and_the_board_hears_of_the_advisors_action(
    request_in, advisor, board_a, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    funding_request = request_in(S.SUBMITTED)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        f.funding_request_start_review(request=funding_request, actor=advisor)
    assert mailoutbox == [] and len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert [message.to for message in mailoutbox] == [[board_a.email]]  # the board, not the plain member
    assert member_a.email not in mailoutbox[0].to


def test_the_advisors_hear_of_the_boards_action_after_commit(
    request_in, advisor, board_a, mailoutbox, django_capture_on_commit_callbacks
):
    funding_request = request_in(S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        f.funding_request_submit(request=funding_request, actor=board_a)
    assert len(callbacks) >= 1
    assert [message.to for message in mailoutbox] == [[advisor.email]]


def test_a_refused_action_leaves_no_effect_behind(request_in, advisor, mailoutbox, django_capture_on_commit_callbacks):
    funding_request = request_in(S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        f.funding_request_approve(request=funding_request, actor=advisor, amount=D("100"))
    assert callbacks == [] and mailoutbox == []



def test_a_draft_cannot_be_submitted_after_the_call_closed(org_a, board_a):
    from django.utils import timezone

    request = complete_request(FundingRequestFactory(organisation=org_a))
    Programme.objects.filter(pk=request.programme_id).update(call_closes=timezone.localdate() - timedelta(days=1))
    request = FundingRequest.objects.select_related("programme").get(pk=request.pk)
    with translation.override("en"), pytest.raises(ValidationError, match="closed on"):
        f.funding_request_submit(request=request, actor=board_a)
    assert FundingRequest.objects.get(pk=request.pk).state == FundingState.DRAFT


def test_completeness_is_checked_on_the_stored_request_not_a_stale_copy(org_a, board_a):
    request = complete_request(FundingRequestFactory(organisation=org_a))
    FundingRequest.objects.filter(pk=request.pk).update(information_true=False)  # changed by someone else
    with pytest.raises(ValidationError):
        f.funding_request_submit(request=request, actor=board_a)


def test_budget_committed_counts_only_this_years_approvals(org_a, board_a, advisor):
    from django.utils import timezone

    programme = ProgrammeFactory(yearly_budget=Decimal("1000.00"))
    old = complete_request(FundingRequestFactory(organisation=org_a, programme=programme))
    f.funding_request_submit(request=old, actor=board_a)
    f.funding_request_start_review(request=old, actor=advisor)
    f.funding_request_approve(request=old, actor=advisor, amount=Decimal("800.00"))
    FundingRequest.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=400))
    assert f.committed_budget(programme) == Decimal("0.00")
    assert f.committed_budget(programme, year=(timezone.now() - timedelta(days=400)).year) == Decimal("800.00")


def test_only_members_and_advisors_may_comment(org_a, board_b, member_a, advisor):
    from workflows.services import comment_add

    request = FundingRequestFactory(organisation=org_a)
    with pytest.raises(PermissionDenied):
        comment_add(subject=request, author=board_b, body="Hallo")
    assert comment_add(subject=request, author=member_a, body="Frage").internal is False
    assert comment_add(subject=request, author=advisor, body="Notiz", internal=True).internal is True
