"""The KI advisor's pages: the organisation list and its filters, verifying and declining, the detail page,
the KI's own contact data; and that nobody else can reach any of it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import (
    District,
    Document,
    DocumentKind,
    KIOffice,
    LegalForm,
    Organisation,
    OrganisationState,
    ProfileChange,
    Role,
)
from accounts.services.ki_office import ki_office_update
from tests.factories import AdvisorFactory, MembershipFactory, OrganisationFactory
from workflows.models import TransitionLog

LIST_URL = reverse("accounts:advisor_organisations")
NOT_AWAITING = (
    "This organisation is no longer awaiting verification, so nothing was changed. Please check its current state."
)
KI_CONTACT = {
    "name": "Katrin Demir",
    "office": "Kommunales Integrationszentrum Hagen",
    "email": "ki@stadt-hagen.example.org",
    "phone": "02331 207 4321",
    "address": "Rathausstraße 11, 58095 Hagen",
    "office_hours": "Mo–Do 9–12 Uhr",
}


def in_language_of(user, message):
    """`message` as `user` reads it: pages are rendered in the account's preferred language."""
    with translation.override(user.preferred_language):
        return gettext(message)


def listed_names(response):
    return [organisation.name for organisation in response.context["page"].object_list]


@pytest.fixture
def awaiting(db):
    """A newly registered organisation with a chair and a plain member."""
    organisation = OrganisationFactory(name="Afrikanischer Frauenverein Hagen e.V.", state=OrganisationState.AWAITING_VERIFICATION)
    chair = MembershipFactory(organisation=organisation, role=Role.CHAIR).user
    MembershipFactory(organisation=organisation, role=Role.MEMBER)
    return organisation, chair


# --- the list -------------------------------------------------------------------------------------------


def test_advisor_sees_every_organisation_with_state_members_and_counts(advisor_client, org_a, board_a, member_a, org_b, awaiting):
    response = advisor_client.get(LIST_URL)
    assert response.status_code == 200
    assert listed_names(response) == sorted(Organisation.objects.values_list("name", flat=True))
    members = {organisation.name: organisation.members_total for organisation in response.context["page"].object_list}
    assert members == {org_a.name: 2, org_b.name: 0, awaiting[0].name: 2}
    counts = {state: count for state, _label, count in response.context["state_counts"]}
    assert counts == {**dict.fromkeys(OrganisationState.values, 0), "active": 2, "awaiting_verification": 1}
    assert reverse("accounts:advisor_organisation", args=[org_a.pk]) in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "awaiting_verification"}, ["Wartet e.V."]),
        ({"district": "haspe"}, ["Haspe e.V."]),
        ({"legal_form": "group"}, ["Gruppe Nord"]),
        ({"stale": "on"}, ["Gruppe Nord", "Wartet e.V."]),
        ({"q": "vr 77"}, ["Haspe e.V."]),
        ({"q": "gruppe"}, ["Gruppe Nord"]),
        ({"district": "nord", "legal_form": "ev"}, ["Wartet e.V."]),
    ],
)
def test_each_filter_narrows_the_list(advisor_client, params, expected):
    OrganisationFactory(name="Haspe e.V.", district=District.HASPE, register_number="VR 7788")
    OrganisationFactory(
        name="Gruppe Nord", legal_form=LegalForm.GROUP, district=District.NORD, register_number="", register_court="",
        profile_confirmed_at=timezone.now() - timedelta(days=400),
    )  # fmt: skip
    OrganisationFactory(
        name="Wartet e.V.", state=OrganisationState.AWAITING_VERIFICATION, district=District.NORD, profile_confirmed_at=None
    )
    response = advisor_client.get(LIST_URL, params)
    assert listed_names(response) == expected
    assert Organisation.objects.count() == 3


def test_filter_form_keeps_its_values(advisor_client, org_a):
    response = advisor_client.get(LIST_URL, {"q": "Eltern", "district": "mitte", "stale": "on"})
    assert 'value="Eltern"' in response.text
    assert '<option value="mitte" selected>' in response.text
    assert 'name="stale" class="kern-form-check__checkbox" id="id_stale" checked' in response.text


def test_invalid_filter_value_is_ignored_not_an_error_page(advisor_client, org_a):
    response = advisor_client.get(LIST_URL, {"state": "nonsense"})
    assert response.status_code == 200
    assert listed_names(response) == [org_a.name]


