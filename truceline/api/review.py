"""Write endpoints: analyst review (verdicts and edits, an audit trail) and ingest, token-protected.

``POST /api/v1/reviews`` and ``POST /api/v1/ingest`` need ``Authorization: Bearer <token>``
(:mod:`truceline.api.security`); the token's name is the reviewer in the audit trail.
``GET /api/v1/reviews`` (the trail, newest first) is open like every read endpoint.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from truceline.api.deps import Conn, Paging
from truceline.api.security import Reviewer
from truceline.review import KINDS, ReviewError, add_condition, add_review, history, overlay
from truceline.store.retry import write_transaction

router = APIRouter(prefix="/api/v1")

Kind = Literal["event", "quote", "mention", "incident", "claim", "contradiction", "agreement", "commitment", "condition"]
assert set(KINDS) == set(Kind.__args__)  # type: ignore[attr-defined]
MAX_DOCUMENTS = 100


class ReviewIn(BaseModel):
    """A verdict and/or edits of one record. A null verdict gives none: the latest one given stays."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind
    record_id: str = Field(min_length=1, max_length=64)
    verdict: Literal["correct", "wrong"] | None = None
    edits: dict[str, Any] = Field(default_factory=dict, max_length=50,
                                  description="Field -> new value; the record must stay valid.")
    note: str | None = Field(default=None, max_length=5000)


class ReviewRow(BaseModel):
    id: int
    kind: str
    record_id: str
    verdict: str | None
    field: str | None
    before: Any = None
    after: Any = None
    note: str | None
    reviewer: str
    created_at: str


class ReviewOut(BaseModel):
    items: list[ReviewRow]
    record: dict[str, Any] = Field(description="The record as read now, with every review laid over it.")


class ReviewPage(BaseModel):
    items: list[ReviewRow]
    total: int
    limit: int
    offset: int
    next: str | None


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=500_000)
    title: str | None = Field(default=None, max_length=1000)
    outlet: str | None = Field(default=None, max_length=300)
    author: str | None = Field(default=None, max_length=300)
    published: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=2000)


class IngestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_DOCUMENTS)


@router.post("/reviews", status_code=201, response_model=ReviewOut,
             summary="Review a record: a verdict (correct, wrong) and/or edits of its fields (token required)",
             responses={401: {"description": "No valid token"}, 404: {"description": "Unknown record"},
                        422: {"description": "Invalid review or edit"}})  # fmt: skip
def post_review(body: ReviewIn, request: Request, reviewer: Reviewer) -> dict:
    with write_transaction(request.app.state.engine) as conn:  # the store's write lock: no 'locked' 500s
        try:
            rows = add_review(conn, body.kind, body.record_id, reviewer, verdict=body.verdict, edits=body.edits,
                              note=body.note)
        except ReviewError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None
        from truceline.review import find_record

        record = find_record(conn, body.kind, body.record_id)
        current = overlay(conn, body.kind, [record.model_dump(mode="json")])[0] if record else {}
    return {"items": rows, "record": current}


class SpanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1, max_length=32)
    start: int = Field(ge=0, le=10_000_000)
    end: int = Field(ge=0, le=10_000_000)


class ConditionIn(BaseModel):
    """An analyst's condition: the :class:`~truceline.model.Condition` fields, evidence as document offsets."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["obligation", "threat", "red_line", "plan_trigger", "guarantee"]
    bound: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    beneficiary: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    condition: dict[str, Any]
    consequence: dict[str, Any] = Field(default_factory=dict)
    basis: dict[str, Any] | None = None
    date: str | None = Field(default=None, max_length=32)
    cue: str | None = Field(default=None, max_length=200)
    evidence: list[SpanIn] = Field(min_length=1, max_length=20)
    note: str | None = Field(default=None, max_length=5000)


class ConditionOut(BaseModel):
    items: list[ReviewRow]
    record: dict[str, Any] = Field(description="The condition as stored now, with its trigger watch.")


@router.post("/conditions", status_code=201, response_model=ConditionOut,
             summary="Add a condition an analyst read in a document; it is watched at once (token required)",
             responses={401: {"description": "No valid token"}, 404: {"description": "Unknown document"},
                        422: {"description": "Invalid condition"}})  # fmt: skip
def post_condition(body: ConditionIn, request: Request, reviewer: Reviewer) -> dict:
    from truceline.review import find_record

    record = body.model_dump(exclude={"note"})
    with write_transaction(request.app.state.engine) as conn:  # the store's write lock: no 'locked' 500s
        try:
            row = add_condition(conn, record, reviewer, note=body.note)
        except ReviewError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None
        found = find_record(conn, "condition", row["record_id"])
        current = overlay(conn, "condition", [found.model_dump(mode="json")])[0] if found else {}
    return {"items": [row], "record": current}


@router.get("/reviews", response_model=ReviewPage, summary="The review audit trail, newest first")
def get_reviews(request: Request, conn: Conn, paging: Paging,
                kind: Annotated[Kind | None, Query(description="Record kind.")] = None,
                record_id: Annotated[str | None, Query(max_length=64, description="Record id.")] = None) -> dict:
    return paging.wrap(history(conn, kind, record_id), request)


@router.post("/ingest", summary="Ingest up to 100 documents through the pipeline (token required)",
             responses={401: {"description": "No valid token"}})
def post_ingest(body: IngestIn, request: Request, _reviewer: Reviewer) -> dict:
    from truceline.pipeline import ingest

    with tempfile.TemporaryDirectory(prefix="truceline-api-") as tmp:
        path = Path(tmp) / "api-ingest.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for doc in body.documents:
                fh.write(json.dumps(doc.model_dump(exclude_none=True), ensure_ascii=False) + "\n")
        summary = ingest([path], engine=request.app.state.engine).as_dict()
    summary["errors"] = [e.replace(str(path), "documents", 1) for e in summary["errors"]]
    return summary
