"""nginx for the benchmark: ``deploy/nginx.conf`` itself, inside Debian's own nginx.conf.

The site file is the one a deployment installs; the benchmark only substitutes its ports
and paths and drops its TLS lines (plain http on the loopback, as for gunicorn), and checks
that every substitution found what it replaces, so the file cannot drift from what is
measured. Debian's ``/etc/nginx/nginx.conf`` is the main file, with its paths (pid, logs,
temporary files) moved under ``var/bench/nginx`` and its ``include`` of the enabled sites
replaced by the site file and by the ceiling: a second server in the same nginx that sends
the bytes of a page captured from the site, headers included, as a static file.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx.conf"
DEBIAN_MAIN = Path("/etc/nginx/nginx.conf")
WORK = ROOT / "var" / "bench" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Debian's nginx runs its workers as www-data; the benchmark's folders are given to it.
WORKER_USER = "www-data"


def _substitute(text, pattern, replacement, *, count=1, flags=re.M):
    """re.sub that insists on finding ``pattern`` ``count`` times (None: at least once)."""
    new, found = re.subn(pattern, replacement, text, flags=flags)
    if (count is None and not found) or (count is not None and found != count):
        raise RuntimeError(
            f"deploy/nginx.conf: expected {count or 'some'} match(es) of {pattern!r}, "
            f"found {found}: bench/nginx.py must follow the change"
        )
    return new


def bench_site(*, port, http_port, upstream_port, static_root, work=WORK):
    """deploy/nginx.conf with the benchmark's ports and paths, over plain http (its comments
    left out, so that only directives are substituted)."""
    text = "".join(
        line
        for line in SITE.read_text().splitlines(keepends=True)
        if not line.lstrip().startswith("#")
    )
    text = _substitute(text, r"^(\s*)listen 443 ssl http2;", rf"\1listen 127.0.0.1:{port};")
    text = _substitute(text, r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{http_port};")
    text = _substitute(text, r"^\s*listen \[::\]:\d+.*;\n", "", count=2)
    text = _substitute(text, r"^\s*ssl_\w+ .*;\n", "", count=None)
    text = _substitute(text, r"server 127\.0\.0\.1:8000\b", f"server 127.0.0.1:{upstream_port}")
    text = _substitute(text, r"/var/cache/nginx/celac-ppt\b", str(work / "cache"))
    text = _substitute(text, r"/srv/celac-ppt/staticfiles/", f"{static_root}/")
    text = _substitute(text, r"/var/log/nginx/", f"{work}/", count=2)
    text = _substitute(text, r"/var/www/letsencrypt\b", str(work / "acme"))
    return text


def _quoted(value):
    if "$" in value:
        raise ValueError(f"a header value nginx would read as a variable: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ceiling_server(*, port, path, body_file, headers, work=WORK):
    """A server answering ``path`` with ``body_file`` and ``headers``, as a static file.

    Content-Type comes from default_type, Content-Length from the file; nginx's own ETag is
    off so the captured one is sent. (nginx adds a Last-Modified header to static files.)
    """
    content_type = "application/octet-stream"
    lines = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in ("server", "date", "connection", "content-length", "transfer-encoding"):
            continue
        if lowered == "content-type":
            content_type = value
            continue
        lines.append(f"            add_header {name} {_quoted(value)} always;")
    added = "\n".join(lines)
    return f"""
    # The ceiling: the page's captured bytes as a static file, in the same nginx.
    server {{
        listen 127.0.0.1:{port};
        access_log {work}/ceiling.access.log celac_ppt;
        root {body_file.parent};
        types {{ }}
        default_type {_quoted(content_type)};
        etag off;
        location = {path} {{
            try_files /{body_file.name} =404;
{added}
        }}
    }}