def test_list_shows_fifty_per_page_with_links_that_keep_the_filters(advisor_client, db):
    OrganisationFactory.create_batch(51, district=District.EILPE_DAHL)
    response = advisor_client.get(LIST_URL, {"district": "eilpe-dahl"})
    assert len(response.context["page"].object_list) == 50
    assert "?district=eilpe-dahl&amp;page=2" in response.text
    second = advisor_client.get(LIST_URL, {"district": "eilpe-dahl", "page": 2})
    assert len(second.context["page"].object_list) == 1
    assert 'href="?district=eilpe-dahl&amp;page=2" aria-current="page"' in second.text


def test_list_runs_the_same_number_of_queries_for_5_and_for_50_organisations(advisor_client, db):
    def create(count):
        for organisation in OrganisationFactory.create_batch(count):
            MembershipFactory(organisation=organisation, role=Role.CHAIR)
            MembershipFactory(organisation=organisation, role=Role.MEMBER)

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            response = advisor_client.get(LIST_URL)
        assert response.status_code == 200
        return len(response.context["page"].object_list), len(queries)

    create(5)
    advisor_client.get(LIST_URL)  # warm up: the first request loads the session and what Django caches
    rows_for_5, queries_for_5 = queries_for_list()
    create(45)
    rows_for_50, queries_for_50 = queries_for_list()
    assert (rows_for_5, rows_for_50) == (5, 50)
    assert queries_for_50 == queries_for_5


# --- who may see it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["client", "board_a_client", "member_a_client"])
def test_anybody_but_an_advisor_gets_404_on_every_advisor_page(request, visitor, org_a, mailoutbox):
    http = request.getfixturevalue(visitor)
    waiting = OrganisationFactory(state=OrganisationState.AWAITING_VERIFICATION)
    assert http.get(LIST_URL).status_code == 404
    assert http.get(reverse("accounts:advisor_organisation", args=[org_a.pk])).status_code == 404
    assert http.post(reverse("accounts:verify", args=[waiting.pk]), {"verify-note": "ok"}).status_code == 404
    assert http.post(reverse("accounts:decline", args=[waiting.pk]), {"decline-note": "no"}).status_code == 404
    assert http.get(reverse("accounts:ki_office")).status_code == 404
    assert http.post(reverse("accounts:ki_office"), KI_CONTACT).status_code == 404
    assert Organisation.objects.get(pk=waiting.pk).state == OrganisationState.AWAITING_VERIFICATION
    assert not TransitionLog.objects.filter(object_id=waiting.pk).exists()
    assert not KIOffice.objects.exists()
    assert mailoutbox == []


def test_staff_without_totp_is_sent_to_set_it_up_first(client, db):
    client.force_login(AdvisorFactory())
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


# --- verify and decline -----------------------------------------------------------------------------------


def test_advisor_verifies_an_awaiting_organisation_and_the_board_is_told(
    advisor_client, advisor, awaiting, mailoutbox, django_capture_on_commit_callbacks
):
    organisation, chair = awaiting
    with django_capture_on_commit_callbacks(execute=True):
        response = advisor_client.post(
            reverse("accounts:verify", args=[organisation.pk]), {"verify-note": "Bekannt aus dem Netzwerktreffen"}
        )
    assert response.status_code == 302
    assert response.url == reverse("accounts:advisor_organisation", args=[organisation.pk])
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.state == OrganisationState.ACTIVE
    assert organisation.verified_at is not None
    log = TransitionLog.objects.get(object_id=organisation.pk, transition="verify")
    assert (log.actor, log.source, log.target, log.message) == (
        advisor, "awaiting_verification", "active", "Bekannt aus dem Netzwerktreffen"
    )  # fmt: skip
    assert [mail.to for mail in mailoutbox] == [[chair.email]]  # the board, not the plain member

    advisor_client.force_login(chair)
    dashboard = advisor_client.get(reverse("accounts:dashboard", args=[organisation.pk]))
    verified = (
        "Your organisation is verified and active. It appears in the public directory with the fields you chose to publish."
    )
    assert in_language_of(chair, verified) in dashboard.text
    assert "Bekannt aus dem Netzwerktreffen" in dashboard.text


def test_detail_of_an_awaiting_organisation_offers_verify_and_decline(advisor_client, awaiting, org_a):
    organisation, _chair = awaiting
    page = advisor_client.get(reverse("accounts:advisor_organisation", args=[organisation.pk])).text
    assert reverse("accounts:verify", args=[organisation.pk]) in page
    assert reverse("accounts:decline", args=[organisation.pk]) in page
    active_page = advisor_client.get(reverse("accounts:advisor_organisation", args=[org_a.pk])).text
    assert reverse("accounts:verify", args=[org_a.pk]) not in active_page


