"""The Mozilla HTTP Observatory grade, computed from the portal's real responses in production
mode: A+ (100 or more) for the public pages, the log-in page and the admin.

The scoring follows the Observatory's published methodology: every site starts at 100; each
test adds a modifier; bonuses count only when the score without them is at least 90. Tests
that need the public internet (the HSTS preload list) are scored as not preloaded.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from conftest import PASSWORD
from django.test import Client
from django.urls import reverse
from production import apply_production_settings, pages_to_grade

from commitments.models import Commitment

pytestmark = pytest.mark.django_db

HOST = "celac.example.org"
SCANNER_ORIGIN = "https://http-observatory.security.mozilla.org"


# --- The Observatory's tests, one function each: (result name, modifier) ------------------


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if not re.fullmatch(r"[a-z-]+", name) or name in directives:
            return None
        directives[name] = [token.lower() for token in tokens[1:]]
    return directives


def content_security_policy(response):
    header = response.get("Content-Security-Policy")
    if not header:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    if policy is None:
        return "csp-header-invalid", -25
    default = policy.get("default-src", [])
    script = policy.get("script-src", default)
    style = policy.get("style-src", default)
    uses_nonce_or_hash = any(s.startswith(("'nonce-", "'sha")) for s in script)
    if not script and "script-src" not in policy and "default-src" not in policy:
        return "csp-implemented-with-unsafe-inline", -20
    broad = {"*", "http:", "https:", "data:", "'unsafe-inline'"}
    if any(s in broad for s in script) and not uses_nonce_or_hash:
        return "csp-implemented-with-unsafe-inline", -20
    if any(s in broad for s in policy.get("object-src", default)):
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-eval'" in script:
        return "csp-implemented-with-unsafe-eval", -10
    active = ("script-src", "style-src", "object-src", "connect-src", "frame-src", "child-src")
    if any(
        s.startswith("http:") or s in ("http:", "ftp:")
        for name in active
        for s in policy.get(name, default)
    ):
        return "csp-implemented-with-insecure-scheme", -20
    passive = ("img-src", "media-src")
    if any(s.startswith("http:") for name in passive for s in policy.get(name, default)):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", -10
    if "'unsafe-inline'" in style:
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if default == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def cookies(responses, hsts_ok):
    morsels = [m for response in responses for m in response.cookies.values() if m.value]
    if not morsels:
        return "cookies-not-found", 0
    results = []
    for morsel in morsels:
        name = morsel.key.lower()
        session = "login" in name or "sess" in name
        anticsrf = "csrf" in name
        samesite = (morsel["samesite"] or "").lower()
        if samesite and samesite not in ("strict", "lax", "none"):
            results.append(("cookies-samesite-flag-invalid", -20))
        if samesite == "none" and not morsel["secure"]:
            results.append(("cookies-samesite-flag-invalid", -20))
        if not morsel["secure"]:
            if session:
                results.append(
                    ("cookies-session-without-secure-flag-but-protected-by-hsts", -10)
                    if hsts_ok
                    else ("cookies-session-without-secure-flag", -40)
                )
            else:
                results.append(
                    ("cookies-without-secure-flag-but-protected-by-hsts", -5)
                    if hsts_ok
                    else ("cookies-without-secure-flag", -20)
                )
        if anticsrf and not samesite:
            results.append(("cookies-anticsrf-without-samesite-flag", -20))
        if session and not morsel["httponly"]:
            results.append(("cookies-session-without-httponly-flag", -30))
    if results:
        return min(results, key=lambda result: result[1])
    if all((m["samesite"] or "").lower() in ("strict", "lax") for m in morsels):
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def cross_origin_resource_sharing(response, policy_files):
    for status in policy_files:
        if status == 200:
            return "cross-origin-resource-sharing-implemented-with-universal-access", -50
    allow_origin = response.get("Access-Control-Allow-Origin")
    if allow_origin is None:
        return "cross-origin-resource-sharing-not-implemented", 0
    credentials = response.get("Access-Control-Allow-Credentials", "").lower() == "true"
    if allow_origin == SCANNER_ORIGIN and credentials:
        return "cross-origin-resource-sharing-implemented-with-universal-access", -50
    if allow_origin == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access", 0
    return "cross-origin-resource-sharing-implemented-with-restricted-access", 0


def redirection(http_response):
    if http_response.status_code not in (301, 302, 307, 308):
        return "redirection-missing", -20
    target = urlsplit(http_response["Location"])
    if target.scheme != "https":
        return "redirection-not-to-https-on-initial-redirection", -10
    if target.hostname not in (None, HOST):
        return "redirection-off-host-from-http", -5
    return "redirection-to-https", 0


def referrer_policy(response):
    header = response.get("Referrer-Policy")
    if header is None:
        return "referrer-policy-not-implemented", 0
    valid = {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "unsafe-url",
    }
    tokens = [t.strip().lower() for t in header.split(",") if t.strip().lower() in valid]
    if not tokens:
        return "referrer-policy-header-invalid", -5
    policy = tokens[-1]  # browsers apply the last one they understand
    if policy in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"):
        return "referrer-policy-private", 5
    if policy == "no-referrer-when-downgrade":
        return "referrer-policy-no-referrer-when-downgrade", 0
    return "referrer-policy-unsafe", -5


def strict_transport_security(response):
    header = response.get("Strict-Transport-Security")
    if header is None:
        return "hsts-not-implemented", -20
    match = re.search(r"max-age=(\d+)", header, re.IGNORECASE)
    if not match:
        return "hsts-header-invalid", -20
    if int(match.group(1)) < 15768000:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


class ScriptTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def subresource_integrity(response):
    if not response.get("Content-Type", "").startswith("text/html"):
        return "sri-not-implemented-response-not-html", 0
    parser = ScriptTags()
    parser.feed(response.content.decode())
    external = [s for s in parser.scripts if s.get("src")]
    if not external:
        return "sri-not-implemented-but-no-scripts-loaded", 0
    same_origin, secure_elsewhere, insecure = [], [], []
    for script in external:
        src = urlsplit(script["src"])
        if not src.netloc or src.hostname == HOST:
            same_origin.append(script)
        elif src.scheme == "https" or (not src.scheme and src.netloc):
            secure_elsewhere.append(script)
        else:
            insecure.append(script)
    with_integrity = [s for s in external if s.get("integrity")]
    if insecure:
        if with_integrity:
            return "sri-implemented-but-external-scripts-not-loaded-securely", -20
        return "sri-not-implemented-and-external-scripts-not-loaded-securely", -50
    if secure_elsewhere:
        if all(s.get("integrity") for s in secure_elsewhere):
            return "sri-implemented-and-external-scripts-loaded-securely", 5
        return "sri-not-implemented-but-external-scripts-loaded-securely", -5
    if with_integrity and len(with_integrity) == len(external):
        return "sri-implemented-and-all-scripts-loaded-securely", 5
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0


def x_content_type_options(response):
    header = response.get("X-Content-Type-Options")
    if header is None:
        return "x-content-type-options-not-implemented", -5
    if header.strip().lower() == "nosniff":
        return "x-content-type-options-nosniff", 0
    return "x-content-type-options-header-invalid", -5


def x_frame_options(response):
    policy = parse_csp(response.get("Content-Security-Policy", "")) or {}
    if "frame-ancestors" in policy:
        return "x-frame-options-implemented-via-csp", 5
    header = response.get("X-Frame-Options")
    if header is None:
        return "x-frame-options-not-implemented", -20
    if header.strip().upper() in ("DENY", "SAMEORIGIN"):
        return "x-frame-options-sameorigin-or-deny", 0
    if header.strip().upper().startswith("ALLOW-FROM"):
        return "x-frame-options-allow-from-origin", 0
    return "x-frame-options-header-invalid", -20


def cross_origin_resource_policy(response):
    header = response.get("Cross-Origin-Resource-Policy")
    if header is None:
        return "corp-not-implemented", 0
    if header.strip().lower() in ("same-origin", "same-site", "cross-origin"):
        return f"corp-implemented-with-{header.strip().lower()}", 0
    return "corp-header-invalid", -5


def score(results):
    base = 100 + sum(modifier for _, modifier in results if modifier < 0)
    bonus = sum(modifier for _, modifier in results if modifier > 0)
    return max(0, base + bonus if base >= 90 else base)


# --- Scanning the portal -----------------------------------------------------------------


def scan(client, path):
    """What the Observatory would record for `path`, as (score, results)."""
    https = client.get(path, secure=True, headers={"host": HOST, "origin": SCANNER_ORIGIN})
    http = client.get(path, headers={"host": HOST})
    policy_files = [
        client.get(f, secure=True, headers={"host": HOST}).status_code
        for f in ("/crossdomain.xml", "/clientaccesspolicy.xml")
    ]
    hsts = strict_transport_security(https)
    results = [
        content_security_policy(https),
        cookies([https], hsts_ok=hsts[1] == 0),
        cross_origin_resource_sharing(https, policy_files),
        redirection(http),
        referrer_policy(https),
        hsts,
        subresource_integrity(https),
        x_content_type_options(https),
        x_frame_options(https),
        cross_origin_resource_policy(https),
    ]
    return https.status_code, score(results), results


@pytest.fixture
def production(settings):
    apply_production_settings(settings)
    settings.ALLOWED_HOSTS = [HOST]


def test_observatory_grades_every_page_a_plus(client, curator, production):
    commitment = Commitment.objects.order_by("pk").first()
    public = pages_to_grade()
    scores = {}
    for path in public:
        status, scores[path], results = scan(client, path)
        assert status == 200, path

    # The admin, as the curator who logged in through the log-in form, session cookie and all.
    curator_client = Client()
    login = curator_client.post(
        reverse("accounts:login"),
        {"username": curator.username, "password": PASSWORD},
        secure=True,
        headers={"host": HOST},
    )
    assert login.status_code == 302
    cookie_result = cookies([login], hsts_ok=True)
    for path in (
        reverse("admin:index"),
        reverse("admin:commitments_commitment_changelist"),
        reverse("admin:commitments_commitment_change", args=[commitment.pk]),
    ):
        status, scores[path], results = scan(curator_client, path)
        assert status == 200, path

    for path, figure in scores.items():
        print(f"Observatory score {figure:>3}  {path}")
    print(f"Observatory cookies at log-in: {cookie_result[0]} ({cookie_result[1]:+d})")
    print("Modifiers on the admin change form: " + ", ".join(f"{n} {m:+d}" for n, m in results))
    lowest = min(scores.values())
    print(f"Mozilla HTTP Observatory score: {lowest} (A+ is 100 or more)")
    assert cookie_result[1] >= 0
    assert lowest >= 100


def test_the_scorer_marks_a_bare_site_down():
    """The scorer is not vacuous: a page without any of the headers scores F."""
    from django.http import HttpResponse, HttpResponseRedirect

    bare = HttpResponse("<script src='http://cdn.example.com/x.js'></script>")
    bare.set_cookie("sessionid", "x")
    results = [
        content_security_policy(bare),
        cookies([bare], hsts_ok=False),
        redirection(HttpResponseRedirect("http://elsewhere.example.com/")),
        referrer_policy(bare),
        strict_transport_security(bare),
        subresource_integrity(bare),
        x_content_type_options(bare),
        x_frame_options(bare),
    ]
    assert score(results) == 0
