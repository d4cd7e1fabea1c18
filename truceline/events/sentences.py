"""The sentence interface: ``{"id", "text", "date"?}`` lines in, ``{"id", "events": [...]}`` lines out.

This is the shape event-data tools exchange (PETRARCH's and NGEC's sentence coders read and
write one sentence a line), so truceline can be dropped into such a pipeline. Bad lines are
reported with their number and skipped; the others are still coded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

from truceline.ingestion.textmeta import normalize_date
from truceline.model import Event

BATCH = 64


def event_json(e: Event) -> dict:
    """One event in the sentence interface's flat shape."""
    return {
        "plover": e.plover, "mode": e.mode, "context": e.context, "cameo": e.cameo,
        "source": [{"text": a.text, "code": a.code} for a in e.source],
        "target": [{"text": a.text, "code": a.code} for a in e.target],
        "location": e.location, "modality": e.modality,
        "claimant": {"text": e.claimant.text, "code": e.claimant.code} if e.claimant else None,
        "negated": e.negated, "date": e.date,
    }  # fmt: skip


def read_lines(path: Path, errors: list[str]) -> Iterator[tuple[str, str, date | None]]:
    with path.open(encoding="utf-8", errors="strict") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                    raise ValueError("expected an object with a 'text' string")
            except ValueError as exc:
                errors.append(f"{path}:{n}: {exc}")
                continue
            day = normalize_date(str(rec["date"])) if rec.get("date") else None
            yield str(rec.get("id", n)), rec["text"], date.fromisoformat(day) if day else None


def code_jsonl(path: Path, out: TextIO) -> list[str]:
    """Code every line of ``path`` and write the results to ``out``; returns the error lines."""
    from truceline.events.coder import code_sentences

    errors: list[str] = []
    try:
        pending: list[tuple[str, str, date | None]] = []
        for item in read_lines(path, errors):
            pending.append(item)
            if len(pending) >= BATCH:
                _flush(pending, out, code_sentences)
        _flush(pending, out, code_sentences)
    except UnicodeDecodeError as exc:
        errors.append(f"{path}: not valid UTF-8 (byte offset {exc.start})")
    return errors


def _flush(pending: list, out: TextIO, code_sentences) -> None:
    if not pending:
        return
    results = code_sentences([(text, when) for _, text, when in pending])
    for (sid, _, _), events in zip(pending, results, strict=True):
        out.write(json.dumps({"id": sid, "events": [event_json(e) for e in events]}, ensure_ascii=False) + "\n")
    pending.clear()
