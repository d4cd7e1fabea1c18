"""API robustness: schemathesis over every GET endpoint of the OpenAPI schema, on the sample store.

Every generated request (valid and invalid parameters alike) must get no 5xx, a documented
content type and, for documented responses, a body that conforms to the schema. Bounded:
``MAX_EXAMPLES`` cases per operation, no deadline, no shrinking-heavy phases.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from truceline.api import create_app

MAX_EXAMPLES = 25
CASES: Counter = Counter()


# The schema is read at collection time from an app over an empty in-memory store; the module's
# fixture points the same app at the sample store before any case runs. (schemathesis'
# ``pytest.from_fixture`` lazy loader does not work with pytest 9.)
APP = create_app("sqlite://")
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP).include(method="GET")


@pytest.fixture(scope="module", autouse=True)
def sample_store(module_sample_db):
    from truceline.store.engine import open_engine

    empty, APP.state.engine = APP.state.engine, open_engine(module_sample_db)
    yield
    APP.state.engine.dispose()
    APP.state.engine = empty


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_get_endpoints_never_fail(case):
    CASES[case.operation.label] += 1
    case.call_and_validate(checks=[not_a_server_error, content_type_conformance, response_schema_conformance])


def test_report_cases(capsys):
    """How many cases ran (printed with -s; asserts the fuzzing above actually happened)."""
    if not CASES:
        pytest.skip("run together with test_get_endpoints_never_fail")
    with capsys.disabled():
        print(f"\nschemathesis: {sum(CASES.values())} cases over {len(CASES)} GET operations: {dict(CASES)}")
    assert sum(CASES.values()) >= len(CASES)


def test_every_stored_record_reads_back():
    """Generated ids only reach 404s: read every real document, incident and agreement once."""
    from fastapi.testclient import TestClient

    client = TestClient(APP)
    count = 0
    for listing, path in (("documents", "documents"), ("incidents", "incidents"), ("agreements", "agreements")):
        items = client.get(f"/api/v1/{listing}", params={"limit": 500}).json()["items"]
        assert items, listing
        for item in items:
            r = client.get(f"/api/v1/{path}/{item['id']}")
            assert r.status_code == 200 and r.headers["content-type"] == "application/json", (path, item["id"])
            count += 1
    assert count >= 5
