"""The event coder on sentences assembled from the actor and verb dictionaries, with dates,
places, numbers and hostile characters: every event's evidence slices its sentence, codes
are well formed, and nothing raises.
"""

from __future__ import annotations

import re
from datetime import date

from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import assert_spans_slice, budget, dct, fuzzes, news_text, sentence
from truceline.model import Event

PLOVER = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
          "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "OTHER"}


def _check(events: list[Event], text: str, doc_id: str) -> None:
    assert_spans_slice(events, {doc_id: text}, doc_id)
    event(f"events coded: {min(len(events), 3)}")
    for ev in events:
        event(f"modality: {ev.modality}")
        assert ev.plover in PLOVER, ev.plover
        assert ev.cameo is None or re.fullmatch(r"\d{2,4}[A-Za-z]?", ev.cameo), ev.cameo
        Event.model_validate_json(ev.model_dump_json())


@budget(80)
@given(text=sentence(), when=dct)
@example(text="Azerbaijan accused Armenia of shelling Ganja on Friday, killing 10000000000000000000 civilians.",
         when=date(9999, 12, 31))
@example(text="The United Nations called for a ceasefire in Nagorno-Karabakh\x00 tomorrow.", when=date(1, 1, 1))
@fuzzes("coder.sentence")
def test_coded_sentences_give_well_formed_events(nlp, text: str, when: date | None) -> None:
    from truceline.events.coder import code_sentence

    _check(code_sentence(text, when), text, "s")


@budget(40)
@given(text=news_text(4), when=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))))
@fuzzes("coder.document")
def test_a_whole_reading_gives_events_that_slice_the_document(nlp, text: str, when: date | None) -> None:
    from truceline.nlp.stage import read_parsed

    reading = read_parsed("d", text, nlp(text), when)
    for records in (reading.mentions, reading.quotes, reading.timex, reading.places):
        assert_spans_slice(records, {"d": text}, "d")
    _check(reading.events, text, "d")
