"""Start and stop production's processes on this machine: nginx with the real site file, gunicorn,
a Celery worker and beat, each run from what deploy/ ships, against PostgreSQL and Redis.

Nothing is written outside a temporary folder except the database named by ``database_url``
(dropped and made again when ``fresh``), the Redis database of ``redis_url`` (emptied: the
cache and the broker start clean), collectstatic's output in STATIC_ROOT (the folder nginx serves
/static/ from) and ``media_root`` when one is given.
"""

import configparser
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# The name the site answers to. A browser would reach it at https://lavka.localhost/; the stack
# listens on unprivileged loopback ports and clients send this Host (nginx passes on $host, without
# a port, exactly as behind port 443).
SERVER_NAME = "lavka.localhost"
MIME_TYPES = Path("/etc/nginx/mime.types")


class StackError(RuntimeError):
    """The stack could not start (the message says what and where to look)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(found, os.X_OK):
        raise StackError("nginx is missing: `make prodlike` installs it (apt-get install nginx-light)")
    return found


def unit_command(name: str) -> list[str]:
    """ExecStart of a deploy/systemd unit, as arguments."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string((DEPLOY / "systemd" / name).read_text().replace("\\\n", " "))
    return shlex.split(unit["Service"]["ExecStart"])


def _replace(text: str, pattern: str, new: str, what: str) -> str:
    """``text`` with ``pattern`` (a regex) replaced; a file that no longer has it is an error,
    so a change to the production files cannot silently leave this stack running something else."""
    changed, count = re.subn(pattern, new, text)
    if not count:
        raise StackError(f"{what} no longer matches {pattern!r}: update deploy/prodlike/stack.py")
    return changed


def render_site(
    *,
    folder: Path,
    https_port: int,
    http_port: int,
    upstream: str,
    certificate: Path,
    key: Path,
    media_root: Path | None = None,
) -> str:
    """deploy/nginx/lavka.conf with this machine's paths, ports, name and certificate."""
    what = "deploy/nginx/lavka.conf"
    site = (DEPLOY / "nginx/lavka.conf").read_text()
    site = _replace(site, r"server\s+127\.0\.0\.1:8000;", f"server {upstream};", what)
    site = _replace(site, r"listen\s+443\b", f"listen 127.0.0.1:{https_port}", what)
    site = _replace(site, r"listen\s+80\b", f"listen 127.0.0.1:{http_port}", what)
    site = _replace(site, r"/etc/letsencrypt/live/[^;]*/fullchain\.pem", str(certificate), what)
    site = _replace(site, r"/etc/letsencrypt/live/[^;]*/privkey\.pem", str(key), what)
    site = _replace(site, r"server_name\s+lavka\.example\.com;", f"server_name {SERVER_NAME};", what)
    site = _replace(site, r"/srv/lavka/deploy/", f"{DEPLOY}/", what)
    site = _replace(site, r"/srv/lavka/staticfiles/", f"{ROOT / 'staticfiles'}/", what)
    site = _replace(site, r"/srv/lavka/media/", f"{media_root or folder / 'media'}/", what)
    site = _replace(site, r"/srv/lavka/private/", f"{folder / 'private'}/", what)
    directives = "\n".join(line.split("#", 1)[0] for line in site.splitlines())
    left = re.findall(r"/srv/lavka\S*|lavka\.example\.com|listen\s+(?!127\.0\.0\.1:)\S+", directives)
    if left:
        raise StackError(f"{what} names {left}, which this stack does not replace: update deploy/prodlike/stack.py")
    return site


