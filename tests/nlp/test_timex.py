"""Behaviour of truceline.nlp.timex on small texts with a known document date."""

from __future__ import annotations

from datetime import date

import pytest

from truceline.nlp.runtime import get_nlp
from truceline.nlp.timex import estimate_publication_date, extract_timex

DCT = date(2020, 11, 4)  # a Wednesday


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def _run(nlp, text: str, dct: date | None = DCT):
    tx = extract_timex("d1", text, nlp(text), dct)
    return {t.evidence[0].span.text: t for t in tx}, tx


def test_weekday_is_most_recent_on_or_before_dct(nlp):
    by, _ = _run(nlp, "Azerbaijan said on Tuesday that shelling continued. The talks ended on Friday.")
    assert by["Tuesday"].value == "2020-11-03"
    assert by["Friday"].value == "2020-10-30"
    assert by["Friday"].type == "DATE"
    assert by["Friday"].anchor == "2020-11-04"


def test_weekday_future_when_the_clause_is_future(nlp):
    by, _ = _run(nlp, "The foreign ministers will meet in Geneva on Friday. They met next Monday too.")
    assert by["Friday"].value == "2020-11-06"
    assert by["next Monday"].value == "2020-11-09"



def test_last_week_is_previous_iso_week_and_this_week_current(nlp):
    by, _ = _run(nlp, "Last week the envoy visited Baku. The ministers spoke this week.")
    assert DCT.isocalendar()[1] == 45
    assert (by["Last week"].type, by["Last week"].value) == ("DATE", "2020-W44")
    assert by["this week"].value == "2020-W45"


def test_mid_month_and_duration(nlp):
    by, _ = _run(nlp, "Fighting resumed in mid-July. Troops must withdraw within one week, after three decades of conflict.")
    assert (by["mid-July"].value, by["mid-July"].mod) == ("2020-07", "MID")
    assert (by["one week"].type, by["one week"].value) == ("DURATION", "P1W")
    assert (by["three decades"].type, by["three decades"].value) == ("DURATION", "P30Y")


def test_weekday_date_inconsistency_is_flagged(nlp):
    by, _ = _run(nlp, "Last Sunday, October 26, rebels shelled the town.")
    t = by["Last Sunday, October 26"]
    assert t.value == "2020-10-26"
    assert t.issues and "Sunday" in t.issues[0] and "2020-10-26" in t.issues[0] and "Monday" in t.issues[0]
    by, _ = _run(nlp, "On Monday, October 26, rebels shelled the town.")
    assert not by["Monday, October 26"].issues


def test_spans_are_text_slices_and_extents(nlp):
    text = "On Friday, about five hours after midnight, the army said it had held the line since last month's attack."
    _, tx = _run(nlp, text)
    for t in tx:
        span = t.evidence[0].span
        assert text[span.start : span.end] == span.text
    texts = [t.evidence[0].span.text for t in tx]
    assert "Friday" in texts and "On Friday" not in texts
    assert "last month" in texts


def test_no_dct_gives_placeholder_values(nlp):
    by, tx = _run(nlp, "On October 26 the army advanced. Last week it retreated. It had happened on Friday and now.", None)
    assert by["October 26"].value == "XXXX-10-26"
    assert by["Last week"].value == "XXXX-WXX"
    assert by["Friday"].value == "XXXX-WXX-5"
    assert by["now"].value == "PRESENT_REF"
    assert all(t.anchor is None for t in tx)


def test_year_and_relative_values(nlp):
    by, _ = _run(nlp, "In 1992 the war ended. Last year the talks failed, and yesterday they resumed.")
    assert by["1992"].value == "1992"
    assert by["Last year"].value == "2019"
    assert by["yesterday"].value == "2020-11-03"


def test_estimate_publication_date(nlp):
    text = ("The photo was taken on September 27, 2020 near the front. Shelling began on September 25, 2020. "
            "On Tuesday, the ministry said the fighting continued.")
    d, basis = estimate_publication_date(text, nlp(text))
    assert d == date(2020, 9, 27)  # the latest explicit past date: a lower bound; weekdays carry no week
    assert "September 27, 2020" in basis and "on or after" in basis
    future = "The ceasefire was agreed on October 10, 2020. Talks will resume on December 1, 2020."
    assert estimate_publication_date(future, nlp(future))[0] == date(2020, 10, 10)  # future dates are no bound
    d, basis = estimate_publication_date("No dates here at all.", nlp("No dates here at all."))
    assert d is None and basis


def test_anaphoric_expressions_follow_the_last_mentioned_date(nlp):
    by, _ = _run(nlp, "The plant opened in 1995. The following year it was sold. Sales fell in the second quarter of 1996, "
                      "and results for that quarter were weak.")
    assert by["1995"].value == "1995"
    assert by["The following year"].value == "1996"
    assert by["that quarter"].value == "1996-Q2"


def test_deictic_expressions_stay_on_the_dct(nlp):
    by, _ = _run(nlp, "The plant opened in 1995. Last year it was sold.")
    assert by["Last year"].value == "2019"


def test_clock_time_takes_the_day_last_mentioned(nlp):
    by, _ = _run(nlp, "On Oct. 23, 1998, the doctor was shot at 10 p.m. in his kitchen.")
    assert by["10 p.m."].value == "1998-10-23T22:00"
    by, _ = _run(nlp, "The doctor was shot at 10 p.m. in his kitchen.")
    assert by["10 p.m."].value == "2020-11-04T22:00"  # nothing mentioned: the dct


def test_clock_time_and_day_are_one_timex(nlp):
    by, _ = _run(nlp, "The deadline was extended until 9 a.m. EST Tuesday. Bids are due by 5 p.m. EST, Nov. 9.")
    assert by["9 a.m. EST Tuesday"].value == "2020-11-03T09:00"
    assert by["5 p.m. EST, Nov. 9"].value == "2020-11-09T17:00"


def test_hyphenated_lengths_are_durations_but_ages_are_not(nlp):
    by, _ = _run(nlp, "He signed a two-year contract. The 44-year-old man and an eight-year-old boy left.")
    assert (by["two-year"].type, by["two-year"].value) == ("DURATION", "P2Y")
    assert not any("old" in k or k.startswith("eight") or k.startswith("44") for k in by)
