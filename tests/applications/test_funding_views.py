"""The organisation's side of funding requests, through the HTTP client: pages, forms, actions and the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import DocumentKind
from accounts.services.documents import document_upload
from applications.models import CostLine, FundingRequest, FundingState, IncomeKind, IncomeLine, Receipt, UsageReport
from tests.factories import FundingRequestFactory, ProgrammeFactory, complete_request
from workflows.models import Comment, TransitionLog
from workflows.services import comment_add
from workflows.services import funding as services

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


# Messages are asserted in English, the source language: these actors read English (German comes later).
@pytest.fixture
def board_a(board_a):
    return reads(board_a, "en")


@pytest.fixture
def member_a(member_a):
    return reads(member_a, "en")


@pytest.fixture
def board_b(board_b):
    return reads(board_b, "en")


def reads(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


@pytest.fixture
def draft(org_a):
    return FundingRequestFactory(organisation=org_a, title="Sommerfest")


@pytest.fixture
def complete_draft(org_a):
    return complete_request(FundingRequestFactory(organisation=org_a, title="Sommerfest"))


def url(name, funding_request, *args):
    return reverse(f"applications:{name}", args=[funding_request.organisation_id, funding_request.pk, *args])


def fresh(funding_request):
    return FundingRequest.objects.get(pk=funding_request.pk)


def logged(funding_request, transition):
    return TransitionLog.objects.filter(object_id=funding_request.pk, content_type__model="fundingrequest",
                                        transition=transition)  # fmt: skip


def project_data(version, **fields):
    data = {"title": "Sommerfest der Kulturen", "goals": "Nachbarn kennenlernen", "target_groups": "Familien",
            "expected_participants": "80", "place": "Volkspark", "partners": "", "starts_on": "2030-06-01",
            "ends_on": "2030-06-02", "version": version}  # fmt: skip
    return {**data, **fields}


def lines(prefix, rows, *, names):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in zip(names, row)})
    return data


def finance_data(version, *, costs=(), incomes=(), requested="0"):
    return {
        "version": version, "requested_amount": requested,
        **lines("costs", [*costs, ("", "", "")], names=("category", "description", "amount")),
        **lines("incomes", [*incomes, ("", "", "")], names=("kind", "description", "amount")),
    }  # fmt: skip


def move(funding_request, *steps, actor, advisor):
    """Run the lifecycle's services from where `funding_request` is, as board (`actor`) and KI (`advisor`)."""
    calls = {
        "submit": lambda: services.funding_request_submit(request=funding_request, actor=actor),
        "start_review": lambda: services.funding_request_start_review(request=funding_request, actor=advisor),
        "request_changes": lambda: services.funding_request_request_changes(request=funding_request, actor=advisor,
                                                                             message="Bitte Kosten erläutern"),
        "approve": lambda: services.funding_request_approve(request=funding_request, actor=advisor,
                                                            amount=Decimal("700.00"), conditions="Logo der Stadt zeigen"),
        "start_project": lambda: services.funding_request_start_project(request=funding_request, actor=actor),
        "mark_report_due": lambda: services.funding_request_mark_report_due(request=funding_request, actor=advisor),
    }  # fmt: skip
    for step in steps:
        calls[step]()
        funding_request = fresh(funding_request)
    return funding_request


def a_vault_document(organisation, actor, kind=DocumentKind.STATUTES, title="Satzung 2021"):
    upload = SimpleUploadedFile("satzung.pdf", PDF, content_type="application/pdf")
    return document_upload(organisation=organisation, actor=actor, kind=kind, uploaded_file=upload, title=title)


# --- starting ------------------------------------------------------------------------------------------------


def test_request_list_shows_the_organisations_requests_and_the_way_to_start_one(board_a_client, org_a, org_b):
    mine = FundingRequestFactory(organisation=org_a, title="Hausaufgabenhilfe")
    FundingRequestFactory(organisation=org_b, title="Fremdes Projekt")
    page = board_a_client.get(reverse("applications:request_list", args=[org_a.pk])).text
    assert "Hausaufgabenhilfe" in page and url("detail", mine) in page
    assert "Fremdes Projekt" not in page
    assert reverse("applications:choose_programme", args=[org_a.pk]) in page


def test_choosing_a_programme_offers_only_open_calls(board_a_client, org_a):
    open_programme = ProgrammeFactory(name="Anschubförderung")
    ProgrammeFactory(name="Vorjahresprogramm", call_opens=timezone.localdate() - timedelta(days=400),
                     call_closes=timezone.localdate() - timedelta(days=300))  # fmt: skip
    page = board_a_client.get(reverse("applications:choose_programme", args=[org_a.pk])).text
    assert "Anschubförderung" in page and reverse("applications:create", args=[org_a.pk, open_programme.pk]) in page
    assert "Vorjahresprogramm" not in page


