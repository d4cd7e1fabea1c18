"""Temporal expressions (TIMEX3) with TempEval-3 / TimeML values, normalized against the DCT.

Candidates come from two places: spaCy ``DATE``/``TIME`` entities of the shared parse, and
our own regexes for what the NER misses (``now``, ``recently``, ``daily``, bare durations
such as "weeks", "three decades", "mid-July", "the third day"). Each candidate is trimmed to
TimeML extent (no leading preposition, no trailing possessive; "last week" keeps "last";
modifiers such as "about", "more than", "early" stay in) and then normalized by a registry
of small parsers, tried in order, each of which either returns ``(type, value, mod)`` or
passes. A candidate no parser understands is dropped (ages such as "44-year-old", numbers).

Anchoring: everything relative is resolved against ``dct`` (the document date). Weekdays
and month names without a year go to the most recent such day/month on or before the
dct, unless the clause is future ("will meet on Friday", "next Friday"), then the next
one. Without a dct the value keeps ``X`` placeholders (``XXXX-10-26``) or a ``*_REF``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from truceline.model import Evidence, Timex, make_span

# ---------------------------------------------------------------- vocabularies

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "half a": 0.5, "a half": 0.5, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a dozen": 12, "dozen": 12,
}
VAGUE = {"several", "a few", "few", "many", "some", "a number of", "numerous", "recent", "the past few",
         "the last few", "the next few", "countless", "coming", "the coming"}
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1, "final": -1,
}
# unit -> (duration letter, multiplier, is time unit)
UNITS = {
    "year": ("Y", 1, False), "yr": ("Y", 1, False), "month": ("M", 1, False), "week": ("W", 1, False),
    "day": ("D", 1, False), "hour": ("H", 1, True), "hr": ("H", 1, True), "minute": ("M", 1, True),
    "min": ("M", 1, True), "second": ("S", 1, True), "sec": ("S", 1, True),
    "decade": ("Y", 10, False), "century": ("Y", 100, False), "centurie": ("Y", 100, False),
    "quarter": ("Q", 1, False), "weekend": ("WE", 1, False), "fortnight": ("W", 2, False),
    "night": ("D", 1, False), "millennium": ("Y", 1000, False), "millennia": ("Y", 1000, False),
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
REFS = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF", "current": "PRESENT_REF",
    "at present": "PRESENT_REF", "the present": "PRESENT_REF", "present": "PRESENT_REF",
    "presently": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "at the moment": "PRESENT_REF", "the moment": "PRESENT_REF", "this time": "PRESENT_REF",
    "recently": "PAST_REF", "recent": "PAST_REF", "lately": "PAST_REF", "previously": "PAST_REF",
    "formerly": "PAST_REF", "the past": "PAST_REF", "past": "PAST_REF", "once": "PAST_REF",
    "earlier": "PAST_REF", "recent years": "PAST_REF", "recent days": "PAST_REF",
    "years past": "PAST_REF", "the last few years": "PAST_REF", "the past few years": "PAST_REF",
    "the future": "FUTURE_REF", "future": "FUTURE_REF", "soon": "FUTURE_REF",
    "shortly": "FUTURE_REF", "the near future": "FUTURE_REF", "the coming years": "FUTURE_REF",
    "the years ahead": "FUTURE_REF", "eventually": "FUTURE_REF", "later": "FUTURE_REF",
    "the coming days": "FUTURE_REF", "the coming weeks": "FUTURE_REF", "the coming months": "FUTURE_REF",
    "coming days": "FUTURE_REF", "coming weeks": "FUTURE_REF", "coming months": "FUTURE_REF",
    "coming quarters": "FUTURE_REF", "coming years": "FUTURE_REF",
}
# adverbs only: "annual"/"quarterly" are mostly adjectives of reports and dividends, not timexes
SET_WORDS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
             "hourly": "PT1H", "nightly": "P1D", "biweekly": "P2W"}
MODS = [  # prefix -> TimeML mod (longest first when matched)
    ("the beginning of", "START"), ("the start of", "START"), ("the middle of", "MID"),
    ("the end of", "END"), ("the close of", "END"), ("the first half of", "START"),
    ("the second half of", "END"), ("early", "START"), ("earlier", "START"), ("mid", "MID"),
    ("late", "END"), ("later", "END"),
    ("more than", "MORE_THAN"), ("over", "MORE_THAN"), ("longer than", "MORE_THAN"),
    ("less than", "LESS_THAN"), ("under", "LESS_THAN"), ("nearly", "APPROX"), ("almost", "APPROX"),
    ("up to", "EQUAL_OR_LESS"), ("no more than", "EQUAL_OR_LESS"), ("at most", "EQUAL_OR_LESS"),
    ("at least", "EQUAL_OR_MORE"), ("no less than", "EQUAL_OR_MORE"),
    ("about", "APPROX"), ("around", "APPROX"), ("approximately", "APPROX"), ("roughly", "APPROX"),
    ("some", "APPROX"), ("an estimated", "APPROX"), ("just over", "MORE_THAN"), ("just under", "LESS_THAN"),
    ("well over", "MORE_THAN"),
]
MODS.sort(key=lambda m: -len(m[0]))
_MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WD_RE = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?"
_NUMW = r"(?:\d+(?:\.\d+)?(?:\s+1/2)?|" + "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True)) + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
_UNIT_RE = r"(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|decades?|centur(?:y|ies)|quarters?|weekends?|fortnights?|nights?|millenni(?:um|a))"


# ---------------------------------------------------------------- date arithmetic


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    import calendar

    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _quarter(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _fmt(d: date | None, gran: str) -> str:
    """Format ``d`` at granularity: Y, M, D, W, Q, DE (decade), CE (century), WE."""
    if d is None:
        return {"Y": "XXXX", "M": "XXXX-XX", "D": "XXXX-XX-XX", "W": "XXXX-WXX", "Q": "XXXX-QX",
                "DE": "XXX", "CE": "XX", "WE": "XXXX-WXX-WE"}[gran]
    return {
        "Y": lambda: f"{d.year:04d}", "M": lambda: f"{d.year:04d}-{d.month:02d}", "D": lambda: d.isoformat(),
        "W": lambda: _week(d), "Q": lambda: f"{d.year:04d}-Q{_quarter(d)}", "DE": lambda: f"{d.year // 10:03d}",
        "CE": lambda: f"{d.year // 100:02d}", "WE": lambda: _week(d) + "-WE",
    }[gran]()


def _shift(d: date, unit: str, n: int) -> date:
    if unit in ("Y",):
        return _add_months(d, 12 * n)
    if unit == "DE":
        return _add_months(d, 120 * n)
    if unit == "CE":
        return _add_months(d, 1200 * n)
    if unit == "Q":
        return _add_months(d, 3 * n)
    if unit == "M":
        return _add_months(d, n)
    if unit in ("W", "WE"):
        return d + timedelta(weeks=n)
    return d + timedelta(days=n)


def _num(s: str) -> float | None:
    s = s.strip().lower().replace("-", " ")
    if not s:
        return None
    if s in NUMBERS:
        return NUMBERS[s]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s+1/2)?", s)
    if m:
        return float(m.group(1)) + (0.5 if "1/2" in s else 0)
    parts = s.split()
    if len(parts) == 2 and parts[0] in NUMBERS and parts[1] in NUMBERS:
        return NUMBERS[parts[0]] + NUMBERS[parts[1]]
    return None


def _numstr(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _duration(n: float | None, unit: str) -> str | None:
    unit = unit.lower().rstrip(".")
    base = unit[:-1] if unit.endswith("s") and unit[:-1] in UNITS else unit
    if base == "centuries":
        base = "century"
    if base not in UNITS:
        base = {"centuries": "century", "millennia": "millennia"}.get(unit, base)
    if base not in UNITS:
        return None
    letter, mult, is_time = UNITS[base]
    if letter == "WE":
        return "P" + ("X" if n is None else _numstr(n)) + "WE"
    if letter == "Q":
        return "P" + ("X" if n is None else _numstr(n)) + "Q"
    prefix = "PT" if is_time else "P"
    if n is None:
        return f"{prefix}X{letter}"
    val = n * mult
    if val != int(val):  # 1.5 hours -> PT1H30M; 2.5 years -> P30M
        if letter == "H":
            return f"PT{int(val)}H{int(round((val - int(val)) * 60))}M"
        if letter == "Y":
            return f"P{int(val)}Y{int(round((val - int(val)) * 12))}M"
        if letter == "D":
            return f"PT{int(val * 24)}H"
        return f"{prefix}{val}{letter}"
    return f"{prefix}{int(val)}{letter}"


# ---------------------------------------------------------------- context


@dataclass
class Ctx:
    dct: date | None
    future: bool = False  # the clause is future ("will meet on Friday")
    past: bool = False  # the clause is past tense
    issues: list[str] | None = None
    quarterly: bool = False  # the document reports quarterly results ("a year ago" = that quarter)


_FUTURE_AUX = {"will", "'ll", "shall", "wo", "might", "may", "could"}
_PLAN_VERBS = {"plan", "schedule", "expect", "set", "slate", "intend", "due", "prepare"}
_REPORT_VERBS = {"say", "tell", "announce", "report", "add", "note", "state", "claim", "confirm", "deny"}


def _tense(sdoc: Any, start: int, end: int) -> tuple[bool, bool]:
    """(future, past) of the clause governing the char span [start, end) in the parse.

    Future: an auxiliary will/shall/might/may/could, an infinitive ("plans to hold talks
    Tuesday", "is to resume Tuesday"), a planning verb ("planned a rally on Saturday"), a
    present-tense non-reporting verb ("meet separately Monday"), or "as soon as".
    Past: a past-tense or participle governing verb otherwise.
    """
    if sdoc is None:
        return False, False
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False, False
    tok = span.root
    for _ in range(6):  # climb to the governing verb
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    aux = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    low = {c.lower_ for c in aux}
    before = " ".join(t.lower_ for t in sdoc[max(span.start - 4, 0) : span.start])
    future = (
        bool(low & _FUTURE_AUX)
        or (tok.tag_ == "VB" and "to" in low and (tok.head.lemma_ in _PLAN_VERBS | {"be", "likely"}))
        or tok.lemma_ in _PLAN_VERBS
        or (tok.tag_ in ("VBZ", "VBP") and tok.lemma_ not in _REPORT_VERBS and tok.lemma_ != "be")
        or (tok.tag_ == "VBG" and any(c.lower_ in ("is", "are", "'s", "'re") for c in aux))
        or "as soon as" in before
    )
    past = not future and (tok.tag_ in ("VBD", "VBN") or bool(low & {"was", "were", "had", "did", "has", "have"}))
    return future, past


# ---------------------------------------------------------------- parsers
# each parser gets the lowercased, mod-stripped phrase and the context; it returns
# (type, value) or None.

Parser = Callable[[str, Ctx], "tuple[str, str] | None"]
PARSERS: list[tuple[str, Parser]] = []


def parser(name: str) -> Callable[[Parser], Parser]:
    def deco(f: Parser) -> Parser:
        PARSERS.append((name, f))
        return f

    return deco


def _weekday_date(dct: date, wd: int, direction: int) -> date:
    """Most recent ``wd`` on/before dct (direction -1, 0 -> on or before) or next after (1)."""
    if direction > 0:
        delta = (wd - dct.weekday()) % 7 or (7 if direction > 1 else 0)
        return dct + timedelta(days=delta)
    delta = (dct.weekday() - wd) % 7
    if direction < 0 and delta == 0:
        delta = 7
    return dct - timedelta(days=delta)


def _year_for_month(ctx: Ctx, month: int, day: int | None = None) -> int | None:
    """Year of a month (and day) named without one: the nearest such date to the dct,
    restricted to the past for a past-tense clause and to the future for a future one."""
    if ctx.dct is None:
        return None
    best = None
    for y in (ctx.dct.year - 1, ctx.dct.year, ctx.dct.year + 1):
        try:
            d = date(y, month, day or 15)
        except ValueError:
            d = date(y, month, 28)
        gap = (d - ctx.dct).days
        if ctx.past and gap > 90 or ctx.future and gap < -90:
            continue
        if best is None or abs(gap) < best[0]:
            best = (abs(gap), y)
    return best[1] if best else ctx.dct.year


@parser("ref")
def _p_ref(s: str, ctx: Ctx) -> tuple[str, str] | None:
    if s in REFS:
        return "DATE", REFS[s]
    m = re.fullmatch(r"recent\s+(days|weeks|months)", s)
    if m:
        return "DURATION", f"PX{m.group(1)[0].upper()}"
    return None


@parser("set")
def _p_set(s: str, ctx: Ctx) -> tuple[str, str] | None:
    if s in SET_WORDS:
        return "SET", SET_WORDS[s]
    m = re.fullmatch(r"(?:every|each|per|a|an)\s+(?:(other)\s+)?(" + _NUMW + r"\s+)?" + r"(\w+)", s)
    if m:
        unit = m.group(3)
        if unit.rstrip("s") in WEEKDAYS or unit in WEEKDAYS:
            wd = WEEKDAYS.get(unit, WEEKDAYS.get(unit.rstrip("s")))
            return "SET", f"XXXX-WXX-{wd + 1}"
        n = _num(m.group(2)) if m.group(2) else (2 if m.group(1) else 1)
        d = _duration(n, unit)
        if d and s.split()[0] in ("every", "each", "per"):
            return "SET", d
    m = re.fullmatch(r"(" + _WD_RE + r")s", s)
    if m and m.group(1).rstrip(".") in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS[m.group(1).rstrip('.')] + 1}"
    return None


@parser("deictic-day")
def _p_deictic(s: str, ctx: Ctx) -> tuple[str, str] | None:
    table = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "the day before yesterday": -2,
             "the day after tomorrow": 2, "this day": 0, "overnight": 0, "last night": -1,
             "tomorrow night": 1}
    part = None
    m = re.fullmatch(r"(today|yesterday|tomorrow|this|last|tonight)\s+(morning|afternoon|evening|night)", s)
    if m:
        base = {"today": 0, "this": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "last": -1}[m.group(1)]
        part = PARTS_OF_DAY[m.group(2)]
    elif s in table:
        base = table[s]
        if s in ("overnight",):
            part = "NI"
    elif s in ("today's", "yesterday's"):
        base = 0 if s.startswith("today") else -1
    else:
        return None
    d = ctx.dct + timedelta(days=base) if ctx.dct else None
    v = d.isoformat() if d else "XXXX-XX-XX"
    if part:
        return "TIME", f"{v}T{part}"
    return "DATE", v


def _explicit_date(s: str) -> tuple[int | None, int, int | None, str | None] | None:
    """(year, month, day, weekday word) of an explicit date phrase, or None."""
    wd = None
    m = re.match(r"(?:(?:last|this|next|past|this past|on)\s+)?(" + _WD_RE + r"),?\s+(?:the\s+)?", s)
    if m and m.end() < len(s):
        wd = m.group(1).rstrip(".")
        s = s[m.end():]
    pats = [
        (r"(?P<m>" + _MONTH_RE + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?", None),
        (r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _MONTH_RE + r"),?(?:\s+(?P<y>\d{4}))?", None),
        (r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})", None),
        (r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2,4})", None),
    ]
    for p, _ in pats:
        m = re.fullmatch(p, s)
        if m:
            mo = m.group("m").rstrip(".")
            month = MONTHS[mo] if mo in MONTHS else int(mo)
            day = int(m.group("d"))
            y = m.group("y")
            year = None
            if y:
                year = int(y)
                if year < 100:
                    year += 1900 if year > 30 else 2000
            if not (1 <= month <= 12 and 1 <= day <= 31):
                return None
            return year, month, day, wd
    return None


@parser("full-date")
def _p_date(s: str, ctx: Ctx) -> tuple[str, str] | None:
    r = _explicit_date(s)
    if r is None:
        return None
    year, month, day, wd = r
    if year is None:
        year = _year_for_month(ctx, month, day)
    if year is None:
        return "DATE", f"XXXX-{month:02d}-{day:02d}"
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    if wd and WEEKDAYS[wd] != d.weekday() and ctx.issues is not None:
        ctx.issues.append(f"weekday {WEEKDAY_NAMES[WEEKDAYS[wd]]} does not match {d.isoformat()} "
                          f"(a {WEEKDAY_NAMES[d.weekday()]}); the explicit date is kept")
    return "DATE", d.isoformat()


@parser("month-year")
def _p_month(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"(?:(last|next|this|this past|this coming|past|coming)\s+)?(" + _MONTH_RE + r")(?:,?\s+(?:of\s+)?(\d{4}))?", s)
    if not m:
        return None
    month = MONTHS[m.group(2).rstrip(".")]
    if m.group(3):
        return "DATE", f"{m.group(3)}-{month:02d}"
    if ctx.dct is None:
        return "DATE", f"XXXX-{month:02d}"
    rel = m.group(1) or ""
    y = ctx.dct.year
    if rel in ("last", "past", "this past"):
        y = y if month < ctx.dct.month else y - 1
    elif rel in ("next", "coming", "this coming"):
        y = y if month > ctx.dct.month else y + 1
    elif rel != "this":
        y = _year_for_month(ctx, month) or y
    if not 1 <= y <= 9999:
        return None  # "next May" in 9999: outside the calendar
    return "DATE", f"{y:04d}-{month:02d}"


@parser("year")
def _p_year(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"(?:(?:the\s+)?(?:fiscal|calendar|year|fy|model year|school year)\s+)?(?:(?:the\s+)?year\s+)?'?(1[5-9]\d\d|20\d\d)", s)
    if m:
        return "DATE", m.group(1)
    m = re.fullmatch(r"(?:the\s+)?(?:early\s+|mid-?\s*|late\s+)?'?(1[5-9]\d|20\d)0'?s", s)
    if m:
        return "DATE", m.group(1)
    m = re.fullmatch(r"(?:the\s+)?'(\d)0s", s)
    if m:
        return "DATE", f"19{m.group(1)}"
    m = re.fullmatch(r"(?:the\s+)?(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)", s)
    if m:
        d = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"].index(m.group(1)) + 2
        return "DATE", f"19{d}"
    if s in ("the year two thousand", "the year 2000", "two thousand"):
        return "DATE", "2000"
    m = re.fullmatch(r"(?:fiscal|fy)\s*'?(\d\d)", s)
    if m:
        return "DATE", ("19" if int(m.group(1)) > 30 else "20") + m.group(1)
    return None


@parser("weekday")
def _p_weekday(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"(?:(last|next|this|this past|this coming|coming|past|the following|the previous|following|previous)\s+)?(" + _WD_RE + r")(?:\s+(morning|afternoon|evening|night))?", s)
    if not m:
        return None
    wd = WEEKDAYS[m.group(2).rstrip(".")]
    rel = m.group(1) or ""
    if ctx.dct is None:
        v = f"XXXX-WXX-{wd + 1}"
    else:
        if rel in ("last", "past", "this past", "previous", "the previous"):
            direction = -1
        elif rel in ("next", "coming", "this coming", "following", "the following"):
            direction = 2
        elif rel == "this":
            direction = 1 if ctx.future or wd > ctx.dct.weekday() and not ctx.past else 0
        else:
            direction = 1 if ctx.future else 0
        v = _weekday_date(ctx.dct, wd, direction).isoformat()
    return "DATE", v  # "Friday night": the annotated corpora mostly keep the day


_REL_GRAN = {"year": "Y", "month": "M", "week": "W", "quarter": "Q", "weekend": "WE", "decade": "DE",
             "century": "CE", "day": "D", "fiscal year": "Y"}


@parser("relative-unit")
def _p_relative(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"(?:(last|past|previous|this|next|coming|the current|current|the coming|the next|the past|the last|the previous|this past|the latest|latest|the same|same|the following|following|the|the full|full|the whole|the entire|the calendar|calendar)\s+)(fiscal year|year|month|week|quarter|weekend|decade|century|day)", s)
    if not m:
        return None
    rel = "" if m.group(1) == "the" else m.group(1).replace("the ", "")
    if rel in ("full", "whole", "entire", "calendar"):
        rel = ""
    unit = m.group(2)
    gran = _REL_GRAN[unit]
    if rel in ("", "the"):
        if unit == "day":
            return None
    n = {"last": -1, "past": -1, "previous": -1, "this past": -1, "next": 1, "coming": 1, "following": 1}.get(rel, 0)
    if unit in ("decade", "century") and m.group(1).startswith("the ") and rel in ("last", "past", "next", "coming"):
        return "DURATION", _duration(1, unit) or ""
    if unit == "quarter" and rel in ("latest", "", "same"):
        n = -1  # "the quarter" in a report is the one just ended
    if unit == "weekend" and n == 0 and ctx.dct is not None and ctx.dct.weekday() <= 2 and not ctx.future:
        n = -1  # "the weekend" early in the week is the one just past
    if unit == "day":
        return "DATE", _fmt(_shift(ctx.dct, "D", n) if ctx.dct else None, "D")
    d = _shift(ctx.dct, gran, n) if ctx.dct else None
    return "DATE", _fmt(d, gran)


@parser("year-ago-quarter")
def _p_year_ago_quarter(s: str, ctx: Ctx) -> tuple[str, str] | None:
    """In a quarterly earnings report "a year ago" / "a year earlier" is the year-ago quarter."""
    if ctx.quarterly and ctx.dct is not None and re.fullmatch(r"(?:a|one) year (?:ago|earlier)|year[- ](?:ago|earlier)", s):
        return "DATE", _fmt(_shift(_shift(ctx.dct, "Q", -1), "Y", -1), "Q")
    return None


@parser("ago")
def _p_ago(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"(" + _NUMW + r"|several|a few|few|some|many)\s+(" + _UNIT_RE + r")\s+(ago|earlier|before|later|after|hence|from now|previously|back|since)", s)
    if not m:
        m2 = re.fullmatch(r"(" + _UNIT_RE + r")\s+(ago|earlier|later)", s)
        if m2:  # "years ago"
            return "DATE", "PAST_REF" if m2.group(2) != "later" else "FUTURE_REF"
        return None
    n = _num(m.group(1))
    unit = m.group(2).rstrip("s")
    unit = "century" if unit.startswith("centur") else unit
    base = {"yr": "year", "hr": "hour", "min": "minute", "sec": "second", "night": "day"}.get(unit, unit)
    sign = 1 if m.group(3) in ("later", "after", "hence", "from now") else -1
    if n is None:
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
    if m.group(3) in ("later", "after") or (m.group(3) in ("earlier", "before") and base not in ("year", "decade", "century")):
        return "DURATION", _duration(n, base) or ""  # "three days later": the distance
    if base in ("hour", "minute", "second"):
        return "TIME", "PAST_REF" if sign < 0 else "FUTURE_REF"
    gran = {"year": "Y", "month": "M", "week": "W", "day": "D", "decade": "DE", "century": "CE",
            "quarter": "Q", "weekend": "WE", "fortnight": "W"}.get(base)
    if gran is None:
        return None
    if ctx.dct is None:
        return "DATE", _fmt(None, "Y" if gran in ("DE", "CE") else gran)
    step = {"fortnight": 2}.get(base, 1) * int(n) if n == int(n) else None
    if step is None:
        return None
    if gran == "DE":
        d = _shift(ctx.dct, "Y", sign * 10 * step)
        return "DATE", _fmt(d, "Y")
    if gran == "CE":
        d = _shift(ctx.dct, "Y", sign * 100 * step)
        return "DATE", _fmt(d, "Y")
    return "DATE", _fmt(_shift(ctx.dct, gran, sign * step), gran)


_QUARTER_WORD = r"(first|second|third|fourth|1st|2nd|3rd|4th|final|last|latest|current|previous|past|year-ago|year-earlier|same|fiscal|recent|comparable|september|june|march|december)"


@parser("quarter")
def _p_quarter(s: str, ctx: Ctx) -> tuple[str, str] | None:
    s2 = re.sub(r"\b(the|that|fiscal|calendar|of|corresponding|comparable)\b|'s\b", " ", s)
    s2 = re.sub(r"\s+", " ", s2.replace("-", " ")).strip()
    year = None
    m = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", s2)
    if m:
        year = int(m.group(1))
        s2 = (s2[: m.start()] + s2[m.end():]).strip()
    if re.search(r"\b(this|current) year\b", s2):
        year = ctx.dct.year if ctx.dct else None
        s2 = re.sub(r"\b(this|current) year\b", "", s2).strip()
    if re.search(r"\bnext year\b", s2):
        year = ctx.dct.year + 1 if ctx.dct else None
        s2 = re.sub(r"\bnext year\b", "", s2).strip()
    if re.search(r"\blast year\b", s2):
        year = ctx.dct.year - 1 if ctx.dct else None
        s2 = re.sub(r"\blast year\b", "", s2).strip()
    m = re.fullmatch(r"(?:(first|second|third|fourth|1st|2nd|3rd|4th|final)|(latest|current|previous|past|last|recent|year ago|year earlier|same|comparable|most recent|this|next|year ago|prior year|year earlier))?\s*(?:(first|second|third|fourth|1st|2nd|3rd|4th))?\s*(quarter|period)", s2)
    m3 = re.fullmatch(r"q([1-4])", s2)
    if not m and not m3:
        return None
    if m3:
        y = year or (ctx.dct.year if ctx.dct else None)
        return "DATE", f"{y:04d}-Q{m3.group(1)}" if y else f"XXXX-Q{m3.group(1)}"
    ordw = m.group(1) or m.group(3)
    rel = m.group(2) or ""
    if m.group(4) == "period" and not (rel and rel not in ("same", "comparable")) and not ordw:
        return None
    if ordw:
        q = ORDINALS[ordw] if ordw != "final" else 4
        if year is None and ctx.dct is not None:
            year = ctx.dct.year if q <= _quarter(ctx.dct) else ctx.dct.year - 1
            if rel in ("year ago", "year earlier", "prior year"):
                year -= 1
        if year is not None and year < 1:
            return None  # the quarter before the calendar starts
        return "DATE", f"{year:04d}-Q{q}" if year is not None else f"XXXX-Q{q}"
    if ctx.dct is None:
        return "DATE", "XXXX-QX"
    last_q = _shift(ctx.dct, "Q", -1)
    if year is not None:
        return "DATE", f"{year:04d}-Q{_quarter(last_q)}"
    if rel in ("current", "this"):
        d = ctx.dct
    elif rel == "next":
        d = _shift(ctx.dct, "Q", 1)
    elif rel in ("year ago", "year earlier", "prior year"):
        d = _shift(last_q, "Y", -1)
    else:  # latest, the quarter, previous, same
        d = last_q
    return "DATE", _fmt(d, "Q")


@parser("season")
def _p_season(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"(?:(last|this|next|this past|past|coming|the|this coming)\s+)?(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(\d{4}))?", s)
    if not m:
        return None
    code = SEASONS[m.group(2)]
    if m.group(3):
        return "DATE", f"{m.group(3)}-{code}"
    if ctx.dct is None:
        return "DATE", f"XXXX-{code}"
    y = ctx.dct.year
    start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    rel = m.group(1) or ""
    if rel in ("last", "past", "this past") and ctx.dct.month < start + 3:
        y -= 1
    elif rel in ("next", "coming", "this coming") and ctx.dct.month >= start:
        y += 1
    if not 1 <= y <= 9999:
        return None
    return "DATE", f"{y:04d}-{code}"


@parser("duration")
def _p_duration(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"(?:(the|a|an|another|their|its|his|her|our|each)\s+)?(?:(?:past|last|next|first|coming|following|previous|final|initial|remaining|latest|preceding|ensuing|same|entire|full|whole|other|additional|extra)\s+)*(" + _NUMW + r"|several|a few|few|many|some|a number of|numerous)?[- ]?(" + _UNIT_RE + r")(?:[- ]long|[- ]old)?", s)
    if not m:
        return None
    if s.endswith("old"):
        return None
    if "-" in s and re.search(r"\d", s) is None and m.group(1) is None and m.group(2) is None:
        return None  # "year-end"; "two-year" (a length) stays
    det, nraw, unit = m.group(1), m.group(2), m.group(3)
    if nraw is None and det in ("a", "an", "another") and unit in ("second", "minute"):
        return None  # "a second time", "a minute": rarely a timex
    if nraw is None and det in ("a", "an", "another") and not unit.endswith("s"):
        nraw = "1"
    if nraw is None:
        plural = unit.endswith("s") and unit not in ("hours",) or unit.endswith("ies") or unit == "millennia"
        if not plural:
            plural = unit == "hours"
        if not plural:
            # "the year", "the week" alone: a date when nothing says otherwise
            if re.fullmatch(r"the\s+(year|month|week)", s):
                gran = {"year": "Y", "month": "M", "week": "W"}[unit]
                return "DATE", _fmt(ctx.dct, gran)
            if re.search(r"\b(past|last|next|first|coming|following|previous|full|entire|whole)\b", s):
                return "DURATION", _duration(1, unit) or ""
            return None
        return "DURATION", _duration(None, unit) or ""
    n = _num(nraw)
    d = _duration(n, unit)
    if d is None:
        return None
    return "DURATION", d


@parser("ordinal-day")
def _p_ordinal_day(s: str, ctx: Ctx) -> tuple[str, str] | None:
    if re.fullmatch(r"(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+(day|night)", s):
        return "DATE", ctx.dct.isoformat() if ctx.dct else "XXXX-XX-XX"
    return None


@parser("clock-time")
def _p_time(s: str, ctx: Ctx) -> tuple[str, str] | None:
    day = ctx.dct.isoformat() if ctx.dct else "XXXX-XX-XX"
    s2 = s
    dm = re.search(r",?\s+(today|yesterday|tomorrow|tonight|(?:" + _WD_RE + r")|(?:" + _MONTH_RE + r"\s+\d{1,2}(?:,\s+\d{4})?))$", s2)
    if dm:
        sub = _p_deictic(dm.group(1), ctx) or _p_weekday(dm.group(1), ctx) or _p_date(dm.group(1), ctx)
        if sub:
            day = sub[1].split("T")[0]
        s2 = s2[: dm.start()]
    m = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s*(a\.?m\.?|p\.?m\.?|o'clock)?(?:\s+(?:\(?\w{2,4}\)?|local time|in the (morning|afternoon|evening)|at night))?", s2)
    if m and (m.group(2) or m.group(3)):
        h = int(m.group(1))
        mi = int(m.group(2) or 0)
        ap = (m.group(3) or "").replace(".", "")
        if ap == "pm" and h < 12 or m.group(4) in ("afternoon", "evening") and h < 12:
            h += 12
        if ap == "am" and h == 12:
            h = 0
        if h > 24 or mi > 59 or h == 24 and mi:
            return None  # ISO 8601 has 24:00 (midnight at the end of a day) but no 24:30
        return "TIME", f"{day}T{h:02d}:{mi:02d}"
    if s2 in ("noon", "midday", "12 noon"):
        return "TIME", f"{day}T12:00"
    if s2 in ("midnight", "12 midnight"):
        return "TIME", f"{day}T24:00"
    if s2 in ("this morning", "this afternoon", "this evening", "the morning", "the afternoon", "the evening",
              "tonight", "this night"):
        if s2 == "tonight":
            return "DATE", day
        return "TIME", f"{day}T{PARTS_OF_DAY[s2.split()[-1]]}"
    return None


@parser("week-of")
def _p_week_of(s: str, ctx: Ctx) -> tuple[str, str] | None:
    m = re.fullmatch(r"the (week|month) of (.+)", s)
    if not m:
        return None
    inner = _p_date(m.group(2), Ctx(ctx.dct, ctx.future, ctx.past, []))
    if not inner or not re.fullmatch(r"\d{4}-\d\d-\d\d", inner[1]):
        return None
    d = date.fromisoformat(inner[1])
    return "DATE", _fmt(d, "W" if m.group(1) == "week" else "M")


@parser("dateparser")
def _p_dateparser(s: str, ctx: Ctx) -> tuple[str, str] | None:
    if not re.search(r"\b" + _MONTH_RE + r"(?!\w)|\b\d{4}\b", s) or re.search(_UNIT_RE, s):
        return None
    dp = _dateparser(ctx.dct)
    try:
        data = dp.get_date_data(s)
    except Exception:  # noqa: BLE001 - dateparser raises on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    gran = {"day": "D", "month": "M", "year": "Y", "week": "W"}.get(data.period or "day", "D")
    return "DATE", _fmt(d, gran)


@lru_cache(maxsize=64)  # bounded: one per document date, and an archive has thousands
def _dateparser(dct: date | None) -> Any:
    from datetime import datetime

    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past"}
    if dct is not None:
        settings["RELATIVE_BASE"] = datetime(dct.year, dct.month, dct.day)
    return DateDataParser(languages=["en"], settings=settings)


# ---------------------------------------------------------------- normalization


def _strip_mod(s: str) -> tuple[str, str | None]:
    for prefix, mod in MODS:
        if s.startswith(prefix + " ") or (prefix in ("mid", "early", "late") and s.startswith(prefix + "-")):
            rest = s[len(prefix) + 1:].strip()
            if rest:
                return rest, mod
    return s, None


def normalize(phrase: str, ctx: Ctx) -> tuple[str, str, str | None] | None:
    """``(type, value, mod)`` of one timex phrase, or None when no parser understands it."""
    s = re.sub(r"\s+", " ", phrase.lower().strip()).replace("’", "'")
    s = re.sub(r"'s$", "", s).strip()
    for cand, mod in ((s, None), _strip_mod(s)):
        if mod is None and cand != s:
            continue
        c2 = cand
        trailing_mod = None
        m = re.fullmatch(r"(.+?)\s+(or so|or more|or longer|or less|and a half)", c2)
        if m:
            c2 = m.group(1)
            trailing_mod = {"or so": "APPROX", "or more": "EQUAL_OR_MORE", "or longer": "EQUAL_OR_MORE",
                            "or less": "EQUAL_OR_LESS", "and a half": None}[m.group(2)]
        for _, p in PARSERS:
            try:
                r = p(c2, ctx)
            except (ArithmeticError, ValueError):
                # the value falls outside the calendar ("10000 years ago", "tomorrow" on 9999-12-31)
                # or the count is too large to compute: such a phrase has no TIMEX3 value
                continue
            if r is not None and r[1]:
                typ, val = r
                mod2 = mod or trailing_mod
                if mod2 in ("START", "MID", "END") and typ == "DURATION":
                    mod2 = None  # "early" has no sense on a length
                return typ, val, mod2
    return None


# ---------------------------------------------------------------- candidates

_LEAD = re.compile(r"^(?:(?:in|on|at|by|for|from|since|until|till|through|during|within|after|before|of|to|between|as of|as early as|as late as|than|and|or|the period|period|'s|,)\s+)+", re.I)
_TRAIL = re.compile(r"(?:\s*(?:'s|’s|,|;|:|-)|\s+(?:and|or|to|through))+$", re.I)
_RULES = [
    # reference words and sets the NER does not tag
    r"\b(?:now|currently|current|at present|presently|nowadays|these days|recently|recent years|recent weeks|recent months|recent days|recent|lately|the near future|the future|the past|daily|weekly|monthly|annually|yearly|hourly|nightly|biweekly)\b",
    # durations and vague durations: "three decades", "weeks", "within one week", "a few days"
    r"\b(?:(?:the\s+)?(?:past|last|next|first|coming|following|previous)\s+)?(?:(?:" + _NUMW + r"|several|a few|many)[- ])?" + _UNIT_RE.replace("quarters?|", "") + r"\b(?!-olds?\b)",
    # mid-July, early 1990s, late November
    r"\b(?:early|mid|late)[- ](?:" + _MONTH_RE + r"|\d{4}s?|(?:19|20)\d0s)",
    # ordinal days: "the third day"
    r"\bthe\s+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(?:day|night)\b",
    # clock times
    r"\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b(?:noon|midnight)\b",
    # weekdays, month-day, years the NER may miss
    r"\b(?:(?:last|next|this)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b(?:\s+(?:morning|afternoon|evening|night))?",
    r"\b" + _MONTH_RE + r"\s+\d{1,2}(?:,\s+\d{4})?\b",
    r"\b(?:today|yesterday|tomorrow|tonight)\b",
]
# Every rule starts with a word character (after ``\b``): the lookahead fails fast at the other
# positions of the text instead of trying each rule there.
_RULE_RE = re.compile(r"(?=\w)(?:" + "|".join(f"(?:{r})" for r in _RULES) + ")", re.I)
_SPLIT = re.compile(r"\s+(?:and|to|through|or|until|-|–)\s+|\s*[-–]\s*(?=\d)|\s*/\s*", re.I)


_APPROX_LEAD = re.compile(r"^(?:(?:about|around|approximately|nearly|almost|roughly|just|only|some)\s+)+(?=\S)", re.I)
# "earlier Friday", "later today", "earlier this week": the signal is outside the TimeML extent
_SIGNAL_LEAD = re.compile(r"^(?:earlier|later)\s+(?=(?:this\s+week|today|tonight|yesterday|tomorrow|that\s+day|"
                          r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b)", re.I)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    seg = text[start:end]
    m = _LEAD.match(seg)
    if m and m.end() < len(seg):
        start += m.end()
        seg = text[start:end]
    for lead in (_APPROX_LEAD, _SIGNAL_LEAD):
        m = lead.match(seg)
        if m and m.end() < len(seg) and not re.match(r"some\s+(time|day)\b", seg, re.I):
            start += m.end()
            seg = text[start:end]
    m = re.match(r"the\s+(?=(?:" + _MONTH_RE + r"\s+\d|\d{4}s\b|'\d0s))", seg, re.I)
    if m:
        start += m.end()
        seg = text[start:end]
    m = _TRAIL.search(seg)
    if m and m.start() > 0:
        end = start + m.start()
    # "last month's" -> "last month"
    while end > start and text[end - 1] in " ,.;:\n":
        if text[end - 1] == "." and re.search(r"\b(?:[a-z]\.[a-z]|jan|feb|aug|sept?|oct|nov|dec|mar|apr|jun|jul)\.$", text[start:end], re.I):
            break
        end -= 1
    return start, end


def _candidates(text: str, sdoc: Any) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    if sdoc is not None:
        for ent in sdoc.ents:
            if ent.label_ in ("DATE", "TIME"):
                spans.append((ent.start_char, ent.end_char, "ner"))
    rule = [(m.start(), m.end(), "rule") for m in _RULE_RE.finditer(text)]
    # NER spans win; a rule span that overlaps none is added
    out = list(spans)
    for s, e, src in rule:
        if not any(s < e2 and s2 < e for s2, e2, _ in spans):
            out.append((s, e, src))
    out.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, src in out:
        if merged:
            ps, pe, psrc = merged[-1]
            gap = text[pe:s]
            if (re.fullmatch(r",?\s{1,2}", gap) and _CLOCK_END.search(text[ps:pe])
                    and _DAY_START.match(text[s:e])):
                merged[-1] = (ps, e, psrc)
                continue
        merged.append((s, e, src))
    out = []
    for s, e, src in merged:
        m = _PART_AFTER.match(text, e)
        if m and re.search(r"(?:" + _WD_RE + r"|yesterday|tomorrow|today)$", text[s:e], re.I):
            e = m.end()
        out.append((s, e, src))
    return out


_CLOCK_END = re.compile(r"(?:\d\s*(?:a\.?m\.?|p\.?m\.?)|noon|midnight)(?:\s+(?:[A-Z]{2,4}|local time))?$", re.I)
_DAY_START = re.compile(r"(?:today|yesterday|tomorrow|tonight|" + _WD_RE + r"|" + _MONTH_RE + r"\s+\d)", re.I)
_PART_AFTER = re.compile(r"\s+(?:morning|afternoon|evening|night)\b", re.I)


@dataclass
class _Found:
    start: int
    end: int
    typ: str
    value: str
    mod: str | None
    issues: list[str]


def _resolve(text: str, start: int, end: int, sdoc: Any, dct: date | None, quarterly: bool = False) -> list[_Found]:
    """Normalize one candidate; split it ("Friday and Saturday") when it is not one timex."""
    lead_mod = "APPROX" if _APPROX_LEAD.match(text[start:end].lstrip()) else None
    start, end = _trim(text, start, end)
    if end <= start:
        return []
    phrase = text[start:end]
    future, past = _tense(sdoc, start, end)
    ctx = Ctx(dct, future, past, [], quarterly)
    r = normalize(phrase, ctx)
    if r is not None:
        return [_Found(start, end, r[0], r[1], r[2] or lead_mod, ctx.issues or [])]
    # try the pieces of a range or list
    parts = []
    pos = 0
    for m in _SPLIT.finditer(phrase):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, len(phrase)))
    out: list[_Found] = []
    if len(parts) > 1:
        for a, b in parts:
            out += _resolve(text, start + a, start + b, sdoc, dct, quarterly)
        if out:
            return out
    # drop leading words one at a time ("the recent quarter"), then trailing ones
    words = list(re.finditer(r"\S+", phrase))
    for k in range(1, len(words)):
        sub_s = start + words[k].start()
        ctx = Ctx(dct, future, past, [], quarterly)
        r = normalize(text[sub_s:end], ctx)
        if r is not None and text[sub_s:end].lower() not in ("now", "recent", "current", "past", "future"):
            return [_Found(sub_s, end, r[0], r[1], r[2], ctx.issues or [])]
    for k in range(len(words) - 1, 0, -1):
        sub_e = start + words[k - 1].end()
        ctx = Ctx(dct, future, past, [], quarterly)
        r = normalize(text[start:sub_e], ctx)
        if r is not None:
            return [_Found(start, sub_e, r[0], r[1], r[2], ctx.issues or [])]
    return []


def extract_timex(doc_id: str, text: str, sdoc: Any, dct: date | None) -> list[Timex]:
    """Every temporal expression in ``text`` as a :class:`Timex`, normalized against ``dct``."""
    found: list[_Found] = []
    quarterly = len(re.findall(r"\bquarter\b", text, re.I)) >= 2
    for s, e, _src in _candidates(text, sdoc):
        for f in _resolve(text, s, e, sdoc, dct, quarterly):
            if not any(f.start < g.end and g.start < f.end for g in found):
                found.append(f)
    found.sort(key=lambda f: f.start)
    _anchor_pass(text, found, dct)
    out = []
    anchor = dct.isoformat() if dct else None
    for i, f in enumerate(found, 1):
        out.append(Timex(
            id=f"{doc_id}:t{i}", type=f.typ, value=f.value, mod=f.mod, anchor=anchor, issues=f.issues,
            evidence=[Evidence(span=make_span(doc_id, text, f.start, f.end))],
        ))
    return out


# ---------------------------------------------------------------- anaphoric anchoring

_ANAPHORIC = re.compile(r"(?:(?:earlier|later)\s+)?(?:(the\s+(?:following|next|subsequent|previous|prior|preceding))|that|the\s+same)"
                        r"\s+(year|month|week|day|quarter)")
_DAYWORD = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|" + _WD_RE + r"|" + _MONTH_RE + r")(?!\w)", re.I)
_CLOCK_ONLY = re.compile(r"(?:\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?|o'clock)|noon|midnight|midday)\b.*", re.I)


def _parse_value(v: str) -> tuple[date, str] | None:
    """(date, granularity) of a concrete calendar value, or None."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", v)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "D"
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{4})-(\d\d)", v)
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 15), "M"
    m = re.fullmatch(r"(\d{4})-Q([1-4])", v)
    if m:
        return date(int(m.group(1)), 3 * int(m.group(2)) - 1, 15), "Q"
    m = re.fullmatch(r"(\d{4})", v)
    if m:
        return date(int(m.group(1)), 7, 1), "Y"
    return None


