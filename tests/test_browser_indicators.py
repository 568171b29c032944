"""In a real Chromium: a curator defines an indicator with a baseline and a target in the
admin, the official of Argentina reports a value for 2020-S2 with evidence and submits, the
curator publishes it, and the indicator's page shows Argentina's value and the region's
value against the target in each language, at 1280 and at 375 px."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from commitments.models import Commitment
from indicators.models import Indicator, IndicatorValue
from tests.test_browser_reporting import log_in

pytestmark = pytest.mark.browser

TITLE = "Estados con un programa nacional de vigilancia de la resistencia a los antimicrobianos"
TITLE_EN = "States with a national antimicrobial resistance surveillance programme"
SCREENSHOTS = Path("/tmp/indicators")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# language: (Argentina's value, the region's value, the target, "1 of 33 states")
EXPECTED = {
    "es": ("Sí", "1 Estado responde sí", "20 Estados responden sí", "1 de 33 Estados informó"),
    "en": ("Yes", "1 state answering yes", "20 states answering yes", "1 of 33 states reported"),
    "pt": (
        "Sim",
        "1 Estado responde sim",
        "20 Estados respondem sim",
        "1 de 33 Estados informou",
    ),
    "fr": ("Oui", "1 État répond oui", "20 États répondent oui", "1 État sur 33 a déclaré"),
}


def shoot(page, name):
    """Screenshots of a workspace page at desktop and phone widths, then back to desktop."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)


@pytest.fixture
def people(live_people):
    return live_people


