"""The Django admin for KI staff: every registered model's pages load, and the admin cannot change state."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from accounts.models import (
    ContentPage,
    Document,
    DocumentKind,
    KIOffice,
    Organisation,
    OrganisationState,
    ProfileChange,
    User,
)
from tests.conftest import ADVISOR_TOTP_SECRET
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory
from workflows.models import TransitionLog


@pytest.fixture
def superuser(db):
    user = User.objects.create_superuser("admin@stadt-hagen.example.org", "correct horse battery", name="Admin")
    TOTP.activate(user, ADVISOR_TOTP_SECRET)  # staff need TOTP before they reach any page
    return user


@pytest.fixture
def admin_http(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def one_of_each(superuser):
    organisation = OrganisationFactory(state=OrganisationState.AWAITING_VERIFICATION)
    membership = MembershipFactory(organisation=organisation)
    return [
        superuser,
        organisation,
        membership,
        InvitationFactory(organisation=organisation, invited_by=membership.user),
        Document.objects.create(
            organisation=organisation, kind=DocumentKind.STATUTES, file="documents/1/abc", original_name="satzung.pdf",
            content_type="application/pdf", size=100, uploaded_by=membership.user,
        ),  # fmt: skip
        ProfileChange.objects.create(organisation=organisation, actor=membership.user, field_name="quarter", new_value="Wehringhausen"),
        KIOffice.objects.create(name="Katrin Demir", email="ki@stadt-hagen.example.org", phone="02331 2074321"),
        ContentPage.objects.get(slug="imprint"),  # the legal pages come with a data migration
        TransitionLog.objects.create(subject=organisation, actor=superuser, transition="register", target="awaiting_verification"),
    ]


def admin_url(obj, view, *args):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=args)


def test_every_registered_model_has_a_changelist_with_search_and_a_change_page(admin_http, one_of_each):
    for obj in one_of_each:
        changelist = admin_http.get(admin_url(obj, "changelist"), {"q": "hagen"})
        assert changelist.status_code == 200, obj._meta.model_name
        assert obj in admin_http.get(admin_url(obj, "changelist")).context["cl"].result_list, obj._meta.model_name
        assert admin_http.get(admin_url(obj, "change", obj.pk)).status_code == 200, obj._meta.model_name


def test_records_of_what_happened_cannot_be_added_or_edited_in_the_admin(admin_http, one_of_each):
    change, log = one_of_each[5], one_of_each[8]
    for obj in (change, log):
        assert admin_http.get(admin_url(obj, "add")).status_code == 403
        page = admin_http.get(admin_url(obj, "change", obj.pk))
        assert not page.context["has_change_permission"]


def test_staff_create_a_user_with_an_email_and_no_username(admin_http):
    response = admin_http.post(
        reverse("admin:accounts_user_add"),
        {"email": "neu@stadt-hagen.example.org", "name": "Neue Beraterin", "usable_password": "true",
         "password1": "ein langes Passwort 42", "password2": "ein langes Passwort 42"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="neu@stadt-hagen.example.org")
    assert user.name == "Neue Beraterin" and user.check_password("ein langes Passwort 42")


def test_saving_an_organisation_in_the_admin_keeps_its_state(admin_http, db):
    organisation = OrganisationFactory(state=OrganisationState.AWAITING_VERIFICATION, name="Alter Name e.V.")
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    form = admin_http.get(url).context["adminform"].form
    assert "state" not in form.fields
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()  # already prepared for the widget (JSON fields as JSON text)
        if value not in (None, False):
            data[name] = value
    data.update(name="Neuer Name e.V.", state=OrganisationState.ACTIVE)  # a forged state is ignored
    response = admin_http.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.name == "Neuer Name e.V."
    assert organisation.state == OrganisationState.AWAITING_VERIFICATION
    assert organisation.verified_at is None
    change = organisation.profile_changes.get()
    assert (change.field_name, change.old_display, change.new_display) == ("name", "Alter Name e.V.", "Neuer Name e.V.")
