"""Every page that the path tests do not pass through, checked with axe in German (the default) at desktop
width and at 375 px: the public pages, and the KI's overview pages filled with the demo data."""

import re
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.management.commands.load_demo_data import ADVISOR, DEMO_PASSWORD
from accounts.models import ContentPage, Organisation, OrganisationState, User
from applications.models import FundingRequest, Programme
from tests.conftest import ADVISOR_TOTP_SECRET
from tests.e2e.helpers import check_a11y, fresh_totp_code


@pytest.fixture
def demo_site(db):
    call_command("load_demo_data", stdout=StringIO())
    for slug in ("imprint", "privacy", "accessibility"):
        ContentPage.objects.get_or_create(slug=slug, defaults={
            "title_de": f"Seite {slug}", "body_de": "Text", "title_en": f"Page {slug}", "body_en": "Text"})  # fmt: skip
    advisor = User.objects.get(email=ADVISOR["email"])
    TOTP.activate(advisor, ADVISOR_TOTP_SECRET)
    return advisor


def visit(page, path):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    check_a11y(page)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_public_and_advisor_pages_pass_axe_in_german(open_page, demo_site, viewport):
    page = open_page(viewport)
    active = Organisation.objects.filter(state=OrganisationState.ACTIVE).first()
    for path in ["/", reverse("accounts:directory"), reverse("accounts:directory_detail", args=[active.pk]),
                 *(reverse("accounts:content_page", args=[slug]) for slug in ("imprint", "privacy", "accessibility")),
                 reverse("account_signup"), reverse("account_reset_password")]:  # fmt: skip
        visit(page, path)

    visit(page, reverse("account_login"))
    page.get_by_label("E-Mail-Adresse").fill(ADVISOR["email"])
    page.get_by_label("Passwort", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("^Anmeld")).click()
    page.get_by_label("Code").fill(fresh_totp_code(ADVISOR_TOTP_SECRET))
    page.get_by_role("button", name=re.compile("^Anmeld")).click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()

    request = FundingRequest.objects.exclude(state="draft").first()
    awaiting = Organisation.objects.filter(state=OrganisationState.AWAITING_VERIFICATION).first()
    for path in [reverse("applications:queue"), reverse("applications:review", args=[request.pk]),
                 reverse("applications:programmes"),
                 reverse("applications:programme_edit", args=[Programme.objects.first().pk]),
                 reverse("applications:training_demand"), reverse("applications:workflow_help"),
                 reverse("accounts:advisor_organisations"), reverse("accounts:advisor_organisation", args=[awaiting.pk]),
                 reverse("accounts:ki_office")]:  # fmt: skip
        visit(page, path)
