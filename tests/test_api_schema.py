"""The API's OpenAPI schema: valid, complete, and the live API keeps to it."""

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.progress_data import make_published_reports
from tests.test_browser_csp import watched_page  # noqa: F401  (a fixture)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def schema_json(client, db):
    response = client.get("/api/schema.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_is_valid_openapi_3(schema_json):
    validate(schema_json)
    assert schema_json["openapi"].startswith("3.")
    assert "CELAC PPT 2020" in schema_json["info"]["title"]


def test_the_yaml_schema_is_the_same(client, schema_json):
    response = client.get("/api/schema.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == schema_json


def test_every_operation_is_described_with_its_errors(schema_json):
    operations = [op for path in schema_json["paths"].values() for op in path.values()]
    # 15 for the plan and its reports, 3 for indicators and their values, 1 for milestones.
    assert len(operations) == 19
    for operation in operations:
        assert operation.get("summary"), operation["operationId"]
        # A NUL anywhere in a request is a 400 on every operation (RequestLimitsMiddleware).
        assert {"400", "429"} <= set(operation["responses"]), operation["operationId"]
    commitments = schema_json["paths"]["/api/v1/commitments/"]["get"]
    assert {"400", "404", "429"} <= set(commitments["responses"])
    parameters = {parameter["name"] for parameter in commitments["parameters"]}
    assert {"q", "area", "axis", "agency", "state", "status", "sort", "page"} <= parameters
    fields = schema_json["components"]["schemas"]["Commitment"]["properties"]
    assert fields["mean_percentage"]["description"].startswith("The mean of the percentages")
    assert "example" in str(commitments["responses"]["200"])


def test_the_documentation_is_served_from_static_under_a_strict_policy(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "style-src 'self' 'sha256-" in policy
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    # The rest of the site keeps its own policy.
    assert client.get("/es/").get("Content-Security-Policy", "").count("sha256-") == 0


def test_the_live_api_keeps_to_its_schema(live_plan, settings):
    """schemathesis against the live server: for every operation, ten generated requests,
    no server error and no response that its schema does not describe."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
    }
    make_published_reports(40)
    schema = schemathesis.openapi.from_url(f"{live_plan.url}/api/schema.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    # 15 for the plan and its reports, 3 for indicators and their values, 1 for milestones.
    assert len(operations) == 19
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(checks=CHECKS)

        check()


@pytest.mark.browser
def test_the_documentation_runs_in_a_browser_under_its_policy(watched_page, live_plan):  # noqa: F811
    page, visit, _console = watched_page
    assert visit(live_plan.url + "/api/docs/") == []
    page.locator(".swagger-ui .info .title").wait_for()
    assert "CELAC PPT 2020" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator("#operations-v1-v1_commitments_list").wait_for()
    assert page.evaluate("window.__cspViolations") == []
