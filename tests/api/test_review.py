"""Analyst review: verdicts and edits laid over records, an append-only trail that survives re-processing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from truceline.api.security import list_tokens
from truceline.cli import app as cli_app
from truceline.pipeline import ingest, reprocess
from truceline.store.schema import reviews

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"


@pytest.fixture
def event(client) -> dict:
    """An event of the sample corpus whose plover is not ASSAULT and modality not alleged."""
    items = client.get("/api/v1/events", params={"limit": 500}).json()["items"]
    return next(e for e in items if e["plover"] != "ASSAULT" and e["modality"] != "alleged")


def _post(client, auth, **body):
    return client.post("/api/v1/reviews", json=body, headers=auth)


def _event_view(client, event_id: str) -> tuple[dict, dict]:
    """The event as the events list and as its document's view show it."""
    doc_id = event_id.rsplit("-e", 1)[0]
    listed = next(e for e in client.get("/api/v1/events", params={"doc_id": doc_id, "limit": 500}).json()["items"]
                  if e["id"] == event_id)
    doc = client.get(f"/api/v1/documents/{doc_id}").json()
    return listed, next(e for e in doc["events"] if e["id"] == event_id)


def test_edit_shows_on_read_endpoints_with_before_after_and_reviewer(client, auth, event):
    r = _post(client, auth, kind="event", record_id=event["id"], edits={"plover": "ASSAULT", "modality": "alleged"},
              note="the source says shelling")
    assert r.status_code == 201, r.text
    rows = r.json()["items"]
    assert [(x["field"], x["before"], x["after"]) for x in rows] == [
        ("plover", event["plover"], "ASSAULT"), ("modality", event["modality"], "alleged")]
    assert all(x["reviewer"] == "alice" and x["note"] == "the source says shelling" for x in rows)
    assert r.json()["record"]["plover"] == "ASSAULT"

    for view in _event_view(client, event["id"]):
        assert view["plover"] == "ASSAULT" and view["modality"] == "alleged"
        review = view["review"]
        assert review["edited"]["plover"] == {"before": event["plover"], "after": "ASSAULT"}
        assert review["edited"]["modality"] == {"before": event["modality"], "after": "alleged"}
        assert review["by"] == "alice" and review["at"] and review["history_count"] == 2
        assert review["verdict"] is None
        assert view["evidence"] == event["evidence"]  # the span the record rests on is untouched
    filtered = client.get("/api/v1/events", params={"doc_id": event["doc_id"], "limit": 500}).json()["items"]
    assert sum("review" in e for e in filtered) == 1  # other records are not marked


def test_verdict_wrong_shows_and_can_be_changed(client, auth, event):
    assert _post(client, auth, kind="event", record_id=event["id"], verdict="wrong").status_code == 201
    assert all(v["review"]["verdict"] == "wrong" for v in _event_view(client, event["id"]))
    # a note alone keeps the verdict; an edit without a verdict keeps it too
    assert _post(client, auth, kind="event", record_id=event["id"], note="checked again").status_code == 201
    assert _post(client, auth, kind="event", record_id=event["id"], edits={"negated": True}).status_code == 201
    listed, _ = _event_view(client, event["id"])
    assert listed["review"]["verdict"] == "wrong" and listed["review"]["note"] == "checked again"
    assert listed["negated"] is True
    assert _post(client, auth, kind="event", record_id=event["id"], verdict="correct").status_code == 201
    assert _event_view(client, event["id"])[0]["review"]["verdict"] == "correct"
    # a null verdict gives none: sent with an edit (as a form may do), it keeps the latest verdict
    assert _post(client, auth, kind="event", record_id=event["id"], verdict=None, edits={"negated": False},
                 note="not negated after all").status_code == 201
    listed, _ = _event_view(client, event["id"])
    assert listed["review"]["verdict"] == "correct" and listed["review"]["history_count"] == 5
    assert listed["negated"] is False and listed["review"]["edited"]["negated"]["after"] is False


