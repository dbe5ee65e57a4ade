"""The KI's side of funding: the queue with its filters and counts, the review page with every advisor action,
programmes with their budget, the help page with the diagrams; and that nobody else can reach any of it.

The advisor reads English here (`preferred_language="en"`), so the texts below stay right when German arrives.
"""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Document, DocumentKind, User
from applications.models import (
    REPORT_DUE_AFTER_END_DAYS,
    FinancingType,
    FundingRequest,
    FundingState,
    Participant,
    Programme,
    Receipt,
    TrainingRequest,
    TrainingSession,
    UsageReport,
)
from applications.services import programme_save
from tests.factories import (
    AdvisorFactory,
    FundingRequestFactory,
    ProgrammeFactory,
    TrainingRequestFactory,
    TrainingTopicFactory,
    complete_request,
)
from workflows.diagram import edges, mermaid
from workflows.models import Comment, TransitionLog
from workflows.services import comment_add
from workflows.services.funding import finance_summary

S = FundingState
QUEUE_URL = reverse("applications:queue")
PROGRAMMES_URL = reverse("applications:programmes")


@pytest.fixture(autouse=True)
def _advisor_reads_english(advisor):
    User.objects.filter(pk=advisor.pk).update(preferred_language="en")
    advisor.preferred_language = "en"


def english(message, **params):
    with translation.override("en"):
        text = translation.gettext(message)
    return text % params if params else text


def in_state(state, *, organisation, programme=None, title="Sommerfest", **fields):
    """A complete request (1,000 € costs, 800 € requested) moved straight into `state`."""
    funding_request = complete_request(
        FundingRequestFactory(organisation=organisation, programme=programme or ProgrammeFactory(), title=title)
    )
    if state == S.DRAFT:
        fields.setdefault("shared_for_advice_at", timezone.now())
    if "approved_amount" in fields:
        fields.setdefault("decided_at", timezone.now())
    FundingRequest.objects.filter(pk=funding_request.pk).update(state=state, **fields)
    return FundingRequest.objects.get(pk=funding_request.pk)


def act_url(funding_request, action):
    return reverse("applications:advisor_act", args=[funding_request.pk, action])


def review_url(funding_request):
    return reverse("applications:review", args=[funding_request.pk])


def listed_titles(response):
    return [funding_request.title for funding_request in response.context["page"].object_list]


def logs(funding_request, transition=None):
    entries = TransitionLog.objects.filter(content_type__model="fundingrequest", object_id=funding_request.pk)
    return entries.filter(transition=transition) if transition else entries


def action_form(response, slug):
    return next(action["form"] for action in response.context["actions"] if action["slug"] == slug)


def approval(funding_request, **changes):
    data = {"approve-amount": "800.00", "approve-conditions": "Logo der Stadt zeigen",
            "approve-approved_from": funding_request.starts_on.isoformat(),
            "approve-approved_until": funding_request.ends_on.isoformat(), "approve-report_due_on": ""}  # fmt: skip
    data.update({f"approve-{key}": value for key, value in changes.items()})
    return data


# --- the queue ---------------------------------------------------------------------------------------------


def test_queue_shows_what_the_ki_may_see_with_counts_per_state(advisor_client, org_a, org_b):
    in_state(S.SUBMITTED, organisation=org_a, title="Eingereicht")
    in_state(S.IN_REVIEW, organisation=org_b, title="In Prüfung")
    in_state(S.DRAFT, organisation=org_a, title="Zur Beratung")
    in_state(S.DRAFT, organisation=org_b, title="Geheimer Entwurf", shared_for_advice_at=None)

    response = advisor_client.get(QUEUE_URL)

    assert response.status_code == 200
    assert sorted(listed_titles(response)) == ["Eingereicht", "In Prüfung", "Zur Beratung"]
    assert "Geheimer Entwurf" not in response.text
    counts = {state: count for state, _label, count in response.context["state_counts"]}
    assert counts == {**dict.fromkeys(S.values, 0), "submitted": 1, "in_review": 1, "draft": 1}
    assert f"{QUEUE_URL}?state=in_review" in response.text
    assert review_url(FundingRequest.objects.get(title="Eingereicht")) in response.text


