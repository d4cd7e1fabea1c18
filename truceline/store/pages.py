"""Filtered, sorted, paginated reads in SQL: what the API's hot lists and the timeline chart run.

Every filter is an indexed condition (see the ``query paths`` section of
:mod:`truceline.store.schema`): PLOVER type, modality and document on ``events``; dates as string
ranges on ``events.date`` (``since``/``until`` keep their prefix meaning: ``until=2020-10`` takes
all of October); a bounding box on the denormalised ``place_lat``/``place_lon``; an actor code
prefix as a range on ``event_actors.code``. Pages are ``ORDER BY date, id LIMIT/OFFSET`` with a
``COUNT`` for the total, and only the page's documents' texts are read to rebuild spans.
Portable SQLAlchemy Core: the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date as Date
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select

from truceline.store.schema import actors, event_actors, event_days, event_prefix_days, events, places

INTERVALS = ("day", "week", "month")


def next_prefix(prefix: str) -> str:
    """The least string greater than every string starting with ``prefix`` (binary order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_condition(column: ColumnElement[Any], prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``: an index range, with LIKE to keep it exact under any collation."""
    return and_(column >= prefix, column < next_prefix(prefix), column.like(_escape_like(prefix) + "%", escape="\\"))


def date_conditions(column: ColumnElement[Any], since: str | None, until: str | None) -> list[ColumnElement[bool]]:
    """``since``/``until`` (YYYY, YYYY-MM or YYYY-MM-DD) as string ranges; a value must start with a digit."""
    out: list[ColumnElement[bool]] = []
    if since is None and until is None:
        return out
    out.append(column < ":")  # after every digit: drops XXXX-, PRESENT_REF ...
    if since:
        out.append(column >= since)
    if until:
        out.append(column < next_prefix(until))
    else:
        out.append(column >= "0")
    return out


def parse_bbox(bbox: str) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in bbox.split(","))
    return x0, y0, x1, y1


def _actor_rows(conn: Connection, actor: str) -> tuple[ColumnElement[bool], ColumnElement[bool], Any, bool]:
    """How ``event_actors`` rows match ``actor`` (a code prefix, "AZE" matches AZEMIL, or the id of a
    stored actor): (any matching row, the rows to count, the COUNT of events, whether those
    rows are one per event so COUNT(*) counts events)."""
    t = event_actors
    needle = actor.upper()
    cond = prefix_condition(t.c.code, needle)
    if conn.execute(select(actors.c.id).where(actors.c.id == actor)).first() is not None:  # a known actor id
        cond = or_(cond, t.c.actor_id == actor)
        return cond, cond, func.count(t.c.event_id.distinct()), False
    if len(needle) == 3:  # a country prefix: each event's first row of that prefix carries first3
        return cond, and_(t.c.first3 == True, cond), func.count(), True  # noqa: E712
    return cond, cond, func.count(t.c.event_id.distinct()), False


def event_conditions(conn: Connection, *, plover: str | None = None, actor: str | None = None,
                     modality: str | None = None, place: str | None = None, doc_id: str | None = None,
                     since: str | None = None, until: str | None = None,
                     bbox: str | None = None) -> list[ColumnElement[bool]]:
    """The WHERE terms on ``events`` for the events list's filters."""
    conds: list[ColumnElement[bool]] = []
    if plover:
        conds.append(events.c.plover == plover.upper())
    if modality:
        conds.append(events.c.modality == modality)
    if doc_id:
        conds.append(events.c.doc_id == doc_id)
    conds += date_conditions(events.c.date, since, until)
    if bbox:
        x0, y0, x1, y1 = parse_bbox(bbox)
        conds += [events.c.place_lat.between(y0, y1), events.c.place_lon.between(x0, x1)]
    if place:
        needle = place.lower()
        named = select(places.c.id).where(func.lower(places.c.name).contains(needle, autoescape=True))
        conds.append(or_(func.lower(events.c.location).contains(needle, autoescape=True), events.c.place_id.in_(named)))
    if actor:
        match, _, _, _ = _actor_rows(conn, actor)
        conds.append(events.c.id.in_(select(event_actors.c.event_id).where(match)))
    return conds


def count_events(conn: Connection) -> int:
    """Every stored event: the ``event_days`` sum plus the events not dated to a day (an index range)."""
    dated = conn.execute(select(func.coalesce(func.sum(event_days.c.events), 0))).scalar_one()
    return int(dated) + conn.execute(select(func.count()).select_from(events).where(events.c.day.is_(None))).scalar_one()


PROBE_ABOVE = 2000  # matching events above which a page walks events in date order probing event_actors


def events_page(conn: Connection, limit: int, offset: int, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    """One page of events rows (date, id order) and the total matching ``filters`` (see :func:`event_conditions`).

    With an actor filter the total is counted on ``event_actors`` alone when the other filters are
    type and dates (its indexes carry them); the page then either walks events in date order and
    probes each (many matches: the page is found in the first few hundred) or reads the matching
    ids first (few matches).
    """
    actor = filters.pop("actor", None)
    conds = event_conditions(conn, **filters)
    if not actor:
        total = count_events(conn) if not conds else \
            conn.execute(select(func.count()).select_from(events).where(*conds)).scalar_one()
        match = None
    else:
        t = event_actors
        any_row, one_row, count, _ = _actor_rows(conn, actor)
        if not any(filters.get(k) for k in ("modality", "place", "doc_id", "bbox")):
            where = [one_row, *date_conditions(t.c.date, filters.get("since"), filters.get("until"))]
            if filters.get("plover"):
                where.append(t.c.plover == filters["plover"].upper())
            total = conn.execute(select(count).where(*where)).scalar_one()
        else:
            ids = select(t.c.event_id).where(any_row)
            total = conn.execute(select(func.count()).select_from(events).where(*conds, events.c.id.in_(ids))).scalar_one()
        if total > PROBE_ABOVE:
            match = exists().where(t.c.event_id == events.c.id, any_row)
        else:  # few: their ids, then (date, id) of those events by primary key, ordered here
            found = sorted({r for (r,) in conn.execute(select(t.c.event_id).where(any_row))})
            nulls = "" if conn.dialect.name == "sqlite" else "\U0010ffff"  # where ORDER BY date puts NULL
            keys = sorted(conn.execute(select(events.c.id, events.c.date).where(*conds, events.c.id.in_(found))),
                          key=lambda k: (k.date if k.date is not None else nulls, k.id))  # fmt: skip
            page = [k.id for k in keys[offset:offset + limit]]
            by_id = {r["id"]: dict(r) for r in conn.execute(select(events).where(events.c.id.in_(page))).mappings()}
            return [by_id[i] for i in page], int(total)
    where = [*conds, match] if match is not None else conds
    rows = [dict(r) for r in conn.execute(select(events).where(*where).order_by(events.c.date, events.c.id)
                                          .limit(limit).offset(offset)).mappings()]  # fmt: skip
    return rows, int(total)


def _week(day: str) -> str:
    d = Date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


def _bucket(day: str, interval: str) -> str:
    if interval == "day":
        return day
    if interval == "week":
        return _week(day)
    return day[:7] + "-01"


def _bucket_end(start: str, interval: str) -> str:
    d = Date.fromisoformat(start)
    if interval == "day":
        return start
    if interval == "week":
        return (d + timedelta(days=6)).isoformat()
    nxt = Date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).isoformat()


def buckets(conn: Connection, interval: str = "day", plover: list[str] | None = None, actor: str | None = None,
            since: str | None = None, until: str | None = None) -> dict[str, Any]:
    """Events per bucket (day, ISO week from Monday, or month) per PLOVER type, for events dated to a day.

    Without an actor filter it reads the ``event_days`` aggregate; with one it groups
    ``event_actors`` through its (code, day, plover, event_id) index, counting each event once.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
    types = sorted({p.upper() for p in plover}) if plover else None
    if actor:
        t = event_actors
        _, one_row, count, per_event = _actor_rows(conn, actor)
        conds = [t.c.day.is_not(None), one_row]
    else:
        t = event_days
        count = t.c.events
        conds = []
        per_event = False
    conds += [c for c in date_conditions(t.c.day, since, until)]
    if types:
        conds.append(t.c.plover.in_(types))
    grid: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if not actor:
        rows = conn.execute(select(t.c.day, t.c.plover, count).where(*conds))
    elif per_event:
        # a country prefix: its (day, plover) counts are kept in event_prefix_days
        a = event_prefix_days
        pconds = [a.c.prefix == actor.upper(), *date_conditions(a.c.day, since, until)]
        if types:
            pconds.append(a.c.plover.in_(types))
        rows = conn.execute(select(a.c.day, a.c.plover, a.c.events).where(*pconds))
    else:
        rows = conn.execute(select(t.c.day, t.c.plover, count).where(*conds).group_by(t.c.day, t.c.plover))
    for day, kind, n in rows:
        grid[_bucket(day, interval)][kind] += int(n)
    out: list[dict[str, Any]] = [
        {"start": b, "end": _bucket_end(b, interval), "total": sum(c.values()), "counts": dict(sorted(c.items()))}
        for b, c in sorted(grid.items())]  # fmt: skip
    seen = sorted({k for b in out for k in b["counts"]})
    return {"interval": interval, "types": seen, "total": sum(b["total"] for b in out), "buckets": out}

