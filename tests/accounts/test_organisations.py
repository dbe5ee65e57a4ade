import pytest
from django.utils import translation
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import LegalForm, Membership, Organisation, OrganisationState, ProfileChange, Role
from accounts.services.organisations import (
    organisation_decline,
    organisation_register,
    organisation_update_profile,
    organisation_verify,
)
from workflows.models import TransitionLog

REGISTRATION = {
    "name": "Griechische Gemeinde Hagen e.V.",
    "short_name": "GGH",
    "legal_form": LegalForm.REGISTERED,
    "register_number": "VR 2345",
    "register_court": "Amtsgericht Hagen",
    "founding_year": "1978",
    "district": "haspe",
    "focus_areas": ["culture", "education"],
    "languages": ["el", "de"],
    "target_groups": "Familien",
    "email": "vorstand@ggh.example.org",
    "phone": "02331 123456",
    "contact_role": "Vorsitz",
    "role": Role.CHAIR,
}


def test_person_without_organisation_is_sent_to_the_choice_after_login(client, django_user_model):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("accounts:home"))
    assert response.url == reverse("accounts:onboarding")


def test_registering_an_existing_mso_awaits_verification_and_makes_the_person_board(client, db):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:register"), REGISTRATION)
    organisation = Organisation.objects.get(name=REGISTRATION["name"])
    assert response.url == reverse("accounts:dashboard", args=[organisation.pk])
    assert organisation.state == OrganisationState.AWAITING_VERIFICATION
    assert organisation.languages == ["el", "de"]
    assert Membership.objects.get(user=user, organisation=organisation).role == Role.CHAIR
    assert TransitionLog.objects.filter(object_id=organisation.pk, target="awaiting_verification").exists()