def test_board_member_starts_a_draft_for_an_open_programme(board_a_client, board_a, org_a):
    programme = ProgrammeFactory()
    response = board_a_client.post(reverse("applications:create", args=[org_a.pk, programme.pk]), {"title": "Sommerfest"})
    funding_request = FundingRequest.objects.get()
    assert response.url == url("edit_step", funding_request, "project")
    assert (funding_request.organisation, funding_request.programme, funding_request.state, funding_request.created_by) == (
        org_a, programme, FundingState.DRAFT, board_a)  # fmt: skip
    assert logged(funding_request, "create").get().actor == board_a


def test_a_closed_call_is_refused(board_a_client, org_a):
    programme = ProgrammeFactory(call_opens=timezone.localdate() - timedelta(days=60),
                                 call_closes=timezone.localdate() - timedelta(days=1))  # fmt: skip
    create_url = reverse("applications:create", args=[org_a.pk, programme.pk])
    assert "does not accept requests at the moment" in board_a_client.get(create_url).text
    response = board_a_client.post(create_url, {"title": "Zu spät"})
    assert response.status_code == 200
    assert "The call of this programme is not open" in response.text
    assert not FundingRequest.objects.exists()


# --- the steps ---------------------------------------------------------------------------------------------------


def test_project_step_saves_and_a_second_visit_shows_the_saved_values(board_a_client, draft):
    response = board_a_client.post(url("edit_step", draft, "project"), project_data(draft.version, then="next"))
    assert response.url == url("edit_step", draft, "finance")
    saved = fresh(draft)
    assert (saved.title, saved.goals, saved.expected_participants, str(saved.ends_on)) == (
        "Sommerfest der Kulturen", "Nachbarn kennenlernen", 80, "2030-06-02")  # fmt: skip
    assert saved.version == draft.version + 1
    page = board_a_client.get(url("edit_step", draft, "project")).text
    assert 'value="Sommerfest der Kulturen"' in page and "Nachbarn kennenlernen" in page and 'value="2030-06-02"' in page
    assert f'name="version" value="{saved.version}"' in page


def test_saving_with_stay_remains_on_the_step(board_a_client, draft):
    response = board_a_client.post(url("edit_step", draft, "project"), project_data(draft.version, then="stay"))
    assert response.url == url("edit_step", draft, "project")


def test_project_that_ends_before_it_starts_is_explained(board_a_client, draft):
    response = board_a_client.post(url("edit_step", draft, "project"), project_data(draft.version, ends_on="2030-05-01"))
    assert response.status_code == 200
    assert "The project cannot end before it starts." in response.text
    assert fresh(draft).ends_on is None


def test_short_form_asks_only_for_title_goals_and_dates_and_then_the_review(board_a_client, org_a):
    funding_request = FundingRequestFactory(organisation=org_a, programme=ProgrammeFactory(short_form=True))
    page = board_a_client.get(url("edit_step", funding_request, "project")).text
    assert 'name="goals"' in page and 'name="starts_on"' in page
    assert 'name="target_groups"' not in page and 'name="place"' not in page
    response = board_a_client.post(url("edit_step", funding_request, "project"), project_data(funding_request.version))
    assert response.url == url("edit_step", funding_request, "review")
    review = board_a_client.get(response.url).text
    assert "#id_target_groups" not in review and "edit/finance/#costs-heading" in review


def test_finance_step_saves_lines_and_requested_grant(board_a_client, draft):
    data = finance_data(draft.version, costs=[("rent", "Zeltmiete", "1,000.00"), ("fees", "Musik", "250.50")],
                        incomes=[(IncomeKind.OWN_FUNDS, "Beiträge", "250.5")], requested="1000")  # fmt: skip
    response = board_a_client.post(url("edit_step", draft, "finance"), data)
    assert response.url == url("edit_step", draft, "documents")
    assert list(CostLine.objects.filter(request=draft).values_list("category", "description", "amount")) == [
        ("rent", "Zeltmiete", Decimal("1000.00")), ("fees", "Musik", Decimal("250.50"))]  # fmt: skip
    assert IncomeLine.objects.get(request=draft).amount == Decimal("250.50")
    assert fresh(draft).requested_amount == Decimal("1000.00")
    page = board_a_client.get(url("edit_step", draft, "finance")).text
    assert 'value="Zeltmiete"' in page and 'value="1000.00"' in page and 'value="250.50"' in page
    assert "1,250.50 €" in page  # total costs, in the reader's format