def nginx_main_config(folder: Path) -> str:
    """The main file Debian's /etc/nginx/nginx.conf would be, with every path in ``folder``."""
    return (
        f"daemon off;\nworker_processes 2;\npid {folder}/nginx.pid;\nerror_log {folder}/logs/nginx-error.log warn;\n"
        "events { worker_connections 768; }\n"
        "http {\n"
        "    sendfile on;\n    tcp_nopush on;\n    types_hash_max_size 2048;\n"
        f"    include {MIME_TYPES};\n    default_type application/octet-stream;\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_prefer_server_ciphers on;\n"
        f"    access_log {folder}/logs/nginx-access.log;\n"
        + "".join(f"    {kind}_temp_path {folder}/nginx-{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"    include {folder}/lavka.conf;\n}}\n"
    )  # fmt: skip


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for SERVER_NAME and 127.0.0.1."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={SERVER_NAME}",
         "-addext", f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def production_environment(**overrides: str) -> dict[str, str]:
    """deploy/lavka.env.example with this machine's values: what every unit reads."""
    values = {}
    for line in (DEPLOY / "lavka.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    unknown = set(overrides) - set(values)
    if unknown:
        raise StackError(f"deploy/lavka.env.example no longer sets {sorted(unknown)}: update deploy/prodlike/stack.py")
    values.update(overrides)
    # A unit's environment: the file's values and the few variables every program needs, nothing
    # from the caller's shell (a DATABASE_URL or DEBUG there must not leak in).
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")
    return {**{name: os.environ[name] for name in keep if name in os.environ}, **values}


def _filemail(folder: Path) -> str:
    # django-environ drops the first slash of the path: filemail:///tmp/x would mean ./tmp/x.
    return f"filemail:///{folder}"


class Stack:
    """nginx + gunicorn (``web_workers``) + a Celery worker + beat; ``start()``, then ``stop()``.

    ``fresh`` drops and makes the database again; without it the database is only migrated
    (bench/load.py keeps its filled one, and its uploads in ``media_root``).
    """

    def __init__(self, *, database_url: str, redis_url: str, fresh: bool = True, web_workers: int = 2,
                 media_root: Path | None = None, log=print, extra_env: dict | None = None):  # fmt: skip
        self.database_url, self.redis_url, self.fresh = database_url, redis_url, fresh
        self.media_root = media_root
        self.web_workers, self.log, self.extra_env = web_workers, log, extra_env or {}
        self.processes: dict[str, subprocess.Popen] = {}
        self.folder: Path | None = None

    # --- what clients use -------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def client(self) -> requests.Session:
        """A browser-like client of the site through nginx (HTTPS, the throwaway certificate trusted)."""
        session = requests.Session()
        session.verify = str(self.certificate)
        # Not the shell's REQUESTS_CA_BUNDLE (requests would prefer it to `verify`) nor its proxies.
        session.trust_env = False
        session.headers.update({"Host": SERVER_NAME, "User-Agent": "lavka-prodlike", "Accept-Language": "ru"})
        return session

    # --- starting and stopping ----------------------------------------------------------------

    def start(self) -> "Stack":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _start(self):
        started = time.monotonic()
        nginx = nginx_binary()
        if not MIME_TYPES.exists():
            raise StackError(f"{MIME_TYPES} is missing (Debian's nginx-common ships it)")
        services = subprocess.run(["bash", "-c", f". {shlex.quote(str(DEPLOY / 'services.sh'))} && lavka_services_up"],
                                  capture_output=True, text=True)  # fmt: skip
        if services.returncode:
            raise StackError(f"PostgreSQL/Redis: {services.stderr.strip() or services.stdout.strip()}")
        self.folder = Path(tempfile.mkdtemp(prefix="lavka-prodlike-"))
        # nginx's workers run as an unprivileged user (nobody, www-data in production): they read
        # media and the socket from here.
        self.folder.chmod(0o755)
        for name in ("media", "private", "mail", "mail-web", "logs"):
            (self.folder / name).mkdir()
        self.media_root = self.media_root or self.folder / "media"
        self.https_port, self.http_port = free_port(), free_port()
        self.socket = self.folder / "gunicorn.sock"
        self.certificate, key = make_certificate(self.folder)
        self.mail_dir, self.web_mail_dir = self.folder / "mail", self.folder / "mail-web"
        common = dict(
            SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=SERVER_NAME,
            CSRF_TRUSTED_ORIGINS=f"https://{SERVER_NAME}", SITE_DOMAIN=SERVER_NAME, DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url, DEFAULT_FROM_EMAIL=f"Лавка <noreply@{SERVER_NAME}>",
            ADMIN_EMAILS=f"admin@{SERVER_NAME}", MEDIA_ROOT=str(self.media_root),
            PRIVATE_MEDIA_ROOT=str(self.folder / "private"), LOG_LEVEL="INFO",
        )  # fmt: skip
        # Every mail must leave through the worker: the web processes get a mail folder of their
        # own, which a correct stack never writes to (the journey checks it stays empty).
        self.web_env = {**production_environment(**common, EMAIL_URL=_filemail(self.web_mail_dir)),
                        **self.extra_env}  # fmt: skip
        self.worker_env = {**production_environment(**common, EMAIL_URL=_filemail(self.mail_dir)),
                           **self.extra_env}  # fmt: skip
        assert self.web_env["DJANGO_ENV"] == "production" and self.web_env["PROXY_COUNT"] == "1"

        if self.fresh:
            self._fresh_database()
        self._flush_redis()
        self._step("migrate", [sys.executable, "manage.py", "migrate", "--noinput"])
        self._step("collectstatic", [sys.executable, "manage.py", "collectstatic", "--noinput"])

        site = render_site(folder=self.folder, https_port=self.https_port, http_port=self.http_port,
                           upstream=f"unix:{self.socket}", certificate=self.certificate, key=key,
                           media_root=self.media_root)  # fmt: skip
        (self.folder / "lavka.conf").write_text(site)
        (self.folder / "nginx.conf").write_text(nginx_main_config(self.folder))
        test = subprocess.run([nginx, "-t", "-q", "-c", str(self.folder / "nginx.conf"), "-p", str(self.folder)],
                              capture_output=True, text=True)  # fmt: skip
        if test.returncode:
            raise StackError(f"nginx -t refused the rendered site:\n{test.stderr}")

        self._spawn("web", self._web_command(), self.web_env)
        self._spawn("worker", self._celery_command("lavka-worker.service"), self.worker_env)
        self._spawn("beat", self._celery_command("lavka-beat.service"), self.worker_env)
        self._wait_for_socket()  # so that nginx's first requests find gunicorn
        self._spawn("nginx", [nginx, "-c", str(self.folder / "nginx.conf"), "-p", str(self.folder)], self.web_env)
        self._wait_ready()
        self.log(f"stack up in {time.monotonic() - started:.0f} s: {self.base} (Host: {SERVER_NAME}), "
                 f"files in {self.folder}")  # fmt: skip

    def _web_command(self) -> list[str]:
        command = self._release_paths(unit_command("lavka-web.service"))
        bind, workers = command.index("--bind"), command.index("--workers")
        command[bind + 1], command[workers + 1] = f"unix:{self.socket}", str(self.web_workers)
        return command

    def _celery_command(self, unit: str) -> list[str]:
        command = self._release_paths(unit_command(unit))
        return [f"--schedule={self.folder / 'celerybeat-schedule'}" if arg.startswith("--schedule=") else arg
                for arg in command]  # fmt: skip

    @staticmethod
    def _release_paths(command: list[str]) -> list[str]:
        if not command[0].startswith("/srv/lavka/.venv/bin/"):
            raise StackError(f"a unit no longer starts /srv/lavka/.venv/bin/…: {command[0]}")
        return [str(ROOT / ".venv/bin" / Path(command[0]).name), *command[1:]]

    def manage(self, *args: str, **env: str) -> str:
        """Run a manage.py command as production would (the units' environment); its output."""
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**self.web_env, **env},
                                capture_output=True, text=True)  # fmt: skip
        if result.returncode:
            raise StackError(f"manage.py {args[0]} failed:\n{(result.stdout + result.stderr)[-3000:]}")
        return result.stdout

    def _step(self, name: str, command: list[str]):
        started = time.monotonic()
        result = subprocess.run(command, cwd=ROOT, env=self.web_env, capture_output=True, text=True)
        self.log(f"  {name}: {time.monotonic() - started:.0f} s")
        (self.folder / "logs" / f"{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode:
            raise StackError(f"{name} failed:\n{(result.stdout + result.stderr)[-3000:]}")

    def _fresh_database(self):
        import psycopg

        parts = urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        if not re.fullmatch(r"\w+", name):
            raise StackError(f"unexpected database name {name!r}")
        maintenance = parts._replace(path="/postgres").geturl()
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')

    def _flush_redis(self):
        import redis

        redis.Redis.from_url(self.redis_url, socket_timeout=5).flushdb()

    def _spawn(self, name: str, command: list[str], env: dict):
        log = open(self.folder / "logs" / f"{name}.log", "wb")  # noqa: SIM115 - the process writes it until stop()
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        log.close()

    def _wait_for_socket(self, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while not self.socket.is_socket():
            if self.processes["web"].poll() is not None or time.monotonic() > deadline:
                raise StackError(f"gunicorn did not open {self.socket}:\n{self.log_tail('web')}")
            time.sleep(0.05)

    def _wait_ready(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        client = self.client()
        web_up = worker_up = beat_up = False
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise StackError(f"{name} exited with {process.returncode}:\n{self.log_tail(name)}")
            if not web_up:
                try:
                    web_up = client.get(self.base + "/health/", timeout=5).status_code == 200
                except requests.RequestException:
                    pass
            worker_up = worker_up or b" ready." in self._log_bytes("worker")
            beat_up = beat_up or b"beat: Starting" in self._log_bytes("beat")
            if web_up and worker_up and beat_up:
                return
            time.sleep(0.2)
        missing = [name for name, up in (("web", web_up), ("worker", worker_up), ("beat", beat_up)) if not up]
        raise StackError(f"not ready after {timeout:.0f} s: {missing}\n"
                         + "\n".join(self.log_tail(name) for name in missing))  # fmt: skip

    def _log_bytes(self, name: str) -> bytes:
        try:
            return (self.folder / "logs" / f"{name}.log").read_bytes()
        except OSError:
            return b""

    def log_tail(self, name: str, lines: int = 30) -> str:
        text = self._log_bytes(name).decode(errors="replace")
        return f"--- {name} ({self.folder}/logs/{name}.log) ---\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self):
        """Stop every process this stack started (nginx first, so nothing new comes in)."""
        for name in ("nginx", "web", "beat", "worker"):
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                continue
            # As systemd's KillMode=mixed: the main process is asked, it stops its own children.
            process.terminate()
        for name, process in self.processes.items():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                self.log(f"{name} did not stop in 20 s; killing it")
            # Whatever is left of its group (gunicorn's and Celery's children): killed, and reaped.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(5)
        self.processes.clear()

    def remove_files(self):
        if self.folder and self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)
