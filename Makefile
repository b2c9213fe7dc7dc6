# Lavka: `make run` serves the demo site, `make test` runs every test (browser tests included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The settings build e-mail links from PORT (SITE_DOMAIN), so the server and its mails agree.
export PORT
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint worker beat install chromium test-deps messages clean-db help prodlike

help:
	@echo "make run     - install, migrate, fill demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test    - the whole test suite (needs Debian's chromium and nginx; installed here if root)"
	@echo "make lint    - ruff"
	@echo "make worker  - a Celery worker (needs REDIS_URL)"
	@echo "make beat    - the Celery beat scheduler (needs REDIS_URL)"
	@echo "make prodlike - nginx + gunicorn + Celery worker and beat on PostgreSQL/Redis, a journey through them"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --skip-if-not-empty
	@echo ""
	@echo "Lavka is starting on http://$(HOST):$(PORT)/"
	@echo "Demo logins (password: lavka-demo):"
	@echo "  admin@lavka.test    - site admin (/admin/)"
	@echo "  seller@lavka.test   - seller with a shop"
	@echo "  seller2@lavka.test  - seller of a second shop"
	@echo "  buyer@lavka.test    - buyer"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here);
# the proxy tests put a real nginx in front of the live server.
NGINX ?= $(shell command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
test-deps:
	@missing=""; [ -x "$(CHROMIUM)" ] || missing="chromium fonts-dejavu-core"; \
	[ -x "$(NGINX)" ] || missing="$$missing nginx-light"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's $$missing for the browser and proxy tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Missing for the tests: $$missing. Install Debian's packages: sudo apt-get install $$missing"; \
		echo "(or set CHROMIUM=/path/to/chromium, NGINX=/path/to/nginx)"; exit 1; \
	fi

chromium: test-deps

test: $(VENV)/.installed test-deps
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest

# Production's processes on this machine, from deploy/'s own files (nginx site, systemd units,
# environment), and a scripted journey through nginx (deploy/prodlike/). Installs Debian's nginx if
# missing; starts PostgreSQL and Redis if they are down (deploy/services.sh).
prodlike: $(VENV)/.installed
	@if ! [ -x "$(NGINX)" ] || ! command -v openssl >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's nginx-light and openssl for make prodlike..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light openssl >/dev/null; \
		else \
			echo "make prodlike needs nginx and openssl: sudo apt-get install nginx-light openssl"; exit 1; \
		fi; \
	fi
	$(BIN)/python -m deploy.prodlike

lint: $(VENV)/.installed
	$(BIN)/ruff check .

worker: $(VENV)/.installed
	$(BIN)/celery -A marketplace worker --loglevel=INFO

beat: $(VENV)/.installed
	$(BIN)/celery -A marketplace beat --loglevel=INFO

# Regenerate the Russian catalog after changing strings (needs GNU gettext).
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l ru --ignore=.venv --ignore=static/vendor --no-obsolete
	$(BIN)/python manage.py compilemessages -l ru --ignore=.venv
