from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import Invitation, Membership, Role
from accounts.services.members import invitation_accept, membership_change_role, membership_leave
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from workflows.models import TransitionLog


@pytest.fixture(autouse=True)
def _portal_strings_in_english(settings):
    """Assertions quote the English source strings. Leaving out the portal's own catalogue keeps them true
    when the German translation arrives; Django's German strings and German date formats still apply."""
    settings.LOCALE_PATHS = []


def members_url(org):
    return reverse("accounts:members", args=[org.pk])


def membership_of(user, org):
    return Membership.objects.get(user=user, organisation=org)


# --- inviting and joining ---


def test_board_member_invites_by_email_and_the_link_is_sent(board_a_client, board_a, org_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = board_a_client.post(
            reverse("accounts:invite", args=[org_a.pk]), {"email": "new.treasurer@example.org", "role": Role.TREASURER}
        )
    assert response.url == members_url(org_a)
    invitation = Invitation.objects.get(organisation=org_a, email="new.treasurer@example.org")
    assert (invitation.role, invitation.invited_by, invitation.accepted_at) == (Role.TREASURER, board_a, None)
    assert timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    [mail] = mailoutbox
    assert mail.to == ["new.treasurer@example.org"]
    link = "http://127.0.0.1:8000" + reverse("accounts:accept_invitation", args=[invitation.token])
    assert link in mail.body and link in mail.alternatives[0][0]
    assert org_a.name in mail.subject
    assert board_a.name in mail.body and "treasurer" in mail.body
    with translation.override("de"):  # the inviter's language; German dates whatever the text's language
        valid_until = formats.date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT")
    assert valid_until in mail.body
    assert TransitionLog.objects.get(object_id=invitation.pk, transition="invite").actor == board_a


def test_new_invitation_shows_in_the_list_of_open_invitations(board_a_client, org_a):
    InvitationFactory(organisation=org_a, email="waiting@example.org", role=Role.SECRETARY)
    InvitationFactory(organisation=org_a, email="too-late@example.org", expires_at=timezone.now() - timedelta(days=1))
    page = board_a_client.get(members_url(org_a)).text
    assert "waiting@example.org" in page
    assert "too-late@example.org" not in page


def test_inviting_a_current_member_is_refused_and_keeps_what_was_typed(board_a_client, member_a, org_a, mailoutbox):
    response = board_a_client.post(
        reverse("accounts:invite", args=[org_a.pk]), {"email": member_a.email.upper(), "role": Role.SECRETARY}
    )
    assert response.status_code == 200
    assert response.context["invite_form"].has_error("email")
    assert "is already a member" in response.text
    assert f'value="{member_a.email.upper()}"' in response.text
    assert not Invitation.objects.exists() and not mailoutbox


def test_inviting_an_address_with_an_open_invitation_is_refused(board_a_client, org_a):
    InvitationFactory(organisation=org_a, email="waiting@example.org")
    response = board_a_client.post(reverse("accounts:invite", args=[org_a.pk]), {"email": "waiting@example.org", "role": Role.MEMBER})
    assert response.status_code == 200
    assert "has already been invited" in response.text
    assert Invitation.objects.filter(email="waiting@example.org").count() == 1


def test_an_expired_invitation_does_not_block_a_new_one(board_a_client, org_a):
    InvitationFactory(organisation=org_a, email="again@example.org", expires_at=timezone.now() - timedelta(minutes=1))
    response = board_a_client.post(reverse("accounts:invite", args=[org_a.pk]), {"email": "again@example.org", "role": Role.MEMBER})
    assert response.status_code == 302
    assert Invitation.objects.filter(email="again@example.org").count() == 2


def test_invitation_with_an_invalid_address_is_explained(board_a_client, org_a):
    response = board_a_client.post(reverse("accounts:invite", args=[org_a.pk]), {"email": "not-an-address", "role": Role.MEMBER})
    assert response.status_code == 200
    assert response.context["invite_form"].has_error("email")
    assert 'value="not-an-address"' in response.text
    assert not Invitation.objects.exists()


def test_invited_person_accepts_and_becomes_member_with_that_role(client, org_a):
    invitation = InvitationFactory(organisation=org_a, role=Role.SECRETARY)
    person = UserFactory(email=invitation.email)
    client.force_login(person)
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    page = client.get(url)
    assert org_a.name in page.text and "Accept invitation" in page.text
    response = client.post(url)
    assert response.url == reverse("accounts:dashboard", args=[org_a.pk])
    assert membership_of(person, org_a).role == Role.SECRETARY
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None


def test_expired_invitation_is_refused_with_a_message(client, org_a):
    invitation = InvitationFactory(organisation=org_a, expires_at=timezone.now() - timedelta(hours=1))
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert response.status_code == 200
    assert "expired" in response.text and "new one" in response.text
    assert not Membership.objects.filter(user=person).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_an_invitation_works_only_once(client, org_a):
    invitation = InvitationFactory(organisation=org_a)
    first, second = UserFactory(), UserFactory()
    invitation_accept(invitation=invitation, user=first)
    client.force_login(second)
    response = client.post(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert response.status_code == 200
    assert "already been used" in response.text
    assert not Membership.objects.filter(user=second).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == first


def test_accepting_as_an_existing_member_changes_nothing_and_says_so(member_a_client, member_a, org_a):
    invitation = InvitationFactory(organisation=org_a, role=Role.CHAIR)
    response = member_a_client.post(reverse("accounts:accept_invitation", args=[invitation.token]), follow=True)
    assert "already a member" in response.text
    assert membership_of(member_a, org_a).role == Role.MEMBER
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_anonymous_visitor_sees_the_organisation_and_links_to_log_in_or_register(client, org_a):
    invitation = InvitationFactory(organisation=org_a)
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    page = client.get(url).text
    assert org_a.name in page
    assert f'href="{reverse("account_login")}?next={url}"' in page
    assert f'href="{reverse("account_signup")}?next={url}"' in page
    response = client.post(url)
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_unknown_invitation_token_is_404(client, db):
    assert client.get(reverse("accounts:accept_invitation", args=["no-such-token"])).status_code == 404


# --- roles and removal ---


def test_board_changes_a_members_role(board_a_client, board_a, member_a, org_a):
    membership = membership_of(member_a, org_a)
    response = board_a_client.post(reverse("accounts:change_role", args=[org_a.pk, membership.pk]), {"role": Role.TREASURER})
    assert response.url == members_url(org_a)
    assert membership_of(member_a, org_a).role == Role.TREASURER
    log = TransitionLog.objects.get(object_id=membership.pk, transition="change_role")
    assert (log.actor, log.source, log.target) == (board_a, Role.MEMBER, Role.TREASURER)


def test_board_removes_a_member(board_a_client, member_a, org_a):
    membership = membership_of(member_a, org_a)
    response = board_a_client.post(reverse("accounts:remove_member", args=[org_a.pk, membership.pk]), follow=True)
    assert "is no longer a member" in response.text
    assert not Membership.objects.filter(user=member_a, organisation=org_a).exists()
    assert TransitionLog.objects.get(object_id=membership.pk, transition="remove").message == member_a.email


def test_member_cannot_invite_change_roles_or_remove(member_a_client, member_a, board_a, org_a):
    board = membership_of(board_a, org_a)
    assert member_a_client.post(reverse("accounts:invite", args=[org_a.pk]), {"email": "x@example.org", "role": Role.CHAIR}).status_code == 403
    assert member_a_client.post(reverse("accounts:change_role", args=[org_a.pk, board.pk]), {"role": Role.MEMBER}).status_code == 403
    assert member_a_client.post(reverse("accounts:remove_member", args=[org_a.pk, board.pk])).status_code == 403
    assert not Invitation.objects.exists()
    assert membership_of(board_a, org_a).role == Role.CHAIR


def test_member_sees_the_list_without_board_controls(member_a_client, board_a, org_a):
    response = member_a_client.get(members_url(org_a))
    assert response.status_code == 200
    assert board_a.email in response.text
    assert response.context["invite_form"] is None
    assert reverse("accounts:invite", args=[org_a.pk]) not in response.text
    assert "Leave organisation" in response.text


def test_state_changes_are_post_only(board_a_client, member_a, org_a):
    membership = membership_of(member_a, org_a)
    for url in (
        reverse("accounts:invite", args=[org_a.pk]),
        reverse("accounts:change_role", args=[org_a.pk, membership.pk]),
        reverse("accounts:remove_member", args=[org_a.pk, membership.pk]),
    ):
        assert board_a_client.get(url).status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- leaving, and the last board member ---


def test_member_leaves_after_confirming(member_a_client, member_a, org_a):
    url = reverse("accounts:leave", args=[org_a.pk])
    confirm = member_a_client.get(url)
    assert confirm.status_code == 200 and "Yes, leave the organisation" in confirm.text
    assert Membership.objects.filter(user=member_a, organisation=org_a).exists()
    response = member_a_client.post(url)
    assert response.url == reverse("accounts:home")
    assert not Membership.objects.filter(user=member_a, organisation=org_a).exists()
    assert "You have left" in member_a_client.get(response.url, follow=True).text


def test_board_member_can_leave_once_someone_else_is_on_the_board(board_a_client, board_a, member_a, org_a):
    membership_change_role(membership=membership_of(member_a, org_a), actor=board_a, role=Role.CHAIR)
    board_a_client.post(reverse("accounts:leave", args=[org_a.pk]))
    assert not Membership.objects.filter(user=board_a, organisation=org_a).exists()
    assert membership_of(member_a, org_a).role == Role.CHAIR


def test_last_board_member_cannot_leave(board_a_client, board_a, member_a, org_a):
    url = reverse("accounts:leave", args=[org_a.pk])
    confirm = board_a_client.get(url).text
    assert "cannot leave yet" in confirm and "Yes, leave the organisation" not in confirm
    response = board_a_client.post(url, follow=True)
    assert "make someone else a board member" in response.text
    assert membership_of(board_a, org_a).role == Role.CHAIR


def test_last_board_member_cannot_be_demoted(board_a_client, board_a, org_a):
    membership = membership_of(board_a, org_a)
    response = board_a_client.post(reverse("accounts:change_role", args=[org_a.pk, membership.pk]), {"role": Role.MEMBER}, follow=True)
    assert "make someone else a board member" in response.text
    assert membership_of(board_a, org_a).role == Role.CHAIR


def test_last_board_member_may_change_to_another_board_role(board_a_client, board_a, org_a):
    membership = membership_of(board_a, org_a)
    board_a_client.post(reverse("accounts:change_role", args=[org_a.pk, membership.pk]), {"role": Role.TREASURER})
    assert membership_of(board_a, org_a).role == Role.TREASURER


def test_last_board_member_cannot_be_removed(board_a_client, board_a, org_a):
    membership = membership_of(board_a, org_a)
    response = board_a_client.post(reverse("accounts:remove_member", args=[org_a.pk, membership.pk]), follow=True)
    assert "make someone else a board member" in response.text
    assert membership_of(board_a, org_a).role == Role.CHAIR


def test_an_organisation_keeps_a_board_member_whatever_the_order(board_a, member_a, org_a):
    second = MembershipFactory(organisation=org_a, role=Role.TREASURER)
    membership_leave(membership=second)
    with pytest.raises(ValidationError) as error:
        membership_leave(membership=membership_of(board_a, org_a))
    assert error.value.code == "last_board_member"
    assert membership_of(board_a, org_a).role == Role.CHAIR


def test_leaving_without_csrf_token_is_refused(member_a, org_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    response = client.post(reverse("accounts:leave", args=[org_a.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(user=member_a, organisation=org_a).exists()


# --- other organisations, several organisations, query count ---


def test_board_of_other_organisation_gets_404_on_every_members_url(board_b_client, board_b, member_a, board_a, org_a, org_b):
    membership = membership_of(member_a, org_a)
    assert board_b_client.get(members_url(org_a)).status_code == 404
    assert board_b_client.get(reverse("accounts:leave", args=[org_a.pk])).status_code == 404
    posts = [
        (reverse("accounts:invite", args=[org_a.pk]), {"email": "x@example.org", "role": Role.MEMBER}),
        (reverse("accounts:change_role", args=[org_a.pk, membership.pk]), {"role": Role.CHAIR}),
        (reverse("accounts:remove_member", args=[org_a.pk, membership.pk]), {}),
        (reverse("accounts:leave", args=[org_a.pk]), {}),
        # org_b's own URLs naming a membership of org_a
        (reverse("accounts:change_role", args=[org_b.pk, membership.pk]), {"role": Role.CHAIR}),
        (reverse("accounts:remove_member", args=[org_b.pk, membership.pk]), {}),
    ]
    for url, data in posts:
        assert board_b_client.post(url, data).status_code == 404, url
    assert membership_of(member_a, org_a).role == Role.MEMBER
    assert not Invitation.objects.exists()
    assert membership_of(board_b, org_b).role == Role.CHAIR


def test_person_in_two_organisations_sees_both_in_the_switcher(client, member_a, org_a, org_b):
    MembershipFactory(user=member_a, organisation=org_b, role=Role.MEMBER)
    client.force_login(member_a)
    page = client.get(members_url(org_a)).text
    for org in (org_a, org_b):
        assert f'href="{reverse("accounts:dashboard", args=[org.pk])}"' in page
        assert org.short_name in page


def test_member_list_needs_the_same_number_of_queries_for_5_and_50_members(board_a_client, board_a, org_a):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = board_a_client.get(members_url(org_a))
        assert response.status_code == 200
        return len(queries)

    MembershipFactory.create_batch(4, organisation=org_a, role=Role.MEMBER)
    InvitationFactory.create_batch(2, organisation=org_a, invited_by=board_a)
    few = count_queries()
    MembershipFactory.create_batch(44, organisation=org_a, role=Role.MEMBER)
    secretary = MembershipFactory(organisation=org_a, role=Role.SECRETARY).user
    InvitationFactory.create_batch(20, organisation=org_a, invited_by=secretary)
    assert org_a.memberships.count() == 50
    assert count_queries() == few
