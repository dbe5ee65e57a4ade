# The production image. docker-compose.yml runs it as web (this CMD), Celery worker, Celery beat and a
# one-off migrate step. tests/test_deployment.py checks that this file and the compose file agree.

# --- Front-end assets (KERN UX), installed exactly as locked; only node_modules is carried over. ---
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- The portal ---
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint renders PDFs with Pango/HarfBuzz and needs fonts; gettext and make compile the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext make \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (cached while only the code changes); every package is checked against its hash.
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt

WORKDIR /app
COPY --from=assets /build/node_modules ./node_modules
COPY manage.py Makefile ./
COPY portal ./portal
COPY accounts ./accounts
COPY applications ./applications
COPY workflows ./workflows
COPY templates ./templates
COPY static ./static
COPY locale ./locale

# Translations with the Makefile's recipe, as `make run` builds them (it merges the formal German overrides
# of allauth, which plain compilemessages would leave out); -B: never trust .mo files from the build context.
RUN make -B locale/de/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo

# Static files with the production storage (hashed names, compressed). Production settings refuse to load
# without their secrets, so this one step gets dummy values that stay out of the image.
RUN DJANGO_SETTINGS_MODULE=portal.settings.production \
       SECRET_KEY=build-time-only-not-a-secret ALLOWED_HOSTS=localhost \
       DATABASE_URL=postgres://build:build@localhost/build REDIS_URL=redis://localhost:6379/0 \
       python manage.py collectstatic --noinput

# Run as an unprivileged user: it can write only to its home (font cache) and the private documents.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin portal \
    && mkdir -p /data/private \
    && chown portal:portal /data/private
USER portal

ENV DJANGO_SETTINGS_MODULE=portal.settings.production \
    PRIVATE_MEDIA_ROOT=/data/private
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