def test_audit_trail_lists_every_change_newest_first(client, auth, event, sample_db):
    from truceline.api.security import create_token

    bob = {"Authorization": f"Bearer {create_token(sample_db, 'bob')}"}
    _post(client, auth, kind="event", record_id=event["id"], edits={"plover": "ASSAULT"})
    _post(client, bob, kind="event", record_id=event["id"], edits={"plover": "COERCE"}, verdict="wrong")
    _post(client, auth, kind="event", record_id=event["id"], edits={"plover": "THREATEN"})
    trail = client.get("/api/v1/reviews", params={"kind": "event", "record_id": event["id"]}).json()
    assert trail["total"] == 4
    got = [(x["reviewer"], x["field"], x["verdict"], x["before"], x["after"]) for x in trail["items"]]
    assert got == [
        ("alice", "plover", None, "COERCE", "THREATEN"),
        ("bob", "plover", None, "ASSAULT", "COERCE"),
        ("bob", None, "wrong", None, None),
        ("alice", "plover", None, event["plover"], "ASSAULT"),
    ]
    ids = [x["id"] for x in trail["items"]]
    assert ids == sorted(ids, reverse=True)
    assert [x["created_at"] for x in trail["items"]] == sorted((x["created_at"] for x in trail["items"]), reverse=True)
    listed, _ = _event_view(client, event["id"])
    assert listed["plover"] == "THREATEN" and listed["review"]["by"] == "alice"
    assert listed["review"]["edited"]["plover"] == {"before": event["plover"], "after": "THREATEN"}  # machine value kept
    assert listed["review"]["verdict"] == "wrong" and listed["review"]["history_count"] == 4
    assert client.get("/api/v1/reviews", params={"kind": "claim"}).json()["total"] == 0
    assert client.get("/api/v1/reviews").json()["total"] == 4


@pytest.mark.parametrize("edits,message", [
    ({"plover": "BOMBARD"}, "not a PLOVER type"),
    ({"plover": "assault"}, "not a PLOVER type"),
    ({"modality": "probable"}, "modality"),
    ({"negated": "perhaps"}, "negated"),
    ({"source": "Armenia"}, "source"),
    ({"colour": "red"}, "has no field 'colour'"),
    ({"id": "x-e1"}, "cannot be edited"),
    ({"evidence": []}, "cannot be edited"),
])  # fmt: skip
def test_invalid_edits_are_refused(client, auth, event, edits, message):
    r = _post(client, auth, kind="event", record_id=event["id"], edits=edits)
    assert r.status_code == 422, r.text
    assert message in r.json()["error"]["message"]
    assert client.get("/api/v1/reviews").json()["total"] == 0  # nothing stored


def test_invalid_requests(client, auth, event):
    assert _post(client, auth, kind="event", record_id="no-such-event").status_code == 422  # nothing to review
    r = _post(client, auth, kind="event", record_id="no-such-event", verdict="wrong")
    assert r.status_code == 404 and "no event with id" in r.json()["error"]["message"]
    assert _post(client, auth, kind="actor", record_id=event["id"], verdict="wrong").status_code == 422
    assert _post(client, auth, kind="event", record_id=event["id"], verdict="maybe").status_code == 422
    assert _post(client, auth, kind="event", record_id=event["id"], verdict="wrong", extra=1).status_code == 422
    assert _post(client, auth, kind="incident", record_id=event["id"], verdict="wrong").status_code == 404


def test_every_kind_can_be_reviewed(client, auth):
    doc_id = client.get("/api/v1/documents").json()["items"][0]["id"]
    doc = client.get(f"/api/v1/documents/{doc_id}").json()
    sources = {
        "event": client.get("/api/v1/events").json()["items"],
        "quote": client.get("/api/v1/quotes").json()["items"],
        "mention": doc["mentions"],
        "incident": client.get("/api/v1/incidents").json()["items"],
        "claim": client.get("/api/v1/claims").json()["items"],
        "contradiction": client.get("/api/v1/contradictions").json()["items"],
        "agreement": client.get("/api/v1/agreements").json()["items"],
        "commitment": client.get("/api/v1/commitments").json()["items"],
    }
    for kind, items in sources.items():
        assert items, f"the sample corpus has no {kind}"
        r = _post(client, auth, kind=kind, record_id=items[0]["id"], verdict="wrong")
        assert r.status_code == 201, (kind, r.text)
    assert client.get("/api/v1/reviews").json()["total"] == len(sources)
    assert client.get("/api/v1/quotes").json()["items"][0]["review"]["verdict"] == "wrong"
    assert client.get("/api/v1/incidents").json()["items"][0]["review"]["verdict"] == "wrong"
    assert client.get("/api/v1/commitments").json()["items"][0]["review"]["verdict"] == "wrong"
    doc = client.get(f"/api/v1/documents/{doc_id}").json()
    assert doc["mentions"][0]["review"]["verdict"] == "wrong"


