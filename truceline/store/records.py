"""Reading records <-> table rows, in one place so the write and read sides cannot drift.

Rows keep offsets only; spans (with their text) are rebuilt from the stored clean text on
the way out, which is what guarantees ``text[start:end] == span.text`` for every record.
"""

from __future__ import annotations

from typing import Any

from truceline.model import Actor, ActorRef, Event, Evidence, Mention, Place, Quote, Role, Timex, make_span
from truceline.store.schema import actors, events, mentions, places, quotes, timexes


def _first(record) -> tuple[int, int]:
    span = record.evidence[0].span
    return span.start, span.end


def _spans(record) -> list[list[int]]:
    return [[e.span.start, e.span.end] for e in record.evidence]


def actor_row(a: Actor) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "type": a.type, "code": a.code, "country": a.country, "sector": a.sector,
            "provisional": a.provisional, "aliases": a.aliases, "roles": [r.model_dump() for r in a.roles],
            "source": a.source}  # fmt: skip


def reading_rows(doc_id: str, reading) -> dict[Any, list[dict[str, Any]]]:
    """Rows for every table a document's reading fills (actors are shared across documents)."""
    out: dict[Any, list[dict[str, Any]]] = {
        actors: [actor_row(a) for a in reading.actors],
        mentions: [],
        quotes: [],
        timexes: [],
        places: [],
        events: [],
    }
    for m in reading.mentions:
        start, end = _first(m)
        out[mentions].append({"id": m.id, "doc_id": doc_id, "actor_id": m.actor_id, "kind": m.kind,
                              "resolved_by": m.resolved_by, "code": m.code, "start": start, "end": end})  # fmt: skip
    for q in reading.quotes:
        out[quotes].append({
            "id": q.id, "doc_id": doc_id, "kind": q.kind, "cue": q.cue,
            "cue_start": q.cue_span.start if q.cue_span else None, "cue_end": q.cue_span.end if q.cue_span else None,
            "speaker_start": q.speaker.start if q.speaker else None, "speaker_end": q.speaker.end if q.speaker else None,
            "speaker_text": q.speaker_text, "speaker_actor_id": q.speaker_actor_id, "channel": q.channel,
            "spans": _spans(q),
        })  # fmt: skip
    for t in reading.timex:
        start, end = _first(t)
        out[timexes].append({"id": t.id, "doc_id": doc_id, "type": t.type, "value": t.value, "mod": t.mod,
                             "anchor": t.anchor, "issues": t.issues, "start": start, "end": end})  # fmt: skip
    for p in reading.places:
        out[places].append({"id": p.id, "doc_id": doc_id, "name": p.name, "feature": p.feature, "country": p.country,
                            "lat": p.lat, "lon": p.lon, "geonames_id": p.geonames_id, "source": p.source,
                            "spans": _spans(p)})  # fmt: skip
    for ev in reading.events:
        start, end = _first(ev)
        out[events].append({
            "id": ev.id, "doc_id": doc_id, "plover": ev.plover, "mode": ev.mode, "context": ev.context,
            "cameo": ev.cameo, "source": [r.model_dump() for r in ev.source], "target": [r.model_dump() for r in ev.target],
            "date": ev.date, "place_id": ev.place_id, "location": ev.location, "modality": ev.modality,
            "claimant": ev.claimant.model_dump() if ev.claimant else None, "negated": ev.negated,
            "start": start, "end": end,
        })  # fmt: skip
    return out


def _ev(doc_id: str, text: str, start: int, end: int) -> Evidence:
    return Evidence(span=make_span(doc_id, text, start, end))


def actor_from_row(r: dict) -> Actor:
    return Actor(id=r["id"], name=r["name"], type=r["type"], code=r["code"], country=r["country"], sector=r["sector"],
                 provisional=r["provisional"], aliases=r["aliases"], roles=[Role(**x) for x in r["roles"]],
                 source=r["source"])  # fmt: skip


def mention_from_row(r: dict, text: str) -> Mention:
    return Mention(id=r["id"], actor_id=r["actor_id"], kind=r["kind"], resolved_by=r["resolved_by"], code=r["code"],
                   evidence=[_ev(r["doc_id"], text, r["start"], r["end"])])  # fmt: skip


def quote_from_row(r: dict, text: str) -> Quote:
    def span(a, b):
        return make_span(r["doc_id"], text, r[a], r[b]) if r[a] is not None else None

    return Quote(id=r["id"], kind=r["kind"], cue=r["cue"], cue_span=span("cue_start", "cue_end"),
                 speaker=span("speaker_start", "speaker_end"), speaker_text=r["speaker_text"],
                 speaker_actor_id=r["speaker_actor_id"], channel=r["channel"],
                 evidence=[_ev(r["doc_id"], text, s, e) for s, e in r["spans"]])  # fmt: skip


def timex_from_row(r: dict, text: str) -> Timex:
    return Timex(id=r["id"], type=r["type"], value=r["value"], mod=r["mod"], anchor=r["anchor"], issues=r["issues"],
                 evidence=[_ev(r["doc_id"], text, r["start"], r["end"])])  # fmt: skip


def place_from_row(r: dict, text: str) -> Place:
    return Place(id=r["id"], name=r["name"], feature=r["feature"], country=r["country"], lat=r["lat"], lon=r["lon"],
                 geonames_id=r["geonames_id"], source=r["source"],
                 evidence=[_ev(r["doc_id"], text, s, e) for s, e in r["spans"]])  # fmt: skip


def event_from_row(r: dict, text: str) -> Event:
    return Event(id=r["id"], plover=r["plover"], mode=r["mode"], context=r["context"], cameo=r["cameo"],
                 source=[ActorRef(**a) for a in r["source"]], target=[ActorRef(**a) for a in r["target"]],
                 date=r["date"], place_id=r["place_id"], location=r["location"], modality=r["modality"],
                 claimant=ActorRef(**r["claimant"]) if r["claimant"] else None, negated=r["negated"],
                 evidence=[Evidence(span=make_span(r["doc_id"], text, r["start"], r["end"]), role="event")])  # fmt: skip
