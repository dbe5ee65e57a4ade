from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from accounts.management.commands.load_demo_data import ADVISOR, DEMO_PASSWORD
from accounts.models import (
    District,
    Invitation,
    KIOffice,
    LegalForm,
    Membership,
    Organisation,
    OrganisationState,
    ProfileChange,
    User,
)
from workflows.models import TransitionLog

ADVISOR_EMAIL = ADVISOR["email"]
BOARD_EMAIL = "ayse.yilmaz@example.org"  # chair of the active "Brücke"


def load_demo_data():
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def row_counts():
    models = [User, EmailAddress, Organisation, Membership, Invitation, ProfileChange, KIOffice, TransitionLog]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo(db):
    return load_demo_data()


def test_loading_the_demo_data_twice_creates_nothing_new(demo):
    first = row_counts()
    load_demo_data()
    assert row_counts() == first
    assert first["Organisation"] >= 8 and first["KIOffice"] == 1


def test_a_second_run_leaves_changes_made_in_the_portal_alone(demo):
    organisation = Organisation.objects.get(name="Elternverein Brücke Wehringhausen e.V.")
    Organisation.objects.filter(pk=organisation.pk).update(meeting_times="So 11–13 Uhr")
    load_demo_data()
    assert Organisation.objects.get(pk=organisation.pk).meeting_times == "So 11–13 Uhr"


def test_demo_organisations_cover_states_legal_forms_and_all_districts(demo):
    organisations = Organisation.objects.all()
    assert organisations.count() >= 8
    assert len({o.state for o in organisations}) >= 4
    assert {o.district for o in organisations} == set(District.values)
    assert {o.legal_form for o in organisations} == set(LegalForm.values)
    languages = {code for organisation in organisations for code in organisation.languages}
    assert {"tr", "ar", "uk", "ru", "el", "it", "pl", "ku", "ro"} <= languages


def test_some_demo_organisations_publish_fields_and_one_active_profile_is_stale(demo):
    active = Organisation.objects.filter(state=OrganisationState.ACTIVE)
    published = [o for o in active if o.public_fields]
    assert published and all(o.publication_consent_at for o in published)
    assert any(not o.profile_is_stale for o in published)
    assert any(o.profile_is_stale for o in active)


def test_every_demo_organisation_has_a_board_and_every_person_a_verified_address(demo):
    for organisation in Organisation.objects.all():
        assert any(m.is_board for m in organisation.memberships.all()), organisation
    for user in User.objects.all():
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists(), user


def test_demo_data_use_only_example_addresses(demo):
    addresses = [*User.objects.values_list("email", flat=True), *Organisation.objects.values_list("email", flat=True)]
    domains = {address.rpartition("@")[2] for address in addresses if address}
    assert all(domain.split(".")[-1] == "example" or domain.split(".")[-2] == "example" for domain in domains), domains


def test_demo_advisor_is_staff_and_can_log_in_with_the_printed_password(demo, client):
    advisor = User.objects.get(email=ADVISOR_EMAIL)
    assert advisor.is_advisor
    assert DEMO_PASSWORD in demo and ADVISOR_EMAIL in demo

    response = client.post(reverse("account_login"), {"login": ADVISOR_EMAIL, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == advisor.pk


def test_demo_board_member_logs_in_and_lands_on_the_dashboard(demo, client):
    response = client.post(
        reverse("account_login"), {"login": BOARD_EMAIL, "password": DEMO_PASSWORD}, follow=True
    )
    organisation = Organisation.objects.get(memberships__user__email=BOARD_EMAIL)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard", args=[organisation.pk])
    assert organisation.name in response.text


def test_output_names_the_url_and_the_logins(demo):
    assert "http://127.0.0.1:8000/" in demo
    assert BOARD_EMAIL in demo


@pytest.mark.parametrize(("required", "mentioned"), [(False, True), (True, False)])
def test_output_mentions_skipping_two_factor_only_where_it_is_not_required(db, settings, required, mentioned):
    settings.MFA_REQUIRED_FOR_STAFF = required
    assert ("may skip two-factor authentication" in load_demo_data()) is mentioned


def test_public_directory_shows_active_demo_organisations_only(demo, client):
    response = client.get(reverse("accounts:directory"))
    for organisation in Organisation.objects.all():
        assert (organisation.name in response.text) is (organisation.state == OrganisationState.ACTIVE)


def test_demo_has_programmes_topics_and_requests_in_several_states(db):
    from applications.models import FundingRequest, Programme, TrainingRequest, TrainingTopic

    call_command("load_demo_data", stdout=StringIO())
    counts = (Programme.objects.count(), TrainingTopic.objects.count(), FundingRequest.objects.count())
    call_command("load_demo_data", stdout=StringIO())
    assert (Programme.objects.count(), TrainingTopic.objects.count(), FundingRequest.objects.count()) == counts
    assert counts[0] == 5 and counts[1] == 11
    assert len(set(FundingRequest.objects.values_list("state", flat=True))) >= 3
    assert TrainingRequest.objects.filter(topic__name_de="Öffentlichkeitsarbeit und Social Media").count() == 2
