"""The API against its own OpenAPI document (schemathesis): generated requests, valid and not,
never get a 5xx, and every answer matches the documented status codes and schemas (all checks but
one, see EXCLUDED)."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from staging.domain.people.users import create_token


@pytest.fixture
def api_schema(app, web_plant):
    for _ in range(3):
        web_plant.receive()
    app.config["EVENTS_MAX_WAIT"] = 0.2  # a generated long poll past the last event answers soon
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture
def token(api_schema):
    return create_token("lead1")


# Every check schemathesis has (server errors, status codes, content types, schemas, headers, Allow on
# 405, negative data refused, auth ignored, ...) but one: positive_data_acceptance expects every body
# the document allows to be accepted, and the document cannot say what the plant refuses in words (a
# location code's letters, a GTIN's check digit, a NUL, "a lot or a pallet", a photo that is no photo).
EXCLUDED = [positive_data_acceptance]


def test_the_api_keeps_its_documented_contract(api_schema, token):
    # Operation by operation with hypothesis directly: schemathesis' pytest plugin predates pytest 9.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(case=operation.as_strategy())
        def conforms(case):
            # identity: schemathesis asks for gzip but, called in-process (WSGI), never decodes it.
            case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
                                   excluded_checks=EXCLUDED)

        conforms()


def test_the_document_describes_the_interface(client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for path in ("/api/locations", "/api/locations/{code}", "/api/units/{lpn}", "/api/moves", "/api/decode",
                 "/api/receipts", "/api/work-orders", "/api/ledger", "/api/machines/{code}/staged",
                 "/api/events"):
        assert path in doc["paths"], path
    moves = doc["paths"]["/api/moves"]["post"]
    assert {"201", "404", "409", "422"} <= set(moves["responses"])
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    errors = [(path, method, status, list(answer.get("content", {})))
              for path, item in doc["paths"].items() for method, operation in item.items()
              for status, answer in operation["responses"].items() if int(status) >= 400]
    assert len(errors) >= 30 and all(types == ["application/problem+json"] for *_, types in errors), errors


def test_the_api_page_is_readable_in_a_browser(client):
    html = client.get("/api/").get_data(as_text=True)
    assert "POST /api/moves" in html and "client_scan_id" in html