def test_verification_record_edits_are_validated(client, auth):
    agreement = client.get("/api/v1/agreements").json()["items"][0]
    r = _post(client, auth, kind="agreement", record_id=agreement["id"], edits={"status": "signed"})
    assert r.status_code == 422 and "status" in r.json()["error"]["message"]
    r = _post(client, auth, kind="agreement", record_id=agreement["id"], edits={"status": "collapsed"})
    assert r.status_code == 201
    got = client.get(f"/api/v1/agreements/{agreement['id']}").json()
    assert got["status"] == "collapsed"
    assert got["review"]["edited"]["status"] == {"before": agreement["status"], "after": "collapsed"}
    commitment = client.get("/api/v1/commitments").json()["items"][0]
    assert _post(client, auth, kind="commitment", record_id=commitment["id"],
                 edits={"status": "kept"}).status_code == 422
    assert _post(client, auth, kind="commitment", record_id=commitment["id"],
                 edits={"status": "breached"}).status_code == 201
    got = next(c for c in client.get("/api/v1/commitments").json()["items"] if c["id"] == commitment["id"])
    assert got["status"] == "breached" and got["review"]["edited"]["status"]["before"] == commitment["status"]
    incident = client.get("/api/v1/incidents").json()["items"][0]
    assert _post(client, auth, kind="incident", record_id=incident["id"], edits={"plover": "X"}).status_code == 422
    assert _post(client, auth, kind="incident", record_id=incident["id"],
                 edits={"credibility": "high"}).status_code == 422


def test_review_survives_reprocess_and_reingest(client, auth, event, sample_db):
    incident = client.get("/api/v1/incidents").json()["items"][0]
    assert _post(client, auth, kind="event", record_id=event["id"], verdict="wrong",
                 edits={"plover": "ASSAULT"}).status_code == 201
    assert _post(client, auth, kind="incident", record_id=incident["id"], verdict="correct").status_code == 201
    engine = client.app.state.engine

    def count() -> int:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(reviews)).scalar_one()

    def check() -> None:
        listed, in_doc = _event_view(client, event["id"])
        for view in (listed, in_doc):
            assert view["plover"] == "ASSAULT" and view["review"]["verdict"] == "wrong"
            assert view["review"]["edited"]["plover"]["before"] == event["plover"]
        inc = client.get(f"/api/v1/incidents/{incident['id']}").json()
        assert inc["review"]["verdict"] == "correct"
        assert count() == 3

    summary = reprocess(engine=engine)
    assert summary.updated == 5
    check()
    again = ingest([SAMPLE], engine=engine)
    assert again.unchanged == 5
    check()


def test_token_cli_create_list_revoke(runner, sample_db, client, event):
    created = runner.invoke(cli_app, ["token", "create", "carol", "--db", sample_db])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("tl_")
    listed = runner.invoke(cli_app, ["token", "list", "--db", sample_db])
    assert listed.exit_code == 0 and "carol" in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout
    auth = {"Authorization": f"Bearer {secret}"}
    r = _post(client, auth, kind="event", record_id=event["id"], verdict="correct")
    assert r.status_code == 201 and r.json()["items"][0]["reviewer"] == "carol"

    revoked = runner.invoke(cli_app, ["token", "revoke", "carol", "--db", sample_db])
    assert revoked.exit_code == 0 and "revoked 1" in revoked.stdout
    assert _post(client, auth, kind="event", record_id=event["id"], verdict="correct").status_code == 401
    assert "revoked" in runner.invoke(cli_app, ["token", "list", "--db", sample_db]).stdout
    assert runner.invoke(cli_app, ["token", "revoke", "carol", "--db", sample_db]).exit_code == 2
    assert [t["revoked"] for t in list_tokens(sample_db)] == [True]
