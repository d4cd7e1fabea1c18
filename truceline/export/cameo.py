"""Events as CAMEO rows, tab-separated, in the column order Phoenix/ICEWS-style tools expect.

One row per source x target pair (CAMEO coders expand compound actors that way; an event with no
source or no target keeps one row with that side empty). Columns: ``date`` (YYYYMMDD), ``source``,
``target`` (CAMEO-style actor codes), ``cameo`` (the event code), ``root`` (its two-digit cue
category), ``quad_class``, ``place``, ``lat``, ``lon``, ``url``, then ``event_id`` and ``doc_id``,
which lead back to the event and its sentence. Mapping choices:

- ``date``: the event's TIMEX3 value when it names a day; empty when it is coarser (a week, month
  or year is not turned into a day). The event id leads to the value itself.
- ``cameo``: checked against the CAMEO 0.7b5 codebook (:mod:`truceline.export.cameo_codes`). A bare
  cue category (``02``) becomes its "not specified below" code (``020``); a code the codebook lacks
  falls back to its nearest listed parent (``1721`` -> ``172``, ``176`` -> ``170``). An event with no
  usable code is left out.
- ``quad_class``: the Phoenix convention over the root: 0 neutral (01-02), 1 verbal cooperation
  (03-05), 2 material cooperation (06-08), 3 verbal conflict (09-13), 4 material conflict (14-20).
- A CAMEO row states that an event happened, and CAMEO has no modality: events the text says did
  not or may not happen (``negated``, or modality ``negated``, ``denied``, ``hypothetical``,
  ``conditional``) are left out. Alleged, intended and requested events stay (CAMEO's 02x/03x/10x
  codes already say "appeal", "intend", "demand"). The other formats keep every event.
- Tabs, carriage returns and newlines inside a value become spaces, so every line has the same
  number of fields.
"""

from __future__ import annotations

import re

from truceline.export.cameo_codes import CODES, ROOTS

HEADER = ("date", "source", "target", "cameo", "root", "quad_class", "place", "lat", "lon", "url", "event_id",
          "doc_id")  # fmt: skip
LEFT_OUT = {"negated", "denied", "hypothetical", "conditional"}
QUAD_CLASS = {f"{r:02d}": (0 if r <= 2 else 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4) for r in range(1, 21)}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_WS = re.compile(r"[\t\r\n]+")


def code_of(value: str | None) -> str | None:
    """A codebook CAMEO code for ``value``, or None (see the module notes)."""
    digits = [p for p in re.split(r"\D+", value or "") if p]
    if not digits:
        return None
    code = digits[0]
    if len(code) == 2:
        code += "0"
    while code and code not in CODES:
        code = code[:-1] if len(code) > 3 else (code[:2] + "0" if code[2:] != "0" else "")
    return code or None


def yyyymmdd(value: str | None) -> str:
    m = _DAY.match(value or "")
    return "".join(m.groups()) if m else ""


def clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return _WS.sub(" ", str(value)).strip()


def rows(ev: dict) -> list[list[str]]:
    """The rows of one event record (none when it is left out)."""
    code = code_of(ev.get("cameo"))
    if code is None or ev.get("negated") or ev.get("modality") in LEFT_OUT or code[:2] not in ROOTS:
        return []
    sources = [r.get("code") or "" for r in ev.get("source") or []] or [""]
    targets = [r.get("code") or "" for r in ev.get("target") or []] or [""]
    place = ev.get("location") or ev.get("place_name")
    out = []
    for s in dict.fromkeys(sources):
        for t in dict.fromkeys(targets):
            out.append([clean(v) for v in (yyyymmdd(ev.get("date")), s, t, code, code[:2], QUAD_CLASS[code[:2]],
                                           place, ev.get("lat"), ev.get("lon"), ev.get("url"), ev["id"],
                                           ev["doc_id"])])  # fmt: skip
    return out
