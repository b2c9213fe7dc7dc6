import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from marketplace.models import User

from .factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _login(client, email, password, ip, url="/accounts/login/", field="login"):
    return client.post(url, {field: email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_csp_forbids_inline_scripts(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert "unsafe-eval" not in script_src
    assert "<script>" not in response.content.decode()  # every script is a file


@pytest.mark.django_db
def test_clickjacking_and_sniffing_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_failed_logins_lock_that_email_from_that_address_only(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="anna@example.com")
    for _ in range(3):
        _login(client, "anna@example.com", "wrong", "10.0.0.1")

    locked = _login(client, "anna@example.com", PASSWORD, "10.0.0.1")
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток входа" in locked.content.decode()

    # The owner, from another address, is not locked out by someone else's guesses.
    ok = _login(client, "anna@example.com", PASSWORD, "10.0.0.2")
    assert ok.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_admin_login_is_protected_too(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.create_superuser("boss@example.com", PASSWORD)
    for _ in range(2):
        _login(client, "boss@example.com", "wrong", "10.0.0.9", url="/admin/login/", field="username")
    response = _login(client, "boss@example.com", PASSWORD, "10.0.0.9", url="/admin/login/", field="username")
    assert response.status_code == 429


def test_upload_limits_are_set():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 12 * 1024 * 1024
    assert django_settings.MAX_UPLOAD_SIZE == 10 * 1024 * 1024


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in env.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(**extra):
    env = {**os.environ, "DJANGO_ENV": "production", "ALLOWED_HOSTS": "lavka.example.com",
           "SITE_DOMAIN": "lavka.example.com"}  # fmt: skip
    for key in ("DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(key, None)
    env.update(extra)
    return env


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_production_env(SECRET_KEY="s" * 20 + "-Zq8#kL2@vN5$wR7!yT0^bM3&cX6*hJ9"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_is_a_clear_startup_error():
    env = _production_env()
    env.pop("SECRET_KEY", None)
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_site_domain_is_a_clear_startup_error():
    env = _production_env(SECRET_KEY="x" * 60)
    env.pop("SITE_DOMAIN")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SITE_DOMAIN is not set" in result.stderr


def _settings_value(expression, **env):
    """Evaluate an expression on freshly imported development settings in another process."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "SITE_DOMAIN", "PORT")}
    result = subprocess.run(
        [sys.executable, "-c", f"import marketplace.settings as s; print({expression})"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_site_domain_follows_the_port_in_development():
    assert _settings_value("s.SITE_DOMAIN") == "127.0.0.1:8000"
    assert _settings_value("s.SITE_DOMAIN", PORT="8001") == "127.0.0.1:8001"
    assert _settings_value("s.SITE_DOMAIN", PORT="8001", SITE_DOMAIN="dev.lavka.test") == "dev.lavka.test"


def test_make_run_passes_its_port_to_the_settings():
    """`make run PORT=…` and `PORT=… make run` both reach manage.py (so its mails link to that port)."""
    for args, env in ((["PORT=8001"], {}), ([], {"PORT": "8001"})):
        result = subprocess.run(
            ["make", "--no-print-directory", "-f", "-", "show", *args],
            input="include Makefile\nshow:\n\t@echo PORT=$$PORT\n", cwd=ROOT, env={**os.environ, **env},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert "PORT=8001" in result.stdout, result.stdout + result.stderr


def test_production_refuses_debug():
    result = _manage("check", env=_production_env(SECRET_KEY="x" * 60, DEBUG="1"))
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr
