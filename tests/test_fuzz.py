"""Arbitrary text, numbers and Unicode in every public query string and form: never a
server error. Hypothesis picks the values; the parameters come from the pages themselves
(the list's FilterSet, each form's fields), so new filters and fields are fuzzed as they come."""

import re
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written to the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
    st.sampled_from(["", " ", "0", "-1", "1e309", "\x00", "../../etc", "' OR 1=1 --", "%", "ñ"]),
)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Log-in and password forms hash on every example: a cheap hasher keeps them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def filter_names():
    try:
        from commitments.filters import CommitmentFilter
    except ImportError:
        return ["q", "area", "state", "status"]
    return list(CommitmentFilter.base_filters)


LIST_PARAMS = [*filter_names(), "page", "sort", "format"]
query_strings = st.dictionaries(st.sampled_from(LIST_PARAMS), values, max_size=5).map(urlencode)


def assert_no_server_error(response, what):
    assert response.status_code < 500, what


@FUZZ
@given(query=query_strings)
def test_dashboard_and_commitment_list_filters(client, plan, query):
    for path in ("/es/", "/en/commitments/", "/"):
        assert_no_server_error(client.get(f"{path}?{query}"), f"{path}?{query}")


@FUZZ
@given(query=query_strings, fmt=st.sampled_from(["csv", "json"]))
def test_commitment_list_downloads(client, plan, query, fmt):
    url = reverse("opendata:commitments", kwargs={"fmt": fmt})
    assert_no_server_error(client.get(f"{url}?{query}"), f"{url}?{query}")


@FUZZ
@given(segment=values, query=query_strings)
def test_area_state_agency_and_commitment_pages(client, plan, segment, query):
    quoted = quote(segment, safe="") or "x"
    for path in (
        f"/es/areas/{quoted}/",
        f"/en/states/{quoted}/",
        f"/pt/agencies/{quoted}/",
        f"/fr/commitments/{quoted}/",
        f"/commitments/{quoted}/",
        f"/open-data/progress-by-{quoted}.csv",
        "/es/areas/1/",
        "/en/states/MX/",
    ):
        assert_no_server_error(client.get(f"{path}?{query}"), f"{path}?{query}")


@FUZZ
@given(username=values, password=values, next_url=values)
def test_login_form(client, plan, username, password, next_url):
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password, "next": next_url}
    )
    assert_no_server_error(response, (username, password, next_url))


@FUZZ
@given(email=values)
def test_password_reset_form(client, plan, email):
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert_no_server_error(response, email)


@FUZZ
@given(language=values, query=query_strings)
def test_language_in_the_address_and_in_the_browser(client, plan, language, query):
    quoted = quote(language, safe="") or "x"
    for path in (f"/{quoted}/", f"/{quoted}/commitments/", f"/{quoted}/states/MX/"):
        assert_no_server_error(client.get(f"{path}?{query}"), f"{path}?{query}")
    for path in ("/", f"/commitments/?{query}"):
        response = client.get(path, headers={"accept-language": language})
        assert_no_server_error(response, (path, language))


@pytest.fixture
def report_form(client_of, official_mx):
    """The official's progress-report form, and the names of its fields."""
    client = client_of(official_mx)
    url = reverse("workspace:report_new", args=["1.1"])
    response = client.get(url)
    assert response.status_code == 200
    fields = re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', response.text)
    return client, url, [name for name in dict.fromkeys(fields) if name != "csrfmiddlewaretoken"]


@FUZZ
@given(data=st.data())
def test_progress_report_form(report_form, data):
    client, url, fields = report_form
    posted = {name: data.draw(values, label=name) for name in fields}
    assert_no_server_error(client.post(url, posted), posted)


@FUZZ
@given(old=values, new1=values, new2=values)
def test_password_change_form(client_of, official_mx, old, new1, new2):
    client = client_of(official_mx)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert_no_server_error(response, (old, new1, new2))
