"""The deployment files agree with the code, and the settings fail early and clearly.

Docker does not run where the tests run, so docker-compose.yml and the Dockerfile are read as data and
checked against what the settings read, what the image contains and what imports. Settings are loaded in
subprocesses with a controlled environment, so nothing here depends on (or changes) the test process's own.
"""

import ast
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "portal" / "settings"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
WSGI_TARGET = "portal.wsgi:application"

# Values for compose's required ${NAME:?message} variables.
COMPOSE_SECRETS = {"SECRET_KEY": secrets.token_urlsafe(60), "POSTGRES_PASSWORD": "test"}
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "mso-portal.example.org",
    "DATABASE_URL": "postgres://u:p@localhost/db",
    "REDIS_URL": "redis://localhost:6379/0",
}


# --- reading the files -------------------------------------------------------------------------------------


def env_calls(path):
    """(name, has_default) for every env("NAME", ...) call in a settings module."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "env" and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                has_default = len(node.args) > 1 or any(k.arg == "default" for k in node.keywords)
                calls.append((name.value, has_default))
    return calls


SETTINGS_READ = {name for path in SETTINGS_DIR.glob("*.py") for name, _ in env_calls(path)}
PRODUCTION_REQUIRES = {name for name, has_default in env_calls(SETTINGS_DIR / "production.py") if not has_default}


def dockerfile_instructions():
    """(INSTRUCTION, arguments) of the final stage and of all stages, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    instructions = [tuple(line.split(None, 1)) for line in lines]
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword.upper() == "FROM")
    return [(k.upper(), a) for k, a in instructions[last_from:]], [(k.upper(), a) for k, a in instructions]


FINAL_STAGE, ALL_STAGES = dockerfile_instructions()


def dockerfile_cmd():
    commands = [json.loads(args) for keyword, args in FINAL_STAGE if keyword == "CMD"]
    assert len(commands) == 1, "the image has exactly one CMD, in exec (JSON) form"
    return commands[0]


def command_of(service):
    command = SERVICES[service].get("command")
    if command is None:
        return dockerfile_cmd()
    return shlex.split(command) if isinstance(command, str) else command


def resolve(value):
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, as if only COMPOSE_SECRETS were set."""

    def substitute(match):
        name, operator, word = match.group(1), match.group(2) or "", match.group(3) or ""
        if name in COMPOSE_SECRETS:
            return COMPOSE_SECRETS[name]
        assert "?" not in operator, f"${{{name}}} is required by docker-compose.yml: add a value to COMPOSE_SECRETS"
        return word

    return re.sub(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}", substitute, str(value))


def compose_environment(service):
    return {name: resolve(value) for name, value in SERVICES[service]["environment"].items()}


def clean_environment(**extra):
    """A minimal environment plus `extra`: nothing of the test process's own settings (CI sets DATABASE_URL,
    browser tests set DJANGO_ALLOW_ASYNC_UNSAFE) leaks into the process under test."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    return {**{name: os.environ[name] for name in kept if name in os.environ}, **extra}


def run_python(code, env):
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


# --- docker-compose.yml and Dockerfile -----------------------------------------------------------------------


def test_compose_describes_the_whole_production_stack():
    assert {"web", "worker", "beat", "db", "redis", "mail", "migrate"} <= set(SERVICES)
    assert SERVICES["db"]["image"] == "postgres:15"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert SERVICES["mail"]["image"].startswith("axllent/mailpit")
    for service in ("db", "redis"):
        assert SERVICES[service]["healthcheck"]["test"], service


def test_portal_services_start_only_when_database_redis_and_migrations_are_ready():
    for service in ("web", "worker", "beat"):
        depends_on = SERVICES[service]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy", service
        assert depends_on["redis"]["condition"] == "service_healthy", service
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", service
    assert command_of("migrate")[:3] == ["python", "manage.py", "migrate"]


def test_portal_services_are_built_from_the_dockerfile_in_an_existing_context():
    for service in APP_SERVICES:
        build = SERVICES[service]["build"]
        context = ROOT / build["context"]
        assert context.is_dir(), service
        assert (context / build.get("dockerfile", "Dockerfile")).is_file(), service


def test_everything_the_dockerfile_copies_exists_and_includes_every_local_app():
    copied = []
    for keyword, args in ALL_STAGES:
        if keyword == "COPY" and "--from=" not in args:
            *sources, _target = args.split()
            copied += sources
    for source in copied:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which does not exist"
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert local_apps <= set(copied), "every app of the project is copied into the image"
    for needed in ("manage.py", "portal", "templates", "static", "locale", "requirements.txt", "package-lock.json"):
        assert needed in copied, needed


def test_image_builds_the_translations_and_assets_with_the_recipes_of_make_setup():
    makefile = (ROOT / "Makefile").read_text()
    setup = re.search(r"^setup:(.*)$", makefile, re.M).group(1).split()
    catalogues = [target for target in setup if target.endswith(".mo")]
    runs = " ".join(args for keyword, args in ALL_STAGES if keyword == "RUN")
    assert catalogues and re.search(r"make -B " + r"\s+".join(map(re.escape, catalogues)), runs)
    assert "npm ci" in runs and "--require-hashes -r" in runs
    assert re.search(r"DJANGO_SETTINGS_MODULE=portal\.settings\.production .*collectstatic --noinput", runs)