def test_decline_without_a_reason_shows_the_error_and_changes_nothing(advisor_client, awaiting, mailoutbox):
    organisation, _chair = awaiting
    response = advisor_client.post(reverse("accounts:decline", args=[organisation.pk]), {"decline-note": "   "})
    assert response.status_code == 200
    assert response.context["decline_form"].has_error("note")
    assert in_language_of(response.wsgi_request.user, "Please give the organisation a reason for declining.") in response.text
    assert Organisation.objects.get(pk=organisation.pk).state == OrganisationState.AWAITING_VERIFICATION
    assert not TransitionLog.objects.filter(object_id=organisation.pk, transition="decline").exists()
    assert mailoutbox == []


def test_advisor_declines_with_a_reason_and_the_board_reads_it(
    advisor_client, advisor, awaiting, mailoutbox, django_capture_on_commit_callbacks
):
    organisation, chair = awaiting
    with django_capture_on_commit_callbacks(execute=True):
        advisor_client.post(reverse("accounts:decline", args=[organisation.pk]), {"decline-note": "Nicht in Hagen ansässig"})
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert (organisation.state, organisation.verification_note) == (OrganisationState.DECLINED, "Nicht in Hagen ansässig")
    assert TransitionLog.objects.get(object_id=organisation.pk, transition="decline").actor == advisor
    assert [mail.to for mail in mailoutbox] == [[chair.email]]


def test_verifying_an_active_organisation_shows_an_error_and_changes_nothing(advisor_client, advisor, org_a, board_a, mailoutbox):
    response = advisor_client.post(reverse("accounts:verify", args=[org_a.pk]), {"verify-note": "noch einmal"}, follow=True)
    assert response.status_code == 200
    assert in_language_of(advisor, NOT_AWAITING) in response.text
    organisation = Organisation.objects.get(pk=org_a.pk)
    assert (organisation.state, organisation.verified_at, organisation.verification_note) == ("active", None, "")
    assert not TransitionLog.objects.filter(object_id=org_a.pk).exists()
    assert mailoutbox == []


def test_declining_an_already_declined_organisation_changes_nothing(advisor_client, advisor, db):
    organisation = OrganisationFactory(state=OrganisationState.DECLINED)
    response = advisor_client.post(reverse("accounts:decline", args=[organisation.pk]), {"decline-note": "doppelt"}, follow=True)
    assert in_language_of(advisor, NOT_AWAITING) in response.text
    assert Organisation.objects.get(pk=organisation.pk).verification_note == ""


def test_a_concurrent_decision_is_reported_and_not_overwritten(advisor_client, advisor, awaiting, monkeypatch, mailoutbox):
    """Another advisor declines between this request reading the organisation and verifying it."""
    from accounts.views import advisor as advisor_views

    organisation, _chair = awaiting
    read = advisor_views.get_organisation_for_advisor

    def read_then_someone_else_declines(user, pk):
        current = read(user, pk)
        Organisation.objects.filter(pk=pk).update(state=OrganisationState.DECLINED, verification_note="Kollegin")
        return current

    monkeypatch.setattr(advisor_views, "get_organisation_for_advisor", read_then_someone_else_declines)
    response = advisor_client.post(reverse("accounts:verify", args=[organisation.pk]), {"verify-note": "ok"}, follow=True)
    assert in_language_of(advisor, NOT_AWAITING) in response.text
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert (organisation.state, organisation.verification_note, organisation.verified_at) == ("declined", "Kollegin", None)
    assert not TransitionLog.objects.filter(object_id=organisation.pk, transition="verify").exists()
    assert mailoutbox == []


def test_verify_and_decline_are_post_only(advisor_client, awaiting):
    organisation, _chair = awaiting
    assert advisor_client.get(reverse("accounts:verify", args=[organisation.pk])).status_code == 405
    assert advisor_client.get(reverse("accounts:decline", args=[organisation.pk])).status_code == 405
    assert Organisation.objects.get(pk=organisation.pk).state == OrganisationState.AWAITING_VERIFICATION


# --- the detail page --------------------------------------------------------------------------------------


