"""What the exports read from the store: events with their document, place and incident; incidents.

Events are rebuilt with :func:`truceline.store.records.event_from_row` (spans sliced from the stored
clean text, like every other surface) and analyst reviews are laid over them with
:func:`truceline.review.overlay`, so an export holds exactly what the API's ``/events`` and
``/incidents`` show.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from truceline.review import overlay
from truceline.store.records import event_from_row
from truceline.store.schema import documents, events, outlets, places
from truceline.store.verification import all_texts, read_records


def _incidents(conn: Connection, texts: dict[str, str]) -> list[dict]:
    found = read_records(conn, "incident", texts)
    return overlay(conn, "incident", [i.model_dump(mode="json") for i in found])


def event_records(conn: Connection) -> list[dict]:
    """Every stored event as its :class:`~truceline.model.Event` dump plus ``doc_id, outlet, url, title,
    language, published, incident_id, lat, lon, place_name, geonames_id, place_country``.

    ``lat``/``lon`` are those of the place the event is linked to (``place_id``), as in the API; an event
    whose place is only named (``location``) has none. Ordered by date (undated last), document, offset.
    """
    texts = all_texts(conn)
    incident_of = {eid: inc["id"] for inc in _incidents(conn, texts) for eid in inc["event_ids"]}
    query = (
        select(events, places.c.lat, places.c.lon, places.c.name.label("place_name"),
               places.c.geonames_id, places.c.country.label("place_country"),
               documents.c.url, documents.c.title, documents.c.language, documents.c.published,
               outlets.c.name.label("outlet"))
        .select_from(events.join(documents, documents.c.id == events.c.doc_id)
                     .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
                     .outerjoin(places, places.c.id == events.c.place_id))
    )  # fmt: skip
    rows = [dict(r) for r in conn.execute(query).mappings()]
    rows.sort(key=lambda r: (r["date"] is None, r["date"] or "", r["doc_id"], r["start"], r["id"]))
    out = []
    for row in rows:
        rec = event_from_row(row, texts[row["doc_id"]]).model_dump(mode="json")
        rec.update(doc_id=row["doc_id"], outlet=row["outlet"], url=row["url"], title=row["title"],
                   language=row["language"], published=row["published"], incident_id=incident_of.get(row["id"]),
                   lat=row["lat"], lon=row["lon"], place_name=row["place_name"], geonames_id=row["geonames_id"],
                   place_country=row["place_country"])  # fmt: skip
        out.append(rec)
    return overlay(conn, "event", out)


def incident_records(conn: Connection) -> list[dict]:
    """Every stored incident (the :class:`~truceline.model.Incident` dump), in id order."""
    return _incidents(conn, all_texts(conn))


def condition_records(conn: Connection) -> list[dict]:
    """Every stored condition (the :class:`~truceline.model.Condition` dump with its trigger watch), reviews laid over."""
    found = read_records(conn, "condition", all_texts(conn))
    return overlay(conn, "condition", [c.model_dump(mode="json") for c in found])


def evidence_of(rec: dict) -> dict:
    """The first evidence span of a record: ``doc_id, start, end, text`` (empty when it has none)."""
    for ev in rec.get("evidence") or []:
        return ev["span"]
    return {"doc_id": None, "start": None, "end": None, "text": None}