@pytest.fixture
def queue_of_four(advisor, org_a, org_b):
    """Four requests that differ in every filter: state, programme, organisation, assignee, waiting time, text."""
    colleague = AdvisorFactory(name="Jonas Kollege")
    music = ProgrammeFactory(name="Musikförderung")
    now = timezone.now()
    in_state(S.SUBMITTED, organisation=org_a, title="Sommerfest", state_changed_at=now - timedelta(days=20),
             assignee=advisor)  # fmt: skip
    in_state(S.IN_REVIEW, organisation=org_a, title="Hausaufgabenhilfe", programme=music, goals="Nachhilfe in Mathe",
             state_changed_at=now - timedelta(days=3), assignee=colleague)  # fmt: skip
    in_state(S.SUBMITTED, organisation=org_b, title="Chorprobe", programme=music, state_changed_at=now - timedelta(days=8))
    in_state(S.APPROVED, organisation=org_b, title="Kochkurs", state_changed_at=now - timedelta(days=1))
    return {"colleague": colleague, "music": music}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "submitted"}, ["Chorprobe", "Sommerfest"]),
        ({"programme": "music"}, ["Chorprobe", "Hausaufgabenhilfe"]),
        ({"organisation": "org_b"}, ["Chorprobe", "Kochkurs"]),
        ({"assignee": "me"}, ["Sommerfest"]),
        ({"assignee": "colleague"}, ["Hausaufgabenhilfe"]),
        ({"assignee": "nobody"}, ["Chorprobe", "Kochkurs"]),
        ({"waiting_days": "7"}, ["Chorprobe", "Sommerfest"]),
        ({"q": "mathe"}, ["Hausaufgabenhilfe"]),  # goals
        ({"q": "KOCH"}, ["Kochkurs"]),  # title
        ({"q": "Ukrainischer"}, ["Chorprobe", "Kochkurs"]),  # organisation
        ({"state": "submitted", "organisation": "org_b"}, ["Chorprobe"]),
    ],
)
def test_each_queue_filter_narrows_the_list(request, advisor_client, queue_of_four, params, expected):
    objects = {"music": queue_of_four["music"].pk, "org_b": request.getfixturevalue("org_b").pk,
               "colleague": queue_of_four["colleague"].pk}  # fmt: skip
    params = {key: objects.get(value, value) for key, value in params.items()}
    response = advisor_client.get(QUEUE_URL, params)
    assert sorted(listed_titles(response)) == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("", ["Sommerfest", "Chorprobe", "Hausaufgabenhilfe", "Kochkurs"]),  # waiting longest first by default
        ("waiting", ["Sommerfest", "Chorprobe", "Hausaufgabenhilfe", "Kochkurs"]),
        ("newest", ["Kochkurs", "Chorprobe", "Hausaufgabenhilfe", "Sommerfest"]),
        ("organisation", ["Sommerfest", "Hausaufgabenhilfe", "Chorprobe", "Kochkurs"]),  # Türkischer … < Ukrainischer …
    ],
)
def test_queue_sorts_by_waiting_time_age_or_organisation(advisor_client, queue_of_four, order, expected):
    assert listed_titles(advisor_client.get(QUEUE_URL, {"order": order})) == expected


def test_queue_filter_form_keeps_its_values_and_ignores_nonsense(advisor_client, queue_of_four):
    response = advisor_client.get(QUEUE_URL, {"q": "Chor", "waiting_days": "5", "state": "nonsense", "assignee": "42x"})
    assert response.status_code == 200
    assert listed_titles(response) == ["Chorprobe"]
    assert 'value="Chor"' in response.text and 'value="5"' in response.text


def test_queue_shows_fifty_per_page_with_links_that_keep_the_filters(advisor_client, org_a):
    programme = ProgrammeFactory()
    FundingRequestFactory.create_batch(51, organisation=org_a, programme=programme, state=S.SUBMITTED)
    response = advisor_client.get(QUEUE_URL, {"state": "submitted"})
    assert len(response.context["page"].object_list) == 50
    assert "?state=submitted&amp;page=2" in response.text
    second = advisor_client.get(QUEUE_URL, {"state": "submitted", "page": 2})
    assert len(second.context["page"].object_list) == 1
    assert 'href="?state=submitted&amp;page=2" aria-current="page"' in second.text


def test_queue_runs_the_same_number_of_queries_for_5_and_for_200_requests(advisor_client, advisor, db):
    colleague = AdvisorFactory()

    def create(count):
        for number in range(count):
            FundingRequestFactory(state=S.SUBMITTED, assignee=(advisor, colleague, None)[number % 3])

    def queries_for_queue():
        with CaptureQueriesContext(connection) as queries:
            response = advisor_client.get(QUEUE_URL)
        assert response.status_code == 200
        return len(response.context["page"].object_list), len(queries)

    create(5)
    advisor_client.get(QUEUE_URL)  # warm up: the first request loads the session and what Django caches
    rows_for_5, queries_for_5 = queries_for_queue()
    create(195)
    rows_for_200, queries_for_200 = queries_for_queue()
    assert (rows_for_5, rows_for_200) == (5, 50)
    assert queries_for_200 == queries_for_5


# --- assigning -----------------------------------------------------------------------------------------------


