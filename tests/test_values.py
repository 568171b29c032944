"""Values that become part of an address (an agency's acronym, a member state's code, a
commitment's reference) and reporting dates are checked by the model, so the admin and
imports refuse the same values with the same message; whatever is accepted has a page."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from areas.models import Agency, WorkArea
from areas.validators import ACRONYM, validate_acronym
from celac_ppt.converters import AcronymConverter, IsoCodeConverter, ReferenceConverter
from commitments.models import Commitment, MemberState, ProgressReport
from commitments.validators import CELAC_MEMBERS, REFERENCE, validate_reference
from exchange.imports import import_file
from tests.import_helpers import REPORT_HEADERS, csv_file, refused, report_rows, row_counts

pytestmark = pytest.mark.django_db

BAD_ACRONYMS = ["S/T", "", " SRE", "SRE ", "S  T", "S_T", "S.T", "S?T", "S%T", "S\u202eT", "S\nT"]
GOOD_ACRONYMS = ["SRE", "Protección Civil", "SALUD", "SEMARNAT", "CONAGUA-2", "Bienestar 2020"]
BAD_CODES = ["A1", "mx", "ZZ", "US", "M", "MEX", "", " M", "МХ"]  # the last is Cyrillic
BAD_REFERENCES = [
    "14.1a",
    "14..1",
    "14.",
    ".1",
    "14 1",
    "١٤.١",
    "14.1\n",
    "1234.1",
    "1.2.3.4.5.6",
    "",
]
ACRONYM_MESSAGE = "An acronym is made of letters and digits"
CODE_MESSAGE = "is not the ISO code of a CELAC member state"
REFERENCE_MESSAGE = "A reference is numbers of up to three digits separated by dots"


def as_json(tables):
    return json.dumps(tables).encode()


# --- One pattern for the validator and the address ---------------------------------------


def test_the_plans_own_values_pass_every_check(plan):
    for model in (Agency, MemberState, Commitment):
        for row in model.objects.all():
            row.full_clean()
    assert set(MemberState.objects.values_list("iso_code", flat=True)) == CELAC_MEMBERS


@settings(max_examples=200, deadline=None, database=None)
@given(value=st.one_of(st.text(max_size=12), st.from_regex(ACRONYM, fullmatch=True)))
def test_the_agency_address_accepts_exactly_what_the_model_accepts(value):
    try:
        validate_acronym(value)
        valid = True
    except ValidationError:
        valid = False
    assert bool(re.fullmatch(AcronymConverter.regex, value)) == valid


@settings(max_examples=200, deadline=None, database=None)
@given(value=st.one_of(st.text(max_size=12), st.from_regex(REFERENCE, fullmatch=True)))
def test_the_commitment_address_accepts_exactly_what_the_model_accepts(value):
    try:
        validate_reference(value)
        valid = True
    except ValidationError:
        valid = False
    assert bool(re.fullmatch(ReferenceConverter.regex, value)) == valid


def test_every_member_state_code_has_an_address():
    for code in CELAC_MEMBERS:
        assert re.fullmatch(IsoCodeConverter.regex, code)
        assert reverse("public:state", args=[code])


# --- The admin ----------------------------------------------------------------------------


def admin_add(client, model, data):
    opts = model._meta
    with translation.override("en"):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    return client.post(url, data, headers={"accept-language": "en"})


@pytest.mark.parametrize("acronym", BAD_ACRONYMS)
def test_the_admin_refuses_an_acronym_that_cannot_be_an_address(client_of, curator, acronym):
    client = client_of(curator)
    counts = row_counts()
    response = admin_add(client, Agency, {"acronym": acronym, "name_es": "Secretaría"})
    assert response.status_code == 200
    if acronym and acronym == acronym.strip():  # the admin strips blanks, then finds SRE
        assert ACRONYM_MESSAGE in response.content.decode()
    assert row_counts() == counts


@pytest.mark.parametrize("acronym", GOOD_ACRONYMS[4:])
def test_the_admin_accepts_an_acronym_of_letters_digits_spaces_and_hyphens(
    client_of, curator, acronym
):
    response = admin_add(client_of(curator), Agency, {"acronym": acronym, "name_es": "Secretaría"})
    assert response.status_code == 302
    assert (
        client_of(None).get(Agency.objects.get(acronym=acronym).get_absolute_url()).status_code
        == 200
    )


@pytest.mark.parametrize("code", BAD_CODES)
def test_the_admin_refuses_a_code_that_is_not_a_celac_member(plan, admin_client, code):
    # Curators do not add states: only a superuser could.
    MemberState.objects.filter(iso_code="MX").delete()
    counts = row_counts()
    response = admin_add(admin_client, MemberState, {"iso_code": code, "name": "Otro"})
    assert response.status_code == 200
    if code and code == code.strip() and len(code) <= 2:
        assert CODE_MESSAGE in response.content.decode().replace("&ldquo;", "“")
    assert row_counts() == counts


@pytest.mark.parametrize("reference", BAD_REFERENCES)
def test_the_admin_refuses_a_reference_that_cannot_be_an_address(client_of, curator, reference):
    client = client_of(curator)
    counts = row_counts()
    area = WorkArea.objects.get(number=14)
    response = admin_add(
        client,
        Commitment,
        {"area": area.pk, "reference": reference, "order": 9, "text": "Otro compromiso."},
    )
    assert response.status_code == 200
    if reference and reference == reference.strip():
        assert REFERENCE_MESSAGE in response.content.decode()
    assert row_counts() == counts


# --- Imports ------------------------------------------------------------------------------


def test_an_import_refuses_an_acronym_by_row_and_column(plan):
    rows = [{"acronym": "SRE", "name": "Relaciones", "note": ""}]
    rows.append({"acronym": "S/T", "name": "Sin título", "note": ""})
    refused(
        "plan.json",
        as_json({"agencies": rows}),
        f"agencies, row 2, column acronym: {ACRONYM_MESSAGE}",
    )


def test_an_import_refuses_a_member_state_code_by_row_and_column(plan):
    rows = [{"iso_code": "A1", "name": "Atlántida"}]
    refused(
        "plan.json",
        as_json({"member_states": rows}),
        "row 1, column iso_code: “A1” " + CODE_MESSAGE,
    )


def test_an_import_refuses_a_reference_by_row_and_column(plan):
    rows = [{"reference": "14.1a", "area": 14, "order": 3, "text": "Otro."}]
    messages = refused(
        "plan.json", as_json({"commitments": rows}), f"row 1, column reference: {REFERENCE_MESSAGE}"
    )
    assert len(messages) == 1


# --- Reporting dates ----------------------------------------------------------------------


def test_a_report_dated_in_the_future_is_refused_by_the_model(plan):
    report = ProgressReport(
        commitment=Commitment.objects.get(reference="1.1"),
        member_state=MemberState.objects.get(iso_code="MX"),
        status="in_progress",
        percentage=40,
        reported_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            report.full_clean()
        assert error.value.message_dict["reported_on"] == [
            "The reporting date cannot be in the future."
        ]
    report.reported_on = timezone.localdate()
    report.full_clean()


def test_an_import_with_a_report_dated_2099_is_refused_and_writes_nothing(plan):
    rows = report_rows(3)
    rows[1][2] = "2099-01-01"
    refused(
        "progress_reports.csv",
        csv_file(REPORT_HEADERS, rows),
        "row 3, column reported_on: The reporting date cannot be in the future.",
    )
    assert not ProgressReport.objects.exists()


# --- Whatever an import accepts has a page ------------------------------------------------

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hostile = st.sampled_from(
    ["S/T", "A1", "14.1a", "", " ", "mx", "ZZ", "a b", "1..2", "١٤.١", "S\u202eT", "%2F", ".."]
)
acronyms = st.one_of(hostile, st.text(max_size=12), st.from_regex(ACRONYM, fullmatch=True))
codes = st.one_of(hostile, st.text(max_size=3), st.sampled_from(sorted(CELAC_MEMBERS)))
references = st.one_of(
    hostile,
    st.text(max_size=8),
    st.from_regex(r"14\.[4-9](\.[0-9])?", fullmatch=True),
    st.from_regex(REFERENCE, fullmatch=True),
)


def public_urls(acronym, code, reference):
    """Every page and download that shows these rows, and the pages that link to every row."""
    urls = [
        reverse("public:dashboard"),
        reverse("public:commitments"),
        reverse("public:agency", args=[acronym]),
        reverse("public:state", args=[code]),
        reverse("public:commitment", args=[reference]),
        reverse("public:area", args=[14]),
        reverse("workspace:home"),
    ]
    for fmt in ("csv", "json"):
        urls += [
            reverse("opendata:commitments", kwargs={"fmt": fmt}),
            reverse("opendata:matrix", kwargs={"fmt": fmt}),
            reverse("opendata:commitment_states", kwargs={"reference": reference, "fmt": fmt}),
            reverse("opendata:state_commitments", kwargs={"iso_code": code, "fmt": fmt}),
        ]
        for by in ("area", "axis", "agency"):
            urls.append(reverse("opendata:breakdown", kwargs={"by": by, "fmt": fmt}))
    return urls


@FUZZ
@given(acronym=acronyms, code=codes, reference=references)
def test_an_import_either_refuses_a_value_or_every_page_built_from_it_answers(
    client_of, official_mx, acronym, code, reference
):
    from django.core.cache import cache
    from django.db import transaction

    from commitments.services import current

    # Each value in a file of its own: a refused one leaves the others to be tried.
    files = {
        "acronym": {
            "agencies": [{"acronym": acronym, "name": "Agencia de prueba", "note": ""}],
            "areas": [{"number": 14, "agencies": f"SRE|{acronym}"}],
        },
        "code": {"member_states": [{"iso_code": code, "name": "Estado de prueba"}]},
        "reference": {
            "commitments": [{"reference": reference, "area": 14, "order": 9, "text": "Prueba."}]
        },
    }
    values = {"acronym": acronym, "code": code, "reference": reference}
    shown = {"acronym": "SRE", "code": "MX", "reference": "14.1"}
    with transaction.atomic():
        cache.clear()
        current.forget()
        for kind, tables in files.items():
            counts = row_counts()
            outcome = import_file("plan.json", as_json(tables))
            event(f"{kind} {'refused' if outcome.problems else 'accepted'}")
            if outcome.ok:
                shown[kind] = values[kind]
            else:
                assert all(str(problem).strip() for problem in outcome.problems)
                assert row_counts() == counts
        client = client_of(official_mx)
        with translation.override("es"):
            urls = public_urls(shown["acronym"], shown["code"], shown["reference"])
        for url in urls:
            assert client.get(url).status_code == 200, url
        transaction.set_rollback(True)
    cache.clear()
    current.forget()


def test_an_upgrade_stops_on_stored_values_that_have_no_address(plan):
    """Rows written before the validators existed: the migration names them and stops."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "commitments.migrations.0010_refuse_values_without_an_address"
    )
    migration.refuse_values_without_an_address(apps, None)  # the plan as loaded passes
    Agency.objects.filter(acronym="SRE").update(acronym="S/T")
    Commitment.objects.filter(reference="1.1").update(reference="1.1 bis")
    with pytest.raises(RuntimeError) as refused_upgrade:
        migration.refuse_values_without_an_address(apps, None)
    message = str(refused_upgrade.value)
    assert "acronym 'S/T'" in message and "reference '1.1 bis'" in message
    assert "migrate again" in message
