"""The funding path through the services, end to end, as the issue's lifecycle describes it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import FundingRequest, FundingState
from tests.factories import FundingRequestFactory, ProgrammeFactory, complete_request
from workflows.models import TransitionLog
from workflows.services import funding as f


def test_full_funding_path_through_the_services(org_a, board_a, advisor, django_capture_on_commit_callbacks, mailoutbox):
    request = f.funding_request_create(organisation=org_a, programme=ProgrammeFactory(), actor=board_a, title="Fest")
    request = complete_request(request)
    with django_capture_on_commit_callbacks(execute=True):
        f.funding_request_submit(request=request, actor=board_a)
        f.funding_request_start_review(request=request, actor=advisor)
        f.funding_request_request_changes(request=request, actor=advisor, message="Bitte Kosten erläutern")
        f.funding_request_resubmit(request=request, actor=board_a)
        f.funding_request_approve(request=request, actor=advisor, amount=Decimal("700.00"), conditions="Logo")
        f.funding_request_start_project(request=request, actor=board_a)
        f.funding_request_mark_report_due(request=request, actor=advisor)
        f.usage_report_save(request=request, actor=board_a, narrative="Es war schön.", actual_costs={"rent": Decimal("990")},
                            actual_income={}, receipts=[])  # fmt: skip
        f.funding_request_submit_report(request=request, actor=board_a)
        f.funding_request_request_report_corrections(request=request, actor=advisor, message="Beleg fehlt")
        f.funding_request_submit_report(request=request, actor=board_a)
        f.funding_request_accept_report(request=request, actor=advisor)
    request = FundingRequest.objects.get(pk=request.pk)
    assert request.state == FundingState.CLOSED
    assert request.approved_amount == Decimal("700.00") and request.report_due_on is not None
    assert TransitionLog.objects.filter(object_id=request.pk, content_type__model="fundingrequest").count() == 12  # create + 11 transitions
    assert any(board_a.email in m.to for m in mailoutbox)


def test_member_cannot_submit_and_advisor_cannot_approve_a_draft(org_a, member_a, board_a, advisor):
    request = complete_request(FundingRequestFactory(organisation=org_a))
    with pytest.raises(PermissionDenied):
        f.funding_request_submit(request=request, actor=member_a)
    with pytest.raises(ValidationError):
        f.funding_request_approve(request=request, actor=advisor, amount=Decimal("100"))
    assert FundingRequest.objects.get(pk=request.pk).state == FundingState.DRAFT


def test_incomplete_request_lists_what_is_missing(org_a, board_a):
    request = FundingRequestFactory(organisation=org_a)
    with pytest.raises(ValidationError) as error:
        f.funding_request_submit(request=request, actor=board_a)
    assert len(error.value.messages) >= 5