def test_advisor_assigns_a_request_to_herself_from_the_queue_and_returns_to_it(advisor_client, advisor, org_a):
    funding_request = in_state(S.SUBMITTED, organisation=org_a)
    back = f"{QUEUE_URL}?state=submitted"
    page = advisor_client.get(back).text
    assert reverse("applications:assign", args=[funding_request.pk]) in page

    response = advisor_client.post(reverse("applications:assign", args=[funding_request.pk]),
                                   {"assign-assignee": advisor.pk, "next": back})  # fmt: skip

    assert response.status_code == 302 and response.url == back
    assert FundingRequest.objects.get(pk=funding_request.pk).assignee == advisor


def test_advisor_assigns_a_colleague_or_nobody_on_the_review_page(advisor_client, advisor, org_a):
    colleague = AdvisorFactory(name="Jonas Kollege")
    funding_request = in_state(S.SUBMITTED, organisation=org_a, assignee=advisor)
    url = reverse("applications:assign", args=[funding_request.pk])

    response = advisor_client.post(url, {"assign-assignee": colleague.pk, "next": "https://evil.example.org/"})
    assert response.url == review_url(funding_request)  # a foreign address is not followed
    assert FundingRequest.objects.get(pk=funding_request.pk).assignee == colleague

    advisor_client.post(url, {"assign-assignee": ""})
    assert FundingRequest.objects.get(pk=funding_request.pk).assignee is None


def test_a_request_cannot_be_assigned_to_somebody_outside_the_ki(advisor_client, org_a, board_a):
    funding_request = in_state(S.SUBMITTED, organisation=org_a)
    response = advisor_client.post(reverse("applications:assign", args=[funding_request.pk]),
                                   {"assign-assignee": board_a.pk}, follow=True)  # fmt: skip
    assert english("Please choose a KI advisor.") in response.text
    assert FundingRequest.objects.get(pk=funding_request.pk).assignee is None


# --- the review page ------------------------------------------------------------------------------------------


def test_review_shows_project_finance_rule_violations_documents_and_what_is_missing(advisor_client, org_a, board_a):
    # 900 € of 1,000 € costs requested: above the 80 % rate, and 10 % own share is below the 20 % minimum.
    funding_request = complete_request(
        FundingRequestFactory(organisation=org_a, title="Sprachcafé", shared_for_advice_at=timezone.now()),
        requested=Decimal("900.00"),
    )
    FundingRequest.objects.filter(pk=funding_request.pk).update(partners="Stadtbücherei Hagen", information_true=False)
    statutes = Document.objects.create(
        organisation=org_a, kind=DocumentKind.STATUTES, title="Satzung 2021", file="documents/x/s",
        original_name="satzung.pdf", content_type="application/pdf", size=2048,
    )  # fmt: skip
    funding_request.attachments.add(statutes)

    response = advisor_client.get(review_url(funding_request))

    page = response.text
    assert response.status_code == 200
    assert "Sprachcafé" in page and "Stadtbücherei Hagen" in page and "Begegnung im Stadtteil" in page
    assert "Zeltmiete" in page and "1,000.00" in page and "900.00" in page and "90 %" in page
    with translation.override("en"):
        violations = finance_summary(FundingRequest.objects.get(pk=funding_request.pk)).violations
    assert set(violations) == {"requested_amount", "own_share"}
    for message in violations.values():
        assert html.escape(message) in page
    assert reverse("accounts:download_document", args=[statutes.pk]) in page and "Satzung 2021" in page
    assert html.escape(english("Please confirm that all information is true and complete.")) in page


def test_review_shows_history_public_comments_and_internal_notes_marked_as_internal(advisor_client, advisor, org_a, board_a):
    funding_request = in_state(S.SUBMITTED, organisation=org_a)
    TransitionLog.objects.create(subject=funding_request, actor=board_a, transition="submit", source="draft",
                                 target="submitted")  # fmt: skip
    comment_add(subject=funding_request, author=board_a, body="Wir haben die Kosten ergänzt.")
    comment_add(subject=funding_request, author=advisor, body="Verein ist zuverlässig.", internal=True)

    response = advisor_client.get(review_url(funding_request))

    page = response.text
    assert "Wir haben die Kosten ergänzt." in page and "Verein ist zuverlässig." in page
    assert [entry.kind for entry in response.context["timeline"]] == ["transition", "comment", "comment"]
    assert [entry.internal for entry in response.context["timeline"]] == [False, False, True]
    assert page.count(english("internal – not visible to the organisation")) == 1
    assert html.escape(english("from “%(source)s” to “%(target)s”", source="draft", target="submitted"), quote=False) in page


