"""Real processes for the broker tests: a private redis-server, a Celery worker and gunicorn against
the test database, a Redis that hangs, and a small cookie-keeping browser that fills in forms.

Used by test_broker.py, test_real_services.py, test_redis_faults.py, test_worker_faults.py,
test_smtp_faults.py and test_pg_restart.py.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


def test_database_url() -> str:
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "")
    password = ":" + urllib.parse.quote(s["PASSWORD"]) if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class Processes:
    """Starts child processes and always stops them, even when the test fails."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.procs = []

    def start(self, name, cmd, env=None):
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop_all
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((proc, log))
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def stop_all(self):
        for proc, log in reversed(self.procs):
            self.stop(proc)
            log.close()

    def logs(self):
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp_path.glob("*.log")))


@pytest.fixture
def processes(transactional_db, tmp_path):
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


def start_redis(processes, port):
    proc = processes.start(
        f"redis-{port}-{time.monotonic_ns()}",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    wait_for(lambda: _pings(client), 10, "redis to start")
    return proc


def _pings(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


def service_env(redis_url, maildir, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=test_database_url(),
        REDIS_URL=redis_url,
        EMAIL_URL=f"filemail:///{maildir}",  # django-environ drops one leading slash
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_ENV="development",
        DEBUG="0",
        CONN_MAX_AGE="0",
    )
    env.update(extra)
    return env


def start_worker(processes, env, name="worker"):
    return processes.start(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}-{os.getpid()}@%h",
        ],
        env=env,
    )


def start_web(processes, env, *, workers=1, name="web"):
    """gunicorn on a free port; returns a Browser for it once it answers."""
    port = free_port()
    processes.start(
        name,
        [sys.executable, "-m", "gunicorn", "marketplace.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--timeout", "60"],
        env=env,
    )  # fmt: skip
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        wait_for(lambda: _answers(browser), 30, "gunicorn to start")
    except AssertionError:
        pytest.fail(processes.logs())
    return browser


def _answers(browser):
    try:
        return browser.get("/rules/")[0] == 200
    except OSError:
        return False


def send_task(broker_url: str, name: str) -> None:
    """Queue a task by name, as beat would, without making a new app this process's current one
    (shared tasks would then publish to that broker for the rest of the test session)."""
    app = Celery(broker=broker_url, set_as_current=False)
    try:
        app.send_task(name)
    finally:
        app.close()


def sent_mails(maildir: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in sorted(maildir.glob("*")))


def mails_to(maildir: Path) -> dict[str, int]:
    """How many messages went to each address (Django's file backend: one file a process, messages
    separated by a line of dashes; every message of the site has one address in «To»)."""
    counts: dict[str, int] = {}
    for address in re.findall(r"^To: (.+)$", sent_mails(maildir), flags=re.MULTILINE):
        counts[address.strip()] = counts.get(address.strip(), 0) + 1
    return counts


class HungRedis:
    """A TCP server on a port that accepts connections and never answers (what a frozen Redis
    looks like to its clients). ``stop()`` drops every connection and frees the port."""

    def __init__(self, port: int):
        self.port = port
        self.listener = socket.create_server(("127.0.0.1", port), backlog=128)
        self.connections: list[socket.socket] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections.append(conn)
            threading.Thread(target=self._swallow, args=(conn,), daemon=True).start()

    @staticmethod
    def _swallow(conn):
        try:
            while conn.recv(65536):
                pass  # commands are read and never answered
        except OSError:
            pass

    def stop(self):
        self._stopping.set()
        self.listener.close()
        with self._lock:
            for conn in self.connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


@dataclass
class Response:
    status: int
    text: str
    url: str  # where the browser ended up after redirects
    headers: dict = field(default_factory=dict)
    seconds: float = 0.0  # wall time of the request, redirects included

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path


class _Forms(HTMLParser):
    """The forms of a page with what a browser would send without touching them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": [], "names": set()}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            self._form["names"].add(name)
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._form["fields"].append([name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")])
        elif tag == "textarea" and name:
            self._form["names"].add(name)
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._form["names"].add(name)
            self._select = {"name": name, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            values = self._select["chosen"] or ([self._select["first"]] if self._select["first"] is not None else [])
            self._form["fields"].extend([self._select["name"], value] for value in values)
            self._select = None
        elif tag == "form":
            self._form = None

    def _close_option(self):
        value, text, selected = self._option
        value = text.strip() if value is None else value
        if self._select["first"] is None:
            self._select["first"] = value
        if selected:
            self._select["chosen"].append(value)
        self._option = None


class Browser:
    """A tiny HTTP client with cookies and CSRF, for talking to the gunicorn process."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def open(self, path, data=None, headers=None, timeout=20) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=body, headers=headers or {})
        if body is not None:  # what a browser sends with a form of its own page
            request.add_header("Origin", self.base)
            request.add_header("Referer", url)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as r:
                text = r.read().decode()
                return Response(r.status, text, r.url, dict(r.headers), time.monotonic() - started)
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read().decode(), e.url, dict(e.headers), time.monotonic() - started)

    def get(self, path):
        response = self.open(path)
        return response.status, response.text

    def post(self, path, data) -> Response:
        return self.open(path, data=data)

    def post_form(self, path, data):
        status, page = self.get(path)
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = self.open(path, data={**data, "csrfmiddlewaretoken": token})
        return response.status, response.text

    def submit(self, path, *, action=None, having=None, data=None, page=None) -> Response:
        """Open ``path`` (or use its already loaded ``page``), fill in the form posting to
        ``action`` (or the one with a field named ``having``) as it stands, change ``data``,
        and send it."""
        if page is None:
            loaded = self.open(path)
            assert loaded.status == 200, (path, loaded.status, loaded.text[:500])
            page = loaded.text
        parser = _Forms()
        parser.feed(page)
        target = urllib.parse.urljoin(self.base + path, action) if action else None
        for form in parser.forms:
            form_action = urllib.parse.urljoin(self.base + path, form["action"] or path)
            if (target and form_action == target) or (having and having in form["names"]):
                break
        else:
            raise AssertionError(f"No form for {action or having} on {path}: {[f['action'] for f in parser.forms]}")
        values = [(k, v) for k, v in form["fields"] if k not in (data or {})]
        for key, value in (data or {}).items():
            values.extend((key, item) for item in (value if isinstance(value, list | tuple) else [value]))
        return self.open(form_action, data=values)
