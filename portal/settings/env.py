"""The one place that reads the environment. A bad value fails at start-up with a clear message."""

import os

from django.core.exceptions import ImproperlyConfigured

REQUIRED = object()


def env(name, default=REQUIRED, *, cast=str):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is REQUIRED:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    try:
        return cast(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"The environment variable {name}={raw!r} is invalid: {error}") from error


def as_bool(raw):
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def as_list(raw):
    return [item.strip() for item in raw.split(",") if item.strip()]
