"""The geocoder on assembled text (gazetteer names among hostile characters) and on arbitrary
names: every place span slices the text, coordinates are on the globe, and lookups of any
string never raise.
"""

from __future__ import annotations

from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import any_text, assert_spans_slice, budget, fuzzes, nasty, news_text, place
from truceline.nlp.geo import candidates, fold, geocode


@budget(80)
@given(text=news_text(3))
@example(text="Shelling hit Stepanakert/Khankendi, Ganja and Moscow, Idaho. The Lachin corridor — closed.")
@example(text="𝔄 Xankəndi\u0301 ,Baku,,, the the Hague \x00 Yerevan\u202e")
@fuzzes("geo.extract")
def test_places_slice_the_text_and_lie_on_the_globe(nlp, text: str) -> None:
    from truceline.nlp.geo import extract_places

    places = extract_places("d", text, nlp(text))
    assert_spans_slice(places, {"d": text}, "d")
    event(f"places resolved: {min(sum(p.lat is not None for p in places), 3)}")
    for p in places:
        assert p.evidence
        assert (p.lat is None) == (p.lon is None)
        if p.lat is not None:
            assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180


@budget(400)
@given(name=st.one_of(any_text, place, st.builds(lambda a, b: a + b, place, nasty)),
       countries=st.sets(st.sampled_from(["US", "RU", "AZ", "AM", "GE", "xx", ""]), max_size=3))
@example(name="", countries=set())
@example(name="é", countries=set())
@example(name="\u0301", countries={"US"})
@fuzzes("geo.lookup")
def test_lookups_of_any_string_never_raise(name: str, countries: set[str]) -> None:
    assert isinstance(fold(name), str)
    for c in candidates(name):
        assert c.name
    hit = geocode(name, countries)
    assert hit is None or hit.name
