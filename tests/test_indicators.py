"""Indicators: their definition, the values states report and their review, the region's
value and the public pages."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from areas.models import WorkArea
from commitments.models import Commitment, DataVersion, MemberState, ReviewState
from indicators import periods
from indicators.models import (
    Aggregation,
    Indicator,
    IndicatorEvidence,
    IndicatorStateTarget,
    IndicatorValue,
    Kind,
)
from indicators.services import values as value_service
from indicators.services.figures import Regional, aggregate, current_values, figures
from outbox.models import OutgoingEmail
from public.indicators import line_chart
from tests.conftest import make_official
from tests.reporting_helpers import make_report
from workspace.forms import IndicatorValueForm

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def make_indicator(**fields):
    values = {
        "commitment": Commitment.objects.get(reference="2.1"),
        "title": "Estados con programa nacional de vigilancia de la resistencia antimicrobiana",
        "unit": "Estados",
        "kind": Kind.YES_NO,
        "aggregation": Aggregation.COUNT_YES,
        "baseline_value": Decimal(10),
        "baseline_year": 2019,
        "target_value": Decimal(20),
        "target_year": 2021,
        **fields,
    }
    return Indicator.objects.create(**values)


def make_value(official, indicator, value=1, period="2020-S2", state=None, curator=None, to=None):
    """A value by ``official`` walked through the workflow up to ``to`` (a review state)."""
    saved = value_service.save_value(
        IndicatorValue(
            indicator=indicator,
            member_state=state or official.official_profile.member_state,
            period=period,
            value=Decimal(value),
            narrative="Programa aprobado por resolución ministerial.",
        ),
        by=official,
    )
    if to in (None, ReviewState.DRAFT):
        return saved
    saved = value_service.submit(saved, by=official)
    if to == ReviewState.PUBLISHED:
        return value_service.publish(saved, by=curator)
    if to == ReviewState.RETURNED:
        return value_service.return_value(saved, by=curator, reason="Falta la evidencia.")
    return saved


# --- Definition ---------------------------------------------------------------------------


def test_an_indicator_is_on_a_commitment_or_an_area_never_both(plan):
    area = WorkArea.objects.get(number=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(area=area)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(commitment=None)
    indicator = make_indicator(
        commitment=None, area=area, kind=Kind.NUMBER, aggregation=Aggregation.SUM
    )
    assert indicator.work_area == area


def test_yes_no_is_counted_and_nothing_else_is(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(aggregation=Aggregation.SUM)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(kind=Kind.NUMBER, aggregation=Aggregation.COUNT_YES)
    indicator = Indicator(
        commitment=Commitment.objects.get(reference="2.1"),
        title="x",
        kind=Kind.PERCENTAGE,
        aggregation=Aggregation.COUNT_YES,
        target_value=Decimal(120),
    )
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert set(error.value.message_dict) == {"aggregation", "target_value"}
    # The region's baseline of a yes-or-no indicator counts states; a state's is 0 or 1.
    counted = make_indicator(baseline_value=Decimal(10))
    counted.full_clean()
    counted.baseline_value = Decimal("2.5")
    with pytest.raises(ValidationError):
        counted.full_clean()
    target = IndicatorStateTarget(
        indicator=counted, member_state=MemberState.objects.get(iso_code="AR"), target_value=2
    )
    with pytest.raises(ValidationError):
        target.full_clean()


@pytest.mark.parametrize(
    ("period", "ok"),
    [
        ("2020", True),
        ("2020-S1", True),
        ("2020-S2", True),
        ("2020-S3", False),
        ("20-S1", False),
        ("1999", False),
        ("2999", False),
        ("2999-S1", False),
    ],
)
def test_a_period_is_a_year_or_a_semester_not_in_the_future(period, ok):
    if ok:
        periods.validate_period(period)
    else:
        with pytest.raises(ValidationError):
            periods.validate_period(period)


def test_the_current_semester_may_be_reported_the_next_may_not():
    today = datetime.date(2020, 8, 1)
    assert periods.is_over_or_current("2020-S2", today)
    assert periods.is_over_or_current("2020", today)
    assert not periods.is_over_or_current("2021-S1", today)
    assert not periods.is_over_or_current("2021", today)
    assert periods.sort_key("2020-S2") < periods.sort_key("2020") < periods.sort_key("2021-S1")


# --- The region's value ---------------------------------------------------------------------


def test_the_region_sums_averages_or_counts_yes():
    values = [Decimal(1), Decimal(0), Decimal(1)]
    assert aggregate(Aggregation.SUM, values) == 2
    assert aggregate(Aggregation.MEAN, [Decimal(10), Decimal(20), Decimal(40)]) == Decimal("23.33")
    assert aggregate(Aggregation.COUNT_YES, values) == 2
    assert aggregate(Aggregation.SUM, []) is None


def test_only_current_published_values_count_with_their_coverage(
    plan, official_mx, official_ar, curator
):
    indicator = make_indicator()
    make_value(official_mx, indicator, 1, curator=curator, to=ReviewState.PUBLISHED)
    make_value(official_ar, indicator, 1, curator=curator, to=ReviewState.SUBMITTED)
    make_value(official_ar, indicator, 1, period="2020-S1", curator=curator)  # a draft
    found = figures([indicator], current_values(), 33)[indicator.pk]
    assert [(r.period, r.value, r.reported, r.total) for r in found.series] == [
        ("2020-S2", 1, 1, 33)
    ]
    mexico = MemberState.objects.get(iso_code="MX")
    assert found.latest_by_state == {mexico.pk: ("2020-S2", Decimal(1))}


def test_a_correction_replaces_the_published_value_of_its_period(plan, official_mx, curator):
    indicator = make_indicator(kind=Kind.NUMBER, aggregation=Aggregation.SUM)
    first = make_value(official_mx, indicator, 3, curator=curator, to=ReviewState.PUBLISHED)
    second = make_value(official_mx, indicator, 4, curator=curator, to=ReviewState.PUBLISHED)
    first.refresh_from_db()
    assert not first.is_current and first.is_published
    assert second.is_current and second.supersedes == first
    assert figures([indicator], current_values(), 33)[indicator.pk].latest.value == 4


def test_the_database_keeps_one_open_and_one_current_value_per_period(plan, official_mx):
    indicator = make_indicator()
    make_value(official_mx, indicator)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=indicator,
            member_state=official_mx.official_profile.member_state,
            period="2020-S2",
            value=1,
        )


# --- The workflow --------------------------------------------------------------------------


def test_submitting_publishing_and_returning_send_their_emails(plan, official_mx, curator):
    indicator = make_indicator()
    value = make_value(official_mx, indicator, to=ReviewState.SUBMITTED)
    assert OutgoingEmail.objects.filter(key__startswith="indicator-value-submitted").exists()
    value_service.return_value(value, by=curator, reason="Adjunte la resolución.")
    returned = OutgoingEmail.objects.get(key__startswith="indicator-value-returned")
    assert returned.to == [official_mx.email] and "Adjunte la resolución." in returned.body
    value = value_service.submit(IndicatorValue.objects.get(pk=value.pk), by=official_mx)
    assert value.review_state == ReviewState.RESUBMITTED
    value_service.publish(value, by=curator)
    assert OutgoingEmail.objects.filter(key__startswith="indicator-value-published").exists()
    reasons = list(value.history.order_by("history_date").values_list("history_change_reason"))
    assert [r for (r,) in reasons] == [
        "Created",
        "Submitted for review",
        "Returned",
        "Submitted for review",
        "Published",
    ]


def test_a_value_published_by_someone_else_cannot_be_published_again(plan, official_mx, curator):
    value = make_value(official_mx, make_indicator(), to=ReviewState.SUBMITTED)
    stale = IndicatorValue.objects.get(pk=value.pk)
    value_service.publish(value, by=curator)
    with pytest.raises(value_service.ReviewError):
        value_service.publish(stale, by=curator)


def test_publishing_a_value_refreshes_the_public_pages(client, plan, official_mx, curator):
    indicator = make_indicator()
    value = make_value(official_mx, indicator, to=ReviewState.SUBMITTED)
    page = reverse("public:indicator", args=[indicator.pk])
    before = client.get(page)
    token = DataVersion.objects.get(name=DataVersion.PROGRESS).token
    assert "1 of 33 states reported" not in before.content.decode()
    value_service.publish(value, by=curator)
    assert DataVersion.objects.get(name=DataVersion.PROGRESS).token != token
    after = client.get(page, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "1 of 33 states reported" in after.content.decode()


def test_a_draft_changes_no_page(plan, official_mx):
    indicator = make_indicator()
    token = DataVersion.objects.get(name=DataVersion.PROGRESS).token
    make_value(official_mx, indicator)
    assert DataVersion.objects.get(name=DataVersion.PROGRESS).token == token


# --- The workspace --------------------------------------------------------------------------


def test_the_workspace_names_the_state_in_the_page_s_language(client_of, official_mx, plan):
    make_indicator()
    client = client_of(official_mx)
    french = client.get("/fr/my-state/indicators/").content.decode()
    assert "<h1>Indicateurs: Mexique</h1>" in french
    assert "México" not in french
    assert "<h1>Indicadores: México</h1>" in client.get("/es/my-state/indicators/").content.decode()


def test_official_reports_a_value_with_evidence_and_submits(client_of, official_ar, plan):
    indicator = make_indicator()
    client = client_of(official_ar)
    assert (
        reverse("workspace:indicator_value_new", args=[indicator.pk])
        in client.get(reverse("workspace:indicators")).content.decode()
    )
    response = client.post(
        reverse("workspace:indicator_value_new", args=[indicator.pk]),
        {
            "period": "2020-S2",
            "value": "1",
            "narrative": "Programa nacional en vigor.",
            "links": "https://www.argentina.gob.ar/salud",
            "files": SimpleUploadedFile("resolucion.pdf", PDF, "application/pdf"),
            "action": "submit",
        },
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert value.member_state.iso_code == "AR" and value.review_state == ReviewState.SUBMITTED
    assert IndicatorEvidence.objects.filter(value=value).count() == 2
    assert value.author == official_ar


@pytest.mark.parametrize(
    ("kind", "aggregation", "value"),
    [
        (Kind.YES_NO, Aggregation.COUNT_YES, "2"),
        (Kind.PERCENTAGE, Aggregation.MEAN, "101"),
        (Kind.NUMBER, Aggregation.SUM, "-1"),
    ],
)
def test_a_value_that_does_not_fit_its_kind_is_refused(
    client_of, official_ar, plan, kind, aggregation, value
):
    indicator = make_indicator(
        kind=kind, aggregation=aggregation, baseline_value=None, target_value=None
    )
    response = client_of(official_ar).post(
        reverse("workspace:indicator_value_new", args=[indicator.pk]),
        {"period": "2020-S2", "value": value, "narrative": "x", "action": "save"},
    )
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()


def test_a_future_period_is_refused(client_of, official_ar, plan):
    indicator = make_indicator()
    response = client_of(official_ar).post(
        reverse("workspace:indicator_value_new", args=[indicator.pk]),
        {"period": "2999-S1", "value": "1", "narrative": "x", "action": "save"},
    )
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()


def test_an_official_never_sees_another_states_value(client_of, official_mx, official_ar, plan):
    value = make_value(official_mx, make_indicator())
    client = client_of(official_ar)
    assert client.get(reverse("workspace:indicator_value", args=[value.pk])).status_code == 404
    response = client.post(
        reverse("workspace:indicator_value", args=[value.pk]),
        {"period": "2020-S2", "value": "0", "narrative": "x", "version": value.version},
    )
    assert response.status_code == 404
    value.refresh_from_db()
    assert value.value == 1


def test_a_colleague_who_opened_the_period_first_wins_with_a_409(
    client_of, official_ar, plan, monkeypatch
):
    indicator = make_indicator()
    colleague = make_official("AR", "oficial-ar-2")
    client = client_of(official_ar)
    assert (
        client.get(reverse("workspace:indicator_value_new", args=[indicator.pk])).status_code == 200
    )
    # The colleague's value is saved between the form's check and the insert.
    monkeypatch.setattr(
        IndicatorValueForm, "clean_period", lambda form: form.cleaned_data["period"]
    )
    make_value(colleague, indicator)
    response = client.post(
        reverse("workspace:indicator_value_new", args=[indicator.pk]),
        {"period": "2020-S2", "value": "0", "narrative": "Mío", "action": "save"},
    )
    assert response.status_code == 409
    assert "colleague" in response.content.decode()
    assert IndicatorValue.objects.count() == 1


def test_a_stale_edit_is_a_409(client_of, official_ar, plan):
    value = make_value(official_ar, make_indicator())
    client = client_of(official_ar)
    url = reverse("workspace:indicator_value", args=[value.pk])
    value_service.save_value(
        IndicatorValue.objects.get(pk=value.pk), by=official_ar, expected_version=value.version
    )
    response = client.post(
        url,
        {
            "period": "2020-S2",
            "value": "0",
            "narrative": "x",
            "version": value.version,
            "action": "save",
        },
    )
    assert response.status_code == 409
    assert IndicatorValue.objects.get(pk=value.pk).value == 1


def test_curator_publishes_or_returns_from_the_review_page(client_of, official_ar, curator):
    indicator = make_indicator()
    value = make_value(official_ar, indicator, to=ReviewState.SUBMITTED)
    client = client_of(curator)
    queue = client.get(reverse("workspace:review_indicator_values")).content.decode()
    assert reverse("workspace:review_indicator_value", args=[value.pk]) in queue
    assert (
        reverse("workspace:review_indicator_values")
        in client.get(reverse("workspace:review")).content.decode()
    )
    url = reverse("workspace:review_indicator_value", args=[value.pk])
    response = client.post(url, {"action": "return", "reason": "", "version": value.version + 0})
    assert response.status_code == 400
    response = client.post(url, {"action": "publish", "version": value.version})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(pk=value.pk).is_current
    # Published meanwhile: publishing again is a 409 that says why.
    response = client.post(url, {"action": "publish", "version": value.version})
    assert response.status_code == 409
    assert "already published" in response.content.decode()


def test_officials_may_not_review(client_of, official_ar, plan):
    value = make_value(official_ar, make_indicator(), to=ReviewState.SUBMITTED)
    client = client_of(official_ar)
    assert client.get(reverse("workspace:review_indicator_values")).status_code == 403
    url = reverse("workspace:review_indicator_value", args=[value.pk])
    assert client.post(url, {"action": "publish"}).status_code == 403


def test_unpublished_evidence_reaches_only_its_state_and_curators(
    client_of, official_mx, official_ar, curator
):
    indicator = make_indicator()
    value = value_service.save_value(
        IndicatorValue(
            indicator=indicator,
            member_state=official_ar.official_profile.member_state,
            period="2020-S2",
            value=1,
        ),
        by=official_ar,
        files=[SimpleUploadedFile("resolucion.pdf", PDF, "application/pdf")],
    )
    evidence = value.evidence.get()
    url = reverse("workspace:indicator_evidence", args=[evidence.pk])
    assert client_of(None).get(url).status_code == 404
    assert client_of(official_mx).get(url).status_code == 404
    assert client_of(official_ar).get(url).status_code == 200
    assert client_of(curator).get(url).status_code == 200


# --- Public pages ---------------------------------------------------------------------------


def test_the_pages_show_published_values_only(client, plan, official_mx, official_ar, curator):
    indicator = make_indicator()
    make_value(official_mx, indicator, 1, curator=curator, to=ReviewState.PUBLISHED)
    make_value(official_ar, indicator, 0, curator=curator, to=ReviewState.SUBMITTED)
    listing = client.get(reverse("public:indicators")).content.decode()
    assert indicator.title in listing and "1 state answering yes" in listing
    assert "1 of 33 states reported" in listing
    page = client.get(reverse("public:indicator", args=[indicator.pk])).content.decode()
    assert "<svg" in page and "Show as a table" in page
    assert "1 of 33 states have published a value" in page
    assert "20 states answering yes" in page  # the target
    commitment_page = client.get(reverse("public:commitment", args=["2.1"])).content.decode()
    assert reverse("public:indicator", args=[indicator.pk]) in commitment_page
    area_page = client.get(reverse("public:area", args=[2])).content.decode()
    assert reverse("public:indicator", args=[indicator.pk]) in area_page


def test_an_unknown_indicator_is_a_404(client, plan):
    assert client.get(reverse("public:indicator", args=[999])).status_code == 404


def test_the_chart_is_drawn_against_baseline_and_target(plan):
    indicator = make_indicator(kind=Kind.NUMBER, aggregation=Aggregation.SUM)
    chart = line_chart(
        indicator,
        [Regional("2020-S1", Decimal(5), 2, 33), Regional("2020-S2", Decimal(12), 4, 33)],
    )
    assert len(chart.points) == 2 and chart.points[0].coverage == "2/33"
    # Higher values are drawn higher: smaller y.
    assert chart.points[1].y < chart.points[0].y
    assert chart.target.y < chart.baseline.y
    assert line_chart(indicator, []) is None
    # Round ticks: the scale's top is 20 (the target), in five steps of 4.
    assert [tick.text for tick in chart.ticks] == ["0", "4", "8", "12", "16", "20"]


def test_the_chart_writes_each_point_s_figure_alone_and_says_it_in_full(
    client, plan, official_mx, curator
):
    indicator = make_indicator()
    chart = line_chart(indicator, [Regional("2020-S2", Decimal(5), 5, 33)])
    assert chart.points[0].label == "5"
    assert chart.points[0].text == "5 states answering yes"
    percentage = make_indicator(kind=Kind.PERCENTAGE, aggregation=Aggregation.MEAN)
    assert line_chart(percentage, [Regional("2020-S2", Decimal(48), 5, 33)]).points[0].label == (
        "48 %"
    )
    make_value(official_mx, indicator, 1, curator=curator, to=ReviewState.PUBLISHED)
    page = client.get(reverse("public:indicator", args=[indicator.pk])).content.decode()
    assert 'text-anchor="middle">1</text>' in page  # beside the point, the figure alone
    assert "2nd half of 2020: 1 state answering yes (1/33)" in page  # the chart's description


def test_french_pages_agree_with_a_single_state_or_pair(client, plan, official_mx, curator):
    indicator = make_indicator()
    make_value(official_mx, indicator, 1, curator=curator, to=ReviewState.PUBLISHED)
    with translation.override("fr"):
        page = client.get(reverse("public:indicator", args=[indicator.pk])).content.decode()
    assert "États ayant publié une valeur : 1 sur 33." in page
    assert "1 États" not in page
    make_report(official_mx, ReviewState.PUBLISHED, reference="2.1", curator=curator)
    with translation.override("fr"):
        area = client.get(reverse("public:area", args=[2])).content.decode()
    assert "Paires État × engagement ayant un rapport : 1 sur" in area
    assert "1 paires" not in area


def test_seed_demo_creates_demo_indicators_with_values_from_several_states(client, plan, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing
    indicators = Indicator.objects.filter(is_demo=True)
    assert indicators.count() == 4
    assert not IndicatorValue.objects.filter(is_demo=False).exists()
    states = IndicatorValue.objects.current().values("member_state").distinct().count()
    assert states >= 10
    assert IndicatorValue.objects.awaiting_review().count() == 1
    listing = client.get(reverse("public:indicators")).content.decode()
    assert listing.count("badge-demo") >= 4
    surveillance = indicators.get(commitment__reference="6.3")
    page = client.get(reverse("public:indicator", args=[surveillance.pk])).content.decode()
    assert "8 states answering yes" in page and "Demo data" in page


def test_the_api_and_the_downloads_give_published_values_only(
    client, plan, official_mx, official_ar, curator
):
    indicator = make_indicator()
    make_value(official_mx, indicator, 1, curator=curator, to=ReviewState.PUBLISHED)
    make_value(official_ar, indicator, 0, curator=curator, to=ReviewState.SUBMITTED)
    listing = client.get("/api/v1/indicators/").json()
    [item] = listing["results"]
    assert item["indicator_id"] == indicator.pk and item["reference"] == "2.1"
    assert item["latest_regional_value"] == 1 and item["states_reported"] == 1
    assert item["target_value"] == 20
    detail = client.get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert detail["series"] == [
        {"period": "2020-S2", "value": 1.0, "states_reported": 1, "states_total": 33}
    ]
    assert [state["member_state_iso"] for state in detail["states"]] == ["MX"]
    values = client.get("/api/v1/indicator-values/").json()["results"]
    assert [(v["member_state_iso"], v["value"]) for v in values] == [("MX", 1.0)]
    assert client.get("/api/v1/indicator-values/?state=AR").json()["results"] == []
    assert client.get("/api/v1/indicator-values/?indicator=x").status_code == 400
    assert client.get("/api/v1/indicators/999/").status_code == 404
    assert "indicators" in client.get("/api/v1/").json()
    csv = client.get("/open-data/indicator-values.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("indicator_id,member_state_iso")
    assert ",MX," in csv and ",AR," not in csv
    rows = client.get("/open-data/indicators.json").json()["rows"]
    assert rows[0]["states_reported"] == 1


# --- In the reader's language ---------------------------------------------------------------

TITLE_ES = "Estados con un programa nacional de vigilancia"
TITLE_EN = "States with a national surveillance programme"


def spanish_indicator(**fields):
    """An indicator written as a curator writes it, in Spanish (the ``title`` field sets the
    active language's version)."""
    with translation.override("es"):
        return make_indicator(title=TITLE_ES, **fields)


def translated_indicator():
    return spanish_indicator(
        title_en=TITLE_EN,
        title_pt="Estados com um programa nacional de vigilância",
        title_fr="États dotés d’un programme national de surveillance",
        description_es="Si el Estado cuenta con el programa.",
        description_en="Whether the State has the programme.",
        unit_es="Estados",
        unit_en="States",
    )


def test_an_indicator_keeps_its_spanish_title_as_the_original(plan):
    from django.db import connection

    indicator = spanish_indicator(title_en=TITLE_EN)
    with translation.override("en"):
        indicator.title = "States with a programme"
        indicator.save()
    row = Indicator.objects.filter(pk=indicator.pk).values("title_es", "title_en")[0]
    assert row == {"title_es": TITLE_ES, "title_en": "States with a programme"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM indicators_indicator WHERE id = %s", [indicator.pk])
        assert cursor.fetchone()[0] == TITLE_ES


def test_the_english_indicator_page_reads_in_english_with_the_spanish_original(client, plan):
    indicator = translated_indicator()
    page = client.get(f"/en/indicators/{indicator.pk}/").content.decode()
    assert f'<h1><span lang="en">{TITLE_EN}</span> <span class="tag-unofficial">' in page
    assert f'<p lang="es">{TITLE_ES}</p>' in page
    assert '<span lang="en">Whether the State has the programme.</span>' in page
    assert '<p lang="es">Si el Estado cuenta con el programa.</p>' in page
    assert '<span lang="en">States</span> <span class="tag-unofficial">' in page
    assert page.count('class="translation-notice') == 1


def test_the_english_list_of_indicators_reads_in_english(client, plan):
    translated_indicator()
    page = client.get("/en/indicators/").content.decode()
    assert (
        f'<span lang="en">{TITLE_EN}</span> <span class="tag-unofficial">unofficial translation'
        f'</span> <span class="plan-original" lang="es">{TITLE_ES}</span>'
    ) in page


def test_the_spanish_indicator_pages_show_only_the_spanish(client, plan):
    indicator = translated_indicator()
    for address in (f"/es/indicators/{indicator.pk}/", "/es/indicators/"):
        page = client.get(address).content.decode()
        assert f'<span lang="es">{TITLE_ES}</span>' in page
        assert TITLE_EN not in page
        assert "tag-unofficial" not in page
        assert "plan-original" not in page


def test_an_indicator_without_a_translation_reads_in_spanish(client, plan):
    indicator = spanish_indicator()
    page = client.get(f"/fr/indicators/{indicator.pk}/").content.decode()
    assert f'<h1><span lang="es">{TITLE_ES}</span></h1>' in page
    assert f'<p lang="es">{TITLE_ES}</p>' not in page


def test_the_commitment_page_lists_its_indicators_in_the_reader_s_language(client, plan):
    translated_indicator()
    page = client.get("/en/commitments/2.1/").content.decode()
    assert f'<span lang="en">{TITLE_EN}</span>' in page
    assert f'<span class="plan-original" lang="es">{TITLE_ES}</span>' in page


def test_the_api_gives_each_language_s_version(client, plan):
    indicator = translated_indicator()
    body = client.get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert body["title"] == TITLE_ES
    assert body["title_en"] == TITLE_EN
    assert body["title_pt"] == "Estados com um programa nacional de vigilância"
    assert body["title_fr"] == "États dotés d’un programme national de surveillance"
    assert body["description"] == "Si el Estado cuenta con el programa."
    assert body["description_en"] == "Whether the State has the programme."
    assert body["description_pt"] is None
    assert body["unit_en"] == "States"


def test_the_open_data_table_gives_each_language_s_version(client, plan):
    indicator = translated_indicator()
    rows = client.get("/open-data/indicators.json").json()["rows"]
    row = next(row for row in rows if row["indicator_id"] == indicator.pk)
    assert (row["title"], row["title_en"], row["unit_en"]) == (TITLE_ES, TITLE_EN, "States")


def test_a_curator_edits_every_language_s_version_in_the_admin(client_of, curator, plan):
    indicator = translated_indicator()
    page = client_of(curator).get(reverse("admin:indicators_indicator_change", args=[indicator.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for field in ("title", "description", "unit"):
        for lang in ("es", "en", "pt", "fr"):
            assert f'name="{field}_{lang}"' in text, (field, lang)
    assert "título (Texto original en español)" in text
