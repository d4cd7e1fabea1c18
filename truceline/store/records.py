"""Reading records <-> table rows, in one place so the write and read sides cannot drift.

Rows keep offsets only; spans (with their text) are rebuilt from the stored clean text on
the way out, which is what guarantees ``text[start:end] == span.text`` for every record.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Table, delete, func, insert, select, update

from truceline.model import Actor, ActorRef, Event, Evidence, Mention, Place, Quote, Role, Span, Timex
from truceline.store.schema import (
    actors,
    event_actors,
    event_days,
    event_prefix_days,
    events,
    mentions,
    places,
    quotes,
    sentence_parses,
    timexes,
)

if TYPE_CHECKING:
    from truceline.nlp.stage import Reading

DayKey = tuple[str, ...]  # (day, plover) or (code prefix, day, plover)


def _first(record: Any) -> tuple[int, int]:
    span = record.evidence[0].span
    return span.start, span.end


def _spans(record: Any) -> list[list[int]]:
    return [[e.span.start, e.span.end] for e in record.evidence]


def actor_row(a: Actor) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "type": a.type, "code": a.code, "country": a.country, "sector": a.sector,
            "provisional": a.provisional, "aliases": a.aliases, "roles": [r.model_dump() for r in a.roles],
            "source": a.source}  # fmt: skip


def reading_rows(doc_id: str, reading: Reading) -> dict[Any, list[dict[str, Any]]]:
    """Rows for every table a document's reading fills (actors are shared across documents)."""
    out: dict[Any, list[dict[str, Any]]] = {
        actors: [actor_row(a) for a in reading.actors],
        mentions: [],
        quotes: [],
        timexes: [],
        places: [],
        events: [],
        event_actors: [],
    }
    coords = {p.id: (p.lat, p.lon) for p in reading.places}
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
    if parses := getattr(reading, "parses", None):
        spans, data = parses
        out[sentence_parses] = [{"doc_id": doc_id, "spans": [list(s) for s in spans], "data": data}]
    for ev in reading.events:
        start, end = _first(ev)
        out[events].append({
            "id": ev.id, "doc_id": doc_id, "plover": ev.plover, "mode": ev.mode, "context": ev.context,
            "cameo": ev.cameo, "source": [r.model_dump() for r in ev.source], "target": [r.model_dump() for r in ev.target],
            "date": ev.date, "place_id": ev.place_id, "location": ev.location, "modality": ev.modality,
            "claimant": ev.claimant.model_dump() if ev.claimant else None, "negated": ev.negated,
            "start": start, "end": end,
        })  # fmt: skip
        lat, lon = coords.get(ev.place_id, (None, None)) if ev.place_id else (None, None)
        out[events][-1].update(place_lat=lat, place_lon=lon, day=day_of(ev.date))
        out[event_actors] += event_actor_rows(out[events][-1])
    return out


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_of(date: str | None) -> str | None:
    """The event's date when it names one day (``YYYY-MM-DD``, a time of day dropped), else None."""
    if not date:
        return None
    head = date[:10]
    return head if _DAY.match(head) and (len(date) == 10 or date[10] == "T") else None


def event_actor_rows(row: dict[str, Any]) -> list[dict[str, Any]]:
    """An events row's source and target references as ``event_actors`` rows (codes upper-cased)."""
    out = []
    seen = set()
    countries = set()
    for role in ("source", "target"):
        for ref in row[role] or []:
            code = (ref.get("code") or "").upper() or None
            key = (role, code, ref.get("actor_id"))
            if (code is None and ref.get("actor_id") is None) or key in seen:
                continue
            seen.add(key)
            first3 = code is not None and code[:3] not in countries
            if first3 and code is not None:
                countries.add(code[:3])
            out.append({"event_id": row["id"], "doc_id": row["doc_id"], "role": role, "code": code,
                        "actor_id": ref.get("actor_id"), "plover": row["plover"], "date": row.get("date"),
                        "day": row.get("day"), "first3": first3})
    return out


