"""PostgreSQL restarted under load: requests fail cleanly while it is down and the same gunicorn
processes serve every page again once it is back (persistent connections, CONN_HEALTH_CHECKS).

The machine's PostgreSQL is never touched: the test starts a private cluster of its own (initdb
in a temporary folder, a free port), copies the test database into it and restarts that.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from catalog.tests.factories import ProductFactory
from shops.tests.factories import ShopFactory

# The live-process helpers (H4a is moving them to .live; these names stay importable from here).
from .live import free_port, service_env, wait_for

pytestmark = [
    pytest.mark.broker,  # CI's PostgreSQL pass: real processes against a real PostgreSQL
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="needs PostgreSQL"),
]


def postgres_bindir() -> Path | None:
    """The newest installed server's programs (Debian keeps them out of PATH), or those on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class PrivatePostgres:
    """A throw-away cluster in a temporary folder, run as the postgres user when the test is root."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="lavka-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres")

    def run(self, program, *args, timeout=60):
        command = [str(self.bindir / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{program}: {done.stdout}\n{done.stderr}\n{self.server_log()}"
        return done.stdout

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def init(self):
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def start(self):
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*(["runuser", "-u", "postgres", "--"] if self.as_postgres else []),
                            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=30)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)

    def copy_database(self, source: dict, name: str) -> str:
        """The source database (a settings_dict), schema and rows, as ``name`` here; its URL."""
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        env = {**os.environ, "PGPASSWORD": source["PASSWORD"] or ""}
        dump = subprocess.run(
            [str(self.bindir / "pg_dump"), "--no-owner", "--no-privileges", "-h", source["HOST"] or "127.0.0.1",
             "-p", str(source["PORT"] or 5432), "-U", source["USER"] or "postgres", source["NAME"]],
            capture_output=True, check=True, env=env, timeout=60,
        )  # fmt: skip
        subprocess.run(
            [str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-d", name],
            input=dump.stdout, capture_output=True, check=True, timeout=60,
        )  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def private_postgres():
    bindir = postgres_bindir()
    if bindir is None or (os.geteuid() == 0 and not shutil.which("runuser")):
        if os.environ.get("LAVKA_REQUIRE_BROKER_TESTS") == "1":
            pytest.fail("the PostgreSQL restart test needs the PostgreSQL server programs (initdb, pg_ctl)")
        pytest.skip("needs the PostgreSQL server programs (initdb, pg_ctl)")
    cluster = PrivatePostgres(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@dataclass
class Answer:
    path: str
    started: float
    took: float
    status: int | None  # None: no HTTP answer at all
    body: str = ""
    error: str = ""

    @property
    def kind(self) -> str:
        """«ok», «clean» (a 500/503 with the site's error page; /health/ answers JSON) or «broken»."""
        if self.status == 200:
            return "ok"
        if self.status in (500, 503) and ('data-testid="error-500"' in self.body or self.path.startswith("/health/")):
            return "clean"
        return "broken"


class Load:
    """Threads asking for pages one after another, each answer kept with when it was asked."""

    def __init__(self, base: str, paths, threads: int = 4):
        self.base, self.paths, self.answers = base, paths, []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(threads)]

    def _run(self, index):
        count = 0
        while not self.stopping.is_set():
            count += 1
            path = self.paths[(index + count) % len(self.paths)].format(n=f"{index}-{count}")
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + path, timeout=10) as response:
                    answer = Answer(path, started, time.monotonic() - started, response.status)
            except urllib.error.HTTPError as error:
                body = error.read().decode(errors="replace")
                answer = Answer(path, started, time.monotonic() - started, error.code, body)
            except Exception as error:  # noqa: BLE001 - a reset, a timeout: kept, and the test fails on it
                answer = Answer(path, started, time.monotonic() - started, None, error=repr(error))
            with self._lock:
                self.answers.append(answer)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self._threads:
            thread.join(15)

    def since(self, moment: float, until: float = float("inf")) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if moment <= a.started and a.started + a.took <= until]


def gunicorn_pids(master) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout
    return {master.pid, *map(int, out.split())}


def test_postgresql_restarted_under_load_fails_cleanly_and_recovers_without_restarting_gunicorn(
    processes, private_postgres, tmp_path
):
    shop = ShopFactory(name="Мастерская Анны", slug="anna")
    product = ProductFactory(shop=shop, title="Вигвам «Лес»")
    database_url = private_postgres.copy_database(connection.settings_dict, "lavka")

    env = service_env("", tmp_path)  # no Redis: eager tasks and a per-process cache, the database is the subject
    env.update(DATABASE_URL=database_url, CONN_MAX_AGE="60")  # persistent connections, as in production
    port = free_port()
    web = processes.start("web", [sys.executable, "-m", "gunicorn", "marketplace.wsgi", "-b", f"127.0.0.1:{port}",
                                  "-w", "2", "--timeout", "30"], env=env)  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def health_ok():
        try:
            with urllib.request.urlopen(base + "/health/?format=json", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_for(health_ok, 30, "gunicorn to answer")
    except AssertionError:
        pytest.fail(processes.logs())
    before = gunicorn_pids(web)
    assert len(before) == 3  # the master and two workers

    # The page cache would answer an anonymous shop page without the database: each address is new.
    paths = ["/", "/shops/anna/?n={n}", f"/p/{product.pk}/?n={{n}}", "/health/?format=json"]
    with Load(base, paths) as load:
        wait_for(lambda: len(load.since(0)) >= 20, 30, "the load to run")
        private_postgres.stop("fast")
        down = time.monotonic()
        wait_for(lambda: len(load.since(down)) >= 12, 30, "requests while PostgreSQL is down")
        up_started = time.monotonic()
        private_postgres.start()
        up = time.monotonic()
        wait_for(lambda: len(load.since(up)) >= 20, 30, "requests after PostgreSQL is back")

    broken = [answer for answer in load.answers if answer.kind == "broken"]
    assert not broken, [(a.path, a.status, a.error, a.body[:300]) for a in broken] + [processes.logs()]
    assert max(answer.took for answer in load.answers) < 5, "a request hung"
    assert all(answer.kind == "ok" for answer in load.since(0, down - 0.5)), "not all pages answered before"

    # While it was down, the shop's page (a new address each time) and the health check got the
    # site's 500 page; the home and product pages may come from the caches (200) or fail the same way.
    during = load.since(down, up_started)
    needing_database = [answer for answer in during if answer.path.startswith(("/shops/", "/health/"))]
    assert needing_database and all(answer.kind == "clean" for answer in needing_database), [
        (a.path, a.status) for a in during
    ]  # fmt: skip
    assert any(answer.status == 500 and answer.path.startswith("/health/") for answer in during)

    # Back: every request asked after PostgreSQL accepted connections again answers 200, from the same processes.
    after = load.since(up)
    assert after and all(answer.kind == "ok" for answer in after), [(a.path, a.status, a.body[:200]) for a in after]
    assert {answer.path.split("?")[0] for answer in after} == {"/", "/shops/anna/", f"/p/{product.pk}/", "/health/"}
    assert gunicorn_pids(web) == before
