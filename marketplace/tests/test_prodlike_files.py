"""`make prodlike` runs production's own files (deploy/prodlike/stack.py): these fast checks fail
as soon as a change to the nginx site, a unit or the environment file would leave it running
something else, without starting any process. The stack itself runs in .ci/run (`make prodlike`).
"""

import subprocess
from pathlib import Path

import environ
import pytest

from deploy.prodlike.stack import (
    ROOT,
    SERVER_NAME,
    Stack,
    StackError,
    _filemail,
    make_certificate,
    nginx_binary,
    nginx_main_config,
    production_environment,
    render_site,
)


def test_the_production_site_renders_for_this_machine_and_nginx_accepts_it(tmp_path):
    certificate, key = make_certificate(tmp_path)
    site = render_site(folder=tmp_path, https_port=8443, http_port=8080, upstream=f"unix:{tmp_path}/gunicorn.sock",
                       certificate=certificate, key=key)  # fmt: skip
    (tmp_path / "lavka.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(nginx_main_config(tmp_path))
    (tmp_path / "logs").mkdir()
    result = subprocess.run([nginx_binary(), "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "listen 127.0.0.1:8443 ssl http2;" in site and "listen 127.0.0.1:8080;" in site
    assert f"server unix:{tmp_path}/gunicorn.sock;" in site
    assert site.count(f"server_name {SERVER_NAME};") == 2
    assert f"alias {ROOT}/staticfiles/;" in site and f"alias {tmp_path}/media/;" in site
    assert f"include {ROOT}/deploy/nginx/proxy.conf;" in site
    # Everything else is the production file, line for line.
    production = (ROOT / "deploy/nginx/lavka.conf").read_text().splitlines()
    assert len(site.splitlines()) == len(production)


def test_the_units_commands_are_what_the_stack_starts(tmp_path):
    stack = Stack(database_url="postgres://x/y", redis_url="redis://x/1")
    stack.folder, stack.socket = tmp_path, tmp_path / "gunicorn.sock"
    web = stack._web_command()
    assert web[0] == str(ROOT / ".venv/bin/gunicorn") and web[1] == "marketplace.wsgi"
    assert web[web.index("--bind") + 1] == f"unix:{tmp_path}/gunicorn.sock"
    assert web[web.index("--workers") + 1] == "2"
    assert "--max-requests" in web  # the unit's other options stay
    worker = stack._celery_command("lavka-worker.service")
    assert worker[0] == str(ROOT / ".venv/bin/celery") and "worker" in worker
    beat = stack._celery_command("lavka-beat.service")
    assert f"--schedule={tmp_path}/celerybeat-schedule" in beat


def test_the_environment_is_the_example_file_with_this_machines_values(monkeypatch):
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///somewhere-else")
    values = production_environment(DATABASE_URL="postgres://db/lavka_prodlike", SITE_DOMAIN=SERVER_NAME)
    assert values["DJANGO_ENV"] == "production"
    assert values["PROXY_COUNT"] == "1" and values["PROTECTED_FILES_SERVER"] == "nginx"
    assert values["DATABASE_URL"] == "postgres://db/lavka_prodlike" and values["SITE_DOMAIN"] == SERVER_NAME
    assert "DEBUG" not in values  # nothing from the caller's shell but PATH, HOME and the locale
    with pytest.raises(StackError, match="NOT_IN_THE_FILE"):
        production_environment(NOT_IN_THE_FILE="x")


def test_mail_goes_to_the_absolute_folder_given():
    # django-environ reads filemail:///tmp/x as the relative folder tmp/x.
    config = environ.Env.email_url_config(_filemail(Path("/tmp/lavka-mail")))
    assert config["EMAIL_FILE_PATH"] == "/tmp/lavka-mail"
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
