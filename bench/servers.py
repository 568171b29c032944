"""Real app servers for the benchmark and the several-servers test.

Each server is the production set-up: gunicorn with ``celac_ppt/gunicorn.conf.py``,
``DJANGO_DEBUG=0``, whitenoise serving the collected static files. Only plain http on the
loopback interface: TLS is the reverse proxy's job.
"""

import contextlib
import fcntl
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
STATIC_ROOT = ROOT / "var" / "bench" / "staticfiles"


def production_env(database_url, *, redis_url=None, cache_prefix=None, **extra):
    """The environment production mode needs, for a server on 127.0.0.1 over plain http."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "PUBLIC_PAGE_", "CACHE_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "STATIC_ROOT")
    }
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        # Collected apart from var/staticfiles, which `make serve-prod` owns.
        STATIC_ROOT=str(STATIC_ROOT),
    )
    if redis_url:
        env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=cache_prefix or secrets.token_hex(6))
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, timeout=1800):
    """Run ``manage.py`` with ``env``; raise with its output if it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_database(env):
    """Migrate, load the plan and collect the static files whitenoise serves."""
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "ensure_plan")
    collect_static(env)


def _static_sources_fingerprint():
    """What the collected files are made of: the project's ``static/`` tree, the settings and
    the installed packages (whose apps bring their own static files)."""
    digest = hashlib.sha256()
    sources = [ROOT / "celac_ppt" / "settings.py", ROOT / "pyproject.toml"]
    sources += sorted(path for path in (ROOT / "static").rglob("*") if path.is_file())
    sources += [Path(sys.prefix) / ".installed"]
    for path in sources:
        if path.exists():
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static(env):
    """Collect the static files into the folder ``env`` names, once for everything using it.

    Several test processes and benchmark runs start servers on the same folder. Collecting
    deletes and rewrites the hashed copies, so a second collection while another runs (or
    while a server reads the folder) loses files: one at a time, under a lock, and not at
    all when nothing it is made of has changed since the last one.
    """
    root = Path(env["STATIC_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    stamp = root.with_name(f"{root.name}.collected-from")
    with open(root.with_name(f"{root.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fingerprint = _static_sources_fingerprint()
        if stamp.exists() and stamp.read_text() == fingerprint:
            return
        stamp.unlink(missing_ok=True)
        manage(env, "collectstatic", "--no-input", "-v0")
        stamp.write_text(fingerprint)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """One gunicorn instance; use as a context manager so it always stops."""

    def __init__(self, env, *, workers=None, log=None, app="celac_ppt.wsgi"):
        """``workers``: None keeps the production configuration's number. ``app``: the WSGI
        module, the portal's unless the benchmark's ceiling (``bench.ceiling``)."""
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        if workers:
            self.env["GUNICORN_WORKERS"] = str(workers)
        self.log = log
        self.process = None

    def start(self, timeout=60):
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "-c",
                "celac_ppt/gunicorn.conf.py",
                # Recycling workers every thousand requests would measure Django's start-up,
                # not the pages: at a thousand requests a second that is a restart a second.
                "--max-requests",
                "0",
                self.app,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log or subprocess.DEVNULL,
            stderr=self.log or subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/healthz", timeout=2) as response,
            ):
                if response.status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(url, timeout=30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def throwaway_postgres(server_url, name):
    """A new PostgreSQL database ``name`` on the server of ``server_url``, always dropped."""
    import psycopg

    admin_url = server_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def forget_cache_prefix(redis_url, prefix):
    """Delete every key the servers stored under ``prefix``."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    finally:
        client.close()
