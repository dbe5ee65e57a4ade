"""Two people acting at the same moment, on real PostgreSQL: two threads, each with its own connection.

Each thread loads what it acts on, waits at a barrier until the other has loaded too, then calls the service.
SQLite serialises whole-database writes and has no SELECT ... FOR UPDATE, so these tests need PostgreSQL: they
skip on other databases unless REQUIRE_SERVICES is set (CI), where that is a failure.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from applications.models import FundingRequest, FundingState
from tests.factories import AdvisorFactory, ProgrammeFactory, complete_request
from workflows.models import TransitionLog
from workflows.services import Conflict
from workflows.services import funding as f

pytestmark = pytest.mark.django_db(transaction=True)
S = FundingState


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor == "postgresql":
        return
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES is set but the database is {connection.vendor}, not PostgreSQL.")
    pytest.skip(f"Concurrency needs row locks and concurrent connections: PostgreSQL, not {connection.vendor}.")


def in_review(org, board, advisor, programme, *, requested=Decimal("800.00")):
    request = f.funding_request_create(organisation=org, programme=programme, actor=board, title="Sommerfest")
    request = complete_request(request, costs=Decimal("1000.00"), requested=requested)
    f.funding_request_submit(request=request, actor=board)
    f.funding_request_start_review(request=request, actor=advisor)
    return FundingRequest.objects.get(pk=request.pk)


def race(*calls):
    """Run each `call(barrier)` in its own thread with its own connection; return what each returned or raised."""
    barrier = threading.Barrier(len(calls), timeout=10)
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            outcomes[index] = ("ok", call(barrier))
        except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes


def decide(pk, action, actor):
    def call(barrier):
        request = FundingRequest.objects.get(pk=pk)  # loaded fresh, in this thread's connection
        barrier.wait()  # both have loaded the in_review request before either saves
        if action == "approve":
            return f.funding_request_approve(request=request, actor=actor, amount=Decimal("700.00"))
        return f.funding_request_reject(request=request, actor=actor, reason="Nicht förderfähig")

    return call


@pytest.mark.parametrize("first,second", [("approve", "reject"), ("approve", "approve"), ("reject", "reject")])
def test_two_advisors_deciding_at_once_yield_exactly_one_decision(org_a, board_a, advisor, first, second):
    colleague = AdvisorFactory()
    request = in_review(org_a, board_a, advisor, ProgrammeFactory())
    outcomes = race(decide(request.pk, first, advisor), decide(request.pk, second, colleague))
    succeeded = [value for kind, value in outcomes if kind == "ok"]
    failed = [value for kind, value in outcomes if kind == "error"]
    assert len(succeeded) == 1 and len(failed) == 1, outcomes
    assert isinstance(failed[0], Conflict), repr(failed[0])
    assert failed[0].code == "conflict"
    decisions = TransitionLog.objects.filter(content_type__model="fundingrequest", object_id=request.pk,
                                             transition__in=["approve", "reject"])  # fmt: skip
    (decision,) = decisions
    assert decision.pk == succeeded[0].pk
    request.refresh_from_db()
    assert request.state == decision.target
    assert (request.approved_amount is not None) == (decision.transition == "approve")


def test_two_approvals_racing_for_the_last_budget_commit_at_most_the_budget(org_a, board_a, advisor, monkeypatch):
    programme = ProgrammeFactory(yearly_budget=Decimal("1000.00"))
    first, second = (in_review(org_a, board_a, advisor, programme) for _ in range(2))
    colleague = AdvisorFactory()

    # Widen the window between reading the committed budget and saving the approval: without the lock on the
    # programme both approvals would read 0 € committed and both would pass.
    original = f.committed_budget

    def slow_committed_budget(programme):
        total = original(programme)
        time.sleep(0.3)
        return total

    monkeypatch.setattr(f, "committed_budget", slow_committed_budget)

    def approve(pk, actor):
        def call(barrier):
            request = FundingRequest.objects.get(pk=pk)
            barrier.wait()
            return f.funding_request_approve(request=request, actor=actor, amount=Decimal("800.00"))

        return call

    outcomes = race(approve(first.pk, advisor), approve(second.pk, colleague))
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["error", "ok"], outcomes
    (refusal,) = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(refusal, ValidationError) and not isinstance(refusal, Conflict), repr(refusal)
    assert list(refusal.message_dict) == ["amount"]
    assert "200" in refusal.message_dict["amount"][0]  # the remaining budget is named
    states = sorted(FundingRequest.objects.filter(programme=programme).values_list("state", flat=True))
    assert states == sorted([S.APPROVED, S.IN_REVIEW])
    assert original(programme) == Decimal("800.00") <= programme.yearly_budget
