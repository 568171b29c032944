"""The staff side: publishing asks first, the review page shows the published figure and
the next report, officials land on their pending reports, corrections start from the
previous report; reports are named, and the timeline goes by reporting date."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from reporting_helpers import LEAF, OTHER_LEAF, make_report

from commitments.models import CurrentProgress, Evidence, ProgressReport, ReviewState, Status
from commitments.services import reports as report_service
from outbox.models import OutgoingEmail
from workspace.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db
NOVEMBER = datetime.date(2020, 11, 7)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def review_url(report):
    return reverse("workspace:review_report", args=[report.pk])


def version_on(page):
    return re.search(r'name="version" value="(\d+)"', page.text).group(1)


def test_report_is_named_by_state_commitment_and_date(official_mx):
    report = make_report(official_mx, reported_on=NOVEMBER)
    # Outside a request the language is English: the state is named in English too.
    assert report.title == "Mexico · 1.1 · Nov. 7, 2020"
    assert str(report) == report.title
    with translation.override("es"):
        assert report.title == "México · 1.1 · 7 de noviembre de 2020"
    with translation.override("fr"):
        assert report.title == "Mexique · 1.1 · 7 novembre 2020"


def test_publish_without_the_confirmation_only_asks(client_of, official_ar, curator):
    report = make_report(official_ar, ReviewState.SUBMITTED)
    client = client_of(curator)
    url = review_url(report)
    version = version_on(client.get(url))
    asked = client.post(url, {"action": "publish", "version": version})
    assert asked.status_code == 200
    assert "Yes, publish this report" in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED
    assert not CurrentProgress.objects.exists()

    done = client.post(url, {"action": "publish", "version": version, "confirm": "yes"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.review_state == ReviewState.PUBLISHED


def test_a_report_published_between_the_two_steps_is_a_conflict(client_of, official_ar, curator):
    report = make_report(official_ar, ReviewState.SUBMITTED)
    client = client_of(curator)
    url = review_url(report)
    version = version_on(client.get(url))
    confirm_page = client.post(url, {"action": "publish", "version": version})
    assert confirm_page.status_code == 200
    # Another curator publishes it while the confirmation page is open.
    report_service.publish(report, by=curator)
    lost = client.post(url, {"action": "publish", "version": version, "confirm": "yes"})
    assert lost.status_code == 409
    assert "it is already published" in lost.text
    # Asking again for a report taken meanwhile is a 409 too, and shows no confirmation.
    again = client.post(url, {"action": "publish", "version": version})
    assert again.status_code == 409
    assert "Yes, publish" not in again.text


def test_bulk_publish_is_confirmed_first(client_of, official_mx, official_ar, curator):
    mexico = make_report(official_mx, ReviewState.SUBMITTED)
    argentina = make_report(official_ar, ReviewState.SUBMITTED)
    client = client_of(curator)
    queue = reverse("workspace:review")
    page = client.get(queue)
    versions = dict(re.findall(r'name="(version-\d+)" value="(\d+)"', page.text))
    chosen = {"reports": [mexico.pk, argentina.pk], "action": "publish", **versions}
    asked = client.post(queue, chosen)
    assert asked.status_code == 200
    assert "Yes, publish these 2 reports" in asked.text
    assert not ProgressReport.objects.published().exists()
    # The confirmation page carries the selection and the versions on.
    assert set(re.findall(r'name="reports" value="(\d+)"', asked.text)) == {
        str(mexico.pk),
        str(argentina.pk),
    }
    done = client.post(queue, {**chosen, "confirm": "yes"})
    assert done.status_code == 302
    assert ProgressReport.objects.published().count() == 2


def test_review_page_shows_the_published_figure_beside_the_submitted_one(
    client_of, official_mx, curator
):
    make_report(
        official_mx,
        ReviewState.PUBLISHED,
        curator=curator,
        status=Status.IN_PROGRESS,
        percentage=35,
        reported_on=NOVEMBER,
    )
    correction = make_report(official_mx, ReviewState.SUBMITTED, percentage=70)
    page = client_of(curator).get(review_url(correction)).text
    table = page.split('class="compare-table"', 1)[1].split("</table>", 1)[0]
    assert "Published now" in table
    assert "35 %" in table and "70 %" in table
    assert "Nov. 7, 2020" in table


def test_review_page_links_the_next_report_in_the_queue(
    client_of, official_mx, official_ar, curator
):
    first = make_report(official_mx, ReviewState.SUBMITTED)
    second = make_report(official_ar, ReviewState.SUBMITTED)
    client = client_of(curator)
    assert review_url(second) in client.get(review_url(first)).text
    response = client.post(
        review_url(first),
        {
            "action": "publish",
            "confirm": "yes",
            "version": version_on(client.get(review_url(first))),
        },
        follow=True,
    )
    page = response.text
    assert "Report published." in page
    assert f'href="{review_url(second)}"' in page
    assert "Next in queue" in page
    # The last one points back to the first still waiting, never to itself.
    ProgressReport.objects.filter(pk=first.pk).update(review_state=ReviewState.SUBMITTED)
    assert f'href="{review_url(first)}"' in client.get(review_url(second)).text


def test_after_submitting_the_official_sees_the_report_under_pending(client_of, official_mx):
    client = client_of(official_mx)
    response = client.post(
        reverse("workspace:report_new", args=[LEAF]),
        {
            "status": "in_progress",
            "percentage": "45",
            "reported_on": timezone.localdate().isoformat(),
            "narrative": "Se realizó el primer taller regional.",
            "action": "submit",
        },
        follow=True,
    )
    report = ProgressReport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("workspace:pending") + f"#report-{report.pk}"
    page = response.text
    assert "Pending review" in page
    assert f'id="report-{report.pk}"' in page
    assert report.title in page
    assert "Se realizó el primer taller regional." in page
    assert "Report submitted" in page
    # The long list says how many wait, and links here.
    assert reverse("workspace:pending") in client.get(reverse("workspace:home")).text


def test_pending_page_shows_only_the_officials_own_state(client_of, official_mx, official_ar):
    make_report(official_ar, ReviewState.SUBMITTED)
    page = client_of(official_mx).get(reverse("workspace:pending")).text
    assert "Argentina" not in page


def test_a_correction_starts_from_the_published_report(client_of, official_mx, curator):
    published = make_report(
        official_mx,
        ReviewState.SUBMITTED,
        status=Status.SUSPENDED,
        percentage=30,
        narrative="Se suspendió por falta de fondos.",
    )
    Evidence.objects.create(report=published, url="https://www.gob.mx/acta", title="Acta")
    report_service.publish(published, by=curator)
    page = client_of(official_mx).get(reverse("workspace:report_new", args=[LEAF])).text
    assert "Se suspendió por falta de fondos." in page
    assert "https://www.gob.mx/acta" in page.split('name="links"', 1)[1].split("</textarea>")[0]
    assert re.search(r'<option value="suspended" selected>', page)
    assert 'name="percentage" value="30"' in page


def test_a_returned_report_keeps_its_text_and_evidence(client_of, official_mx, curator):
    returned = make_report(
        official_mx, ReviewState.RETURNED, curator=curator, narrative="Primer borrador."
    )
    Evidence.objects.create(report=returned, url="https://www.gob.mx/minuta", title="Minuta")
    page = client_of(official_mx).get(reverse("workspace:report", args=[returned.pk])).text
    assert "Primer borrador." in page
    assert "https://www.gob.mx/minuta" in page


def test_timeline_is_ordered_by_reporting_date_with_a_backdated_report(
    client, official_mx, official_ar, curator
):
    november = make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=NOVEMBER
    )
    # Published later but reporting an earlier date: it goes below.
    backdated = make_report(
        official_ar,
        ReviewState.PUBLISHED,
        curator=curator,
        reported_on=datetime.date(2020, 10, 20),
    )
    # Same reporting date as November's, published later: CURRENT_ORDER puts it first.
    same_day = make_report(official_ar, ReviewState.SUBMITTED, reference=LEAF, reported_on=NOVEMBER)
    ProgressReport.objects.filter(pk=backdated.pk).update(review_state=ReviewState.PUBLISHED)
    report_service.publish(same_day, by=curator)
    page = client.get(reverse("public:commitment", args=[LEAF])).text
    timeline = page.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    order = [int(pk) for pk in re.findall(r"/reports/(\d+)/", timeline)]
    assert order == [same_day.pk, november.pk, backdated.pk]
    assert "Published:" in timeline


def test_reports_are_named_on_their_page_and_in_the_feed(client, official_mx, curator):
    report = make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=NOVEMBER)
    page = client.get(reverse("public:report", args=[report.pk])).text
    assert "<title>Mexico · 1.1 · Nov. 7, 2020" in page
    assert "Report " + str(report.pk) not in page
    feed = client.get(reverse("follow:feed")).text
    assert "Mexico · 1.1 · Nov. 7, 2020: In progress" in feed


def test_review_e_mails_name_the_report(official_mx, curator, settings):
    settings.CURATORS_EMAIL = ["seguimiento@sre.example"]
    report = make_report(official_mx, ReviewState.SUBMITTED, reported_on=NOVEMBER)
    email = OutgoingEmail.objects.get(key__startswith=f"report-submitted:{report.pk}:")
    assert "Mexico · 1.1 · Nov. 7, 2020" in email.subject


def test_seed_demo_prints_a_summary_and_no_e_mail(plan, settings):
    settings.DEBUG = True
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert len(text.splitlines()) <= 8
    assert "Subject:" not in text and "http" not in text
    assert "Demo reports: 5" in text
    assert not OutgoingEmail.objects.filter(key__startswith="report-").exists()


def test_make_run_banner_shows_the_address_port_and_demo_accounts():
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    banner = "\n".join(line for line in run.splitlines() if "@echo" in line)
    assert "http://$(HOST):$(PORT)/" in banner
    assert "PORT=" in banner
    assert "seed_demo" in banner
    for username, (_state, password) in DEMO_ACCOUNTS.items():
        assert username in banner and password in banner
    assert "export SITE_URL=" in run
    first_screen = "\n".join(
        (Path(django_settings.BASE_DIR) / "README.md").read_text().splitlines()[:45]
    )
    assert "PORT=" in first_screen and "http://127.0.0.1:8000/" in first_screen
    for username, (_state, password) in DEMO_ACCOUNTS.items():
        assert username in first_screen and password in first_screen


def test_a_report_on_another_commitment_is_named_by_it(official_mx):
    report = make_report(official_mx, reference=OTHER_LEAF, reported_on=NOVEMBER)
    assert report.title == "Mexico · 2.1 · Nov. 7, 2020"