def test_registering_a_group_in_founding_starts_in_founding(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    data = {k: v for k, v in REGISTRATION.items() if k not in {"legal_form", "register_number", "register_court", "founding_year"}}
    client.post(reverse("accounts:register_founding"), data)
    organisation = Organisation.objects.get(name=REGISTRATION["name"])
    assert (organisation.state, organisation.legal_form) == (OrganisationState.FOUNDING, LegalForm.FOUNDING)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("register_number", "12345", "VR 1234"),
        ("phone", "call me maybe", "02331 123456"),
        ("email", "not-an-address", "gültige E-Mail-Adresse"),
    ],
)
def test_invalid_registration_input_is_explained_and_keeps_what_was_typed(client, db, field, value, message):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post(reverse("accounts:register"), {**REGISTRATION, field: value}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert message in response.text
    assert 'value="Griechische Gemeinde Hagen e.V."' in response.text
    assert not Organisation.objects.exists()


def test_registered_association_must_name_its_register_entry(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post(reverse("accounts:register"), {**REGISTRATION, "register_number": "", "register_court": ""})
    assert response.status_code == 200
    assert response.context["form"].has_error("register_number")


def test_registering_with_a_member_role_is_refused(db):
    from tests.factories import UserFactory

    with pytest.raises(ValidationError):
        organisation_register(actor=UserFactory(), data={"name": "X", "district": "mitte", "legal_form": "group"}, role=Role.MEMBER)


def test_board_member_edits_profile_and_each_change_is_recorded(board_a_client, board_a, org_a):
    url = reverse("accounts:profile_edit", args=[org_a.pk])
    form = board_a_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update(description="Wir feiern zusammen.", languages=["tr", "de"], profile_version=org_a.profile_version)
    response = board_a_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    changes = {c.field_name: c for c in ProfileChange.objects.filter(organisation=org_a)}
    assert set(changes) == {"description", "languages"}
    assert changes["languages"].new_display == "Türkisch, Deutsch"
    with translation.override("en"):
        assert changes["languages"].new_display == "Turkish, German"
    assert changes["description"].actor == board_a


def test_concurrent_profile_edit_is_reported_not_overwritten(board_a, org_a):
    organisation_update_profile(organisation=org_a, actor=board_a, data={"quarter": "Wehringhausen"}, based_on_version=0)
    with translation.override("en"), pytest.raises(ValidationError, match="Someone else changed this profile"):
        organisation_update_profile(organisation=org_a, actor=board_a, data={"quarter": "Altenhagen"}, based_on_version=0)
    assert Organisation.objects.get(pk=org_a.pk).quarter == "Wehringhausen"


def test_member_cannot_edit_or_confirm_profile(member_a_client, member_a, org_a):
    assert member_a_client.get(reverse("accounts:profile_edit", args=[org_a.pk])).status_code == 403
    assert member_a_client.post(reverse("accounts:profile_confirm", args=[org_a.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        organisation_update_profile(organisation=org_a, actor=member_a, data={"quarter": "x"}, based_on_version=0)


def test_board_confirms_profile_is_current(board_a_client, org_a):
    org_a.profile_confirmed_at = None
    org_a.save(update_fields=["profile_confirmed_at"])
    assert Organisation.objects.get(pk=org_a.pk).profile_is_stale
    board_a_client.post(reverse("accounts:profile_confirm", args=[org_a.pk]))
    assert not Organisation.objects.get(pk=org_a.pk).profile_is_stale


def test_publishing_a_contact_name_needs_the_persons_consent(board_a_client, org_a):
    url = reverse("accounts:profile_edit", args=[org_a.pk])
    form = board_a_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update(contact_name="Ayşe Yılmaz", public_fields=["contact_name"], contact_name_consent="")
    response = board_a_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].has_error("contact_name_consent")


def test_advisor_verifies_organisation_and_board_is_told(advisor, org_a, board_a, mailoutbox, django_capture_on_commit_callbacks):
    org = Organisation.objects.create(name="Neu e.V.", legal_form="ev", district="nord")
    Membership.objects.create(user=board_a, organisation=org, role=Role.CHAIR)
    with django_capture_on_commit_callbacks(execute=True):
        organisation_verify(organisation=org, actor=advisor, note="Bekannt aus dem Netzwerktreffen")
    org = Organisation.objects.get(pk=org.pk)
    assert org.state == OrganisationState.ACTIVE and org.verified_at is not None
    assert [m.to for m in mailoutbox] == [[board_a.email]]
    assert TransitionLog.objects.get(object_id=org.pk, transition="verify").actor == advisor


def test_decline_needs_a_reason_and_only_advisors_decide(advisor, board_a, db):
    org = Organisation.objects.create(name="Neu e.V.", legal_form="ev", district="nord")
    with pytest.raises(PermissionDenied):
        organisation_verify(organisation=org, actor=board_a)
    with pytest.raises(ValidationError):
        organisation_decline(organisation=org, actor=advisor, note=" ")
    organisation_decline(organisation=org, actor=advisor, note="Nicht in Hagen ansässig")
    assert Organisation.objects.get(pk=org.pk).state == OrganisationState.DECLINED


def test_member_of_other_organisation_gets_404_on_its_pages(board_b_client, org_a):
    for name in ("dashboard", "profile_edit", "profile_history"):
        assert board_b_client.get(reverse(f"accounts:{name}", args=[org_a.pk])).status_code == 404
    assert board_b_client.post(reverse("accounts:profile_confirm", args=[org_a.pk])).status_code == 404


def test_only_verified_organisations_appear_in_the_directory_with_chosen_fields(client, org_a, db):
    org_a.public_fields = ["email"]
    org_a.email = "info@tev.example.org"
    org_a.phone = "02331 999999"
    org_a.save()
    hidden = Organisation.objects.create(name="Wartet e.V.", legal_form="ev", district="nord")
    listing = client.get(reverse("accounts:directory")).text
    assert org_a.name in listing and hidden.name not in listing
    detail = client.get(reverse("accounts:directory_detail", args=[org_a.pk])).text
    assert "info@tev.example.org" in detail and "02331 999999" not in detail
    assert client.get(reverse("accounts:directory_detail", args=[hidden.pk])).status_code == 404