def event_day_counts(conn: Connection, doc_ids: Iterable[str]) -> Counter[DayKey]:
    """Stored events of these documents per (day, plover): what their deletion takes from ``event_days``."""
    ids = list(doc_ids)
    if not ids:
        return Counter()
    query = (select(events.c.day, events.c.plover, func.count()).where(events.c.doc_id.in_(ids), events.c.day.is_not(None))
             .group_by(events.c.day, events.c.plover))  # fmt: skip
    return Counter({(d, p): n for d, p, n in conn.execute(query)})


def _apply_counts(conn: Connection, table: Table, keys: tuple[str, ...], delta: Counter[DayKey]) -> None:
    """Add ``delta`` (key tuple -> +/- events) to a count table; rows reaching zero go."""
    delta = Counter({k: n for k, n in delta.items() if n and all(k)})
    if not delta:
        return
    first = keys[0]
    values = sorted({k[0] for k in delta})
    current: dict[DayKey, int] = {}
    for i in range(0, len(values), 500):
        rows = conn.execute(select(table).where(table.c[first].in_(values[i:i + 500])))
        current.update({tuple(getattr(r, c) for c in keys): r.events for r in rows})
    fresh = []
    for key, n in delta.items():
        total = current.get(key, 0) + n
        where = [table.c[c] == v for c, v in zip(keys, key, strict=True)]
        if key not in current:
            if total > 0:
                fresh.append({**dict(zip(keys, key, strict=True)), "events": total})
        elif total <= 0:
            conn.execute(delete(table).where(*where))
        else:
            conn.execute(update(table).where(*where).values(events=total))
    if fresh:
        conn.execute(insert(table), fresh)


def apply_event_days(conn: Connection, delta: Counter[DayKey]) -> None:
    """Add ``delta`` ((day, plover) -> +/- events) to ``event_days``."""
    _apply_counts(conn, event_days, ("day", "plover"), delta)


def prefix_day_counts(conn: Connection, doc_ids: Iterable[str]) -> Counter[DayKey]:
    """Stored events of these documents per (code prefix, day, plover), from their ``first3`` rows."""
    ids = list(doc_ids)
    if not ids:
        return Counter()
    t = event_actors
    prefix = func.substr(t.c.code, 1, 3)
    query = (select(prefix, t.c.day, t.c.plover, func.count())
             .where(t.c.doc_id.in_(ids), t.c.first3 == True, t.c.day.is_not(None))  # noqa: E712
             .group_by(prefix, t.c.day, t.c.plover))  # fmt: skip
    return Counter({(x, d, p): n for x, d, p, n in conn.execute(query)})


def prefix_day_delta(rows: Iterable[dict[str, Any]]) -> Counter[DayKey]:
    """New ``event_actors`` rows as (code prefix, day, plover) counts."""
    return Counter((r["code"][:3], r["day"], r["plover"]) for r in rows if r.get("first3") and r.get("day") and r.get("code"))


def apply_prefix_days(conn: Connection, delta: Counter[DayKey]) -> None:
    _apply_counts(conn, event_prefix_days, ("prefix", "day", "plover"), delta)


def rebuild_prefix_days(conn: Connection) -> None:
    """``event_prefix_days`` recomputed from every stored ``event_actors`` row (migrations, bulk loads)."""
    t = event_actors
    prefix = func.substr(t.c.code, 1, 3)
    conn.execute(delete(event_prefix_days))
    conn.execute(insert(event_prefix_days).from_select(
        ["prefix", "day", "plover", "events"],
        select(prefix, t.c.day, t.c.plover, func.count())
        .where(t.c.first3 == True, t.c.day.is_not(None), t.c.code.is_not(None))  # noqa: E712
        .group_by(prefix, t.c.day, t.c.plover)))