def test_emptying_a_row_deletes_the_line(board_a_client, complete_draft):
    data = finance_data(complete_draft.version, costs=[("", "", "")], requested="800")
    board_a_client.post(url("edit_step", complete_draft, "finance"), data)
    assert not CostLine.objects.filter(request=complete_draft).exists()


def test_negative_amount_is_refused_with_a_message_and_typed_values_are_kept(board_a_client, draft):
    data = finance_data(draft.version, costs=[("rent", "Zeltmiete", "-5"), ("fees", "Musik", "300")], requested="100")
    response = board_a_client.post(url("edit_step", draft, "finance"), data)
    assert response.status_code == 200
    assert "Amounts cannot be negative" in response.text
    assert 'href="#id_costs-0-amount"' in response.text  # the error summary links to the field
    assert 'value="-5"' in response.text and 'value="Musik"' in response.text and 'value="300"' in response.text
    assert not CostLine.objects.exists()
    assert fresh(draft).version == draft.version


def test_amounts_above_a_million_and_incomplete_rows_are_refused(board_a_client, draft):
    data = finance_data(draft.version, costs=[("rent", "Halle", "1000000.01"), ("", "Ohne Kategorie", "10")],
                        requested="5")  # fmt: skip
    response = board_a_client.post(url("edit_step", draft, "finance"), data)
    assert "Please enter at most 1,000,000 €." in response.text
    assert "Please choose a category." in response.text
    assert not CostLine.objects.exists()


def test_german_readers_type_and_see_german_amounts(client, board_a, draft):
    client.force_login(reads(board_a, "de"))
    data = finance_data(draft.version, costs=[("rent", "Zeltmiete", "1.234,50 €")], requested="1.000")
    client.post(url("edit_step", draft, "finance"), data)
    assert CostLine.objects.get().amount == Decimal("1234.50")
    assert fresh(draft).requested_amount == Decimal("1000.00")
    page = client.get(url("edit_step", draft, "finance")).text
    assert "1.234,50 €" in page and 'value="1234,50"' in page


def test_finance_page_updates_totals_while_typing(board_a_client, draft):
    page = board_a_client.get(url("edit_step", draft, "finance")).text
    assert f'hx-post="{url("finance_preview", draft)}"' in page
    assert 'hx-trigger="input changed delay:400ms"' in page and 'hx-target="#finance-totals"' in page
    assert '<div id="finance-totals" aria-live="polite">' in page
    assert "django_htmx/htmx-2.min.js" in page
    assert "htmx" not in board_a_client.get(url("edit_step", draft, "project")).text