def test_web_runs_gunicorn_with_the_wsgi_application_of_the_image_cmd():
    assert [keyword for keyword, _ in FINAL_STAGE if keyword == "ENTRYPOINT"] == [], "commands run as written"
    assert dockerfile_cmd()[:2] == ["gunicorn", WSGI_TARGET]
    assert command_of("web")[:2] == ["gunicorn", WSGI_TARGET]
    assert command_of("worker")[:4] == ["celery", "-A", "portal", "worker"]
    assert command_of("beat")[:4] == ["celery", "-A", "portal", "beat"]


def test_programs_the_commands_start_are_pinned_in_the_requirements():
    requirements = (ROOT / "requirements.txt").read_text().lower()
    for program in ("gunicorn", "celery"):
        assert re.search(rf"^{program}==", requirements, re.M), program


def test_every_variable_compose_sets_is_read_by_the_settings():
    for service in APP_SERVICES:
        unread = set(SERVICES[service]["environment"]) - SETTINGS_READ - {"DJANGO_SETTINGS_MODULE"}
        assert not unread, f"{service} sets {sorted(unread)}, which no env() call in portal/settings reads"


def test_every_variable_production_requires_is_set_by_compose():
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= PRODUCTION_REQUIRES
    for service in APP_SERVICES:
        missing = PRODUCTION_REQUIRES - set(SERVICES[service]["environment"])
        assert not missing, f"{service} does not set {sorted(missing)}"


def test_private_documents_are_kept_on_a_named_volume():
    for service in ("web", "worker"):
        root = SERVICES[service]["environment"]["PRIVATE_MEDIA_ROOT"]
        mounts = dict(volume.split(":")[1::-1] for volume in SERVICES[service]["volumes"])
        assert root in mounts, f"{service} keeps {root} on a volume"
        assert mounts[root] in COMPOSE["volumes"], "a named volume survives a rebuilt container"


PROBE = """
import importlib, json, os
settings_module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
import portal.wsgi  # sets Django up, as gunicorn does
from celery.app.utils import find_app
from django.conf import settings
celery = find_app("portal")  # what `celery -A portal` loads
print(json.dumps({
    "celery_main": celery.main,
    "broker": celery.conf.broker_url,
    "eager": celery.conf.task_always_eager,
    "database": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "private": settings.STORAGES["private"]["OPTIONS"]["location"],
    "email_host": settings.EMAIL_HOST,
    "email_port": settings.EMAIL_PORT,
    "mfa_for_staff": settings.MFA_REQUIRED_FOR_STAFF,
}))
"""


@pytest.mark.parametrize("service", APP_SERVICES)
def test_settings_wsgi_module_and_celery_app_load_with_the_compose_environment(service):
    environment = compose_environment(service)
    result = run_python(PROBE, clean_environment(**environment))
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["celery_main"] == "portal"
    assert loaded["broker"] == environment["REDIS_URL"] and loaded["eager"] is False
    assert loaded["database"] == "django.db.backends.postgresql"
    assert loaded["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert loaded["private"] == environment["PRIVATE_MEDIA_ROOT"]
    assert (loaded["email_host"], str(loaded["email_port"])) == (environment["EMAIL_HOST"], environment["EMAIL_PORT"])
    assert loaded["mfa_for_staff"] is True


def test_the_image_defaults_to_the_production_settings_compose_names():
    env_lines = " ".join(args for keyword, args in FINAL_STAGE if keyword == "ENV")
    modules = {SERVICES[service]["environment"]["DJANGO_SETTINGS_MODULE"] for service in APP_SERVICES}
    assert modules == {"portal.settings.production"}
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in env_lines


# --- production settings ---------------------------------------------------------------------------------------


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=clean_environment(**PRODUCTION_ENV), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_without_secret_key_stop_with_a_clear_message():
    environment = clean_environment(**{k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"})
    result = run_python("import django; django.setup()", environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured: The environment variable SECRET_KEY must be set." in result.stderr


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"REDIS_URL": "redis://localhost:6379/0"}, "REQUIRE_SERVICES=1 needs DATABASE_URL pointing to PostgreSQL."),
        ({"DATABASE_URL": "sqlite:///ci.sqlite3", "REDIS_URL": "redis://localhost:6379/0"},
         "REQUIRE_SERVICES=1 needs DATABASE_URL pointing to PostgreSQL."),
        ({"DATABASE_URL": "postgres://u:p@localhost/db"}, "REQUIRE_SERVICES=1 needs REDIS_URL."),
    ],
)  # fmt: skip
def test_require_services_refuses_the_embedded_fallbacks(environment, message):
    environment = clean_environment(DJANGO_SETTINGS_MODULE="portal.settings.test", REQUIRE_SERVICES="1", **environment)
    result = run_python("import django; django.setup()", environment)
    assert result.returncode != 0
    assert message in result.stderr
