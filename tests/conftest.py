"""Shared actors, so that every permission test needs no set-up of its own.

org_a has a board member (`board_a`) and a plain member (`member_a`); org_b has `board_b`; `advisor` is
KI staff with TOTP set up (production requires it); `client` is anonymous.
"""

import shutil
import uuid

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings

from accounts.models import Role
from tests.factories import AdvisorFactory, MembershipFactory, OrganisationFactory

ADVISOR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True, scope="session")
def _clean_private_storage():
    """Uploaded test files go to var/test-private (settings/test.py); nothing is left behind."""
    yield
    shutil.rmtree(settings.STORAGES["private"]["OPTIONS"]["location"], ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """A fresh cache namespace per test: allauth's rate-limit counters must not leak between tests or runs."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex}}


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Unit and view tests run tasks in-process; browser tests use the real worker (tests/e2e/conftest.py)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Türkischer Elternverein Hagen e.V.", short_name="TEV")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Ukrainischer Kulturverein Hagen e.V.", short_name="UKV")


@pytest.fixture
def board_a(org_a):
    return MembershipFactory(organisation=org_a, role=Role.CHAIR).user


@pytest.fixture
def member_a(org_a):
    return MembershipFactory(organisation=org_a, role=Role.MEMBER).user


@pytest.fixture
def board_b(org_b):
    return MembershipFactory(organisation=org_b, role=Role.CHAIR).user


@pytest.fixture
def advisor(db):
    user = AdvisorFactory(name="Katrin Demir")
    TOTP.activate(user, ADVISOR_TOTP_SECRET)
    return user


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def board_a_client(client, board_a):
    return client_for(client, board_a)


@pytest.fixture
def member_a_client(client, member_a):
    return client_for(client, member_a)


@pytest.fixture
def board_b_client(client, board_b):
    return client_for(client, board_b)


@pytest.fixture
def advisor_client(client, advisor):
    return client_for(client, advisor)