def test_finance_preview_shows_totals_and_the_rule_next_to_its_field_without_saving(board_a_client, draft):
    data = finance_data(draft.version, costs=[("rent", "Zeltmiete", "1000")], requested="900")
    response = board_a_client.post(url("finance_preview", draft), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "1,000.00 €" in response.text and "90 %" in response.text
    violation = response.text.split('id="violation-requested_amount"')[1]
    assert "The programme funds at most 80 % of the costs; your request is 90 %." in violation
    assert 'hx-swap-oob="innerHTML"' in response.text
    # the own share is too small and income does not cover the costs: both shown in their rows
    below_own_share = response.text.split('id="total-own_share"')[1].split('id="total-volunteer_work"')[0]
    assert "must be at least 20 %" in below_own_share
    assert "must be equal" in response.text.split('id="total-balance"')[1]
    assert not CostLine.objects.exists() and fresh(draft).version == draft.version


def test_finance_preview_leaves_out_what_cannot_be_read(board_a_client, draft):
    data = finance_data(draft.version, costs=[("rent", "Zeltmiete", "1000"), ("fees", "Musik", "viel")], requested="800")
    response = board_a_client.post(url("finance_preview", draft), data)
    assert "1,000.00 €" in response.text and "cannot be read yet" in response.text


def test_documents_step_attaches_vault_documents_and_shows_what_is_missing(board_a_client, board_a, org_a, org_b):
    programme = ProgrammeFactory(required_documents=[DocumentKind.STATUTES, DocumentKind.TAX_NOTICE])
    funding_request = FundingRequestFactory(organisation=org_a, programme=programme)
    statutes = a_vault_document(org_a, board_a)
    page = board_a_client.get(url("edit_step", funding_request, "documents")).text
    assert "Satzung 2021" in page and page.count("still missing") == 2
    assert reverse("accounts:upload_document", args=[org_a.pk]) in page
    response = board_a_client.post(url("edit_step", funding_request, "documents"),
                                   {"version": funding_request.version, "attachments": [statutes.pk]})  # fmt: skip
    assert response.url == url("edit_step", funding_request, "declarations")
    assert list(fresh(funding_request).attachments.all()) == [statutes]
    page = board_a_client.get(url("edit_step", funding_request, "documents")).text
    assert page.count("still missing") == 1 and "attached" in page
    assert f'value="{statutes.pk}" id="id_attachments_0" checked' in page


def test_documents_of_another_organisation_cannot_be_attached(board_a_client, draft, org_b, board_b):
    foreign = a_vault_document(org_b, board_b, title="Fremde Satzung")
    assert "Fremde Satzung" not in board_a_client.get(url("edit_step", draft, "documents")).text
    response = board_a_client.post(url("edit_step", draft, "documents"), {"version": draft.version, "attachments": [foreign.pk]})
    assert response.status_code == 200
    assert not fresh(draft).attachments.exists()


def test_declarations_step_saves(board_a_client, draft):
    response = board_a_client.post(url("edit_step", draft, "declarations"),
                                   {"version": draft.version, "not_started": "on", "information_true": "on"})  # fmt: skip
    assert response.url == url("edit_step", draft, "review")
    saved = fresh(draft)
    assert (saved.not_started, saved.early_start_requested, saved.information_true) == (True, False, True)
    assert "checked" in board_a_client.get(url("edit_step", draft, "declarations")).text


def test_unknown_step_is_404(board_a_client, draft):
    assert board_a_client.get(url("edit_step", draft, "payment")).status_code == 404


# --- editing outside the editable states, and concurrent edits -----------------------------------------------------


def test_editing_outside_the_editable_states_is_explained_and_refused(board_a_client, board_a, complete_draft):
    services.funding_request_submit(request=complete_draft, actor=board_a)
    page = board_a_client.get(url("edit_step", complete_draft, "project")).text
    assert "it can only be changed as a draft or when the KI asks for changes" in page
    assert 'name="goals"' not in page
    submitted = fresh(complete_draft)
    response = board_a_client.post(url("edit_step", complete_draft, "project"), project_data(submitted.version, title="Neu"))
    assert response.status_code == 200
    assert "The request can only be changed as a draft or when the KI asked for changes" in response.text
    assert fresh(complete_draft).title == "Sommerfest"
    response = board_a_client.post(url("edit_step", complete_draft, "finance"), finance_data(submitted.version, requested="1"))
    assert response.status_code == 200
    assert fresh(complete_draft).requested_amount == Decimal("800.00")


def test_a_stale_version_is_reported_the_typed_values_kept_and_nothing_overwritten(board_a_client, member_a, draft):
    services.funding_request_update(request=draft, actor=member_a, data={"title": "Titel der Kollegin"},
                                    based_on_version=draft.version)  # fmt: skip
    response = board_a_client.post(url("edit_step", draft, "project"), project_data(draft.version, title="Mein Titel"))
    assert response.status_code == 200
    assert "Someone else changed this request while you were editing it." in response.text
    assert 'value="Mein Titel"' in response.text
    assert fresh(draft).title == "Titel der Kollegin"
    current = fresh(draft).version
    assert f'name="version" value="{current}"' in response.text  # having compared, saving again goes through
    board_a_client.post(url("edit_step", draft, "project"), project_data(current, title="Mein Titel"))
    assert fresh(draft).title == "Mein Titel"


def test_a_stale_finance_plan_is_not_saved_and_the_rows_are_kept(board_a_client, member_a, complete_draft):
    services.funding_request_update(request=complete_draft, actor=member_a, data={"goals": "x"},
                                    based_on_version=complete_draft.version)  # fmt: skip
    data = finance_data(complete_draft.version, costs=[("travel", "Bus", "99")], requested="50")
    response = board_a_client.post(url("edit_step", complete_draft, "finance"), data)
    assert "Someone else changed this request" in response.text and 'value="Bus"' in response.text
    assert list(CostLine.objects.filter(request=complete_draft).values_list("description", flat=True)) == ["Zeltmiete"]


# --- review and submit ----------------------------------------------------------------------------------------------


def test_review_lists_what_is_missing_with_links_to_the_fields(board_a_client, draft):
    page = board_a_client.get(url("edit_step", draft, "review")).text
    assert f'href="{url("edit_step", draft, "project")}#id_goals"' in page
    assert f'href="{url("edit_step", draft, "finance")}#costs-heading"' in page
    assert f'href="{url("edit_step", draft, "finance")}#id_requested_amount"' in page
    assert f'href="{url("edit_step", draft, "declarations")}#id_information_true"' in page
    assert "Please fill in: goals." in page


def test_a_failed_submit_shows_the_same_list(board_a_client, draft):
    response = board_a_client.post(url("act", draft, "submit"))
    assert response.url == url("edit_step", draft, "review")
    page = board_a_client.get(response.url).text
    assert "The request cannot be sent yet" in page
    assert f'href="{url("edit_step", draft, "project")}#id_goals"' in page
    assert fresh(draft).state == FundingState.DRAFT and not logged(draft, "submit").exists()


def test_member_sees_no_submit_button_and_cannot_submit(member_a_client, complete_draft):
    page = member_a_client.get(url("edit_step", complete_draft, "review")).text
    assert url("act", complete_draft, "submit") not in page
    assert "Only board members can submit" in page
    assert member_a_client.post(url("act", complete_draft, "submit")).status_code == 403
    assert fresh(complete_draft).state == FundingState.DRAFT


def test_board_member_submits_a_complete_request(board_a_client, board_a, advisor, complete_draft, mailoutbox,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    assert url("act", complete_draft, "submit") in board_a_client.get(url("edit_step", complete_draft, "review")).text
    with django_capture_on_commit_callbacks(execute=True):
        response = board_a_client.post(url("act", complete_draft, "submit"))
    assert response.url == url("detail", complete_draft)
    submitted = fresh(complete_draft)
    assert submitted.state == FundingState.SUBMITTED and submitted.submitted_at is not None
    assert logged(complete_draft, "submit").get().actor == board_a
    assert any(advisor.email in mail.to for mail in mailoutbox)
    page = board_a_client.get(response.url).text
    assert "Your request has been submitted." in page
    assert "The KI will review your request, usually within 4 weeks." in page


def test_actions_are_post_only_and_unknown_actions_404(board_a_client, complete_draft):
    assert board_a_client.get(url("act", complete_draft, "submit")).status_code == 405
    assert board_a_client.post(url("act", complete_draft, "approve")).status_code == 404
    assert fresh(complete_draft).state == FundingState.DRAFT


# --- sharing, withdrawing, answering a change request ------------------------------------------------------------------


def test_share_for_advice_sets_the_date_and_the_request_stays_a_draft(member_a_client, member_a, draft):
    assert url("act", draft, "share") in member_a_client.get(url("detail", draft)).text
    response = member_a_client.post(url("act", draft, "share"))
    assert response.url == url("detail", draft)
    shared = fresh(draft)
    assert shared.shared_for_advice_at is not None and shared.state == FundingState.DRAFT
    assert logged(draft, "share_for_advice").get().actor == member_a
    assert "You shared the draft with the KI for advice" in member_a_client.get(url("detail", draft)).text


def test_withdrawing_needs_a_reason(board_a_client, complete_draft):
    response = board_a_client.post(url("act", complete_draft, "withdraw"), {"reason": "  "})
    assert response.status_code == 200
    assert "Please tell the KI why you withdraw the request." in response.text
    assert fresh(complete_draft).state == FundingState.DRAFT
    response = board_a_client.post(url("act", complete_draft, "withdraw"), {"reason": "Der Saal ist abgesagt."})
    assert response.url == url("detail", complete_draft)
    withdrawn = fresh(complete_draft)
    assert (withdrawn.state, withdrawn.decision_reason) == (FundingState.WITHDRAWN, "Der Saal ist abgesagt.")
    assert logged(complete_draft, "withdraw").get().message == "Der Saal ist abgesagt."
    assert "Der Saal ist abgesagt." in board_a_client.get(url("detail", complete_draft)).text


def test_member_can_not_withdraw(member_a_client, complete_draft):
    assert "Withdraw the request" not in member_a_client.get(url("detail", complete_draft)).text
    assert member_a_client.post(url("act", complete_draft, "withdraw"), {"reason": "x"}).status_code == 403
    assert fresh(complete_draft).state == FundingState.DRAFT


def test_board_answers_a_change_request_edits_and_resubmits(board_a_client, board_a, advisor, complete_draft):
    funding_request = move(complete_draft, "submit", "start_review", "request_changes", actor=board_a, advisor=advisor)
    detail_page = board_a_client.get(url("detail", funding_request)).text
    assert "Bitte Kosten erläutern" in detail_page and "The KI asks you to change your request." in detail_page
    board_a_client.post(url("comment", funding_request), {"body": "Die Zeltmiete ist ein Angebot vom März."})
    response = board_a_client.post(url("edit_step", funding_request, "project"),
                                   project_data(funding_request.version, goals="Genauer beschrieben"))  # fmt: skip
    assert response.status_code == 302 and fresh(funding_request).goals == "Genauer beschrieben"
    response = board_a_client.post(url("act", funding_request, "resubmit"), {"message": "Ziele genauer beschrieben"})
    assert response.url == url("detail", funding_request)
    assert fresh(funding_request).state == FundingState.IN_REVIEW
    assert logged(funding_request, "resubmit").get().message == "Ziele genauer beschrieben"


# --- following the request -----------------------------------------------------------------------------------------------


def test_detail_shows_progress_with_the_current_step_marked_in_text(board_a_client, board_a, complete_draft):
    services.funding_request_submit(request=complete_draft, actor=board_a)
    page = board_a_client.get(url("detail", complete_draft)).text
    progress = " ".join(page.split('id="progress-heading"')[1].split("</ol>")[0].split())
    assert progress.count('aria-current="step"') == 1
    assert '<li aria-current="step"><strong>Submitted</strong> – current step</li>' in progress
    assert "<li>Draft – done</li>" in progress and "<li>Closed – still to come</li>" in progress


def test_timeline_shows_transitions_and_comments_but_never_internal_notes(board_a_client, board_a, advisor, complete_draft):
    services.funding_request_share_for_advice(request=complete_draft, actor=board_a)
    comment_add(subject=complete_draft, author=advisor, body="Bitte die Teilnehmerzahl prüfen.")
    comment_add(subject=complete_draft, author=advisor, body="Intern: Budget fast erschöpft.", internal=True)
    page = board_a_client.get(url("detail", complete_draft)).text
    timeline = page.split('id="timeline-heading"')[1]
    assert "Share for advice" in timeline
    assert "Bitte die Teilnehmerzahl prüfen." in timeline and f"{advisor} (KI)" in timeline
    assert "Intern: Budget fast erschöpft." not in page


def test_member_comments_on_the_request(member_a_client, member_a, draft):
    response = member_a_client.post(url("comment", draft), {"body": "Können wir den Saal früher buchen?"})
    assert response.url.startswith(url("detail", draft))
    comment = Comment.objects.get()
    assert (comment.author, comment.internal, comment.object_id) == (member_a, False, draft.pk)
    assert "Können wir den Saal früher buchen?" in member_a_client.get(url("detail", draft)).text


def test_an_empty_comment_is_explained(member_a_client, draft):
    response = member_a_client.post(url("comment", draft), {"body": ""})
    assert response.status_code == 200 and "Please write a comment." in response.text
    assert not Comment.objects.exists()


def test_after_approval_the_decision_is_shown_and_the_board_starts_the_project(board_a_client, board_a, advisor,
                                                                               complete_draft):  # fmt: skip
    funding_request = move(complete_draft, "submit", "start_review", "approve", actor=board_a, advisor=advisor)
    page = board_a_client.get(url("detail", funding_request)).text
    decision = page.split('id="decision-heading"')[1].split("</section>")[0]
    assert "700.00 €" in decision and "Logo der Stadt zeigen" in decision
    assert funding_request.report_due_on.strftime("%m/%d/%Y") in decision
    assert url("act", funding_request, "start-project") in page
    response = board_a_client.post(url("act", funding_request, "start-project"))
    assert response.url == url("detail", funding_request)
    assert fresh(funding_request).state == FundingState.IN_PROGRESS
    assert logged(funding_request, "start_project").get().actor == board_a


def test_member_cannot_start_the_project(client, member_a, board_a, advisor, complete_draft):
    funding_request = move(complete_draft, "submit", "start_review", "approve", actor=board_a, advisor=advisor)
    client.force_login(member_a)
    assert url("act", funding_request, "start-project") not in client.get(url("detail", funding_request)).text
    assert client.post(url("act", funding_request, "start-project")).status_code == 403
    assert fresh(funding_request).state == FundingState.APPROVED


def test_an_action_that_does_not_fit_the_state_is_explained(board_a_client, complete_draft):
    response = board_a_client.post(url("act", complete_draft, "start-project"), follow=True)
    assert "This is not possible while the state is “draft”." in response.text
    assert fresh(complete_draft).state == FundingState.DRAFT


# --- the usage report ------------------------------------------------------------------------------------------------------


def report_data(**extra):
    data = {"narrative": "Das Fest hatte 120 Gäste.", "cost_rent": "990.00", "income_own_funds": "200",
            **lines("receipts", [("2030-06-01", "Zeltverleih Hagen", "Zeltmiete", "990"), ("", "", "", "")],
                    names=("date", "payee", "purpose", "amount"))}  # fmt: skip
    return {**data, **extra}


def test_usage_report_is_saved_next_to_the_plan_and_submitted_until_accepted(board_a_client, board_a, advisor, complete_draft):
    funding_request = move(complete_draft, "submit", "start_review", "approve", "start_project", "mark_report_due",
                           actor=board_a, advisor=advisor)  # fmt: skip
    page = board_a_client.get(url("report", funding_request)).text
    assert 'name="narrative"' in page and "1,000.00" in page  # planned rent next to the actual field
    assert '<label class="kern-label kern-sr-only" for="id_receipts-0-date">Receipt 1: date</label>' in page
    response = board_a_client.post(url("report", funding_request), report_data())
    assert response.url == url("report", funding_request)
    report = UsageReport.objects.get(request=funding_request)
    assert report.narrative == "Das Fest hatte 120 Gäste."
    assert report.actual_costs == {"rent": "990.00"} and report.actual_income == {"own_funds": "200.00"}
    assert list(Receipt.objects.values_list("payee", "amount")) == [("Zeltverleih Hagen", Decimal("990.00"))]
    page = board_a_client.get(url("report", funding_request)).text
    assert "Das Fest hatte 120 Gäste." in page and 'value="990.00"' in page and 'value="Zeltverleih Hagen"' in page
    response = board_a_client.post(url("act", funding_request, "submit-report"))
    assert response.url == url("detail", funding_request)
    assert fresh(funding_request).state == FundingState.REPORT_SUBMITTED
    # the KI asks for corrections: the report can be changed and submitted again
    services.funding_request_request_report_corrections(request=fresh(funding_request), actor=advisor, message="Beleg fehlt")
    board_a_client.post(url("report", funding_request), report_data(narrative="Mit allen Belegen."))
    board_a_client.post(url("act", funding_request, "submit-report"))
    assert fresh(funding_request).state == FundingState.REPORT_SUBMITTED
    assert UsageReport.objects.get().narrative == "Mit allen Belegen."
    assert logged(funding_request, "submit_report").count() == 2


def test_report_receipts_with_negative_amounts_are_refused(board_a_client, board_a, advisor, complete_draft):
    funding_request = move(complete_draft, "submit", "start_review", "approve", "start_project", "mark_report_due",
                           actor=board_a, advisor=advisor)  # fmt: skip
    data = report_data(**{"receipts-0-amount": "-1"})
    response = board_a_client.post(url("report", funding_request), data)
    assert response.status_code == 200 and "Amounts cannot be negative" in response.text
    assert not UsageReport.objects.exists()


def test_report_without_narrative_cannot_be_submitted(board_a_client, board_a, advisor, complete_draft):
    funding_request = move(complete_draft, "submit", "start_review", "approve", "start_project", "mark_report_due",
                           actor=board_a, advisor=advisor)  # fmt: skip
    response = board_a_client.post(url("act", funding_request, "submit-report"), follow=True)
    assert "Please write the narrative report before submitting the usage report." in response.text
    assert fresh(funding_request).state == FundingState.REPORT_DUE


def test_report_can_not_be_written_before_it_is_due(board_a_client, complete_draft):
    page = board_a_client.get(url("report", complete_draft)).text
    assert "once the KI asks for it" in page and 'name="narrative"' not in page
    response = board_a_client.post(url("report", complete_draft), report_data())
    assert response.status_code == 200 and "only while it is due" in response.text
    assert not UsageReport.objects.exists()


# --- who may see what ----------------------------------------------------------------------------------------------------------


def test_board_of_another_organisation_gets_404_on_every_url(board_b_client, board_a, org_a, complete_draft):
    programme = complete_draft.programme
    version = complete_draft.version
    gets = [
        reverse("applications:request_list", args=[org_a.pk]),
        reverse("applications:choose_programme", args=[org_a.pk]),
        reverse("applications:create", args=[org_a.pk, programme.pk]),
        url("detail", complete_draft),
        url("report", complete_draft),
        *[url("edit_step", complete_draft, step) for step in ("project", "finance", "documents", "declarations", "review")],
    ]
    for address in gets:
        assert board_b_client.get(address).status_code == 404, address
    posts = [
        (reverse("applications:create", args=[org_a.pk, programme.pk]), {"title": "Fremd"}),
        (url("edit_step", complete_draft, "project"), project_data(version, title="Gekapert")),
        (url("edit_step", complete_draft, "finance"), finance_data(version, requested="1")),
        (url("edit_step", complete_draft, "documents"), {"version": version}),
        (url("edit_step", complete_draft, "declarations"), {"version": version}),
        (url("finance_preview", complete_draft), finance_data(version, requested="1")),
        (url("comment", complete_draft), {"body": "Hallo"}),
        (url("report", complete_draft), report_data()),
        *[(url("act", complete_draft, action), {"reason": "x", "message": "x"})
          for action in ("share", "submit", "resubmit", "withdraw", "start-project", "submit-report")],
    ]  # fmt: skip
    for address, data in posts:
        assert board_b_client.post(address, data).status_code == 404, address
    unchanged = fresh(complete_draft)
    assert (unchanged.title, unchanged.state, unchanged.version, unchanged.shared_for_advice_at) == (
        "Sommerfest", FundingState.DRAFT, version, None)  # fmt: skip
    assert FundingRequest.objects.count() == 1 and not Comment.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(client, org_a, complete_draft):
    login = reverse("account_login")
    for address in (
        reverse("applications:request_list", args=[org_a.pk]),
        reverse("applications:create", args=[org_a.pk, complete_draft.programme_id]),
        url("detail", complete_draft),
        url("edit_step", complete_draft, "project"),
        url("report", complete_draft),
    ):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(login), address
    for address in (url("act", complete_draft, "submit"), url("comment", complete_draft), url("finance_preview", complete_draft)):
        response = client.post(address)
        assert response.status_code == 302 and response.url.startswith(login), address
    assert fresh(complete_draft).state == FundingState.DRAFT


# --- the number of queries does not grow with the data --------------------------------------------------------------------------


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_request_list_needs_the_same_number_of_queries_for_5_and_200_requests(board_a_client, org_a):
    address = reverse("applications:request_list", args=[org_a.pk])
    FundingRequestFactory.create_batch(5, organisation=org_a)
    few = count_queries(board_a_client, address)
    FundingRequestFactory.create_batch(195, organisation=org_a)
    assert count_queries(board_a_client, address) == few


def test_detail_needs_the_same_number_of_queries_for_5_and_200_entries_and_lines(board_a_client, board_a, advisor,
                                                                                 complete_draft):  # fmt: skip
    content_type = ContentType.objects.get_for_model(FundingRequest)

    def add(count):
        TransitionLog.objects.bulk_create(TransitionLog(content_type=content_type, object_id=complete_draft.pk,
                                                        actor=advisor, transition="request_changes", source="in_review",
                                                        target="changes_requested", message="Bitte ändern")
                                          for _ in range(count))  # fmt: skip
        Comment.objects.bulk_create(Comment(content_type=content_type, object_id=complete_draft.pk, author=board_a,
                                            body="Antwort") for _ in range(count))  # fmt: skip
        CostLine.objects.bulk_create(CostLine(request=complete_draft, category="material", description="Stifte",
                                              amount=Decimal("1.00")) for _ in range(count))  # fmt: skip
        IncomeLine.objects.bulk_create(IncomeLine(request=complete_draft, kind=IncomeKind.PARTICIPANT_FEES,
                                                  description="Beitrag", amount=Decimal("1.00")) for _ in range(count))  # fmt: skip

    add(5)
    few = count_queries(board_a_client, url("detail", complete_draft))
    add(195)
    assert count_queries(board_a_client, url("detail", complete_draft)) == few


def test_progress_shows_a_change_request_and_a_withdrawal_where_they_happened(board_a_client, board_a, advisor,
                                                                              complete_draft):  # fmt: skip
    funding_request = move(complete_draft, "submit", "start_review", "request_changes", actor=board_a, advisor=advisor)

    def progress():
        page = board_a_client.get(url("detail", funding_request)).text
        return " ".join(page.split('id="progress-heading"')[1].split("</ol>")[0].split())

    assert '<li aria-current="step"><strong>Changes requested</strong> – current step</li>' in progress()
    services.funding_request_withdraw(request=fresh(funding_request), actor=board_a, reason="Kein Saal")
    shown = progress()
    assert "<li>Submitted – done</li>" in shown and "Closed" not in shown
    assert shown.endswith('<li aria-current="step"><strong>Withdrawn</strong> – current step</li>')


def test_member_reads_the_usage_report_but_cannot_save_it(client, member_a, board_a, advisor, complete_draft):
    funding_request = move(complete_draft, "submit", "start_review", "approve", "start_project", "mark_report_due",
                           actor=board_a, advisor=advisor)  # fmt: skip
    client.force_login(member_a)
    page = client.get(url("report", funding_request)).text
    assert "Board members write and submit the usage report." in page and "Save the usage report" not in page
    assert 'name="narrative"' not in page
    assert client.post(url("report", funding_request), report_data()).status_code == 403
    assert client.post(url("act", funding_request, "submit-report")).status_code == 403
    assert not UsageReport.objects.exists()
