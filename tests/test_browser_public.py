"""A real Chromium browses the public side: dashboard → area → commitment, filters the list,
switches language with the links of the switcher, downloads a CSV."""

import csv
import io

import pytest

from tests.progress_data import make_published_reports

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A visitor whose browser asks for Spanish, the portal's default language."""
    return {**browser_context_args, "locale": "es-MX"}


@pytest.fixture
def site(live_plan, settings):
    """The live server with the plan and some published reports, pages rendered fresh."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    make_published_reports(120, seed=11, states=["MX", "AR", "CL", "CO", "PE"])
    return live_plan.url


def test_dashboard_to_area_to_commitment(page, site):
    page.goto(site + "/")
    # The address without a language leads to the browser's: Spanish.
    assert page.url == site + "/es/"
    assert page.locator("h1").count() == 1
    assert page.locator("table.matrix tbody tr").count() == 33
    assert (
        "5 de 33 Estados miembros han informado"
        in page.locator("section:has(#glance-heading)").inner_text()
    )
    # The table of contents leads to each question's section.
    page.locator(".toc").get_by_role("link", name="Dónde está detenido").click()
    assert page.url.endswith("#stuck-heading")
    page.locator(".area-rows").get_by_role("link", name="Acción Turística Común").click()
    page.wait_for_url("**/es/areas/14/")
    assert "Acción Turística Común" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Celebración de Cumbre Mundial de arqueología").click()
    page.wait_for_url("**/es/commitments/14.1/")
    assert "14.1" in page.locator("h1").inner_text()
    assert page.locator("#states-heading ~ div table tbody tr").count() == 33


def test_filter_the_commitment_list(page, site):
    page.goto(site + "/es/commitments/")
    page.locator("#id_area").select_option("3")
    page.locator("#id_sort").select_option("-progress")
    page.locator(".filters-card button[type=submit]").click()
    page.wait_for_url("**/es/commitments/?*area=3*")
    assert "sort=-progress" in page.url
    refs = page.locator("table.list-table tbody th .ref").all_inner_texts()
    assert sorted(refs) == ["3.1", "3.1.1", "3.1.2"]
    # The address is the view: opening it again shows the same rows.
    page.goto(page.url)
    assert page.locator("#id_area").input_value() == "3"


def test_an_invalid_filter_shows_the_error_in_the_page(page, site):
    page.goto(site + "/es/commitments/?due_before=banana&area=3")
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert page.locator("table.list-table tbody tr").count() == 3


def test_switch_language_with_the_switcher(page, site):
    page.goto(site + "/es/commitments/?area=3")
    assert page.locator("html").get_attribute("lang") == "es"
    # Four links, no form: the switcher needs no cookie and no script.
    assert page.locator(".lang-switch a").count() == 4
    assert page.locator(".lang-switch form").count() == 0
    page.locator('.lang-switch a[hreflang="en"]').click()
    page.wait_for_url(site + "/en/commitments/?area=3")  # the same view, in English
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('.lang-switch a[aria-current="true"]').get_attribute("hreflang") == "en"
    page.locator('.lang-switch a[hreflang="fr"]').click()
    page.wait_for_url(site + "/fr/commitments/?area=3")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.context.cookies() == []
    # Plan content in French, marked as an unofficial translation, the Spanish original beside.
    assert page.locator('table.list-table a.plan-text span[lang="fr"]').count() == 3
    assert page.locator('table.list-table a.plan-text span[lang="es"]').count() == 3


def test_download_the_filtered_list_as_csv(page, site):
    page.goto(site + "/pt/commitments/?area=13")
    with page.expect_download() as info:
        page.locator(".downloads a", has_text="CSV").first.click()
    download = info.value
    assert download.suggested_filename == "commitments.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == ["13.1", "13.1.1", "13.1.2", "13.1.3"]


def test_dashboard_reads_at_375_px_without_sideways_scrolling(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/es/", "/en/commitments/", "/pt/commitments/13.1/", "/fr/states/MX/",
                 "/es/agencies/SRE/"):  # fmt: skip
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)


def test_the_comparison_fits_a_phone_and_each_box_sits_beside_its_name(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    for lang in ("es", "en", "pt", "fr"):
        page.goto(f"{site}/{lang}/states/compare/?s=MX&s=AR&s=CL&s=PE")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, lang
        scroll = page.locator(".compare-table").evaluate(
            "table => table.parentElement.scrollWidth - table.parentElement.clientWidth"
        )
        assert scroll == 0, lang
        box = page.locator(".compare-table").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, lang
        # Each figure is headed by its state's name, the table's header being out of sight.
        first = page.locator(".compare-table tbody tr").first.locator("td").first
        before = first.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert before.strip('"').startswith(("México", "Mexico", "Mexique")), (lang, before)
        checkbox = page.locator("#s-AR").bounding_box()
        label = page.locator("label[for=s-AR]").bounding_box()
        assert label["x"] >= checkbox["x"] + checkbox["width"], lang
        assert label["y"] < checkbox["y"] + checkbox["height"], lang
        assert checkbox["y"] < label["y"] + label["height"], lang


def test_a_deadlines_closing_bracket_stays_on_the_line_of_its_words(page, site):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/en/commitments/", "/fr/commitments/", "/pt/states/MX/"):
            page.goto(site + path)
            ends = page.locator(".due-close")
            assert ends.count() > 0, path
            lines = ends.evaluate_all(
                "ends => ends.map(end => [end.textContent, end.getClientRects().length])"
            )
            assert all(text.endswith(")") and count == 1 for text, count in lines), (path, lines)


def test_every_column_header_of_the_matrix_shows_in_full_at_1280_px(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    for lang in ("es", "en", "pt", "fr"):
        page.goto(f"{site}/{lang}/")
        frame = page.locator(".matrix-scroll")
        assert frame.evaluate("box => box.scrollWidth - box.clientWidth") == 0, lang
        right = frame.bounding_box()["x"] + frame.bounding_box()["width"]
        headers = page.locator(".matrix thead th")
        assert headers.count() == 15
        last = headers.last.bounding_box()
        assert last["x"] + last["width"] <= right + 0.5, lang
        assert "14" in headers.last.inner_text(), lang


def test_on_a_phone_the_rankings_caption_spans_the_table_and_each_latest_report_is_labelled(
    page, site
):
    page.set_viewport_size({"width": 375, "height": 800})
    for lang in ("es", "en", "pt", "fr"):
        page.goto(f"{site}/{lang}/states/")
        caption = page.locator("table.ranking caption").bounding_box()
        table = page.locator("table.ranking").bounding_box()
        assert caption["width"] >= 0.9 * table["width"], (lang, caption, table)
        # The dashboard's latest reports and a state's: each field under its name.
        for path, fields in ((f"/{lang}/", 6), (f"/{lang}/states/MX/", 5)):
            page.goto(site + path)
            cells = page.locator("section[aria-labelledby=latest-heading] tbody tr").first
            labels = cells.locator("td").evaluate_all(
                "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
            )
            headers = page.locator("section[aria-labelledby=latest-heading] thead th")
            names = headers.evaluate_all("cells => cells.map(cell => cell.textContent.trim())")
            assert len(labels) == len(names) == fields, (path, labels)
            assert all(name in label for name, label in zip(names, labels, strict=True)), labels


def test_on_a_phone_a_report_card_shows_no_label_without_a_value(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    for lang in ("en", "fr"):
        page.goto(f"{site}/{lang}/commitments/13.1/")
        cells = page.locator("#states-heading ~ .table-scroll td[data-label]")
        shown = cells.evaluate_all(
            "cells => cells.filter(cell => cell.offsetHeight > 0)"
            ".map(cell => [cell.dataset.label, cell.textContent.trim()])"
        )
        assert shown, lang
        assert all(text for _label, text in shown), [cell for cell in shown if not cell[1]]


def test_in_portuguese_on_a_phone_the_opened_tables_and_embed_code_stay_on_screen(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/pt/", "/pt/commitments/13.1/", "/pt/states/MX/", "/pt/states/",
                 "/pt/states/compare/?s=MX&s=BR&s=AR&s=CL"):  # fmt: skip
        page.goto(site + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        # What sits in a panel, outside a scrolling table, ends inside the panel.
        outside = page.evaluate(
            """() => [...document.querySelectorAll('.panel *')].filter(el => {
                if (el.closest('.table-scroll, .visually-hidden, svg')) return false;
                const r = el.getBoundingClientRect(), panel = el.closest('.panel');
                return r.width > 0 && r.right > panel.getBoundingClientRect().right + 1;
            }).map(el => el.tagName + ': ' + el.textContent.trim().slice(0, 40))"""
        )
        assert not outside, (path, outside[:5])


def test_the_follow_box_stands_apart_from_the_section_above_it(page, site):
    """Its own panel, as far from the one above as the panels are from each other."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/en/", "/en/areas/1/", "/en/commitments/13.1/", "/en/states/AR/"):
            page.goto(f"{site}{path}")
            follow = page.locator(".follow-links")
            above = follow.locator("xpath=preceding-sibling::*[1]")
            gap = follow.bounding_box()["y"] - (
                above.bounding_box()["y"] + above.bounding_box()["height"]
            )
            assert gap >= 16, (path, width, gap)
            padding = follow.evaluate("box => getComputedStyle(box).paddingLeft")
            assert padding == above.evaluate("box => getComputedStyle(box).paddingLeft"), path
