"""Browser tests: Chromium (Playwright) against pytest-django's live server.

One browser per session, a fresh context per person per test. Where REDIS_URL is set, tasks (all e-mail)
go through Redis to a real Celery worker running in a thread of this process; its locmem e-mail backend
puts sent mail into `django.core.mail.outbox`, where `helpers.wait_for_mail` finds it. Without REDIS_URL
(a local SQLite run) tasks run eagerly, as in the unit tests.
"""

import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.helpers import AXE_SCRIPT

# Playwright's sync API runs an event loop in the test thread; Django's ORM would otherwise refuse to run there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip
# Two cores shared by the server, the worker and Chromium: give pages and assertions room before failing.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "mobile": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def _missing_service(message):
    """CI (REQUIRE_SERVICES=1) must not pass by skipping; a laptop without the service may skip."""
    if settings.REQUIRE_SERVICES:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing_service(f"Browser tests need Chromium at {CHROMIUM} (Debian package 'chromium').")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """`open_page("mobile")` opens a page in a fresh browser context: one per person taking part in a test."""
    contexts = []

    def open_page(viewport="desktop", *, locale="de-DE"):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, timezone_id="Europe/Berlin", **VIEWPORTS[viewport]
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(AXE_SCRIPT)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page("desktop")


@pytest.fixture
def mobile_page(open_page):
    return open_page("mobile")


@pytest.fixture(autouse=True)
def _live_site(settings, live_server):
    """Links in the portal's own e-mails point to the live server; each test starts with an empty cache.

    The cache holds sessions, allauth's rate limits and used TOTP codes; in Redis it outlives the test
    database, so a rerun within minutes would find e.g. the confirmation-mail limit already used up.
    """
    prefix = f"e2e-{uuid.uuid4().hex}"
    settings.PORTAL_BASE_URL = live_server.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    yield
    if settings.REDIS_URL:  # sessions would otherwise stay in Redis for two weeks
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


@pytest.fixture(scope="session")
def celery_queue():
    """A real Celery worker (thread, solo pool) consuming a queue of this test session only.

    The queue's name is unique, so leftovers of earlier runs and other people's test runs against the same
    Redis can neither be consumed here nor consume our tasks. Yields None where tasks run eagerly.
    """
    if not settings.REDIS_URL:
        if settings.REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1: browser tests need REDIS_URL for the Celery worker.", pytrace=False)
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    queue = f"e2e-{uuid.uuid4().hex}"
    app.conf.worker_hijack_root_logger = False  # leave pytest's log capturing alone
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, loglevel="WARNING"):
            yield queue
    finally:
        app.conf.changes.pop("worker_hijack_root_logger", None)
    # Declared on this connection first: kombu deletes only the bindings its own channel knows of.
    with app.connection_for_write() as connection:
        bound = app.amqp.queues[queue].bind(connection.default_channel)
        bound.declare()
        bound.delete()


@pytest.fixture(autouse=True)
def _tasks_in_process(settings, celery_queue):
    """Overrides tests/conftest.py: with Redis, tasks are sent to the worker instead of running in-process."""
    if celery_queue is None:
        settings.CELERY_TASK_ALWAYS_EAGER = True
        yield
        return
    from portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    overrides = {"task_always_eager": False, "broker_url": settings.REDIS_URL, "task_default_queue": celery_queue}
    app.conf.update(overrides)
    yield
    for key in overrides:  # unit tests after this one read Django's settings again
        app.conf.changes.pop(key, None)