def test_review_of_an_unknown_request_or_a_private_draft_is_404(advisor_client, org_a):
    private_draft = in_state(S.DRAFT, organisation=org_a, shared_for_advice_at=None)
    assert advisor_client.get(reverse("applications:review", args=[99999])).status_code == 404
    assert advisor_client.get(review_url(private_draft)).status_code == 404
    assert advisor_client.post(act_url(private_draft, "start-review")).status_code == 404


def test_review_offers_only_the_actions_of_the_current_state(advisor_client, org_a):
    slugs = {}
    for state in (S.SUBMITTED, S.IN_REVIEW, S.IN_PROGRESS, S.REPORT_SUBMITTED, S.CLOSED, S.DRAFT):
        response = advisor_client.get(review_url(in_state(state, organisation=org_a)))
        slugs[state] = [action["slug"] for action in response.context["actions"]]
    assert slugs == {
        S.SUBMITTED: ["start-review"],
        S.IN_REVIEW: ["request-changes", "approve", "reject"],
        S.IN_PROGRESS: ["mark-report-due"],
        S.REPORT_SUBMITTED: ["accept-report", "request-report-corrections"],
        S.CLOSED: [],
        S.DRAFT: [],
    }


def test_approval_form_is_prefilled_with_the_requested_grant_and_the_project_dates(advisor_client, org_a):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)
    page = advisor_client.get(review_url(funding_request)).text
    assert 'name="approve-amount" value="800.00"' in page
    assert f'name="approve-approved_from" value="{funding_request.starts_on.isoformat()}"' in page
    assert f'name="approve-approved_until" value="{funding_request.ends_on.isoformat()}"' in page


# --- comments ------------------------------------------------------------------------------------------------


def test_advisor_writes_an_internal_note_and_a_public_comment(advisor_client, advisor, org_a):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)
    url = reverse("applications:advisor_comment", args=[funding_request.pk])

    response = advisor_client.post(url, {"comment-body": "Rückfrage beim Kämmerer", "comment-internal": "on"})
    assert response.status_code == 302 and response.url.startswith(review_url(funding_request))
    advisor_client.post(url, {"comment-body": "Bitte Kostenplan erläutern"})

    comments = Comment.objects.filter(object_id=funding_request.pk).order_by("pk")
    assert [(c.body, c.internal, c.author) for c in comments] == [
        ("Rückfrage beim Kämmerer", True, advisor), ("Bitte Kostenplan erläutern", False, advisor),
    ]  # fmt: skip


def test_an_empty_comment_is_explained_and_not_saved(advisor_client, org_a):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)
    response = advisor_client.post(reverse("applications:advisor_comment", args=[funding_request.pk]),
                                   {"comment-body": "   ", "comment-internal": "on"})  # fmt: skip
    assert response.status_code == 200
    assert response.context["comment_form"].has_error("body")
    assert english("Please write a comment.") in response.text
    assert not Comment.objects.exists()


# --- the actions -----------------------------------------------------------------------------------------------


def test_advisor_starts_the_review(advisor_client, advisor, org_a, django_capture_on_commit_callbacks):
    funding_request = in_state(S.SUBMITTED, organisation=org_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = advisor_client.post(act_url(funding_request, "start-review"), follow=True)
    assert english("The review has started.") in response.text
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.IN_REVIEW
    log = logs(funding_request, "start_review").get()
    assert (log.actor, log.source, log.target) == (advisor, "submitted", "in_review")


def test_asking_for_changes_needs_a_message(advisor_client, org_a, board_a, django_capture_on_commit_callbacks, mailoutbox):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)

    response = advisor_client.post(act_url(funding_request, "request-changes"), {"request-changes-message": "  "})
    assert response.status_code == 200
    assert action_form(response, "request-changes").has_error("message")
    assert english("Please tell the organisation what to change.") in response.text
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.IN_REVIEW

    with django_capture_on_commit_callbacks(execute=True):
        advisor_client.post(act_url(funding_request, "request-changes"),
                            {"request-changes-message": "Bitte die Honorare aufschlüsseln."})  # fmt: skip
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.CHANGES_REQUESTED
    assert logs(funding_request, "request_changes").get().message == "Bitte die Honorare aufschlüsseln."
    assert [mail.to for mail in mailoutbox] == [[board_a.email]]


def test_advisor_approves_part_of_the_requested_grant(advisor_client, advisor, org_a):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)
    response = advisor_client.post(act_url(funding_request, "approve"), approval(funding_request, amount="500.00"), follow=True)
    assert english("The request is approved.") in response.text
    funding_request = FundingRequest.objects.get(pk=funding_request.pk)
    assert funding_request.state == S.APPROVED
    assert funding_request.approved_amount == Decimal("500.00")
    assert funding_request.conditions == "Logo der Stadt zeigen"
    assert funding_request.report_due_on == funding_request.ends_on + timedelta(days=REPORT_DUE_AFTER_END_DAYS)
    assert logs(funding_request, "approve").get().actor == advisor


