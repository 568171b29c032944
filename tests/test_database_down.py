"""The database goes away under a running portal and comes back.

A throwaway PostgreSQL cluster (initdb in a temporary folder, on a free port; never the
machine's shared server) serves a production gunicorn. Stopping the cluster turns pages and
/healthz into 503 answers with the portal's error page; starting it again brings 200s back
from the same gunicorn, with no restart.
"""

import contextlib
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from production import BASE_DIR, child_env

pytestmark = pytest.mark.skipif(
    not glob.glob("/usr/lib/postgresql/*/bin/initdb"), reason="PostgreSQL server binaries missing"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of our own. initdb refuses root, so as root it runs as postgres."""

    def __init__(self, folder):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(folder, "postgres")

    def run(self, program, *args):
        subprocess.run(
            [*self.as_owner, str(self.bin / program), *args],
            check=True,
            capture_output=True,
            timeout=120,
            cwd=self.folder,
        )

    def init(self):
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                 "-w", "start")  # fmt: skip

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/celac_ppt"


def request(port, path, method="GET", body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    # As the TLS-terminating proxy in front of gunicorn would send it.
    headers = {"X-Forwarded-Proto": "https", "Accept-Language": "en", **(headers or {})}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("Set-Cookie", "")
    finally:
        connection.close()


def get(port, path):
    return request(port, path)[:2]


def log_in(port, username, password):
    """A log-in through the form: the page (which needs no database), then the POST."""
    _, page, cookie = request(port, "/en/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    body = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
    return request(
        port,
        "/en/accounts/login/",
        "POST",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"https://127.0.0.1:{port}/en/accounts/login/",
        },
    )[:2]


def wait_until_serving(port, process):
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError("gunicorn exited")
        try:
            return get(port, "/healthz")
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn never answered")


@pytest.fixture
def portal_on_own_cluster():
    folder = Path(tempfile.mkdtemp(prefix="celac-pg-"))
    folder.chmod(0o755)
    cluster = Cluster(folder)
    gunicorn = None
    try:
        cluster.init()
        cluster.start()
        cluster.run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "celac_ppt")
        port = free_port()
        env = child_env(
            DATABASE_URL=cluster.url,
            # Persistent connections, so recovery relies on the health checks, not on luck.
            DB_CONN_MAX_AGE="600",
            ALLOWED_HOSTS="127.0.0.1",
            STATIC_ROOT=str(folder / "static"),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="2",
            GUNICORN_ACCESS_LOG=str(folder / "access.log"),
        )
        for command in (["migrate"], ["ensure_plan"], ["collectstatic", "--no-input"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "-v0"],
                cwd=BASE_DIR,
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
        gunicorn = subprocess.Popen(
            [gunicorn_bin, "-c", "celac_ppt/gunicorn.conf.py", "celac_ppt.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_serving(port, gunicorn)
        yield cluster, port, gunicorn
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=60)
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_database_outage_gives_503_and_recovers_without_restart(portal_on_own_cluster):
    cluster, port, gunicorn = portal_on_own_cluster
    pages = ["/en/", "/en/commitments/", "/en/states/MX/", "/en/areas/1/"]
    for page in pages:
        assert get(port, page)[0] == 200, page
    assert get(port, "/healthz") == (200, '{"status": "ok", "database": "up"}')

    cluster.stop()
    for page in pages:
        status, body = get(port, page)
        assert status == 503, page
        assert "<h1>Service temporarily unavailable</h1>" in body
        assert "Traceback" not in body and "psycopg" not in body
    # The 503 page speaks the language of the address, whatever the browser says.
    for page, language in (("/es/", "es"), ("/pt/commitments/", "pt"), ("/fr/states/MX/", "fr")):
        status, body = get(port, page)
        assert status == 503, page
        assert f'<html lang="{language}">' in body, page
    status, body = get(port, "/healthz")
    assert status == 503 and '"database": "down"' in body
    # The log-in form still shows (it reads nothing); sending it needs the database.
    status, body = log_in(port, "nobody", "wrong-password")
    assert status == 503
    assert "<h1>Service temporarily unavailable</h1>" in body

    cluster.start()
    for page in pages:
        assert get(port, page)[0] == 200, page
    assert get(port, "/healthz")[0] == 200
    status, body = log_in(port, "nobody", "wrong-password")
    assert status == 200 and "Please enter a correct username and password" in body
    assert gunicorn.poll() is None  # the same gunicorn answered throughout
