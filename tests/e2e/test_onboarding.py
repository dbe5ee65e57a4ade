"""An organisation's way into the portal, in the browser, at desktop width and at 375 px.

Sign up → confirm the e-mail → register an MSO → fill and save the profile → upload a document → invite a
second person, who signs up and accepts; the advisor logs in with a TOTP code and verifies the
organisation; the MSO sees that it is verified. Every page visited passes axe.
"""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from accounts.models import Organisation, OrganisationState
from tests.conftest import ADVISOR_TOTP_SECRET
from tests.e2e.helpers import (
    check_a11y,
    confirm_email,
    fill_sign_up_form,
    first_url,
    fresh_totp_code,
    sign_up,
    start_in_english,
    wait_for_mail,
)
from tests.factories import AdvisorFactory

PASSWORD = "Sommer-in-Hagen-2026"
ADVISOR_PASSWORD = "correct horse battery"  # tests.factories.UserFactory
ORGANISATION = "Deutsch-Kurdischer Kulturverein Hagen e.V."
PDF = (  # a minimal PDF: the vault checks a file's content, not its name
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def org_nav(page):
    return page.get_by_role("navigation", name="Organisation")


def see_status(page, text):
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def register_organisation(page):
    page.get_by_role("link", name="Register an existing organisation").click()
    expect(heading(page, "Register an existing organisation")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Name", exact=True).fill(ORGANISATION)
    page.get_by_label("Short name").fill("DKK")
    page.get_by_label("Legal form").select_option(label="registered association (e.V.)")
    page.get_by_label("Register number").fill("VR 1234")
    page.get_by_label("Register court").fill("Amtsgericht Hagen")
    page.get_by_label("Founding year").fill("1998")
    page.get_by_label("District").select_option(label="Hagen-Mitte")
    page.get_by_role("group", name="Focus areas").get_by_label("culture").check()
    page.get_by_label("Your role in the organisation").select_option(label="chair")
    page.get_by_role("button", name="Register organisation").click()
    see_status(page, "Your organisation is registered.")
    expect(heading(page, ORGANISATION)).to_be_visible()
    check_a11y(page)


def edit_profile(page):
    org_nav(page).get_by_role("link", name="Edit profile").click()
    expect(heading(page, "Edit profile")).to_be_visible()
    check_a11y(page)
    page.get_by_role("textbox", name="Description").fill("Kurdish music, dance and language courses for all ages.")
    page.get_by_role("textbox", name="Meeting or opening times").fill("Saturdays 10–14")
    page.get_by_role("group", name="Languages spoken").get_by_label("Kurdish").check()
    public = page.get_by_role("group", name="Show in the public directory")
    public.get_by_label("description").check()
    public.get_by_label("meeting or opening times").check()
    page.get_by_role("button", name="Save profile").click()
    see_status(page, "The profile has been saved.")
    check_a11y(page)


def upload_statutes(page, tmp_path):
    pdf = tmp_path / "satzung.pdf"
    pdf.write_bytes(PDF)
    org_nav(page).get_by_role("link", name="Documents").click()
    expect(heading(page, "Documents")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Upload a document").click()
    expect(heading(page, "Upload a document")).to_be_visible()
    check_a11y(page)
    page.get_by_label("File", exact=True).set_input_files(pdf)
    page.get_by_label("Kind of document").select_option(label="statutes (Satzung)")
    page.get_by_role("button", name="Upload").click()
    see_status(page, "has been added to the documents")
    expect(page.get_by_role("row", name=re.compile("satzung.pdf"))).to_be_visible()
    check_a11y(page)


def invite(page, *, email):
    org_nav(page).get_by_role("link", name="Members").click()
    expect(heading(page, "Members")).to_be_visible()
    check_a11y(page)
    page.get_by_label("E-mail address of the person you want to invite").fill(email)
    page.get_by_label("Role", exact=True).select_option(label="treasurer")
    page.get_by_role("button", name="Send invitation").click()
    see_status(page, f"We have sent an invitation to {email}.")
    invitations = page.get_by_role("table", name="Invitations that have not been accepted yet")
    expect(invitations.get_by_role("row", name=email)).to_be_visible()
    check_a11y(page)


def accept_invitation(page, *, email, name):
    """The invited person opens the link, registers with the invited address, confirms it and accepts."""
    invitation_url = first_url(wait_for_mail(email, subject_contains="Invitation to"))
    start_in_english(page)
    page.goto(invitation_url)
    expect(heading(page, f"Invitation to {ORGANISATION}")).to_be_visible()
    check_a11y(page)
    page.get_by_role("main").get_by_role("link", name="Register").click()
    fill_sign_up_form(page, email=email, name=name, password=PASSWORD)
    confirm_email(page, email=email)
    expect(heading(page, f"Invitation to {ORGANISATION}")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Accept invitation").click()
    see_status(page, f"Welcome to {ORGANISATION}!")
    expect(heading(page, ORGANISATION)).to_be_visible()
    expect(page.get_by_text("Your role: treasurer")).to_be_visible()
    check_a11y(page)


def advisor_logs_in_and_verifies(page, *, advisor):
    start_in_english(page)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Log in").click()
    expect(heading(page, "Sign In")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Email", exact=True).fill(advisor.email)
    page.get_by_label("Password", exact=True).fill(ADVISOR_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(heading(page, "Two-Factor Authentication")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Code").fill(fresh_totp_code(ADVISOR_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    expect(heading(page, "Organisations")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name=ORGANISATION).click()
    expect(heading(page, ORGANISATION)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("satzung.pdf"))).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Verify organisation").click()
    see_status(page, "The organisation is verified and now active.")
    check_a11y(page)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_organisation_signs_up_registers_invites_and_is_verified_by_the_advisor(open_page, viewport, tmp_path):
    advisor = AdvisorFactory(name="Katrin Demir", preferred_language="en")
    TOTP.activate(advisor, ADVISOR_TOTP_SECRET)

    chair = open_page(viewport)
    start_in_english(chair)
    sign_up(chair, email="leyla@example.org", name="Leyla Aydın", password=PASSWORD)
    confirm_email(chair, email="leyla@example.org")
    expect(heading(chair, "Welcome, Leyla Aydın!")).to_be_visible()
    check_a11y(chair)

    register_organisation(chair)
    edit_profile(chair)
    upload_statutes(chair, tmp_path)
    invite(chair, email="baran@example.org")

    accept_invitation(open_page(viewport), email="baran@example.org", name="Baran Yıldız")

    advisor_logs_in_and_verifies(open_page(viewport), advisor=advisor)
    organisation = Organisation.objects.get(name=ORGANISATION)
    assert organisation.state == OrganisationState.ACTIVE
    assert organisation.description.startswith("Kurdish music")
    assert sorted(organisation.memberships.values_list("user__email", "role")) == [
        ("baran@example.org", "treasurer"), ("leyla@example.org", "chair"),
    ]  # fmt: skip
    assert organisation.documents.get().original_name == "satzung.pdf"

    chair.goto(first_url(wait_for_mail("leyla@example.org", subject_contains="is now verified")))
    expect(heading(chair, ORGANISATION)).to_be_visible()
    expect(chair.get_by_text("Your organisation is verified and active.")).to_be_visible()
    check_a11y(chair)