def test_approving_more_than_requested_is_refused_and_the_typed_values_stay(advisor_client, org_a):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)
    response = advisor_client.post(act_url(funding_request, "approve"),
                                   approval(funding_request, amount="900.00", conditions="Nur mit Logo"))  # fmt: skip
    assert response.status_code == 200
    errors = action_form(response, "approve").errors["amount"]
    assert errors == [english("The approved amount (%(amount)s €) cannot exceed the requested grant (%(requested)s €).",
                              amount="900.00", requested="800.00")]  # fmt: skip
    assert 'name="approve-amount" value="900.00"' in response.text and "Nur mit Logo" in response.text
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.IN_REVIEW
    assert not logs(funding_request, "approve").exists()


def test_approving_beyond_the_remaining_budget_is_refused_with_the_numbers(advisor_client, org_a, org_b):
    programme = ProgrammeFactory(yearly_budget=Decimal("1000.00"))
    in_state(S.APPROVED, organisation=org_b, programme=programme, approved_amount=Decimal("900.00"))
    funding_request = in_state(S.IN_REVIEW, organisation=org_a, programme=programme)

    response = advisor_client.post(act_url(funding_request, "approve"), approval(funding_request))

    message = english("The programme's remaining budget is %(remaining)s € (of %(budget)s €); %(amount)s € cannot be "
                      "approved.", remaining="100.00", budget="1,000.00", amount="800.00")  # fmt: skip
    assert action_form(response, "approve").errors["amount"] == [message]
    assert html.escape(message) in response.text
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.IN_REVIEW


def test_rejecting_needs_a_reason(advisor_client, org_a):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)

    response = advisor_client.post(act_url(funding_request, "reject"), {"reject-reason": ""})
    assert action_form(response, "reject").has_error("reason")
    assert english("Please give the organisation the reason for the rejection.") in response.text
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.IN_REVIEW

    advisor_client.post(act_url(funding_request, "reject"), {"reject-reason": "Das Projekt liegt außerhalb Hagens."})
    funding_request = FundingRequest.objects.get(pk=funding_request.pk)
    assert (funding_request.state, funding_request.decision_reason) == (S.REJECTED, "Das Projekt liegt außerhalb Hagens.")
    assert funding_request.decided_at is not None


def test_advisor_marks_the_usage_report_as_due(advisor_client, org_a):
    funding_request = in_state(S.IN_PROGRESS, organisation=org_a, approved_amount=Decimal("800.00"))
    advisor_client.post(act_url(funding_request, "mark-report-due"))
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.REPORT_DUE
    assert logs(funding_request, "mark_report_due").exists()


@pytest.fixture
def submitted_report(org_a):
    funding_request = in_state(S.REPORT_SUBMITTED, organisation=org_a, approved_amount=Decimal("800.00"))
    report = UsageReport.objects.create(request=funding_request, narrative="Das Fest hatte 120 Gäste.",
                                        actual_costs={"rent": "950.00", "travel": "40.00"},
                                        actual_income={"own_funds": "190.00"})  # fmt: skip
    Receipt.objects.create(report=report, date=timezone.localdate(), payee="Zeltverleih Müller", purpose="Zeltmiete",
                           amount=Decimal("950.00"))  # fmt: skip
    return funding_request


def test_review_shows_the_usage_report_against_the_plan(advisor_client, submitted_report):
    response = advisor_client.get(review_url(submitted_report))
    page = response.text
    assert "Das Fest hatte 120 Gäste." in page and "Zeltverleih Müller" in page
    assert response.context["report_tables"][0][0] == [
        ("rent", Decimal("1000.00"), Decimal("950.00")), ("travel", None, Decimal("40.00")),
    ]  # fmt: skip
    assert response.context["report_tables"][1][0] == [("own funds (cash)", Decimal("200.00"), Decimal("190.00"))]
    assert "950.00" in page and "40.00" in page


def test_advisor_accepts_the_usage_report_and_the_request_is_closed(advisor_client, submitted_report):
    response = advisor_client.post(act_url(submitted_report, "accept-report"), follow=True)
    assert english("The usage report is accepted and the request is closed.") in response.text
    assert FundingRequest.objects.get(pk=submitted_report.pk).state == S.CLOSED


def test_advisor_sends_the_usage_report_back_with_a_message(advisor_client, submitted_report):
    url = act_url(submitted_report, "request-report-corrections")
    response = advisor_client.post(url, {"request-report-corrections-message": ""})
    assert action_form(response, "request-report-corrections").has_error("message")
    assert FundingRequest.objects.get(pk=submitted_report.pk).state == S.REPORT_SUBMITTED

    advisor_client.post(url, {"request-report-corrections-message": "Der Beleg für die Fahrtkosten fehlt."})
    assert FundingRequest.objects.get(pk=submitted_report.pk).state == S.REPORT_DUE
    assert logs(submitted_report, "request_report_corrections").get().message == "Der Beleg für die Fahrtkosten fehlt."


