"""`manage.py seed_volume`: volume data for measurements, reached through the real services."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import BOARD_ROLES, Membership, Organisation
from applications.models import CostLine, FundingRequest, FundingState, IncomeLine, Programme, TrainingRequest
from workflows.models import Comment, TransitionLog
from workflows.services.funding import committed_budget, finance_summary

ADVISOR_ACTIONS = {"start_review", "request_changes", "approve", "reject", "mark_report_due", "accept_report",
                   "request_report_corrections"}  # fmt: skip


def seed(*args):
    out = StringIO()
    call_command("seed_volume", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        output = seed("--orgs", "3", "--requests", "24", "--seed", "1")
    return {"output": output, "callbacks": callbacks, "mailoutbox": mailoutbox}


def test_small_run_creates_the_numbers_it_prints(seeded):
    assert Organisation.objects.count() == 3
    for organisation in Organisation.objects.all():
        assert organisation.memberships.filter(role__in=BOARD_ROLES).exists()
    assert FundingRequest.objects.count() == 24
    assert CostLine.objects.exists() and IncomeLine.objects.exists()
    assert TrainingRequest.objects.count() == 3
    assert Comment.objects.filter(internal=False).exists() and Comment.objects.filter(internal=True).exists()
    output = seeded["output"]
    assert "3 organisations with 6 people" in output and "24 funding requests" in output
    assert f"{TransitionLog.objects.filter(content_type__model='fundingrequest').count()} transition log rows" in output


def test_small_run_covers_every_funding_state(seeded):
    assert set(FundingRequest.objects.values_list("state", flat=True)) == set(FundingState)


def test_every_request_has_a_consistent_history_written_by_the_right_people(seeded):
    for request in FundingRequest.objects.all():
        rows = list(TransitionLog.objects.filter(content_type__model="fundingrequest", object_id=request.pk))
        assert rows[0].transition == "create" and rows[-1].target == request.state
        for before, after in zip(rows, rows[1:]):
            assert after.source == before.target, (request.state, [row.transition for row in rows])
            assert after.created_at >= before.created_at  # spread into the past, order kept
        board = set(Membership.objects.filter(organisation=request.organisation, role__in=BOARD_ROLES)
                    .values_list("user_id", flat=True))  # fmt: skip
        for row in rows:
            assert row.actor.is_advisor if row.transition in ADVISOR_ACTIONS else row.actor.memberships.filter(
                organisation=request.organisation).exists()  # fmt: skip
            if row.transition in ("submit", "resubmit", "withdraw", "start_project", "submit_report"):
                assert row.actor_id in board
        assert request.state_changed_at == rows[-1].created_at


def test_submitted_requests_have_plausible_finance_plans_and_the_budget_holds(seeded):
    for request in FundingRequest.objects.exclude(state=FundingState.DRAFT).exclude(submitted_at=None):
        assert finance_summary(request).is_valid, request.pk
        if request.approved_amount is not None:
            assert request.approved_amount <= request.requested_amount
    programmes = Programme.objects.all()
    assert len(programmes) == 2
    for programme in programmes:
        assert committed_budget(programme) <= programme.yearly_budget


def test_nobody_is_emailed_about_fictional_requests(seeded):
    assert seeded["callbacks"] == [] and seeded["mailoutbox"] == []
    assert "no e-mails were sent" in seeded["output"]


def test_runs_add_up_without_colliding(db):
    seed("--orgs", "1", "--requests", "2")
    seed("--orgs", "1", "--requests", "2")
    assert Organisation.objects.count() == 2 and FundingRequest.objects.count() == 4


def test_nonsense_numbers_are_refused(db):
    with pytest.raises(CommandError):
        seed("--orgs", "0")
