"""A real Chromium, under the portal's Content-Security-Policy, reports no violation on the
public pages, the log-in page and the admin (change forms included)."""

import pytest
from conftest import PASSWORD
from django.urls import reverse

from areas.models import WorkArea
from commitments.models import Commitment

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${where})`);
});
"""


@pytest.fixture
def watched_page(page):
    """The page, recording CSP violations from the DOM event and from the console."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    # Name what failed to load; the console only says "Failed to load resource".
    page.on(
        "response",
        lambda response: (
            console.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)

    def visit(url):
        response = page.goto(url)
        assert response.status < 400, url
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations")
        return violations + [line for line in console if line not in violations]

    return page, visit, console


def test_public_pages_and_login_have_no_csp_violation(watched_page, live_plan):
    page, visit, console = watched_page
    for path in ["/", "/es/", "/en/commitments/", "/pt/commitments/?q=red&sort=-progress",
                 "/fr/areas/3/", "/es/states/MX/", "/en/agencies/SRE/", reverse("accounts:login"),
                 reverse("accounts:password_reset")]:  # fmt: skip
        assert visit(live_plan.url + path) == [], path


def test_admin_works_under_the_csp(watched_page, live_plan, django_user_model):
    # The live server's database is emptied between tests, groups included: an
    # administrator account sees every admin page a curator does, and more.
    admin = django_user_model.objects.create_superuser("sre-admin", "sre@example.org", PASSWORD)
    page, visit, console = watched_page
    assert visit(live_plan.url + reverse("admin:login")) == []
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_plan.url + reverse("admin:index"))

    commitment = Commitment.objects.order_by("pk").first()
    area = WorkArea.objects.get(number=3)
    for path in [
        reverse("admin:index"),
        reverse("admin:commitments_commitment_changelist"),
        reverse("admin:commitments_commitment_change", args=[commitment.pk]),
        reverse("admin:areas_workarea_change", args=[area.pk]),
        reverse("admin:commitments_commitment_add"),
    ]:
        assert visit(live_plan.url + path) == [], path

    # The admin's own scripts run: the change form's collapsible inlines and the
    # "add another" popup link are wired by JavaScript served from this origin.
    visit(live_plan.url + reverse("admin:areas_workarea_change", args=[area.pk]))
    assert page.evaluate("typeof django !== 'undefined' && typeof django.jQuery === 'function'")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state("load")
    assert page.locator(".messagelist .success").count() == 1
    assert page.evaluate("window.__cspViolations") == []
    assert not [line for line in console if "Content Security Policy" in line]


def test_the_watch_does_see_a_violation(watched_page, live_plan):
    """The listeners are not deaf: content the policy forbids is reported (and blocked)."""
    page, visit, console = watched_page
    assert visit(live_plan.url + "/es/") == []
    page.evaluate(
        """document.body.insertAdjacentHTML("beforeend", "<div style='color: red'>inline</div>")"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("style-src")