_FINER = {"D": {"D"}, "W": {"D"}, "M": {"D", "M"}, "Q": {"D", "M", "Q"}, "Y": {"D", "M", "Q", "Y"}}


def _anchor_pass(text: str, found: list[_Found], dct: date | None) -> None:
    """Resolve anaphoric expressions against the last date mentioned before them.

    News strategy (HeidelTime): deictic expressions ("yesterday", "last year", "Friday")
    stay relative to the dct; anaphoric ones ("the following year", "that quarter", "the
    next day") and bare clock times ("at 10 p.m.") refer to the last date the text
    mentioned, which is the dct until the text names one.
    """
    if dct is None:
        return
    last: dict[str, date] = {}  # granularity -> last mentioned date with at least that precision
    exact: dict[str, date] = {}  # granularity -> last mentioned date of exactly that precision
    for f in found:
        phrase = re.sub(r"\s+", " ", text[f.start:f.end].lower()).strip()
        m = _ANAPHORIC.fullmatch(phrase)
        if m and f.typ == "DATE":
            unit = m.group(2)
            gran = {"year": "Y", "month": "M", "week": "W", "day": "D", "quarter": "Q"}[unit]
            anchor = exact.get(gran, last.get(gran))
            if anchor is not None:
                rel = m.group(1) or ""
                n = 1 if re.search(r"following|next|subsequent", rel) else -1 if rel else 0
                try:
                    f.value = _fmt(_shift(anchor, gran, n), gran)
                except (ArithmeticError, ValueError):
                    pass  # "the following day" after 9999-12-31: keep the value it had
        elif f.typ == "TIME" and _CLOCK_ONLY.fullmatch(phrase) and not _DAYWORD.search(phrase):
            anchor = last.get("D")
            if anchor is not None and re.match(r"\d{4}-\d\d-\d\dT", f.value):
                f.value = anchor.isoformat() + f.value[10:]
        pv = _parse_value(f.value.split("T")[0]) if f.typ in ("DATE", "TIME") else None
        if pv is not None:
            d, g = pv
            exact[g] = d
            for k, fine in _FINER.items():
                if g in fine:
                    last[k] = d


# ---------------------------------------------------------------- publication date


def estimate_publication_date(text: str, sdoc: Any) -> tuple[date | None, str]:
    """A publication date estimated from the document's own explicit dates, with its basis.

    A report is published on or after the dated events it tells in the past, so the latest
    explicit full date (with a year) outside future-tense clauses is a lower bound, and the
    best single guess: news is written within days of what it reports. Weekday names carry
    no week, so they cannot move the estimate (an earlier version moved it forward to the
    latest weekday named, which turned "met on Friday" into a date *after* the report).
    """
    dated: list[tuple[date, str]] = []
    for s, e, _src in _candidates(text, sdoc):
        s, e = _trim(text, s, e)
        phrase = re.sub(r"\s+", " ", text[s:e].lower()).strip()
        r = _explicit_date(phrase)
        if r and r[0] is not None and not _tense(sdoc, s, e)[0]:
            try:
                dated.append((date(r[0], r[1], r[2]), text[s:e]))
            except ValueError:
                pass
    if not dated:
        return None, "no explicit full date in the text"
    base, src = max(dated)
    basis = f"on or after the latest explicit past date in the text, '{src}' ({base.isoformat()})"
    return base, basis
