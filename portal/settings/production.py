"""Production: secrets have no defaults, HTTPS everywhere, advisors must use two-factor authentication."""

from .base import *  # noqa: F403
import dj_database_url

from .env import as_list, env

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS", cast=as_list)
DEBUG = False
MFA_REQUIRED_FOR_STAFF = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# A production portal runs on PostgreSQL and Redis; missing URLs stop it at start-up.
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60)}  # noqa: F405
env("REDIS_URL")
