"""The export formats: a registry of writers, each turning the store into one file.

A writer reads everything it needs from the connection at once and returns an :class:`Output`
whose ``chunks`` are produced from memory, so the CLI writes them to a file or stdout and the API
streams them after the connection has been handed back.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from truceline import __version__
from truceline.export import cameo, plover
from truceline.export.records import condition_records, event_records, evidence_of, incident_records

BATCH = 500


@dataclass
class Output:
    """What a writer produced: how many records, the bytes (lazily), and what it left out."""

    count: int
    chunks: Iterable[bytes]
    skipped: int = 0


@dataclass(frozen=True)
class Format:
    name: str
    binary: bool
    media_type: str
    extension: str
    writer: Callable[[Connection], Output] = field(repr=False)
    subject: str = "events"  # what one record is, for the file name
    description: str = ""

    @property
    def filename(self) -> str:
        return f"truceline-{self.subject}{self.extension}"


# --- the flat event table (csv, parquet) -------------------------------------------------------

# column -> kind: str, list (of str), bool, float, int
COLUMNS: dict[str, str] = {
    "id": "str", "doc_id": "str", "date": "str", "plover": "str", "mode": "str", "context": "list",
    "cameo": "str", "source_codes": "list", "source_texts": "list", "source_actor_ids": "list",
    "target_codes": "list", "target_texts": "list", "target_actor_ids": "list", "modality": "str",
    "claimant": "str", "claimant_code": "str", "negated": "bool", "location": "str", "lat": "float",
    "lon": "float", "outlet": "str", "url": "str", "sentence": "str", "start": "int", "end": "int",
    "incident_id": "str",
}  # fmt: skip
LIST_SEP = ";"


def flat(ev: dict) -> dict:
    """One event as the flat row of :data:`COLUMNS` (lists stay lists; missing values are None).

    ``source_codes[i]``, ``source_texts[i]`` and ``source_actor_ids[i]`` describe the same actor (an
    actor without a code or id has an empty string there); the same for targets.
    """
    span = evidence_of(ev)
    src, tgt, claimant = ev.get("source") or [], ev.get("target") or [], ev.get("claimant") or {}
    return {
        "id": ev["id"], "doc_id": ev["doc_id"], "date": ev.get("date"), "plover": ev["plover"], "mode": ev.get("mode"),
        "context": list(ev.get("context") or []), "cameo": ev.get("cameo"),
        "source_codes": [r.get("code") or "" for r in src], "source_texts": [r["text"] for r in src],
        "source_actor_ids": [r.get("actor_id") or "" for r in src],
        "target_codes": [r.get("code") or "" for r in tgt], "target_texts": [r["text"] for r in tgt],
        "target_actor_ids": [r.get("actor_id") or "" for r in tgt],
        "modality": ev.get("modality"), "claimant": claimant.get("text"), "claimant_code": claimant.get("code"),
        "negated": bool(ev.get("negated")), "location": ev.get("location") or ev.get("place_name"),
        "lat": ev.get("lat"), "lon": ev.get("lon"), "outlet": ev.get("outlet"), "url": ev.get("url"),
        "sentence": span["text"], "start": span["start"], "end": span["end"], "incident_id": ev.get("incident_id"),
    }  # fmt: skip


def csv_cell(value, kind: str) -> str:
    """How a value is written in the CSV: lists joined by ``;``, booleans ``true``/``false``, None empty."""
    if value is None:
        return ""
    if kind == "list":
        return LIST_SEP.join(value)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    return str(value)


def _batched(items: list, render: Callable[[list], str]) -> Iterator[bytes]:
    for i in range(0, len(items), BATCH):
        yield render(items[i : i + BATCH]).encode("utf-8")


def _csv_lines(rows: Iterable[Iterable[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)  # RFC 4180: CRLF, quotes only where needed
    return buf.getvalue()


def write_csv(conn: Connection) -> Output:
    rows = [flat(ev) for ev in event_records(conn)]
    header = _csv_lines([list(COLUMNS)]).encode("utf-8")
    body = _batched(rows, lambda b: _csv_lines([csv_cell(r[c], k) for c, k in COLUMNS.items()] for r in b))
    return Output(len(rows), itertools.chain([header], body))


def write_jsonl(conn: Connection) -> Output:
    records = event_records(conn)
    return Output(len(records), _batched(records, lambda b: "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                                    for r in b)))  # fmt: skip


def write_conditions_jsonl(conn: Connection) -> Output:
    records = condition_records(conn)
    return Output(len(records), _batched(records, lambda b: "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                                    for r in b)))  # fmt: skip


def arrow_schema():
    import pyarrow as pa

    types = {"str": pa.string(), "list": pa.list_(pa.string()), "bool": pa.bool_(), "float": pa.float64(),
             "int": pa.int64()}  # fmt: skip
    return pa.schema([pa.field(c, types[k]) for c, k in COLUMNS.items()],
                     metadata={"producer": f"truceline {__version__}", "record": "event"})  # fmt: skip


def write_parquet(conn: Connection) -> Output:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [flat(ev) for ev in event_records(conn)]
    table = pa.Table.from_pylist(rows, schema=arrow_schema())
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return Output(len(rows), [buf.getvalue()])


def write_plover(conn: Connection) -> Output:
    records = [plover.record(ev) for ev in event_records(conn)]
    return Output(len(records), _batched(records, lambda b: "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                                    for r in b)))  # fmt: skip


def write_cameo_tsv(conn: Connection) -> Output:
    per_event = [cameo.rows(ev) for ev in event_records(conn)]
    rows = [row for event_rows in per_event for row in event_rows]
    left_out = sum(not event_rows for event_rows in per_event)
    lines = ["\t".join(cameo.HEADER)] + ["\t".join(r) for r in rows]
    return Output(len(rows), _batched(lines, lambda b: "".join(line + "\n" for line in b)), skipped=left_out)


def feature(inc: dict) -> dict:
    """One incident as a GeoJSON Point feature (the incident must have coordinates)."""
    span = evidence_of(inc)
    return {
        "type": "Feature",
        "id": inc["id"],
        "geometry": {"type": "Point", "coordinates": [inc["lon"], inc["lat"]]},
        "properties": {
            "id": inc["id"], "plover": inc.get("plover"), "cameo": inc.get("cameo"), "date": inc.get("date"),
            "grade": inc.get("grade"), "independent_sources": inc.get("independent_sources", 0),
            "source_codes": [r.get("code") for r in inc.get("source") or [] if r.get("code")],
            "target_codes": [r.get("code") for r in inc.get("target") or [] if r.get("code")],
            "doc_ids": list(inc.get("doc_ids") or []), "event_ids": list(inc.get("event_ids") or []),
            "location": inc.get("location"), "evidence": span["text"], "evidence_doc_id": span["doc_id"],
            "evidence_start": span["start"], "evidence_end": span["end"],
        },
    }  # fmt: skip


def feature_collection(incidents: list[dict]) -> dict:
    """Incidents with coordinates as a FeatureCollection; ``truceline:skipped`` counts those without."""
    placed = [i for i in incidents if i.get("lat") is not None and i.get("lon") is not None]
    return {"type": "FeatureCollection", "features": [feature(i) for i in placed],
            "truceline:skipped": len(incidents) - len(placed), "truceline:producer": f"truceline {__version__}"}  # fmt: skip


def write_geojson(conn: Connection) -> Output:
    fc = feature_collection(incident_records(conn))
    data = json.dumps(fc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    return Output(len(fc["features"]), [data], skipped=fc["truceline:skipped"])


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("csv", False, "text/csv; charset=utf-8", ".csv", write_csv,
           description="one row per event, UTF-8, header, RFC 4180 quoting"),
    Format("jsonl", False, "application/x-ndjson", ".jsonl", write_jsonl,
           description="one JSON object per event: the Event record + document, place and incident"),
    Format("parquet", True, "application/vnd.apache.parquet", ".parquet", write_parquet,
           description="the CSV columns with types; lists as list<string>"),
    Format("plover", False, "application/x-ndjson", ".plover.jsonl", write_plover,
           description="PLOVER JSON records, one per line"),
    Format("cameo-tsv", False, "text/tab-separated-values; charset=utf-8", ".tsv", write_cameo_tsv,
           description="CAMEO rows (Phoenix/ICEWS-style), one per source x target pair"),
    Format("geojson", False, "application/geo+json", ".geojson", write_geojson, subject="incidents",
           description="a FeatureCollection of incidents with coordinates"),
    Format("conditions-jsonl", False, "application/x-ndjson", ".jsonl", write_conditions_jsonl, subject="conditions",
           description="one JSON object per condition: the Condition record with its trigger watch"),
)}  # fmt: skip


def render(fmt: str, conn: Connection) -> Output:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return FORMATS[fmt].writer(conn)


def export(fmt: str, db: str | None = None, out: Path | None = None) -> int:
    """Write the store at ``db`` as ``fmt`` to ``out`` (stdout when None, text formats only).

    Returns the number of records written (rows for ``cameo-tsv``, features for ``geojson``). The file
    is written beside ``out`` and moved into place, so a failed export never leaves half a file.
    """
    from truceline.store.engine import open_engine

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    spec = FORMATS[fmt]
    if out is None and spec.binary:
        raise ValueError(f"{fmt} is binary: give an output file")
    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            result = spec.writer(conn)
    finally:
        engine.dispose()
    if out is None:
        sys.stdout.flush()
        stream = getattr(sys.stdout, "buffer", None)
        for chunk in result.chunks:
            if stream is not None:
                stream.write(chunk)
            else:
                sys.stdout.write(chunk.decode("utf-8"))
        (stream or sys.stdout).flush()
        return result.count
    out = Path(out)
    part = out.with_name(out.name + ".part")
    try:
        with part.open("wb") as fh:
            for chunk in result.chunks:
                fh.write(chunk)
        part.replace(out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return result.count
