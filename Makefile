# `make run` and `make test` do all set-up on a fresh machine; see README.md.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= portal.settings.local

.PHONY: run test setup lock messages clean

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest $(PYTEST_ARGS)

setup: $(STAMP) node_modules/.package-lock.json locale/de/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo

$(STAMP): requirements.txt
	test -x $(PY) || python3.11 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# allauth's German says "du"; locale/de/allauth-formal.po re-translates those strings with "Sie" and wins.
locale/de/LC_MESSAGES/django.mo: locale/de/LC_MESSAGES/django.po locale/de/allauth-formal.po
	msgcat --use-first $^ | msgfmt --check -o $@ -

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

# Maintainers: re-pin Python dependencies, refresh the translation catalogues.
lock:
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --generate-hashes --strip-extras -o requirements.txt requirements.in

messages:
	$(PY) manage.py makemessages -l de -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

clean:
	rm -rf $(VENV) node_modules staticfiles var
