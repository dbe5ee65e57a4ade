"""Embedded default for `make run`: SQLite, in-process tasks, e-mails printed to the console."""

from .base import *  # noqa: F403
from .env import as_bool, env

DEBUG = env("DEBUG", True, cast=as_bool)
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The demo advisor may skip two-factor authentication here; `make run` says so.
MFA_REQUIRED_FOR_STAFF = env("MFA_REQUIRED_FOR_STAFF", False, cast=as_bool)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# Serve static files straight from the finders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
