"""The header works for everybody: German by default, and the skip link, language switch and main
navigation can be used with the keyboard alone, at desktop width and at 375 px."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check_a11y, tab_to


@pytest.mark.parametrize("browser_locale", ["de-DE", "tr-TR"])
def test_a_fresh_visitor_sees_the_portal_in_german(open_page, browser_locale):
    page = open_page(locale=browser_locale)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    check_a11y(page)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_skip_link_language_switch_and_main_navigation_work_by_keyboard(open_page, viewport):
    page = open_page(viewport)
    page.goto("/")
    check_a11y(page)

    tab_to(page, page.get_by_role("button", name="English"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_a11y(page)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    main = page.get_by_role("main")
    expect(main).to_be_focused()
    page.keyboard.press("Tab")
    expect(main.get_by_role("link", name="Register")).to_be_focused()

    navigation = page.get_by_role("navigation", name="Main navigation")
    tab_to(page, navigation.get_by_role("link", name="Find organisations"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Migrant organisations in Hagen")).to_be_visible()
    check_a11y(page)

    tab_to(page, navigation.get_by_role("link", name="Log in"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Sign In")).to_be_visible()
    check_a11y(page)

    tab_to(page, page.get_by_role("button", name="Deutsch"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    check_a11y(page)
