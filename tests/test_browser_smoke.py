"""A real Chromium opens the portal: the home page lists the 14 work areas."""

import pytest

pytestmark = pytest.mark.browser


def test_browser_sees_the_fourteen_areas_and_opens_one(page, live_plan):
    page.goto(live_plan.url + "/")
    assert page.locator(".area-number").count() == 14
    page.get_by_role("link", name="Acción Turística Común").click()
    assert page.url.endswith("/areas/14/")
    assert "Celebración de Cumbre Mundial de arqueología" in page.content()