def test_approving_a_draft_shared_for_advice_is_refused_with_the_reason(advisor_client, org_a, mailoutbox):
    draft = in_state(S.DRAFT, organisation=org_a)
    response = advisor_client.post(act_url(draft, "approve"), approval(draft), follow=True)
    assert html.escape(english("This is not possible while the state is “%(state)s”.", state="draft"), quote=False) in response.text
    draft = FundingRequest.objects.get(pk=draft.pk)
    assert (draft.state, draft.approved_amount, draft.decided_at) == (S.DRAFT, None, None)
    assert not logs(draft).exists()
    # Without valid input the reason is the same: the form is not on the page to show its errors.
    response = advisor_client.post(act_url(draft, "approve"), {}, follow=True)
    assert html.escape(english("This is not possible while the state is “%(state)s”.", state="draft"), quote=False) in response.text


def test_a_change_someone_else_made_meanwhile_is_reported_and_not_overwritten(advisor_client, org_a, monkeypatch):
    """A colleague rejects between this request reading the funding request and approving it."""
    from applications.views import advisor_funding

    funding_request = in_state(S.IN_REVIEW, organisation=org_a)
    read = advisor_funding.get_funding_request_for_advisor

    def read_then_a_colleague_rejects(user, pk):
        current = read(user, pk)
        FundingRequest.objects.filter(pk=pk).update(state=S.REJECTED, decision_reason="Kollegin")
        return current

    monkeypatch.setattr(advisor_funding, "get_funding_request_for_advisor", read_then_a_colleague_rejects)
    response = advisor_client.post(act_url(funding_request, "approve"), approval(funding_request), follow=True)

    assert english("Someone else changed this meanwhile, so nothing was saved. Please reload the page and check the "
                   "current state.") in response.text  # fmt: skip
    funding_request = FundingRequest.objects.get(pk=funding_request.pk)
    assert (funding_request.state, funding_request.decision_reason, funding_request.approved_amount) == (
        S.REJECTED, "Kollegin", None)  # fmt: skip
    assert not logs(funding_request).exists()


def test_actions_are_post_only_and_unknown_actions_are_404(advisor_client, org_a):
    funding_request = in_state(S.SUBMITTED, organisation=org_a)
    assert advisor_client.get(act_url(funding_request, "start-review")).status_code == 405
    assert advisor_client.post(act_url(funding_request, "withdraw")).status_code == 404
    assert advisor_client.post(act_url(funding_request, "submit")).status_code == 404
    assert FundingRequest.objects.get(pk=funding_request.pk).state == S.SUBMITTED


# --- who may see it ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["client", "board_a_client", "member_a_client"])
def test_anybody_but_an_advisor_gets_404_on_every_page_of_the_ki(request, visitor, org_a, advisor, mailoutbox):
    http = request.getfixturevalue(visitor)
    funding_request = in_state(S.IN_REVIEW, organisation=org_a)
    programme = funding_request.programme
    gets = [QUEUE_URL, review_url(funding_request), PROGRAMMES_URL, reverse("applications:programme_create"),
            reverse("applications:programme_edit", args=[programme.pk]), reverse("applications:workflow_help")]  # fmt: skip
    posts = {
        reverse("applications:advisor_comment", args=[funding_request.pk]): {"comment-body": "Hallo"},
        reverse("applications:assign", args=[funding_request.pk]): {"assign-assignee": advisor.pk},
        act_url(funding_request, "approve"): approval(funding_request),
        act_url(funding_request, "reject"): {"reject-reason": "Nein"},
        act_url(funding_request, "request-changes"): {"request-changes-message": "Mehr"},
        reverse("applications:programme_create"): {"name": "Neu"},
        reverse("applications:programme_edit", args=[programme.pk]): {"name": "Umbenannt"},
    }
    for url in gets:
        assert http.get(url).status_code == 404, url
    for url, data in posts.items():
        assert http.post(url, data).status_code == 404, url
    funding_request = FundingRequest.objects.get(pk=funding_request.pk)
    assert (funding_request.state, funding_request.assignee) == (S.IN_REVIEW, None)
    assert Programme.objects.get().name == programme.name
    assert not Comment.objects.exists() and not logs(funding_request).exists()
    assert mailoutbox == []


# --- programmes ------------------------------------------------------------------------------------------------


