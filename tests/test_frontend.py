"""The page shell: KERN UX served by the portal itself, nothing loaded from the internet."""

import re

from django.urls import reverse

from tests.factories import UserFactory


def test_every_page_asset_comes_from_the_portal_itself(client, db):
    html = client.get("/").text
    assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)
    assert assets, "the landing page should load KERN's stylesheet"
    assert all(url.startswith("/static/") for url in assets), assets


def test_kern_stylesheet_and_fonts_are_served_locally(client, db):
    css = client.get("/static/kern/kern.min.css")
    assert css.status_code == 200
    fonts_css = b"".join(client.get("/static/kern/fonts/fira-sans.css").streaming_content).decode()
    font_urls = re.findall(r'url\("?([^")]+)"?\)', fonts_css)
    assert font_urls and not any(url.startswith(("http:", "https:", "//")) for url in font_urls)
    assert client.get("/static/kern/fonts/" + font_urls[0].removeprefix("./")).status_code == 200


def test_password_reset_is_rate_limited(client, db):
    user = UserFactory()
    statuses = [client.post(reverse("account_reset_password"), {"email": user.email}).status_code for _ in range(6)]
    assert statuses[0] == 302
    assert statuses[-1] == 429


def test_rate_limited_page_is_a_portal_page_with_an_explanation(client, db):
    user = UserFactory()
    for _ in range(6):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 429
    assert "<main" in response.text and "Too many attempts" in response.text or "Zu viele Versuche" in response.text


def test_collectstatic_takes_only_the_npm_files_the_portal_serves(settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "mermaid" / "mermaid.min.js").stat().st_size > 1_000_000
    assert (tmp_path / "kern" / "kern.min.css").exists()
    assert not list(tmp_path.rglob("*.map"))