def rebuild_event_days(conn: Connection) -> None:
    """``event_days`` recomputed from every stored event (migrations, bulk loads)."""
    conn.execute(delete(event_days))
    conn.execute(insert(event_days).from_select(
        ["day", "plover", "events"],
        select(events.c.day, events.c.plover, func.count()).where(events.c.day.is_not(None))
        .group_by(events.c.day, events.c.plover)))


# per class: None when it is not a record, else its shared fields sets (one or two a class)
_FIELDS_SETS: dict[type, list[set[str]] | None] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})  # field values with no record under them


def share_fields_sets(records: Iterable[Any]) -> None:
    """Give every pydantic record in ``records`` (nested records included) one shared
    ``__pydantic_fields_set__`` per class and set of fields, instead of a set of its own.

    Why: that per-instance set (which fields were passed in, consulted only by
    ``exclude_unset`` dumps, which truceline never makes) is about 40% of a loaded corpus's
    memory — some 170 KB a document, a set for each of ~460 records. Records read back from
    the store all pass the same fields, so the sets are equal; sharing one changes nothing a
    caller can see except ``model_fields_set`` after an assignment, which nothing reads.
    The walk visits every record of a corpus, so it looks classes up in a dict (no
    ``isinstance`` against pydantic's metaclass) and compares sets (no key built per record).
    """
    shared, setattr_, scalars = _FIELDS_SETS, object.__setattr__, _SCALARS
    stack = list(records)
    pop, extend = stack.pop, stack.extend
    while stack:
        r = pop()
        cls = r.__class__
        if cls is list:
            extend(r)
            continue
        if cls is dict:
            extend(r.values())
            continue
        if cls not in shared:
            shared[cls] = [] if issubclass(cls, BaseModel) else None
        sets = shared[cls]
        if sets is None:
            continue
        fields = r.__pydantic_fields_set__
        for one in sets:
            if one is fields or one == fields:
                break
        else:
            one = set(fields)
            sets.append(one)
        if one is fields:
            continue  # shared already, and so is everything under it (records loaded in chunks, then their documents)
        setattr_(r, "__pydantic_fields_set__", one)
        extend([v for v in r.__dict__.values() if v.__class__ not in scalars])  # most fields: nothing under them


_R = TypeVar("_R", bound=BaseModel)
_setattr = object.__setattr__


def _trusted(cls: type[_R], values: dict[str, Any], given: Iterable[str]) -> _R:
    """``cls(**{k: values[k] for k in given})`` without validating again what the store wrote
    from validated records.

    Why: validating every mention, quote, timex, place and event of a corpus once more, each
    span with its checks, was a third of loading a store for verification. ``values`` holds
    every field of ``cls``, in its order, with the value and type validation would give (the
    readers below build them so from the columns; defaults filled in), and ``given`` the
    fields a validating call would have been passed: the record is equal to the validated
    one, its fields set included.
    """
    record = cls.__new__(cls)
    _setattr(record, "__dict__", values)
    _setattr(record, "__pydantic_fields_set__", set(given))
    _setattr(record, "__pydantic_extra__", None)
    _setattr(record, "__pydantic_private__", None)
    return record


_SPAN_FIELDS = ("doc_id", "start", "end", "text")
_EVIDENCE_SPAN = ("span",)
_EVIDENCE_ROLE = ("span", "role")
_MENTION_FIELDS = ("id", "actor_id", "kind", "resolved_by", "code", "evidence")
_QUOTE_FIELDS = ("id", "kind", "cue", "cue_span", "speaker", "speaker_text", "speaker_actor_id", "channel", "evidence")
_TIMEX_FIELDS = ("id", "type", "value", "mod", "anchor", "issues", "evidence")
_PLACE_FIELDS = ("id", "name", "feature", "country", "lat", "lon", "geonames_id", "source", "evidence")
_EVENT_FIELDS = ("id", "plover", "mode", "context", "cameo", "source", "target", "date", "place_id", "location",
                 "modality", "claimant", "negated", "evidence")  # fmt: skip


