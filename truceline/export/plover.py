"""Events as PLOVER JSON records (one per line), following the PLOVER specification's field names.

The field names are those of the PLOVER manual's "JSON Data Fields" chapter (Open Event Data
Alliance, PLOVER_MANUAL.tex, draft 0.7b1/0.8: the ``PLOVER JSON`` table and the actor, text,
citation and location information objects); the event categories are the 16 types truceline
codes (:data:`truceline.eval.events_plover.TYPES`). Mapping choices, each documented here:

- ``id``: the truceline event id. ``has_event``: always true (these are coded events).
- ``date``: ``YYYY-MM-DD`` when the event's TIMEX3 value names a day, else null (PLOVER asks for a
  day; a week ``2020-W44``, a month or a year is not invented into one). ``date_timex`` (an added
  field) always keeps the TIMEX3 value itself.
- ``source`` / ``recipient``: lists of actor objects (the manual renamed "target" to "recipient";
  compound actors stay one list, as PLOVER asks). In each actor object ``code`` is the 3-character
  top-level code (ISO 3166 alpha-3 country, or IGO/NGO/IMG/...), ``sector`` the rest of the
  CAMEO-style code (``IRNGOV`` -> ``IRN`` + ``GOV``; ``IGOEUROSC`` -> ``IGO`` + ``EUROSC``),
  ``actor_text`` the words in the sentence, ``identifier_id`` the truceline actor id (the manual
  suggests a Wikidata id there; truceline has none) and ``cameo_code`` (added) the whole code.
- ``event``: a list with the one PLOVER type; ``mode``: the mode (a string or null); ``context``:
  a list of contexts.
- ``quad_code``: the manual's quad table (1 verbal cooperation: AGREE, CONSULT, SUPPORT, CONCEDE;
  2 material cooperation: COOPERATE, AID, RETREAT, INVESTIGATE; 3 verbal conflict: DEMAND, ACCUSE,
  REJECT, SANCTION, THREATEN; 4 material conflict: PROTEST, MOBILIZE, COERCE, ASSAULT). truceline's
  REQUEST is the manual's DEMAND renamed, so it is 3.
- ``event_loc``: a location object with GeoNames field names (``name``, ``latitude``,
  ``longitude``, ``geonameid``, ``cc3``), null when the event names no place.
- ``link``: the incident the event was merged into (the manual's "common reference across
  multiple related events"), null when none.
- ``text``: the sentence the event was coded from (the evidence); ``text_info``: its ``start``
  and ``end`` character offsets, plus ``doc_id`` (added). ``event_text`` (the trigger words) is
  left out: truceline does not store the trigger separately from the sentence.
- ``cite_info``: ``corpus`` (truceline), ``citation`` (the document id), ``url``, ``title``,
  ``language``, ``publication`` (the outlet), ``coder`` and ``codebook``.
- ``coder``: ``truceline <version>``. Added fields keep what PLOVER has no name for:
  ``cameo`` (the CAMEO code), ``modality`` (asserted, alleged, denied, negated, ...),
  ``claimant`` (an actor object, for allegations) and ``negated``.
"""

from __future__ import annotations

import re

from truceline import __version__
from truceline.export.records import evidence_of

CODER = f"truceline {__version__}"
CODEBOOK = "PLOVER (16 event types)"

QUAD = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT", "INVESTIGATE"), 2),
    **dict.fromkeys(("DEMAND", "REQUEST", "ACCUSE", "DISAPPROVE", "REJECT", "SANCTION", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT", "FIGHT"), 4),
}

# The PLOVER JSON table: name -> required. ``event_scale``, ``time``, ``enddate``, ``endtime``,
# ``coded_date``, ``coded_time`` and ``comment`` are optional and truceline has nothing for them.
FIELDS: dict[str, bool] = {
    "id": True, "has_event": False, "date": True, "source": True, "recipient": False, "event": True,
    "event_loc": False, "quad_code": False, "mode": False, "context": False, "link": False, "text": False,
    "text_info": False, "cite_info": False, "coder": False,
}  # fmt: skip
ACTOR_FIELDS = ("code", "sector", "actor_text", "identifier_id")
CITE_FIELDS = ("corpus", "citation", "url", "title", "language", "publication", "coder", "codebook")
LOCATION_FIELDS = ("name", "latitude", "longitude", "geonameid", "cc3")
ADDED_FIELDS = ("date_timex", "cameo", "modality", "claimant", "negated")

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def day(value: str | None) -> str | None:
    """``YYYY-MM-DD`` when a TIMEX3 value names a day (``2020-10-27``, ``2020-10-27T14:00``), else None."""
    m = _DAY.match(value or "")
    return m.group(0) if m else None


def actor(ref: dict) -> dict:
    code = ref.get("code") or None
    return {"code": code[:3] if code else None, "sector": (code[3:] or None) if code else None,
            "actor_text": ref.get("text"), "identifier_id": ref.get("actor_id"), "cameo_code": code}  # fmt: skip


def record(ev: dict) -> dict:
    """One PLOVER JSON record for an event record from :func:`truceline.export.records.event_records`."""
    span = evidence_of(ev)
    name = ev.get("location") or ev.get("place_name")
    has_loc = name is not None or ev.get("lat") is not None
    loc = ({"name": name, "latitude": ev.get("lat"), "longitude": ev.get("lon"), "geonameid": ev.get("geonames_id"),
            "cc3": ev.get("place_country")} if has_loc else None)  # fmt: skip
    return {
        "id": ev["id"],
        "has_event": True,
        "date": day(ev.get("date")),
        "source": [actor(r) for r in ev.get("source") or []],
        "recipient": [actor(r) for r in ev.get("target") or []],
        "event": [ev["plover"]],
        "event_loc": loc,
        "quad_code": QUAD.get(ev["plover"]),
        "mode": ev.get("mode"),
        "context": list(ev.get("context") or []),
        "link": ev.get("incident_id"),
        "text": span["text"],
        "text_info": {"start": span["start"], "end": span["end"], "doc_id": span["doc_id"]},
        "cite_info": {"corpus": "truceline", "citation": ev.get("doc_id"), "url": ev.get("url"),
                      "title": ev.get("title"), "language": ev.get("language"), "publication": ev.get("outlet"),
                      "coder": CODER, "codebook": CODEBOOK},
        "coder": CODER,
        "date_timex": ev.get("date"),
        "cameo": ev.get("cameo"),
        "modality": ev.get("modality"),
        "claimant": actor(ev["claimant"]) if ev.get("claimant") else None,
        "negated": bool(ev.get("negated")),
    }  # fmt: skip
