"""The timex normaliser on assembled expressions and anchor dates over the whole calendar.

``normalize`` must never raise: a phrase it cannot read, or whose value falls outside the
calendar ("10000 years ago", "tomorrow" on 9999-12-31), has no value. A value it gives is a
TIMEX3 value (TempEval-3 conventions) of the right type, with a TimeML ``mod``. In text,
every timex span slices the text it came from.
"""

from __future__ import annotations

from datetime import date

from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    TIMEX_VALUE,
    assert_spans_slice,
    budget,
    date_phrase,
    dct,
    fuzzes,
    nasty,
    news_text,
)
from truceline.nlp.timex import Ctx, normalize

MODS = {None, "START", "MID", "END", "APPROX", "MORE_THAN", "LESS_THAN", "EQUAL_OR_LESS", "EQUAL_OR_MORE"}
TYPES = {"DATE", "TIME", "DURATION", "SET"}

phrase = st.one_of(date_phrase(), st.builds(lambda a, b: a + b, date_phrase(), nasty), st.text(max_size=30))


def check_value(result: tuple[str, str, str | None] | None) -> None:
    if result is None:
        return
    typ, value, mod = result
    assert typ in TYPES and mod in MODS
    assert TIMEX_VALUE.fullmatch(value), f"not a TIMEX3 value: {value!r} ({typ})"
    if typ == "DURATION":
        assert value.startswith("P")
    if typ == "SET":
        assert value.startswith(("P", "XXXX"))


@budget(600)
@given(phrase=phrase, anchor=dct, future=st.booleans(), past=st.booleans(), quarterly=st.booleans())
@example(phrase="10000 years ago", anchor=date(2020, 11, 4), future=False, past=True, quarterly=False)
@example(phrase="tomorrow", anchor=date(9999, 12, 31), future=False, past=False, quarterly=False)
@example(phrase="yesterday", anchor=date(1, 1, 1), future=False, past=False, quarterly=False)
@example(phrase="next year", anchor=date(9999, 6, 1), future=True, past=False, quarterly=False)
@example(phrase="December 31", anchor=date(1, 1, 1), future=False, past=False, quarterly=False)
@example(phrase="the third quarter", anchor=date(1, 2, 1), future=False, past=False, quarterly=True)
@example(phrase="1" * 400 + " years", anchor=date(2020, 1, 1), future=False, past=False, quarterly=False)
@example(phrase="1" * 400 + " years ago", anchor=date(2020, 1, 1), future=False, past=False, quarterly=False)
@example(phrase="24:30", anchor=date(2020, 1, 1), future=False, past=False, quarterly=False)
@example(phrase="Q3", anchor=date(999, 6, 1), future=False, past=False, quarterly=False)
@example(phrase="11p.m.\x0bMonday", anchor=None, future=False, past=False, quarterly=False)
@example(phrase="last week", anchor=date(999, 6, 1), future=False, past=False, quarterly=False)
@example(phrase="next May", anchor=date(9999, 6, 1), future=True, past=False, quarterly=False)
@example(phrase="last spring", anchor=date(1, 2, 1), future=False, past=True, quarterly=False)
@fuzzes("timex.normalize")
def test_normalize_gives_a_timex3_value_or_nothing(phrase: str, anchor: date | None, future: bool, past: bool,
                                                   quarterly: bool) -> None:
    ctx = Ctx(anchor, future, past, [], quarterly)
    result = normalize(phrase, ctx)
    event(f"normalized: {result[0] if result else None}")
    check_value(result)
    assert all(isinstance(i, str) for i in ctx.issues or [])


@budget(60)
@given(text=news_text(3), anchor=dct)
@example(text="It happened 10000 years ago, and again on December 31, 9999. Tomorrow too.", anchor=None)
@example(text="The talks resumed on Friday, the day after tomorrow.", anchor=date(9999, 12, 30))
@fuzzes("timex.extract")
def test_extracted_timexes_slice_the_text(nlp, text: str, anchor: date | None) -> None:
    from truceline.nlp.timex import estimate_publication_date, extract_timex

    sdoc = nlp(text)
    found = extract_timex("d", text, sdoc, anchor)
    assert_spans_slice(found, {"d": text}, "d")
    event(f"timexes found: {min(len(found), 3)}")
    for t in found:
        check_value((t.type, t.value, t.mod))
    estimate, basis = estimate_publication_date(text, sdoc)
    assert estimate is None or isinstance(estimate, date) and basis
