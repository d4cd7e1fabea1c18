"""The shortcuts verification takes for speed give what the plain paths give."""

from __future__ import annotations

import gc

import numpy as np

from truceline.model import ActorRef, Event, Evidence, Mention, Place, Quote, Timex, make_span
from truceline.store.records import event_from_row, mention_from_row, place_from_row, quote_from_row, timex_from_row
from truceline.verify.common import content_words, paused_gc, sentence_vector, words_vector

TEXT = "Azerbaijani forces shelled Tartar on 27 September, the ministry said."


def _same(a, b) -> None:
    assert a == b
    assert a.model_dump_json() == b.model_dump_json()
    assert a.model_fields_set == b.model_fields_set
    assert [type(v) for v in a.__dict__.values()] == [type(v) for v in b.__dict__.values()]


def test_stored_rows_read_back_equal_to_validated_records():
    span = make_span("d1", TEXT, 0, 18)
    _same(mention_from_row({"id": "m1", "doc_id": "d1", "actor_id": "a1", "kind": "state", "resolved_by": "name",
                            "code": "AZEMIL", "start": 0, "end": 18}, TEXT),
          Mention(id="m1", actor_id="a1", kind="state", resolved_by="name", code="AZEMIL", evidence=[Evidence(span=span)]))
    _same(event_from_row({"id": "e1", "doc_id": "d1", "plover": "ASSAULT", "mode": None, "context": ["x"], "cameo": "195",
                          "source": [{"text": "Azerbaijani forces", "code": "AZEMIL", "actor_id": None}], "target": [],
                          "date": "2020-09-27", "place_id": "p1", "location": "Tartar", "modality": "asserted",
                          "claimant": {"text": "the ministry", "code": None, "actor_id": None}, "negated": 0,
                          "start": 0, "end": len(TEXT)}, TEXT),
          Event(id="e1", plover="ASSAULT", mode=None, context=["x"], cameo="195",
                source=[ActorRef(text="Azerbaijani forces", code="AZEMIL", actor_id=None)], target=[], date="2020-09-27",
                place_id="p1", location="Tartar", modality="asserted", claimant=ActorRef(text="the ministry"),
                negated=False, evidence=[Evidence(span=make_span("d1", TEXT, 0, len(TEXT)), role="event")]))
    _same(place_from_row({"id": "p1", "doc_id": "d1", "name": "Tartar", "feature": "city", "country": "AZ", "lat": 40,
                          "lon": 46.9, "geonames_id": 1, "source": "gazetteer", "spans": [[27, 33]]}, TEXT),
          Place(id="p1", name="Tartar", feature="city", country="AZ", lat=40, lon=46.9, geonames_id=1, source="gazetteer",
                evidence=[Evidence(span=make_span("d1", TEXT, 27, 33))]))
    _same(timex_from_row({"id": "t1", "doc_id": "d1", "type": "DATE", "value": "2020-09-27", "mod": None, "anchor": None,
                          "issues": [], "start": 37, "end": 49}, TEXT),
          Timex(id="t1", type="DATE", value="2020-09-27", mod=None, anchor=None, issues=[],
                evidence=[Evidence(span=make_span("d1", TEXT, 37, 49))]))
    _same(quote_from_row({"id": "q1", "doc_id": "d1", "kind": "indirect", "cue": "said", "cue_start": 64, "cue_end": 68,
                          "speaker_start": None, "speaker_end": None, "speaker_text": "the ministry",
                          "speaker_actor_id": None, "channel": None, "spans": [[0, 49]]}, TEXT),
          Quote(id="q1", kind="indirect", cue="said", cue_span=make_span("d1", TEXT, 64, 68), speaker=None,
                speaker_text="the ministry", speaker_actor_id=None, channel=None,
                evidence=[Evidence(span=make_span("d1", TEXT, 0, 49))]))


def test_paused_gc_restores_the_collector_and_freezes_nothing_for_good():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()  # another's frozen objects stay frozen; the block's own freeze is undone
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            gc.enable()  # a library turning it back on (srsly does)
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_words_vector_is_sentence_vector():
    a, b = words_vector(content_words(TEXT)), sentence_vector(TEXT)
    assert (a is None and b is None) or np.array_equal(a, b)