def test_curator_defines_official_reports_curator_publishes_public_sees(
    browser, live_plan, people, tmp_path
):
    base = live_plan.url
    curator = log_in(browser.new_context(locale="en-US"), base, "curadora")
    official = log_in(browser.new_context(locale="en-US"), base, "oficial-ar")

    # The curator defines the indicator in the admin, with Argentina's own target inline.
    curator.goto(f"{base}/admin/indicators/indicator/add/")
    commitment = Commitment.objects.get(reference="6.3")
    curator.locator("#id_commitment").select_option(str(commitment.pk))
    # In Spanish, the original, and in English; Portuguese and French are left for later.
    curator.locator("#id_title_es").fill(TITLE)
    curator.locator("#id_title_en").fill(TITLE_EN)
    curator.locator("#id_unit_es").fill("Estados")
    curator.locator("#id_kind").select_option("yes_no")
    curator.locator("#id_aggregation").select_option("count_yes")
    curator.locator("#id_baseline_value").fill("10")
    curator.locator("#id_baseline_year").fill("2019")
    curator.locator("#id_target_value").fill("20")
    curator.locator("#id_target_year").fill("2021")
    curator.locator("#state_targets-group .add-row a").click()
    curator.locator("#id_state_targets-0-member_state").select_option(label="Argentina")
    curator.locator("#id_state_targets-0-baseline_value").fill("0")
    curator.locator("#id_state_targets-0-target_value").fill("1")
    curator.locator("input[name=_save]").click()
    curator.wait_for_load_state()
    assert not curator.locator(".errorlist").count(), curator.locator("#content").inner_text()
    indicator = Indicator.objects.get(title_es=TITLE)
    assert indicator.title_en == TITLE_EN
    assert indicator.state_targets.get().member_state.iso_code == "AR"
    assert indicator.history.count() == 1

    # The official of Argentina reports a value for 2020-S2 with evidence and submits it.
    official.goto(f"{base}/en/my-state/")
    official.get_by_role("link", name="Your state's indicator values").click()
    official.locator(f'a[href="/en/my-state/indicators/{indicator.pk}/report/"]').click()
    official.get_by_label("Period").select_option("2020-S2")
    official.get_by_label("Value").select_option("1")
    official.get_by_label("Narrative").fill(
        "Programa nacional aprobado por resolución ministerial."
    )
    official.get_by_label("Evidence links").fill("https://www.argentina.gob.ar/salud")
    evidence = tmp_path / "resolucion.pdf"
    evidence.write_bytes(PDF)
    official.get_by_label("Evidence files").set_input_files(str(evidence))
    shoot(official, "value-form")
    official.get_by_role("button", name="Submit for review").click()
    expect(official.locator("main")).to_contain_text("Value submitted")
    assert official.url == f"{base}/en/my-state/indicators/"
    value = IndicatorValue.objects.get()
    assert (value.member_state.iso_code, value.period, value.review_state) == (
        "AR",
        "2020-S2",
        "submitted",
    )
    assert value.evidence.count() == 2

    # Not public yet.
    official.goto(f"{base}/en/indicators/{indicator.pk}/")
    expect(official.locator("main")).to_contain_text("0 of 33 states have published a value")

    # The curator publishes it from the queue.
    curator.goto(f"{base}/en/review/")
    curator.get_by_role("link", name="Indicator values awaiting review").click()
    curator.locator(f'a[href="/en/review/indicator-values/{value.pk}/"]').click()
    expect(curator.locator("main")).to_contain_text("resolucion.pdf")
    shoot(curator, "review-value")
    curator.get_by_role("button", name="Publish").click()
    expect(curator.locator("main")).to_contain_text("Value published.")

    # The public sees Argentina's value and the region's against the target, in each
    # language, at desktop and phone widths.
    SCREENSHOTS.mkdir(exist_ok=True)
    public = browser.new_context()
    page = public.new_page()
    for language, (state_value, regional, target, coverage) in EXPECTED.items():
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}/{language}/indicators/{indicator.pk}/")
            if language == "en":
                assert page.locator("h1 [lang=en]").inner_text() == TITLE_EN
                assert page.locator("h1 .tag-unofficial").count() == 1
                assert page.locator(".plan-original-details p[lang=es]").text_content() == TITLE
            else:
                # A Spanish page, or one whose translation is not written yet: the Spanish.
                assert page.locator("h1").inner_text() == TITLE
            # Named in the page's language ("Argentine" in French): found by its address.
            argentina_row = page.locator("tr", has=page.locator('a[href$="/states/AR/"]'))
            assert state_value in argentina_row.inner_text()
            text = page.locator("main").inner_text()
            assert regional in text and target in text and coverage in text, text[:700]
            assert page.locator("svg[role=img] circle").count() == 1
            # Beside the point, the region's figure alone, as large as the period under it.
            figure = page.locator("svg[role=img] .chart-value")
            assert figure.text_content() == "1"
            period = page.locator("svg[role=img] .chart-series text:not([class])").first
            assert figure.bounding_box()["height"] >= period.bounding_box()["height"] - 0.5
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=SCREENSHOTS / f"indicator-{language}-{width}.png", full_page=True)
        page.goto(f"{base}/{language}/indicators/")
        assert regional in page.locator("main").inner_text()
        if language == "en":
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=SCREENSHOTS / "indicators-en-1280.png", full_page=True)
            page.set_viewport_size({"width": 375, "height": 900})
            page.screenshot(path=SCREENSHOTS / "indicators-en-375.png", full_page=True)
    public.close()


def test_the_list_of_demo_indicators_fits_a_wide_screen_in_every_language(
    browser, live_plan, settings
):
    """Long counts in words ("25 États répondent oui") wrap instead of pushing the target and
    the coverage out of sight."""
    settings.DEBUG = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    call_command("seed_demo", stdout=io.StringIO())
    page = browser.new_context().new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    for language in ("es", "en", "pt", "fr"):
        page.goto(f"{live_plan.url}/{language}/indicators/")
        frame = page.locator(".table-scroll")
        assert frame.evaluate("box => box.scrollWidth - box.clientWidth") == 0, language
        right = frame.bounding_box()["x"] + frame.bounding_box()["width"]
        last = page.locator(".indicator-table thead th").last.bounding_box()
        assert last["x"] + last["width"] <= right + 0.5, language
        # A percentage stays whole: "84,86 %" is never split before its sign.
        area_12 = page.locator(
            ".indicator-table tbody tr", has=page.locator('a[href$="/areas/12/"]')
        )
        figure = area_12.locator(".indicator-figure").first
        assert len(figure.evaluate("span => [...span.getClientRects()]")) == 1, language
