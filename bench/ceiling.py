"""The ceiling: the portal's responses served from memory by a WSGI app that does nothing else.

    CEILING_RESPONSES=var/bench/ceiling-….pickle \\
        gunicorn -c celac_ppt/gunicorn.conf.py --max-requests 0 bench.ceiling

``bench/run.py`` captures each page from the portal (status, headers and body, exactly as a
client sending the benchmark's headers received them) and starts this app under the same
gunicorn configuration as the portal (``celac_ppt/gunicorn.conf.py``: same number of
workers, same worker class), so a page's ratio to its ceiling is the share of the server's
capacity the portal keeps for itself: 1.0 would be a portal costing nothing beyond handing
the bytes to gunicorn.

A response is chosen by the request's path and query, ``Accept-Encoding`` and
``If-None-Match`` — a dict lookup, as cheap as anything an app could do — so the requests
wrk sends to the ceiling are byte for byte the ones it sends to the portal. A request no
capture matches gets a 404, which wrk counts as an error.
"""

import os
import pickle

# Headers gunicorn writes itself (and the hop-by-hop ones): never repeated from a capture.
SERVER_HEADERS = frozenset(
    ("server", "date", "connection", "keep-alive", "transfer-encoding", "upgrade")
)


def request_key(path, accept_encoding="", if_none_match=""):
    """What tells the captured responses apart: the same for the capture and the app."""
    return (path, accept_encoding, if_none_match)


def load(filename):
    """{request_key: (status line, [(header, value), ...], body)} from a capture file."""
    with open(filename, "rb") as captured:
        responses = pickle.load(captured)
    return {
        key: (
            status,
            [(name, value) for name, value in headers if name.lower() not in SERVER_HEADERS],
            body,
        )
        for key, (status, headers, body) in responses.items()
    }


def save(filename, responses):
    with open(filename, "wb") as out:
        pickle.dump(responses, out)


RESPONSES = load(os.environ["CEILING_RESPONSES"]) if "CEILING_RESPONSES" in os.environ else {}
NOT_FOUND = (
    "404 Not Found",
    [("Content-Type", "text/plain"), ("Content-Length", "9")],
    b"not found",
)
HEALTHY = ("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")], b"ok")


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if query := environ.get("QUERY_STRING"):
        path = f"{path}?{query}"
    found = RESPONSES.get(
        request_key(
            path, environ.get("HTTP_ACCEPT_ENCODING", ""), environ.get("HTTP_IF_NONE_MATCH", "")
        )
    )
    if found is None:
        found = HEALTHY if path == "/healthz" else NOT_FOUND
    status, headers, body = found
    start_response(status, headers)
    return [body]