def test_advisor_sees_the_whole_profile_members_documents_and_history(advisor_client, org_a, board_a, member_a):
    Organisation.objects.filter(pk=org_a.pk).update(
        phone="02331 555111", address="Hohle Straße 3", public_fields=["email"], verification_note="Netzwerktreffen 2016"
    )
    current = Document.objects.create(
        organisation=org_a, kind=DocumentKind.STATUTES, title="Satzung 2021", file="documents/x/current",
        original_name="satzung-2021.pdf", content_type="application/pdf", size=2048,
    )  # fmt: skip
    Document.objects.create(
        organisation=org_a, kind=DocumentKind.STATUTES, title="Satzung 2009", file="documents/x/old",
        original_name="satzung-2009.pdf", content_type="application/pdf", size=1024, replaced_by=current,
    )  # fmt: skip
    ProfileChange.objects.create(organisation=org_a, actor=board_a, field_name="quarter", old_value="", new_value="Altenhagen")
    TransitionLog.objects.create(
        subject=org_a, actor=board_a, transition="register", source="", target="awaiting_verification"
    )

    response = advisor_client.get(reverse("accounts:advisor_organisation", args=[org_a.pk]))
    page = response.text
    assert response.status_code == 200
    for not_public in ("02331 555111", "Hohle Straße 3", "Netzwerktreffen 2016", org_a.register_number):
        assert not_public in page
    assert board_a.name in page and board_a.email in page and member_a.email in page
    assert reverse("accounts:download_document", args=[current.pk]) in page
    assert "Satzung 2021" in page and "Satzung 2009" not in page
    assert "Altenhagen" in page
    assert [entry.transition for entry in response.context["transitions"]] == ["register"]


def test_detail_of_an_unknown_organisation_is_404(advisor_client):
    assert advisor_client.get(reverse("accounts:advisor_organisation", args=[99999])).status_code == 404


# --- the KI's contact data --------------------------------------------------------------------------------


def test_advisor_edits_the_ki_contact_data_and_every_page_shows_it(advisor_client, advisor):
    KIOffice.objects.create(name="Vorgänger", email="alt@stadt-hagen.example.org", phone="02331 1000")
    response = advisor_client.post(reverse("accounts:ki_office"), KI_CONTACT)
    assert response.status_code == 302
    office = KIOffice.objects.get()
    assert (office.name, office.phone, office.office_hours) == ("Katrin Demir", "02331 207 4321", "Mo–Do 9–12 Uhr")
    footer = advisor_client.get(reverse("home")).text
    assert "02331 207 4321" in footer and "Vorgänger" not in footer


def test_ki_contact_form_starts_empty_and_creates_the_row(advisor_client):
    assert advisor_client.get(reverse("accounts:ki_office")).status_code == 200
    advisor_client.post(reverse("accounts:ki_office"), KI_CONTACT)
    assert KIOffice.objects.get().email == "ki@stadt-hagen.example.org"


def test_invalid_ki_contact_data_is_explained_and_not_saved(advisor_client):
    response = advisor_client.post(reverse("accounts:ki_office"), {**KI_CONTACT, "phone": "ring ring"})
    assert response.status_code == 200
    assert response.context["form"].has_error("phone")
    assert 'value="ki@stadt-hagen.example.org"' in response.text
    assert not KIOffice.objects.exists()


def test_only_an_advisor_may_update_the_ki_contact_data(board_a):
    with pytest.raises(PermissionDenied):
        ki_office_update(actor=board_a, data=KI_CONTACT)
    assert not KIOffice.objects.exists()


def test_advisor_marks_an_organisation_dormant_and_reactivates_it(advisor_client, org_a, board_a):
    from django.test import Client

    from workflows.models import TransitionLog

    url = reverse("accounts:change_state", args=[org_a.pk, "make_dormant"])
    board_client = Client()
    board_client.force_login(board_a)
    assert board_client.post(url).status_code == 404
    advisor_client.post(url)
    assert Organisation.objects.get(pk=org_a.pk).state == OrganisationState.DORMANT
    assert org_a.name not in advisor_client.get(reverse("accounts:directory")).text
    response = advisor_client.post(url, follow=True)  # no longer possible from dormant
    assert Organisation.objects.get(pk=org_a.pk).state == OrganisationState.DORMANT
    assert response.status_code == 200
    advisor_client.post(reverse("accounts:change_state", args=[org_a.pk, "reactivate"]))
    assert Organisation.objects.get(pk=org_a.pk).state == OrganisationState.ACTIVE
    assert list(TransitionLog.objects.filter(object_id=org_a.pk).values_list("transition", flat=True)) == [
        "make_dormant", "reactivate"]
    assert advisor_client.post(reverse("accounts:change_state", args=[org_a.pk, "verify"])).status_code == 404


def test_advisor_records_a_dissolution(advisor_client, org_a):
    detail = advisor_client.get(reverse("accounts:advisor_organisation", args=[org_a.pk])).text
    assert reverse("accounts:change_state", args=[org_a.pk, "dissolve"]) in detail
    advisor_client.post(reverse("accounts:change_state", args=[org_a.pk, "dissolve"]))
    assert Organisation.objects.get(pk=org_a.pk).state == OrganisationState.DISSOLVED