def test_programme_list_shows_committed_and_available_budget(advisor_client, org_a):
    programme = ProgrammeFactory(name="Einzelprojekt", yearly_budget=Decimal("50000.00"))
    ProgrammeFactory(name="Anschubförderung", yearly_budget=Decimal("6000.00"))
    in_state(S.APPROVED, organisation=org_a, programme=programme, approved_amount=Decimal("700.00"))
    in_state(S.CLOSED, organisation=org_a, programme=programme, approved_amount=Decimal("300.00"))
    in_state(S.REJECTED, organisation=org_a, programme=programme)
    in_state(S.IN_REVIEW, organisation=org_a, programme=programme)

    response = advisor_client.get(PROGRAMMES_URL)

    rows = {p.name: (p.yearly_budget, p.committed, p.available) for p in response.context["programmes"]}
    assert rows == {
        "Anschubförderung": (Decimal("6000.00"), Decimal("0.00"), Decimal("6000.00")),
        "Einzelprojekt": (Decimal("50000.00"), Decimal("1000.00"), Decimal("49000.00")),
    }
    assert "49,000.00" in response.text and "1,000.00" in response.text
    assert reverse("applications:programme_edit", args=[programme.pk]) in response.text


def test_programme_list_runs_one_query_for_the_budgets_however_many_programmes(advisor_client, org_a):
    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert advisor_client.get(PROGRAMMES_URL).status_code == 200
        return len(queries)

    for programme in ProgrammeFactory.create_batch(2):
        in_state(S.APPROVED, organisation=org_a, programme=programme, approved_amount=Decimal("100.00"))
    advisor_client.get(PROGRAMMES_URL)
    queries_for_2 = queries_for_list()
    for programme in ProgrammeFactory.create_batch(8):
        in_state(S.APPROVED, organisation=org_a, programme=programme, approved_amount=Decimal("100.00"))
    assert queries_for_list() == queries_for_2


def programme_data(**changes):
    today = timezone.localdate()
    data = {
        "name": "Integrationsrat Mikroförderung", "description": "Bis 500 € je Aktivität",
        "financing_type": FinancingType.FIXED, "max_amount": "500.00", "max_rate": "", "min_own_share_rate": "",
        "volunteer_cap_rate": "", "call_opens": today.isoformat(), "call_closes": (today + timedelta(days=90)).isoformat(),
        "yearly_budget": "10,000.00", "required_documents": ["statutes", "bank_confirmation"], "short_form": "on",
    }  # fmt: skip
    data.update(changes)
    return data


def test_advisor_creates_a_programme_with_its_rules(advisor_client, advisor):
    form_page = advisor_client.get(reverse("applications:programme_create"))
    assert 'value="bank_confirmation"' in form_page.text

    response = advisor_client.post(reverse("applications:programme_create"), programme_data())

    assert response.status_code == 302 and response.url == PROGRAMMES_URL
    programme = Programme.objects.get()
    assert (programme.name, programme.financing_type, programme.max_amount, programme.yearly_budget) == (
        "Integrationsrat Mikroförderung", "fixed", Decimal("500.00"), Decimal("10000.00"))  # fmt: skip
    assert programme.required_documents == ["statutes", "bank_confirmation"] and programme.short_form
    assert programme.max_rate is None
    log = TransitionLog.objects.get(content_type__model="programme", object_id=programme.pk)
    assert (log.actor, log.transition) == (advisor, "create")


def test_advisor_edits_a_programme_and_the_change_is_logged(advisor_client, advisor):
    programme = ProgrammeFactory(yearly_budget=Decimal("50000.00"))
    url = reverse("applications:programme_edit", args=[programme.pk])
    assert 'name="yearly_budget" value="50000.00"' in advisor_client.get(url).text

    response = advisor_client.post(url, programme_data(name=programme.name, yearly_budget="60000"))

    assert response.status_code == 302
    programme = Programme.objects.get(pk=programme.pk)
    assert programme.yearly_budget == Decimal("60000.00") and programme.financing_type == "fixed"
    log = TransitionLog.objects.get(content_type__model="programme", object_id=programme.pk, transition="update")
    assert "yearly_budget: 50000.00 → 60000.00" in log.message


def test_a_call_that_closes_before_it_opens_is_refused(advisor_client):
    today = timezone.localdate()
    response = advisor_client.post(reverse("applications:programme_create"),
                                   programme_data(call_closes=(today - timedelta(days=1)).isoformat()))  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["call_closes"] == [english("The call cannot close before it opens.")]
    assert not Programme.objects.exists()


def test_the_budget_cannot_fall_below_what_is_already_approved(advisor_client, org_a):
    programme = ProgrammeFactory(yearly_budget=Decimal("5000.00"))
    in_state(S.APPROVED, organisation=org_a, programme=programme, approved_amount=Decimal("800.00"))
    response = advisor_client.post(reverse("applications:programme_edit", args=[programme.pk]),
                                   programme_data(yearly_budget="500"))  # fmt: skip
    assert response.context["form"].has_error("yearly_budget")
    assert "800.00" in response.context["form"].errors["yearly_budget"][0]
    assert Programme.objects.get(pk=programme.pk).yearly_budget == Decimal("5000.00")


