"""Coverage-guided fuzzing of the timex normaliser (truceline/nlp/timex.py): its registry of
regex parsers, date arithmetic and anaphora, without spaCy (the parse only adds candidates).

The input gives an anchor date (anywhere in the calendar, or none), tense flags and a text.
Properties: ``normalize`` gives None or a TIMEX3 value of a known type and mod; extracting
from the text never raises and every span slices it.

    .venv/bin/python fuzz/fuzz_timex.py -atheris_runs=100000
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import atheris

with atheris.instrument_imports(include=["truceline.nlp.timex"]):
    from truceline.nlp.timex import Ctx, estimate_publication_date, extract_timex, normalize

from common import run  # noqa: E402 (after the instrumented imports)

TYPES = {"DATE", "TIME", "DURATION", "SET"}
MODS = {None, "START", "MID", "END", "APPROX", "MORE_THAN", "LESS_THAN", "EQUAL_OR_LESS", "EQUAL_OR_MORE"}
VALUE = re.compile(
    r"(?:PRESENT|PAST|FUTURE)_REF|P(?:T?(?:X|\d+(?:\.\d+)?)(?:Y|M|W|D|H|S|Q|WE|[YMWD]T?\d*[HMS]?)|T\d+H\d+M|\d+Y\d+M|X[dwmy])"
    r"|(?:\d{4}|XXXX)-W(?:\d\d|XX)(?:-WE|-[1-7](?:T(?:MO|AF|EV|NI|(?:[01]\d|2[0-3]):[0-5]\d|24:00))?)?|(?:\d{4}|XXXX)-Q(?:[1-4]|X)|(?:\d{4}|XXXX)-(?:SP|SU|FA|WI)"
    r"|(?:\d{4}|XXXX)(?:-(?:\d\d|XX)(?:-(?:\d\d|XX))?)?(?:T(?:MO|AF|EV|NI|(?:[01]\d|2[0-3]):[0-5]\d|24:00))?|\d{2,3}|XXX?"
)


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    dct = None if fdp.ConsumeBool() else date.min + timedelta(days=fdp.ConsumeIntInRange(0, 3652058))
    ctx = Ctx(dct, fdp.ConsumeBool(), fdp.ConsumeBool(), [], fdp.ConsumeBool())
    phrase = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 60))
    result = normalize(phrase, ctx)
    if result is not None:
        typ, value, mod = result
        assert typ in TYPES and mod in MODS, result
        assert VALUE.fullmatch(value), f"{phrase!r} -> {value!r}"
    text = fdp.ConsumeUnicodeNoSurrogates(400)
    for t in extract_timex("d", text, None, dct):
        span = t.evidence[0].span
        assert text[span.start:span.end] == span.text
        assert VALUE.fullmatch(t.value), f"{span.text!r} -> {t.value!r}"
    estimate_publication_date(text, None)


if __name__ == "__main__":
    run(test_one_input)