"""


def main_conf(*, site_file, ceiling_file, work=WORK):
    """Debian's nginx.conf, its paths moved under ``work``, including the two servers."""
    text = DEBIAN_MAIN.read_text()
    text = _substitute(text, r"^pid .*;", f"pid {work}/nginx.pid;")
    text = _substitute(text, r"^error_log .*;", f"error_log {work}/error.log;")
    text = _substitute(
        text, r"^(\s*)access_log /var/log/nginx/access.log;", rf"\1access_log {work}/access.log;"
    )
    text = _substitute(text, r"^\s*include /etc/nginx/conf.d/\*\.conf;\n", "")
    temporary = "\n".join(
        f"\t{kind}_temp_path {work}/tmp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = _substitute(
        text,
        r"^(\s*)include /etc/nginx/sites-enabled/\*;",
        rf"\1include {site_file};\n\1include {ceiling_file};\n{temporary}",
    )
    if os.geteuid() != 0:
        text = _substitute(text, r"^user .*;\n", "")
    return text


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """nginx with deploy/nginx.conf in front of the gunicorn at ``upstream_port``, plus a
    ceiling server for one captured page; a context manager so it always stops."""

    def __init__(self, *, upstream_port, static_root, work=WORK):
        self.work = work
        self.port, self.http_port, self.ceiling_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ceiling_url = f"http://127.0.0.1:{self.ceiling_port}"
        self.upstream_port = upstream_port
        self.static_root = static_root
        self.process = None

    def _write(self):
        if self.work.exists():
            shutil.rmtree(self.work)
        for folder in (
            "cache",
            "acme",
            "ceiling",
            *(f"tmp/{kind}" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        ):
            (self.work / folder).mkdir(parents=True, exist_ok=True)
        site = self.work / "celac-ppt.conf"
        site.write_text(
            bench_site(
                port=self.port,
                http_port=self.http_port,
                upstream_port=self.upstream_port,
                static_root=self.static_root,
                work=self.work,
            )
        )
        ceiling = self.work / "ceiling.conf"
        ceiling.write_text("# The ceiling's server, once a page is captured (serve_ceiling).\n")
        conf = self.work / "nginx.conf"
        conf.write_text(main_conf(site_file=site, ceiling_file=ceiling, work=self.work))
        if os.geteuid() == 0:
            with contextlib.suppress(LookupError, OSError):
                for folder in (self.work / "cache", self.work / "tmp"):
                    for path_ in (folder, *folder.rglob("*")):
                        shutil.chown(path_, WORKER_USER)
        return conf

    def start(self, timeout=15):
        conf = self._write()
        check = subprocess.run(
            [NGINX, "-t", "-q", "-c", str(conf), "-e", str(self.work / "error.log")],
            capture_output=True,
            text=True,
        )
        if check.returncode:
            raise RuntimeError(f"nginx -t failed:\n{check.stdout}{check.stderr}")
        self.process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-e", str(self.work / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"nginx exited with {self.process.returncode}: see {self.work}/error.log"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.port} within {timeout} s")

    def serve_ceiling(self, path, body, headers, timeout=15):
        """Have the ceiling server answer ``path`` with ``body`` and ``headers`` (a captured
        response): nginx reloads its configuration, its cache stays."""
        body_file = self.work / "ceiling" / "page.body"
        body_file.write_bytes(body)
        (self.work / "ceiling.conf").write_text(
            ceiling_server(
                port=self.ceiling_port,
                path=path,
                body_file=body_file,
                headers=headers,
                work=self.work,
            )
        )
        os.kill(self.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.ceiling_port), timeout=1),
            ):
                return
            time.sleep(0.1)
        raise RuntimeError(f"nginx's ceiling server did not listen within {timeout} s")

    def stop(self):
        """A graceful stop (SIGQUIT): the workers finish and write their logs out."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGQUIT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def cache_statuses(self, log="celac-ppt.access.log"):
        """{upstream cache status: count} over the site's access log so far."""
        counts = {}
        with contextlib.suppress(FileNotFoundError):
            for line in (self.work / log).read_text().splitlines():
                status = line.rsplit(" ", 1)[-1]
                counts[status] = counts.get(status, 0) + 1
        return counts

    def clear_log(self, log="celac-ppt.access.log"):
        """Empty an access log (nginx appends, so it carries on at the start)."""
        with contextlib.suppress(FileNotFoundError):
            os.truncate(self.work / log, 0)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