def _span(doc_id: str, text: str, start: int, end: int) -> Span:
    """:func:`~truceline.model.make_span` for stored offsets: the same checks, no validation pass."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"offsets [{start}, {end}) outside a text of {len(text)} characters")
    return _trusted(Span, {"doc_id": doc_id, "start": start, "end": end, "text": text[start:end]}, _SPAN_FIELDS)


def _ev(doc_id: str, text: str, start: int, end: int) -> Evidence:
    return _trusted(Evidence, {"span": _span(doc_id, text, start, end), "role": "support", "note": None}, _EVIDENCE_SPAN)


def actor_from_row(r: dict[str, Any]) -> Actor:
    return Actor(id=r["id"], name=r["name"], type=r["type"], code=r["code"], country=r["country"], sector=r["sector"],
                 provisional=r["provisional"], aliases=r["aliases"], roles=[Role(**x) for x in r["roles"]],
                 source=r["source"])  # fmt: skip


def mention_from_row(r: dict[str, Any], text: str) -> Mention:
    return _trusted(Mention, {"id": r["id"], "actor_id": r["actor_id"], "kind": r["kind"], "resolved_by": r["resolved_by"],
                              "code": r["code"], "evidence": [_ev(r["doc_id"], text, r["start"], r["end"])]},
                    _MENTION_FIELDS)  # fmt: skip


def quote_from_row(r: dict[str, Any], text: str) -> Quote:
    def span(a: str, b: str) -> Span | None:
        return _span(r["doc_id"], text, r[a], r[b]) if r[a] is not None else None

    return _trusted(Quote, {"id": r["id"], "kind": r["kind"], "cue": r["cue"], "cue_span": span("cue_start", "cue_end"),
                            "speaker": span("speaker_start", "speaker_end"), "speaker_text": r["speaker_text"],
                            "speaker_actor_id": r["speaker_actor_id"], "channel": r["channel"],
                            "evidence": [_ev(r["doc_id"], text, s, e) for s, e in r["spans"]]}, _QUOTE_FIELDS)  # fmt: skip


def timex_from_row(r: dict[str, Any], text: str) -> Timex:
    return _trusted(Timex, {"id": r["id"], "type": r["type"], "value": r["value"], "mod": r["mod"], "anchor": r["anchor"],
                            "issues": list(r["issues"]), "evidence": [_ev(r["doc_id"], text, r["start"], r["end"])]},
                    _TIMEX_FIELDS)  # fmt: skip


def place_from_row(r: dict[str, Any], text: str) -> Place:
    return _trusted(Place, {"id": r["id"], "name": r["name"], "feature": r["feature"], "country": r["country"],
                            "lat": _float(r["lat"]), "lon": _float(r["lon"]), "geonames_id": r["geonames_id"],
                            "source": r["source"], "evidence": [_ev(r["doc_id"], text, s, e) for s, e in r["spans"]]},
                    _PLACE_FIELDS)  # fmt: skip


def _float(value: float | None) -> float | None:
    """A coordinate as validation gives it: a float (a column may hand back an int)."""
    return None if value is None else float(value)


def event_from_row(r: dict[str, Any], text: str) -> Event:
    evidence = _trusted(Evidence, {"span": _span(r["doc_id"], text, r["start"], r["end"]), "role": "event", "note": None},
                        _EVIDENCE_ROLE)
    return _trusted(Event, {"id": r["id"], "plover": r["plover"], "mode": r["mode"], "context": list(r["context"]),
                            "cameo": r["cameo"], "source": [ActorRef(**a) for a in r["source"]],
                            "target": [ActorRef(**a) for a in r["target"]], "date": r["date"], "place_id": r["place_id"],
                            "location": r["location"], "modality": r["modality"],
                            "claimant": ActorRef(**r["claimant"]) if r["claimant"] else None,
                            "negated": bool(r["negated"]), "evidence": [evidence]}, _EVENT_FIELDS)  # fmt: skip
