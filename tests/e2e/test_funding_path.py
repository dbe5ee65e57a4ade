"""A funding request from the first draft to the closed file, in the browser, at desktop width and at 375 px.

The board member drafts in steps and shares the draft for advice; the advisor comments (and writes an internal
note); the board member finishes and submits; the advisor asks for changes, the board member changes and sends
it again; the advisor approves less than requested; the project starts; the advisor asks for the usage report,
sends it back once for corrections and accepts it. Board member and advisor each use their own browser and
take turns. Every page visited passes axe; the internal note never reaches the organisation.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from applications.models import FundingRequest, FundingState
from tests.conftest import ADVISOR_TOTP_SECRET
from tests.e2e.helpers import check_a11y, first_url, log_in, start_in_english, wait_for_mail
from tests.factories import AdvisorFactory, MembershipFactory, OrganisationFactory, ProgrammeFactory
from workflows.models import Comment, TransitionLog

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
ORGANISATION = "Griechische Gemeinde Hagen e.V."
PROGRAMME = "Landesförderung MSO, Einzelprojekt"
TITLE = "Summer festival of cultures"
ADVICE = "Please list the musicians' fees as a cost line of their own."
INTERNAL_NOTE = "Internal: check whether the city's cultural office funds the same festival."
CHANGES = "Please name your partner organisations."
CORRECTIONS = "Please add the receipt for the tent."


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def org_nav(page):
    return page.get_by_role("navigation", name="Organisation")


def see_status(page, text):
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def see_state(page, label):
    expect(page.get_by_role("main")).to_contain_text(f"State: {label}")


def step_heading(page, name):
    return page.get_by_role("heading", level=2, name=name)


def press(page, name):
    page.get_by_role("button", name=name, exact=True).click()


# --- the board member ---------------------------------------------------------------------------------------
def board_starts_draft(page):
    org_nav(page).get_by_role("link", name="Funding requests").click()
    expect(heading(page, "Funding requests")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Start a funding request").click()
    expect(heading(page, "Which programme do you want to apply to?")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Apply to this programme").click()
    expect(heading(page, "Start a funding request")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Project title").fill(TITLE)
    press(page, "Start the draft")
    see_status(page, "Your draft has been saved.")
    expect(step_heading(page, "Step 1: the project")).to_be_visible()
    check_a11y(page)


def board_fills_project_and_finance(page):
    starts_on = timezone.localdate() + timedelta(days=40)
    page.get_by_label("Goals").fill("Neighbours of all origins celebrate together: music, dance and food.")
    page.get_by_label("Target groups").fill("Families in Hagen-Mitte")
    page.get_by_label("Expected participants").fill("120")
    page.get_by_label("Place").fill("Volkspark Hagen")
    page.get_by_label("Project start").fill(starts_on.isoformat())
    page.get_by_label("Project end").fill((starts_on + timedelta(days=1)).isoformat())
    press(page, "Save and continue")
    see_status(page, "Saved.")
    expect(step_heading(page, "Step 2: finance plan")).to_be_visible()
    check_a11y(page)

    page.get_by_label("Cost 1: category").select_option(label="Rent")
    page.get_by_label("Cost 1: description").fill("Tent and stage")
    page.get_by_label("Cost 1: amount (€)").fill("1000")
    page.get_by_label("Cost 2: category").select_option(label="Fees (Honorare)")
    page.get_by_label("Cost 2: description").fill("Musicians")
    page.get_by_label("Cost 2: amount (€)").fill("600")
    page.get_by_label("Income 1: kind of income").select_option(label="Own funds (cash)")
    page.get_by_label("Income 1: description").fill("Membership fees")
    page.get_by_label("Income 1: amount (€)").fill("400")
    page.get_by_label("Requested grant (€)").fill("1200")
    # The totals follow the typing before anything is saved.
    totals = page.get_by_role("table", name="Totals and the programme's rules")
    expect(totals.get_by_role("row", name=re.compile("^Total costs"))).to_contain_text("1,600.00 €")
    expect(totals.get_by_role("row", name=re.compile("^Requested grant and funding rate"))).to_contain_text("75 %")
    balance = totals.get_by_role("row", name=re.compile("^Difference between income and costs"))
    expect(balance).to_contain_text("balanced")
    check_a11y(page)
    press(page, "Save and continue")
    see_status(page, "Saved.")
    expect(step_heading(page, "Step 3: documents")).to_be_visible()
    check_a11y(page)


def board_shares_for_advice(page):
    page.get_by_role("link", name="Back to the overview of the request").click()
    expect(heading(page, TITLE)).to_be_visible()
    see_state(page, "Draft")
    check_a11y(page)
    press(page, "Share the draft with the KI for advice")
    see_status(page, "The KI can now read your draft and comment on it.")
    see_state(page, "Draft")
    check_a11y(page)


def board_reads_advice_and_submits(page):
    page.reload()
    timeline = page.get_by_role("region", name="History and comments")
    expect(timeline).to_contain_text(ADVICE)
    assert INTERNAL_NOTE not in page.content()
    check_a11y(page)

    page.get_by_role("link", name="Edit the request").click()
    expect(step_heading(page, "Step 1: the project")).to_be_visible()
    steps = page.get_by_role("navigation", name="Steps of the request")
    steps.get_by_role("link", name="Documents").click()
    expect(step_heading(page, "Step 3: documents")).to_be_visible()
    check_a11y(page)
    press(page, "Save and continue")
    see_status(page, "Saved.")
    expect(step_heading(page, "Step 4: declarations")).to_be_visible()
    check_a11y(page)
    page.get_by_label("The project has not started yet").check()
    page.get_by_label("All information is true and complete").check()
    press(page, "Save and continue")
    see_status(page, "Saved.")
    expect(step_heading(page, "Step 5: review and submit")).to_be_visible()
    expect(page.get_by_text("Nothing is missing: the request is complete.")).to_be_visible()
    check_a11y(page)
    press(page, "Submit the request")
    see_status(page, "Your request has been submitted. The KI will review it.")
    see_state(page, "Submitted")
    check_a11y(page)


def board_changes_and_resubmits(page, *, email):
    """The board member follows the link in the e-mail about the KI's request for changes."""
    page.goto(first_url(wait_for_mail(email, subject_contains="changes requested")))
    expect(heading(page, TITLE)).to_be_visible()
    see_state(page, "Changes requested")
    expect(page.get_by_role("region", name="History and comments")).to_contain_text(CHANGES)
    assert INTERNAL_NOTE not in page.content()
    check_a11y(page)
    page.get_by_role("link", name="Edit the request").click()
    expect(step_heading(page, "Step 1: the project")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Partners").fill("Kulturzentrum Pelmke, Stadtteilforum Altenhagen")
    press(page, "Save")
    see_status(page, "Saved.")
    expect(step_heading(page, "Step 1: the project")).to_be_visible()
    page.get_by_role("navigation", name="Steps of the request").get_by_role("link", name="Review and submit").click()
    expect(step_heading(page, "Step 5: review and submit")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Message to the KI").fill("We added our two partners.")
    press(page, "Send the changed request")
    see_status(page, "Your changed request has been sent to the KI.")
    see_state(page, "In review")
    check_a11y(page)


def board_starts_project(page):
    page.reload()
    see_state(page, "Approved")
    decision = page.get_by_role("region", name="The decision")
    expect(decision).to_contain_text("1,000.00 €")
    expect(decision).to_contain_text("Show the programme's logo on all flyers.")
    check_a11y(page)
    press(page, "The project has started")
    see_status(page, "Thank you: the KI knows that your project has started.")
    see_state(page, "Project running")
    check_a11y(page)


def board_writes_report(page):
    page.reload()
    see_state(page, "Usage report due")
    check_a11y(page)
    page.get_by_role("link", name="Write the usage report").click()
    expect(heading(page, "Usage report")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Narrative report (Sachbericht)").fill("About 150 neighbours came; six groups performed.")
    page.get_by_label("Actual costs: rent (€)").fill("1000")
    page.get_by_label("Actual costs: fees (Honorare) (€)").fill("600")
    page.get_by_label("Actual income: own funds (cash) (€)").fill("600")
    page.get_by_label("Receipt 1: date").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.get_by_label("Receipt 1: payee").fill("Duo Sirtaki")
    page.get_by_label("Receipt 1: purpose").fill("Music")
    page.get_by_label("Receipt 1: amount (€)").fill("600")
    submit_report(page)


def board_corrects_report(page):
    page.reload()
    see_state(page, "Usage report due")
    expect(page.get_by_role("region", name="History and comments")).to_contain_text(CORRECTIONS)
    check_a11y(page)
    page.get_by_role("link", name="Write the usage report").click()
    expect(heading(page, "Usage report")).to_be_visible()
    expect(page.get_by_label("Receipt 1: payee")).to_have_value("Duo Sirtaki")
    check_a11y(page)
    page.get_by_label("Receipt 2: date").fill((timezone.localdate() - timedelta(days=4)).isoformat())
    page.get_by_label("Receipt 2: payee").fill("Zeltverleih Hagen")
    page.get_by_label("Receipt 2: purpose").fill("Tent")
    page.get_by_label("Receipt 2: amount (€)").fill("1000")
    submit_report(page)


def submit_report(page):
    press(page, "Save the usage report")
    see_status(page, "The usage report has been saved.")
    check_a11y(page)
    press(page, "Submit the usage report")
    see_status(page, "Your usage report has been submitted. The KI will check it.")
    see_state(page, "Usage report submitted")
    check_a11y(page)


def board_sees_closed(page):
    page.reload()
    see_state(page, "Closed")
    expect(page.get_by_text("The KI has accepted your usage report.")).to_be_visible()
    assert INTERNAL_NOTE not in page.content()
    check_a11y(page)
    page.get_by_role("link", name="Read the usage report").click()
    expect(heading(page, "Usage report")).to_be_visible()
    expect(page.get_by_text("Zeltverleih Hagen")).to_be_visible()
    assert INTERNAL_NOTE not in page.content()
    check_a11y(page)
    org_nav(page).get_by_role("link", name="Funding requests").click()
    expect(page.get_by_role("row", name=re.compile(TITLE))).to_contain_text("Closed")
    check_a11y(page)


# --- the advisor --------------------------------------------------------------------------------------------
def advisor_opens_request(page):
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Requests").click()
    expect(heading(page, "Funding requests")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name=TITLE).click()
    expect(heading(page, TITLE)).to_be_visible()
    expect(page.get_by_text("shared for advice on")).to_be_visible()
    check_a11y(page)


def advisor_comments(page):
    page.get_by_label("Comment", exact=True).fill(ADVICE)
    press(page, "Save comment")
    see_status(page, "Your comment is saved. The organisation can read it.")
    check_a11y(page)
    page.get_by_label("Comment", exact=True).fill(INTERNAL_NOTE)
    page.get_by_label("Internal note – not visible to the organisation").check()
    press(page, "Save comment")
    see_status(page, "Your internal note is saved. The organisation does not see it.")
    expect(page.get_by_role("region", name="History and comments")).to_contain_text(INTERNAL_NOTE)
    check_a11y(page)


def advisor_asks_for_changes(page):
    page.reload()
    press(page, "Start review")
    see_status(page, "The review has started.")
    check_a11y(page)
    page.get_by_label("What should the organisation change?").fill(CHANGES)
    press(page, "Ask for changes")
    see_status(page, "The organisation has been asked for changes.")
    check_a11y(page)


def advisor_approves_part(page):
    page.reload()
    expect(page.get_by_role("region", name="History and comments")).to_contain_text("We added our two partners.")
    page.get_by_label("Approved grant (€)").fill("1000")
    page.get_by_label("Conditions").fill("Show the programme's logo on all flyers.")
    press(page, "Approve")
    see_status(page, "The request is approved.")
    expect(page.get_by_role("region", name="Decision", exact=True)).to_contain_text("1,000.00 €")
    check_a11y(page)


def advisor_asks_for_report(page):
    page.reload()
    press(page, "Ask for the usage report")
    see_status(page, "The usage report is now due; the organisation can write it.")
    check_a11y(page)


def advisor_sends_report_back(page):
    page.reload()
    expect(page.get_by_role("region", name="Usage report", exact=True)).to_contain_text("Duo Sirtaki")
    check_a11y(page)
    page.get_by_label("What should the organisation correct in the usage report?").fill(CORRECTIONS)
    press(page, "Send the usage report back")
    see_status(page, "The organisation has been asked to correct the usage report.")
    check_a11y(page)


def advisor_accepts_report(page):
    page.reload()
    expect(page.get_by_role("region", name="Usage report", exact=True)).to_contain_text("Zeltverleih Hagen")
    check_a11y(page)
    press(page, "Accept the usage report")
    see_status(page, "The usage report is accepted and the request is closed.")
    check_a11y(page)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_funding_request_goes_from_draft_through_changes_and_partial_approval_to_closed(open_page, viewport):
    organisation = OrganisationFactory(name=ORGANISATION, short_name="GGH")
    chair = MembershipFactory(organisation=organisation, role=Role.CHAIR, user__name="Eleni Papadopoulou",
                              user__preferred_language="en").user  # fmt: skip
    ProgrammeFactory(name=PROGRAMME, max_amount=Decimal("15000.00"), max_rate=Decimal("80.00"))
    advisor = AdvisorFactory(name="Katrin Demir", preferred_language="en")
    TOTP.activate(advisor, ADVISOR_TOTP_SECRET)

    board = open_page(viewport)
    start_in_english(board)
    log_in(board, email=chair.email, password=PASSWORD)
    expect(heading(board, ORGANISATION)).to_be_visible()
    board_starts_draft(board)
    board_fills_project_and_finance(board)
    board_shares_for_advice(board)

    ki = open_page(viewport)
    start_in_english(ki)
    log_in(ki, email=advisor.email, password=PASSWORD, totp_secret=ADVISOR_TOTP_SECRET)
    advisor_opens_request(ki)
    advisor_comments(ki)

    board_reads_advice_and_submits(board)
    advisor_asks_for_changes(ki)
    board_changes_and_resubmits(board, email=chair.email)
    advisor_approves_part(ki)
    board_starts_project(board)
    advisor_asks_for_report(ki)
    board_writes_report(board)
    advisor_sends_report_back(ki)
    board_corrects_report(board)
    advisor_accepts_report(ki)
    board_sees_closed(board)

    request = FundingRequest.objects.get(title=TITLE)
    assert request.organisation == organisation
    assert request.state == FundingState.CLOSED
    assert request.requested_amount == Decimal("1200.00")
    assert request.approved_amount == Decimal("1000.00")  # partial approval
    assert request.partners.startswith("Kulturzentrum Pelmke")
    assert request.shared_for_advice_at is not None and request.not_started and request.information_true
    assert [(line.category, line.amount) for line in request.cost_lines.all()] == [
        ("rent", Decimal("1000.00")), ("fees", Decimal("600.00")),
    ]  # fmt: skip
    of_request = {"content_type": ContentType.objects.get_for_model(FundingRequest), "object_id": request.pk}
    logs = TransitionLog.objects.filter(**of_request)
    assert [(log.transition, log.target, log.actor) for log in logs] == [
        ("create", "draft", chair), ("share_for_advice", "draft", chair), ("submit", "submitted", chair),
        ("start_review", "in_review", advisor), ("request_changes", "changes_requested", advisor),
        ("resubmit", "in_review", chair), ("approve", "approved", advisor), ("start_project", "in_progress", chair),
        ("mark_report_due", "report_due", advisor), ("submit_report", "report_submitted", chair),
        ("request_report_corrections", "report_due", advisor), ("submit_report", "report_submitted", chair),
        ("accept_report", "closed", advisor),
    ]  # fmt: skip
    report = request.usage_report
    assert report.narrative.startswith("About 150 neighbours")
    assert {kind: Decimal(amount) for kind, amount in report.actual_costs.items()} == {"rent": 1000, "fees": 600}
    assert sorted((r.payee, r.amount) for r in report.receipts.all()) == [
        ("Duo Sirtaki", Decimal("600.00")), ("Zeltverleih Hagen", Decimal("1000.00")),
    ]  # fmt: skip
    comments = Comment.objects.filter(**of_request)
    assert [(c.body, c.internal, c.author) for c in comments] == [
        (ADVICE, False, advisor), (INTERNAL_NOTE, True, advisor),
    ]  # fmt: skip
    leaked = [m.subject for m in mail.outbox if INTERNAL_NOTE in m.body + "".join(str(a[0]) for a in m.alternatives)]
    assert not leaked, f"The internal note was e-mailed: {leaked}"
