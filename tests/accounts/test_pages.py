import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import ContentPage

content_pages_migration = importlib.import_module("accounts.migrations.0002_content_pages")

LEGAL_PAGES = {
    # slug: (German title, a German phrase, English title, an English phrase)
    "imprint": ("Impressum", "Stadt Hagen", "Imprint", "City of Hagen"),
    "privacy": ("Datenschutzerklärung", "LDI NRW", "Privacy notice", "supervisory authority"),
    "accessibility": ("Erklärung zur Barrierefreiheit", "teilweise barrierefrei", "Accessibility statement",
                      "partially conformant"),
}  # fmt: skip


@pytest.fixture
def legal_pages(db):
    """The migration's rows. Its function is run again because a transactional test elsewhere may have
    flushed the tables; it never duplicates or overwrites a page."""
    content_pages_migration.create_pages(apps, None)


def heading(response):
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S).group(1).strip()


def test_migration_creates_each_legal_page_once_and_keeps_edits(legal_pages):
    ContentPage.objects.filter(slug="imprint").update(title_de="Impressum der Stadt Hagen")
    content_pages_migration.create_pages(apps, None)
    assert sorted(ContentPage.objects.values_list("slug", flat=True)) == sorted(LEGAL_PAGES)
    assert ContentPage.objects.get(slug="imprint").title_de == "Impressum der Stadt Hagen"


@pytest.mark.parametrize("slug", LEGAL_PAGES)
def test_legal_page_is_shown_in_german_by_default(legal_pages, client, slug):
    title_de, phrase_de, _title_en, _phrase_en = LEGAL_PAGES[slug]
    response = client.get(reverse("accounts:content_page", args=[slug]))
    assert response.status_code == 200
    assert '<html lang="de"' in response.text
    assert heading(response) == title_de
    assert phrase_de in response.text


@pytest.mark.parametrize("slug", LEGAL_PAGES)
def test_legal_page_is_shown_in_english_after_switching_the_language(legal_pages, client, slug):
    _title_de, _phrase_de, title_en, phrase_en = LEGAL_PAGES[slug]
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:content_page", args=[slug]))
    assert '<html lang="en"' in response.text
    assert heading(response) == title_en
    assert phrase_en in response.text


def test_privacy_notice_covers_what_article_13_asks_for(legal_pages):
    body = ContentPage.objects.get(slug="privacy").body_de
    for required in ("Artikel 6 Absatz 1", "Artikel 9", "Einwilligung", "speichern", "Artikel 15", "Artikel 77",
                     "Kavalleriestraße", "keine Analyse- oder Werbedienste"):  # fmt: skip
        assert required in body, required


def test_accessibility_statement_names_feedback_and_enforcement(legal_pages):
    page = ContentPage.objects.get(slug="accessibility")
    assert "E-Mail an das Kommunale Integrationszentrum" in page.body_de
    assert "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen" in page.body_de
    assert "Ombudsstelle für barrierefreie Informationstechnik" in page.body_en


def test_placeholders_for_the_city_are_marked_in_both_languages(legal_pages):
    for page in ContentPage.objects.all():
        assert "von der Stadt Hagen zu ergänzen" in page.body_de, page.slug
        assert "to be completed by the City of Hagen" in page.body_en, page.slug


def test_footer_of_every_page_links_to_the_three_legal_pages(legal_pages, client):
    response = client.get(reverse("home"))
    footer = response.text.split("<footer", 1)[1]
    links = re.findall(r'href="([^"]+)"', footer)
    for slug in LEGAL_PAGES:
        url = reverse("accounts:content_page", args=[slug])
        assert url in links
        assert client.get(url).status_code == 200
