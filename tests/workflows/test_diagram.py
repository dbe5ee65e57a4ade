from applications.models import FundingRequest, FundingState, TrainingRequest
from workflows.diagram import edges, main_path, mermaid


def test_diagram_lists_every_transition_of_the_model():
    funding = {(e.action, e.source, e.target) for e in edges(FundingRequest)}
    assert ("approve", "in_review", "approved") in funding
    assert ("request_report_corrections", "report_submitted", "report_due") in funding
    assert {("withdraw", s, "withdrawn") for s in ["draft", "submitted", "in_review", "changes_requested"]} <= funding
    text = mermaid(FundingRequest)
    assert text.startswith("stateDiagram-v2") and "in_review --> approved" in text


def test_progress_follows_the_happy_path_from_draft_to_closed():
    assert main_path(FundingRequest, start=FundingState.DRAFT, end=FundingState.CLOSED) == [
        "draft", "submitted", "in_review", "approved", "in_progress", "report_due", "report_submitted", "closed",
    ]
    assert main_path(TrainingRequest, start="requested", end="closed") == ["requested", "planned", "scheduled", "held", "closed"]