def test_only_an_advisor_may_save_a_programme(board_a):
    programme = ProgrammeFactory(name="Alt")
    with pytest.raises(PermissionDenied):
        programme_save(actor=board_a, data={"name": "Neu"}, programme=programme)
    with pytest.raises(PermissionDenied):
        programme_save(actor=board_a, data={"name": "Neu"})
    assert list(Programme.objects.values_list("name", flat=True)) == ["Alt"]


# --- help ----------------------------------------------------------------------------------------------------------


def table_rows(page, caption_id):
    """The text of every body row of the table captioned `caption_id`, as tuples of cell texts."""
    table = re.search(rf'id="{caption_id}".*?<tbody[^>]*>(.*?)</tbody>', page, re.S).group(1)
    return {
        tuple(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    }


def test_help_page_shows_each_workflow_as_diagram_and_as_table(advisor_client):
    response = advisor_client.get(reverse("applications:workflow_help"))
    page = response.text
    assert response.status_code == 200
    with translation.override("en"):
        for model in (FundingRequest, TrainingRequest):
            assert html.escape(mermaid(model)) in page
            states = dict(model._meta.get_field("state").flatchoices)
            expected = {(str(states[e.source]).capitalize(), str(e.label).capitalize(), str(states[e.target]).capitalize(),
                         str(e.actor_label)) for e in edges(model)}  # fmt: skip
            assert table_rows(page, f"{model._meta.model_name}-edges-caption") == expected
    assert ("In review", "Approve", "Approved", "KI") in table_rows(page, "fundingrequest-edges-caption")


def test_help_page_loads_mermaid_from_the_portal_itself(advisor_client):
    page = advisor_client.get(reverse("applications:workflow_help")).text
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts == ["/static/mermaid/mermaid.min.js", "/static/workflow-help.js"]
    assert "<script>" not in page  # no inline script: a Content-Security-Policy can forbid them
    library = advisor_client.get(scripts[0])
    assert library.status_code == 200
    assert b"mermaid" in b"".join(library.streaming_content)[:100000]
    initialise = b"".join(advisor_client.get(scripts[1]).streaming_content).decode()
    assert "startOnLoad: true" in initialise and 'securityLevel: "strict"' in initialise


# --- the admin ------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_http(client, db):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import ADVISOR_TOTP_SECRET

    superuser = User.objects.create_superuser("admin@stadt-hagen.example.org", "correct horse battery", name="Admin")
    TOTP.activate(superuser, ADVISOR_TOTP_SECRET)  # staff need TOTP before they reach any page
    client.force_login(superuser)
    return client


def test_admin_pages_of_programmes_requests_reports_and_trainings_load(admin_http, org_a, board_a, submitted_report):
    topic = TrainingTopicFactory()
    session = TrainingSession.objects.create(topic=topic, starts_at=timezone.now() + timedelta(days=10),
                                             place="Rathaus Hagen", capacity=12, trainer="Frau Hagen")  # fmt: skip
    training_request = TrainingRequestFactory(organisation=org_a, topic=topic)
    participant = Participant.objects.create(session=session, organisation=org_a, name="Ayşe Yılmaz")
    comment = comment_add(subject=submitted_report, author=board_a, body="Belege folgen")
    objects = [submitted_report.programme, submitted_report, submitted_report.usage_report, topic, session,
               training_request, participant, comment]  # fmt: skip
    for obj in objects:
        name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
        changelist = admin_http.get(reverse(f"{name}_changelist"), {"q": "hagen"})
        assert changelist.status_code == 200, name
        assert obj in admin_http.get(reverse(f"{name}_changelist")).context["cl"].result_list, name
        assert admin_http.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, name


def test_saving_a_request_in_the_admin_keeps_its_state_and_bumps_the_version(admin_http, org_a):
    funding_request = in_state(S.IN_REVIEW, organisation=org_a, title="Alter Titel")
    url = reverse("admin:applications_fundingrequest_change", args=[funding_request.pk])
    form = admin_http.get(url).context["adminform"].form
    assert "state" not in form.fields and "approved_amount" not in form.fields
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value not in (None, False):
            data[name] = value
    for prefix in ("cost_lines", "income_lines"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(title="Neuer Titel", state=S.APPROVED, approved_amount="99999")  # forged values are ignored
    response = admin_http.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = FundingRequest.objects.get(pk=funding_request.pk)
    assert (saved.title, saved.state, saved.approved_amount) == ("Neuer Titel", S.IN_REVIEW, None)
    assert saved.version == funding_request.version + 1
