"""Security of the API: loopback by default, tokens on writes, CSP everywhere, size limits, no markup."""

from __future__ import annotations

import inspect
import json

import pytest
from sqlalchemy import select

from truceline.api.app import CSP, MAX_BODY_BYTES
from truceline.api.security import PREFIX, create_token, list_tokens, revoke_token
from truceline.cli import serve
from truceline.store.engine import open_engine
from truceline.store.schema import api_tokens

XSS = ("Baku, 3 October 2020. <script>alert(1)</script> Officials said the shelling of Ganja continued. "
       "<img src=x onerror=alert(2)> Residents were evacuated, the ministry said.")


def _review(event_id: str) -> dict:
    return {"kind": "event", "record_id": event_id, "verdict": "correct"}


@pytest.fixture
def event_id(client) -> str:
    return client.get("/api/v1/events", params={"limit": 1}).json()["items"][0]["id"]


def _is_json_error(r, status: int) -> None:
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()["error"]
    assert body["status"] == status and body["message"]


def test_serve_binds_loopback_by_default():
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_tokens_are_stored_only_as_hashes(sample_db):
    secret = create_token(sample_db, "alice")
    assert secret.startswith(PREFIX) and len(secret) > 40
    engine = open_engine(sample_db)
    with engine.connect() as conn:
        rows = conn.execute(select(api_tokens)).mappings().all()
    engine.dispose()
    assert len(rows) == 1 and rows[0]["name"] == "alice"
    assert secret not in json.dumps({k: str(v) for k, v in rows[0].items()})
    assert len(rows[0]["hash"]) == 64
    assert [t["name"] for t in list_tokens(sample_db)] == ["alice"]
    assert "hash" not in list_tokens(sample_db)[0]


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer tl_not-a-real-token"},
    {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
    {"Authorization": "Bearer "},
])  # fmt: skip
def test_write_endpoints_refuse_without_a_valid_token(client, token, event_id, headers):
    _is_json_error(client.post("/api/v1/reviews", json=_review(event_id), headers=headers), 401)
    _is_json_error(client.post("/api/v1/ingest", json={"documents": [{"text": "x"}]}, headers=headers), 401)
    assert client.get("/api/v1/reviews").json()["total"] == 0


def test_revoked_token_is_refused(client, sample_db, token, auth, event_id):
    assert client.post("/api/v1/reviews", json=_review(event_id), headers=auth).status_code == 201
    assert revoke_token(sample_db, "alice") == 1
    _is_json_error(client.post("/api/v1/reviews", json=_review(event_id), headers=auth), 401)
    assert revoke_token(sample_db, "alice") == 0
    assert list_tokens(sample_db)[0]["revoked"] is True


def test_valid_token_is_accepted_and_named_in_the_trail(client, auth, event_id):
    r = client.post("/api/v1/reviews", json=_review(event_id), headers=auth)
    assert r.status_code == 201
    assert r.json()["items"][0]["reviewer"] == "alice"


def test_read_endpoints_stay_open(client):
    for path in ("/api/v1/meta", "/api/v1/events", "/api/v1/reviews", "/api/openapi.json"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/meta"), ("GET", "/api/v1/events"), ("GET", "/api/v1/documents/nope"), ("GET", "/api/openapi.json"),
    ("GET", "/api/v1/events?limit=0"), ("POST", "/api/v1/reviews"), ("GET", "/"), ("GET", "/index.html"),
    ("GET", "/no-such-file.js"),
])  # fmt: skip
def test_csp_on_every_response(client, method, path):
    r = client.request(method, path, json={} if method == "POST" else None)
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "object-src 'none'" in CSP


def test_body_over_the_limit_is_refused(client, auth):
    big = json.dumps({"documents": [{"text": "a" * (MAX_BODY_BYTES + 10)}]})
    r = client.post("/api/v1/ingest", content=big, headers={**auth, "content-type": "application/json"})
    _is_json_error(r, 413)
    assert r.headers["content-security-policy"] == CSP


def test_chunked_body_without_content_length_is_refused(client, auth):
    def chunks():
        yield b'{"documents": [{"text": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536
        yield b'"}]}'

    r = client.post("/api/v1/ingest", content=chunks(), headers={**auth, "content-type": "application/json"})
    _is_json_error(r, 413)


def test_chunked_body_under_the_limit_goes_through(client, auth, event_id):
    def chunks():
        body = json.dumps(_review(event_id)).encode()
        yield body[:10]
        yield body[10:]

    r = client.post("/api/v1/reviews", content=chunks(), headers={**auth, "content-type": "application/json"})
    assert r.status_code == 201


def test_bad_content_length_is_refused(client):
    r = client.post("/api/v1/reviews", content=b"{}", headers={"content-length": "abc"})
    assert r.status_code == 413


def test_markup_in_articles_comes_back_as_json_strings(client, auth):
    r = client.post("/api/v1/ingest", headers=auth, json={"documents": [
        {"text": XSS, "title": "<b>Ganja</b> <script>alert(3)</script>", "outlet": "Test <i>Wire</i>",
         "published": "2020-10-03"}]})  # fmt: skip
    assert r.status_code == 200, r.text
    summary = r.json()
    assert summary["added"] == 1 and summary["errors"] == []
    doc_id = summary["doc_ids"][0]

    r = client.get(f"/api/v1/documents/{doc_id}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    doc = r.json()
    assert "<script>alert(1)</script>" in doc["text"] and "<img src=x onerror=alert(2)>" in doc["text"]
    assert doc["title"] == "<b>Ganja</b> <script>alert(3)</script>"
    assert isinstance(doc["text"], str)

    listing = client.get("/api/v1/documents", params={"q": "onerror"})
    assert listing.headers["content-type"] == "application/json"
    assert [d["id"] for d in listing.json()["items"]] == [doc_id]
    assert listing.json()["items"][0]["title"] == "<b>Ganja</b> <script>alert(3)</script>"


def test_ingest_validates_its_body(client, auth):
    _is_json_error(client.post("/api/v1/ingest", headers=auth, json={"documents": []}), 422)
    too_many = {"documents": [{"text": f"Report {i}."} for i in range(101)]}
    _is_json_error(client.post("/api/v1/ingest", headers=auth, json=too_many), 422)
    _is_json_error(client.post("/api/v1/ingest", headers=auth, json={"documents": [{"text": "x", "html": "<p>"}]}), 422)
