"""Contradictions: found with both sides' evidence, and not found where accounts agree."""

from __future__ import annotations

import pytest

from tests.verify.conftest import make_corpus
from truceline.verify import verify


def _kinds(result, kind: str):
    return [c for c in result.contradictions if c.kind == kind]


@pytest.fixture(scope="module")
def blame(tmp_path_factory):
    docs = [
        {"text": "Azerbaijani troops attacked Armenian positions first on September 27, 2020, starting the war.",
         "outlet": "Alpha News", "published": "2020-09-28"},
        {"text": "The war began on September 27, 2020, when Armenian forces launched an attack on Azerbaijani positions.",
         "outlet": "Beta Wire", "published": "2020-09-28"},
        # an exchange of fire told both ways by one source is not a dispute
        {"text": "Armenian and Azerbaijani forces exchanged fire along the line of contact on October 14, 2020.",
         "outlet": "Gamma Post", "published": "2020-10-15"},
    ]
    corpus = make_corpus(tmp_path_factory.mktemp("blame"), docs)
    return corpus, verify(corpus)


def test_who_attacked_first_is_an_agency_contradiction_with_both_sides(blame):
    corpus, result = blame
    first, second, _exchange = corpus.docs
    [con] = _kinds(result, "agency")
    assert {d for side in con.sides for d in side.doc_ids} == {first, second}
    assert len(con.sides) == 2 and all(side.evidence for side in con.sides)
    for side in con.sides:
        for ev in side.evidence:
            assert ev.span.verify(corpus.docs[ev.span.doc_id].text)
    incident = next(i for i in result.incidents if i.id == con.incident_id)
    assert any("attribution disputed" in r for r in incident.reasons)


def test_an_exchange_of_fire_is_not_a_contradiction(blame):
    corpus, result = blame
    exchange = list(corpus.docs)[2]
    assert not any(exchange in side.doc_ids for c in result.contradictions for side in c.sides)


def test_opposite_attacks_weeks_apart_are_not_a_contradiction(tmp_path):
    docs = [{"text": "Azerbaijani troops attacked Armenian positions first on September 27, 2020.", "outlet": "Alpha News",
             "published": "2020-09-28"},
            {"text": "Armenian forces launched an attack on Azerbaijani positions on October 20, 2020.", "outlet": "Beta Wire",
             "published": "2020-10-21"}]
    assert _kinds(verify(make_corpus(tmp_path, docs)), "agency") == []


def test_figures_that_cannot_both_be_true_are_a_number_contradiction(tmp_path):
    docs = [{"text": "About 2,000 mercenaries were deployed to the front, officials said.", "outlet": "Alpha News",
             "published": "2020-10-10"},
            {"text": "Some 4,000 mercenaries were deployed to the front, according to the ministry.", "outlet": "Beta Wire",
             "published": "2020-10-11"}]
    [con] = _kinds(verify(make_corpus(tmp_path, docs)), "number")
    assert "mercenary" in con.subject
    assert sorted(s.value for s in con.sides) == ["1,700-2,300", "3,400-4,600"]


def test_overlapping_or_distant_figures_are_not_contradictions(tmp_path):
    docs = [{"text": "More than 1,000 people have died in the fighting, officials said.", "outlet": "Alpha News",
             "published": "2020-11-03"},
            {"text": "Thousands of people have died in the fighting, aid groups said.", "outlet": "Beta Wire",
             "published": "2020-11-03"},
            # a toll from a month earlier: tolls grow, this is no contradiction
            {"text": "At least 200 people have died in the fighting, officials said.", "outlet": "Gamma Post",
             "published": "2020-10-01"}]
    assert _kinds(verify(make_corpus(tmp_path, docs)), "number") == []


def test_the_same_account_on_different_days_is_a_date_contradiction(tmp_path):
    docs = [{"text": "The foreign ministers of Armenia and Azerbaijan signed a ceasefire agreement in Moscow on October 10, 2020.",
             "outlet": "Alpha News", "published": "2020-10-13"},
            {"text": "The foreign ministers of Armenia and Azerbaijan signed a ceasefire agreement in Moscow on October 12, 2020.",
             "outlet": "Beta Wire", "published": "2020-10-13"},
            {"text": "The foreign ministers of Armenia and Azerbaijan met in Geneva on October 30, 2020.",
             "outlet": "Gamma Post", "published": "2020-10-31"}]
    cons = _kinds(verify(make_corpus(tmp_path, docs)), "date")
    assert len(cons) == 1
    assert sorted(s.value for s in cons[0].sides) == ["2020-10-10", "2020-10-12"]


def test_a_weekday_that_does_not_match_its_date_is_internal(tmp_path):
    docs = [{"text": "On Sunday, October 26, 2020, the clashes started again on the border.", "outlet": "Alpha News",
             "published": "2020-10-28"},
            {"text": "On Monday, October 26, 2020, the talks resumed in Vienna.", "outlet": "Beta Wire",
             "published": "2020-10-28"}]
    corpus = make_corpus(tmp_path, docs)
    cons = _kinds(verify(corpus), "internal")
    assert [c.sides[0].doc_ids for c in cons] == [[list(corpus.docs)[0]]]
    assert "Sunday" in cons[0].reasons[0]


def test_a_year_less_weekday_is_checked_against_the_corpus_years(tmp_path):
    docs = [{"text": "Last Sunday, October 26, the clashes started again on the border.", "outlet": "Alpha News"},
            {"text": "The talks resumed in Vienna on October 20, 2020, diplomats said.", "outlet": "Beta Wire",
             "published": "2020-10-21"},
            {"text": "Last Monday, October 26, the talks resumed in Vienna.", "outlet": "Gamma Post"}]
    corpus = make_corpus(tmp_path, docs)
    cons = _kinds(verify(corpus), "internal")
    assert [c.sides[0].doc_ids for c in cons] == [[list(corpus.docs)[0]]]
    assert "2020-10-26 was a Monday" in cons[0].reasons[0]
