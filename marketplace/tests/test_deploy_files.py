"""deploy/ and the Procfile: what production runs must at least be valid and name what exists.

The nginx site is checked by nginx itself (`nginx -t`, with the release paths pointed at a
temporary folder and a throwaway certificate); the systemd units and the Procfile must start
programs of this virtualenv with this project's modules; the environment file may only set
variables the settings read.
"""

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_the_nginx_site_is_valid(tmp_path):
    assert os.access(NGINX, os.X_OK), "nginx is missing: `make test` installs it (apt-get install nginx-light)"
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=lavka.example.com", "-days", "1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx/lavka.conf").read_text()
    site = site.replace("/srv/lavka/deploy/", f"{DEPLOY}/").replace("/srv/lavka/", f"{tmp_path}/")
    site = re.sub(r"/etc/letsencrypt/live/[^;]*/fullchain.pem", str(certificate), site)
    site = re.sub(r"/etc/letsencrypt/live/[^;]*/privkey.pem", str(key), site)
    (tmp_path / "lavka.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f"  include /etc/nginx/mime.types;\n  include {tmp_path}/lavka.conf;\n}}\n"
    )
    result = subprocess.run([NGINX, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The internal location X-Accel-Redirect points at (settings.PROTECTED_FILES_ACCEL_PREFIX).
    assert "location /_protected/ {\n        internal;" in site


def _unit(name) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string((DEPLOY / "systemd" / name).read_text().replace("\\\n", " "))
    return unit


@pytest.mark.parametrize(
    ("name", "program", "needle"),
    [
        ("lavka-web.service", "gunicorn", "marketplace.wsgi"),
        ("lavka-worker.service", "celery", "-A marketplace worker"),
        ("lavka-beat.service", "celery", "-A marketplace beat"),
    ],
)
def test_each_unit_starts_a_program_of_the_release_with_the_shared_environment(name, program, needle):
    service = _unit(name)["Service"]
    command = service["ExecStart"]
    assert command.split()[0] == f"/srv/lavka/.venv/bin/{program}"
    assert (ROOT / ".venv/bin" / program).exists()
    assert needle in command
    assert service["EnvironmentFile"] == "/etc/lavka/lavka.env"
    assert service["WorkingDirectory"] == "/srv/lavka"


def test_the_procfile_runs_the_same_processes():
    processes = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(processes) == {"web", "worker", "beat", "release"}
    assert processes["web"].startswith("gunicorn marketplace.wsgi")
    assert processes["worker"].startswith("celery -A marketplace worker")
    assert processes["beat"].startswith("celery -A marketplace beat")
    for command in processes.values():
        assert (ROOT / ".venv/bin" / command.split()[0]).exists()


def test_the_environment_file_sets_only_what_the_settings_read():
    settings_text = (ROOT / "marketplace/settings.py").read_text()
    names = re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (DEPLOY / "lavka.env.example").read_text(), re.M)
    unknown = [name for name in names if f'"{name}"' not in settings_text and not name.startswith("AWS_")]
    assert names and not unknown
