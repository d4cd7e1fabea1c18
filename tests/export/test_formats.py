"""Every export format read back and checked against the store (through the extraction contract)."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest

from tests.backends import copy_store
from tests.conftest import ROOT
from tests.export.conftest import contract_events, incidents_of
from truceline.eval.events_plover import TYPES as PLOVER_TYPES
from truceline.export import COLUMNS, FORMATS, export, plover
from truceline.export import cameo as cameo_tsv
from truceline.export.cameo_codes import CODES, ROOTS
from truceline.export.formats import feature_collection
from truceline.model import Event

CAMEO_CODEFILE = ROOT.parent / "shared" / "reference" / "cameo" / "CAMEO_codefile.txt"


def _export(fmt: str, db: str, tmp_path: Path) -> tuple[int, Path]:
    out = tmp_path / f"out{FORMATS[fmt].extension}"
    return export(fmt, db, out), out


def test_registry_names_six_formats_with_media_types():
    assert list(FORMATS) == ["csv", "jsonl", "parquet", "plover", "cameo-tsv", "geojson", "conditions-jsonl"]
    assert [f.name for f in FORMATS.values() if f.binary] == ["parquet"]
    for name, f in FORMATS.items():
        assert f.name == name and f.extension.startswith(".") and "/" in f.media_type and callable(f.writer)
        assert f.filename.startswith("truceline-") and f.filename.endswith(f.extension)
    assert FORMATS["geojson"].media_type == "application/geo+json"
    assert FORMATS["csv"].media_type.startswith("text/csv")


def test_unknown_format_and_binary_to_stdout_are_refused(small_db):
    with pytest.raises(ValueError, match="unknown export format"):
        export("xml", small_db, None)
    with pytest.raises(ValueError, match="binary"):
        export("parquet", small_db, None)


def _split(cell: str) -> list[str]:
    return cell.split(";") if cell else []


def test_csv_reads_back_as_the_events(store, tmp_path):
    n, out = _export("csv", store, tmp_path)
    events, texts = contract_events(store)
    raw = out.read_bytes()
    assert raw.decode("utf-8")  # UTF-8, no BOM
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") >= n + 1  # RFC 4180 line ends
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert header == list(COLUMNS)
    assert n == len(rows) == len(events)
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        ev = events[r["id"]]
        span = ev["evidence"][0]["span"]
        assert r["doc_id"] == ev["doc_id"] == span["doc_id"]
        assert r["plover"] == ev["plover"] and r["cameo"] == (ev["cameo"] or "")
        assert r["date"] == (ev["date"] or "") and r["mode"] == (ev["mode"] or "")
        assert _split(r["context"]) == ev["context"]
        assert _split(r["source_texts"]) == [a["text"] for a in ev["source"]]
        assert r["source_codes"] == ";".join(a["code"] or "" for a in ev["source"])
        assert _split(r["target_texts"]) == [a["text"] for a in ev["target"]]
        assert r["target_codes"] == ";".join(a["code"] or "" for a in ev["target"])
        assert r["modality"] == ev["modality"] and r["negated"] == ("true" if ev["negated"] else "false")
        assert r["claimant"] == ((ev["claimant"] or {}).get("text") or "")
        assert r["outlet"] == (ev["outlet"] or "") and r["url"] == (ev["url"] or "")
        # every row traces back: the sentence is the document's text at its offsets
        start, end = int(r["start"]), int(r["end"])
        assert r["sentence"] == span["text"] == texts[r["doc_id"]][start:end]


def test_csv_quotes_commas_and_quotes(small_db, tmp_path):
    _, out = _export("csv", small_db, tmp_path)
    text = out.read_text(encoding="utf-8")
    assert '""a gross breach""' in text  # an embedded quote is doubled inside a quoted field
    with out.open(newline="", encoding="utf-8") as fh:
        sentences = [r["sentence"] for r in csv.DictReader(fh)]
    assert any('"a gross breach"' in s and "," in s for s in sentences)


def test_jsonl_lines_are_the_event_records(store, tmp_path):
    n, out = _export("jsonl", store, tmp_path)
    events, texts = contract_events(store)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == len(events)
    for line in lines:
        rec = json.loads(line)
        assert set(rec) >= set(Event.model_fields) | {"doc_id", "outlet", "url", "incident_id", "lat", "lon"}
        event = Event.model_validate({k: rec[k] for k in Event.model_fields})
        ev = events[rec["id"]]
        assert event.model_dump(mode="json") == {k: ev[k] for k in Event.model_fields}
        assert rec["doc_id"] == ev["doc_id"] and rec["outlet"] == ev["outlet"] and rec["url"] == ev["url"]
        span = event.evidence[0].span
        assert span.verify(texts[rec["doc_id"]])


def test_jsonl_incident_ids_are_the_incidents_of_the_events(small_db, tmp_path):
    _, out = _export("jsonl", small_db, tmp_path)
    member = {e: i["id"] for i in incidents_of(small_db) for e in i["event_ids"]}
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert member and any(r["incident_id"] for r in recs)
    assert all(r["incident_id"] == member.get(r["id"]) for r in recs)


def test_parquet_has_the_rows_and_types(store, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n, out = _export("parquet", store, tmp_path)
    events, _ = contract_events(store)
    table = pq.read_table(out)
    assert table.num_rows == n == len(events)
    assert table.column_names == list(COLUMNS)
    kinds = {"str": pa.string(), "list": pa.list_(pa.string()), "bool": pa.bool_(), "float": pa.float64(),
             "int": pa.int64()}  # fmt: skip
    for name, kind in COLUMNS.items():
        assert table.schema.field(name).type == kinds[kind], name
    for row in table.to_pylist():
        ev = events[row["id"]]
        span = ev["evidence"][0]["span"]
        assert row["source_texts"] == [a["text"] for a in ev["source"]]
        assert row["target_codes"] == [a["code"] or "" for a in ev["target"]]
        assert row["context"] == ev["context"] and row["negated"] is ev["negated"]
        assert (row["sentence"], row["start"], row["end"]) == (span["text"], span["start"], span["end"])
        assert row["lat"] is None or -90 <= row["lat"] <= 90


def test_parquet_matches_the_csv(small_db, tmp_path):
    import pyarrow.parquet as pq

    from truceline.export.formats import csv_cell

    _, pq_out = _export("parquet", small_db, tmp_path)
    _, csv_out = _export("csv", small_db, tmp_path)
    with csv_out.open(newline="", encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    for row, c in zip(pq.read_table(pq_out).to_pylist(), csv_rows, strict=True):
        assert {k: csv_cell(v, COLUMNS[k]) for k, v in row.items()} == c


# The PLOVER JSON table of the PLOVER manual ("JSON Data Fields"): name -> required.
PLOVER_MANUAL_FIELDS = {
    "id": True, "has_event": False, "date": True, "time": False, "enddate": False, "endtime": False,
    "source": True, "recipient": False, "event": True, "event_loc": False, "event_text": False,
    "quad_code": False, "event_scale": False, "mode": False, "context": False, "link": False, "text": False,
    "text_info": False, "cite_info": False, "coder": False, "coded_date": False, "coded_time": False,
    "comment": False,
}  # fmt: skip
PLOVER_ACTOR_FIELDS = {"code", "sector", "actor_text", "identifier_id", "identifier_text", "actor_loc", "religion",
                       "ethnicity", "office", "gender", "age"}  # fmt: skip
PLOVER_CITE_FIELDS = {"corpus", "citation", "url", "title", "language", "publication", "license", "copyright",
                      "coder", "codebook", "version"}  # fmt: skip
PLOVER_TEXT_FIELDS = {"sequence", "start", "end", "text_story", "connlu_parse", "treebank_parse"}


def test_plover_fields_are_the_manuals():
    assert set(plover.FIELDS) <= set(PLOVER_MANUAL_FIELDS)
    assert {k for k, req in PLOVER_MANUAL_FIELDS.items() if req} <= set(plover.FIELDS)
    assert set(plover.ACTOR_FIELDS) <= PLOVER_ACTOR_FIELDS and set(plover.CITE_FIELDS) <= PLOVER_CITE_FIELDS
    assert not set(plover.ADDED_FIELDS) & set(PLOVER_MANUAL_FIELDS)  # additions never reuse a standard name
    assert len(PLOVER_TYPES) == 16 and set(PLOVER_TYPES) <= set(plover.QUAD)


def test_plover_records_carry_the_plover_fields(store, tmp_path):
    n, out = _export("plover", store, tmp_path)
    events, texts = contract_events(store)
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(recs) == len(events)
    for rec in recs:
        assert set(plover.FIELDS) | set(plover.ADDED_FIELDS) <= set(rec)
        assert set(rec) - set(plover.ADDED_FIELDS) <= set(PLOVER_MANUAL_FIELDS)
        ev = events[rec["id"]]
        assert isinstance(rec["event"], list) and len(rec["event"]) == 1 and rec["event"][0] in PLOVER_TYPES
        assert rec["event"][0] == ev["plover"] and rec["has_event"] is True
        assert rec["quad_code"] in (1, 2, 3, 4)
        assert rec["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", rec["date"])
        assert rec["date_timex"] == ev["date"]
        if rec["date"]:
            assert ev["date"].startswith(rec["date"])
        for key, refs in (("source", ev["source"]), ("recipient", ev["target"])):
            assert [a["actor_text"] for a in rec[key]] == [r["text"] for r in refs]
            for a, r in zip(rec[key], refs, strict=True):
                assert set(plover.ACTOR_FIELDS) <= set(a)
                assert (a["code"] or "") + (a["sector"] or "") == (r["code"] or "")
                assert a["code"] is None or len(a["code"]) == 3
        assert isinstance(rec["context"], list) and rec["mode"] == ev["mode"]
        assert set(rec["cite_info"]) - {"citation"} <= PLOVER_CITE_FIELDS
        assert rec["cite_info"]["citation"] == ev["doc_id"] and rec["cite_info"]["url"] == ev["url"]
        assert rec["cite_info"]["publication"] == ev["outlet"]
        info = rec["text_info"]
        assert set(info) - {"doc_id"} <= PLOVER_TEXT_FIELDS
        assert rec["text"] == texts[info["doc_id"]][info["start"]:info["end"]] == ev["evidence"][0]["span"]["text"]
        loc = rec["event_loc"]
        assert loc is None or {"name", "latitude", "longitude"} <= set(loc)


def test_plover_quad_codes_follow_the_manual():
    assert [plover.QUAD[t] for t in ("AGREE", "COOPERATE", "REQUEST", "ASSAULT", "PROTEST", "SANCTION")] == \
        [1, 2, 3, 4, 4, 3]
    assert plover.day("2020-W44") is None and plover.day("2020-10") is None
    assert plover.day("2020-10-27T14:00") == "2020-10-27"
    assert plover.actor({"text": "OSCE Minsk Group", "code": "IGOEUROSC", "actor_id": "igo:x"}) == {
        "code": "IGO", "sector": "EUROSC", "actor_text": "OSCE Minsk Group", "identifier_id": "igo:x",
        "cameo_code": "IGOEUROSC"}  # fmt: skip


def _codebook() -> set[str]:
    if not CAMEO_CODEFILE.exists():
        return set(CODES)
    return {m.group(1) for line in CAMEO_CODEFILE.read_text(encoding="utf-8").splitlines()
            if (m := re.match(r"^LABELi?:\s*(\d+)\s*=", line))}  # fmt: skip


def test_bundled_cameo_codes_are_the_codebooks():
    assert set(CODES) == _codebook()
    assert sorted(ROOTS) == [f"{r:02d}" for r in range(1, 21)]


def test_cameo_tsv_rows_have_the_columns_and_codebook_codes(store, tmp_path):
    n, out = _export("cameo-tsv", store, tmp_path)
    events, _ = contract_events(store)
    codebook = _codebook()
    raw = out.read_text(encoding="utf-8")
    lines = raw.split("\n")
    assert lines[-1] == "" and "\r" not in raw
    lines = lines[:-1]
    assert lines[0].split("\t") == list(cameo_tsv.HEADER) and len(cameo_tsv.HEADER) == 12
    assert n == len(lines) - 1
    per_event: dict[str, int] = {}
    for line in lines[1:]:
        f = line.split("\t")
        assert len(f) == 12, line
        date, src, tgt, code, root, quad, _place, lat, lon, url, event_id, doc_id = f
        ev = events[event_id]
        assert doc_id == ev["doc_id"] and url == (ev["url"] or "")
        assert code in codebook and root == code[:2] and int(quad) == cameo_tsv.QUAD_CLASS[root]
        assert re.fullmatch(r"(\d{8})?", date)
        if date:
            assert ev["date"].replace("-", "").startswith(date)
        assert src in {a["code"] or "" for a in ev["source"]} | {""}
        assert tgt in {a["code"] or "" for a in ev["target"]} | {""}
        assert not ev["negated"] and ev["modality"] not in cameo_tsv.LEFT_OUT
        for v in (lat, lon):
            assert v == "" or math.isfinite(float(v))
        per_event[event_id] = per_event.get(event_id, 0) + 1
    for eid, count in per_event.items():
        ev = events[eid]
        assert count == len({a["code"] or "" for a in ev["source"]} or {""}) * \
            len({a["code"] or "" for a in ev["target"]} or {""})
    kept = {e for e, ev in events.items() if cameo_tsv.rows({**ev, "id": e})}
    assert kept == set(per_event)


def test_cameo_tsv_leaves_out_the_denied_event(small_db, tmp_path):
    _, out = _export("cameo-tsv", small_db, tmp_path)
    events, _ = contract_events(small_db)
    denied = [e for e, ev in events.items() if ev["modality"] == "denied"]
    assert denied, "the test corpus has a denial"
    assert not any(e in out.read_text(encoding="utf-8") for e in denied)


def test_cameo_codes_are_normalised_to_the_codebook():
    assert cameo_tsv.code_of("02") == "020" and cameo_tsv.code_of("0871") == "0871"
    assert cameo_tsv.code_of("176") == "170" and cameo_tsv.code_of("041:041") == "041"
    assert cameo_tsv.code_of(":110") == "110" and cameo_tsv.code_of(None) is None and cameo_tsv.code_of("999") is None
    assert cameo_tsv.clean("a\tb\nc") == "a b c"
    assert cameo_tsv.QUAD_CLASS["02"] == 0 and cameo_tsv.QUAD_CLASS["05"] == 1 and cameo_tsv.QUAD_CLASS["09"] == 3
    assert cameo_tsv.QUAD_CLASS["14"] == 4


def _check_geojson(fc: dict, incidents: list[dict]) -> None:
    assert fc["type"] == "FeatureCollection" and isinstance(fc["features"], list)
    placed = {i["id"]: i for i in incidents if i["lat"] is not None and i["lon"] is not None}
    assert fc["truceline:skipped"] == len(incidents) - len(placed)
    assert sorted(f["properties"]["id"] for f in fc["features"]) == sorted(placed)
    for f in fc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        inc = placed[f["properties"]["id"]]
        assert [lon, lat] == [inc["lon"], inc["lat"]]
        props = f["properties"]
        assert {"id", "plover", "cameo", "date", "grade", "independent_sources", "source_codes", "target_codes",
                "doc_ids", "location", "evidence"} <= set(props)  # fmt: skip
        assert props["evidence"] == inc["evidence"][0]["span"]["text"]
        assert props["evidence_doc_id"] == inc["evidence"][0]["span"]["doc_id"]


def test_geojson_is_a_valid_feature_collection(store, tmp_path):
    n, out = _export("geojson", store, tmp_path)
    fc = json.loads(out.read_text(encoding="utf-8"))
    _check_geojson(fc, incidents_of(store))
    assert n == len(fc["features"])


def test_geojson_places_incidents_with_coordinates(small_db, tmp_path):
    """Incidents with coordinates become Points at [lon, lat]; the rest are counted as skipped."""
    incidents = incidents_of(small_db)
    assert len(incidents) >= 2
    placed = [{**incidents[0], "lat": 39.8177, "lon": 46.7528}, {**incidents[1], "lat": -33.9, "lon": -179.5}]
    fc = feature_collection(placed + incidents[2:])
    _check_geojson(fc, placed + incidents[2:])
    assert fc["features"][0]["geometry"]["coordinates"] == [46.7528, 39.8177]
    unplaced = [i for i in incidents[2:] if i.get("lat") is None or i.get("lon") is None]
    assert fc["truceline:skipped"] == len(unplaced)
    assert len(fc["features"]) == len(incidents) - len(unplaced)
    json.dumps(fc)


def test_geojson_from_a_store_whose_incidents_have_coordinates(small_db, tmp_path):
    with copy_store(small_db, tmp_path, "placed") as url:
        _geojson_with_coordinates(url, tmp_path)


def _geojson_with_coordinates(url, tmp_path):
    from sqlalchemy import select, update

    from truceline.store.engine import open_engine
    from truceline.store.schema import incidents

    engine = open_engine(url)
    with engine.begin() as conn:
        first, data = conn.execute(select(incidents.c.id, incidents.c.data).order_by(incidents.c.id)).first()
        conn.execute(update(incidents).where(incidents.c.id == first).values(data={**data, "lat": 39.8, "lon": 46.75}))
    engine.dispose()
    n, out = _export("geojson", url, tmp_path)
    fc = json.loads(out.read_text(encoding="utf-8"))
    placed = [i for i in incidents_of(url) if i.get("lat") is not None and i.get("lon") is not None]
    assert n == len(placed) and first in {f["id"] for f in fc["features"]}
    [mine] = [f for f in fc["features"] if f["id"] == first]
    assert mine["geometry"]["coordinates"] == [46.75, 39.8]
    _check_geojson(fc, incidents_of(url))


def test_empty_store_gives_valid_empty_files(empty_db, tmp_path):
    import pyarrow.parquet as pq

    for fmt in FORMATS:
        n, out = _export(fmt, empty_db, tmp_path)
        assert n == 0 and out.exists()
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 0
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").strip() == ",".join(COLUMNS)
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8").strip() == "\t".join(cameo_tsv.HEADER)
