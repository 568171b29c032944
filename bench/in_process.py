"""What a kept public page costs the portal itself, without a server or a network.

    .venv/bin/python bench/in_process.py [--requests 5000]

Calls the WSGI application (``celac_ppt.wsgi.application``: the server of kept pages in front
of Django) directly, in production mode on a SQLite database of its own under var/bench/,
and prints the microseconds per request for the dashboard sent from the process's memory,
for the same page when the process's memory is empty and it comes from the cache, and for
its revalidation (304); beside them, the same bytes from ``bench/ceiling.py``. The
difference is what ``bench/run.py`` sees as the gap to the ceiling, less gunicorn's share.
A quick figure to try a change with; the figures of record are ``bench/run.py``'s.
"""

import argparse
import io
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import manage, production_env  # noqa: E402

DATABASE = ROOT / "var" / "bench" / "in-process.sqlite3"


def environ(path, **headers):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }


def per_request(application, requests, path, before=None, **headers):
    """Microseconds per request, the best of three rounds."""
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent["status"], sent["headers"] = status, response_headers

    best = float("inf")
    for _round in range(3):
        started = time.perf_counter()
        for _ in range(requests):
            if before:
                before()
            b"".join(application(environ(path, **headers), start_response))
        best = min(best, (time.perf_counter() - started) / requests * 1e6)
    return best, sent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    env = production_env(f"sqlite:///{DATABASE}")
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "ensure_plan")
    os.environ.update(env)
    from bench import ceiling
    from celac_ppt.wsgi import application

    accept = {"ACCEPT_ENCODING": "gzip, br"}
    for _ in range(2):  # rendered, then learnt as a public page
        _us, sent = per_request(application, 1, "/es/", **accept)
    status, headers = sent["status"], sent["headers"]
    body = b"".join(application(environ("/es/", **accept), lambda *a: None))
    etag = dict(headers)["ETag"]
    figures = {
        "from the process's memory": per_request(application, args.requests, "/es/", **accept),
        "from the cache": per_request(
            application, args.requests, "/es/", before=application.recent.pages.clear, **accept
        ),
        "revalidation (304)": per_request(
            application, args.requests, "/es/", IF_NONE_MATCH=etag, **accept
        ),
    }
    ceiling.RESPONSES = {ceiling.request_key("/es/", "gzip, br"): (status, headers, body)}
    floor, _sent = per_request(ceiling.application, args.requests, "/es/", **accept)
    print(f"dashboard, {len(body):,} bytes ({dict(headers).get('Content-Encoding')}):")
    for name, (us, _sent) in figures.items():
        print(f"  {name:<28} {us:7.1f} µs per request")
    print(f"  {'ceiling (bench/ceiling.py)':<28} {floor:7.1f} µs per request")


if __name__ == "__main__":
    main()
