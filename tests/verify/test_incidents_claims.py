"""Incidents, independent corroboration and grades on small texts written for the purpose."""

from __future__ import annotations

import pytest

from tests.verify.conftest import make_corpus
from truceline.verify import verify

SHELLING_A = "Azerbaijani forces shelled the town of Martuni on October 5, 2020, killing two civilians."
SHELLING_B = "On October 5, 2020, Azerbaijan's army shelled Martuni, killing two civilians, local officials said."
SHELLING_LATER = "Azerbaijani forces shelled the town of Martuni on October 20, 2020, killing two civilians."


@pytest.fixture(scope="module")
def shelling(tmp_path_factory):
    docs = [
        {"text": SHELLING_A, "outlet": "Alpha News", "published": "2020-10-06"},
        {"text": SHELLING_B, "outlet": "Beta Wire", "published": "2020-10-06"},
        {"text": SHELLING_LATER, "outlet": "Gamma Post", "published": "2020-10-21"},
        # the same outlet twice: one source, however often it repeats itself
        {"text": SHELLING_A.replace("killing", "and killed").replace(", killing", " and killed"), "outlet": "Alpha News",
         "published": "2020-10-06", "title": "Second Alpha story"},
    ]
    corpus = make_corpus(tmp_path_factory.mktemp("shelling"), docs)
    return corpus, verify(corpus)


def _incidents_with(result, doc_id: str, plover: str = "ASSAULT"):
    return [i for i in result.incidents if i.plover == plover and doc_id in i.doc_ids]


def test_two_outlets_reporting_one_shelling_are_one_incident_with_two_sources(shelling):
    corpus, result = shelling
    a, b, later, again = (d.id for d in corpus.docs.values())
    [inc] = _incidents_with(result, a)
    assert {a, b} <= set(inc.doc_ids)
    assert inc.date == "2020-10-05"
    # Alpha News twice counts once: outlets are not independent of themselves
    assert inc.independent_sources == 2, inc.source_groups
    assert any("folded" in r for r in inc.reasons) or again not in inc.doc_ids


def test_the_same_shelling_two_weeks_later_is_another_incident(shelling):
    corpus, result = shelling
    a, _b, later, _again = (d.id for d in corpus.docs.values())
    [first] = _incidents_with(result, a)
    [second] = _incidents_with(result, later)
    assert first.id != second.id
    assert later not in first.doc_ids


def test_every_incident_has_claims_and_evidence_that_trace_to_text(shelling):
    corpus, result = shelling
    claims = {c.id: c for c in result.claims}
    for inc in result.incidents:
        assert inc.claim_ids and all(c in claims for c in inc.claim_ids)
        for ev in inc.evidence:
            assert ev.span.verify(corpus.docs[ev.span.doc_id].text)
    assert {c.kind for c in result.claims} <= {"report", "allegation", "statement", "observation"}


def test_grade_follows_corroboration_and_configured_reliability(tmp_path):
    docs = [{"text": SHELLING_A, "outlet": "Alpha News", "published": "2020-10-06"},
            {"text": SHELLING_B, "outlet": "Beta Wire", "published": "2020-10-06"}]
    corpus = make_corpus(tmp_path, docs, reliability={"Beta Wire": "B"})
    [inc] = [i for i in verify(corpus).incidents if i.plover == "ASSAULT"]
    assert inc.reliability == "B" and inc.credibility in (1, 2, 3)
    assert inc.grade == f"B{inc.credibility}"
    assert any("reliability B" in r for r in inc.reasons)
    single = make_corpus(tmp_path / "one", [docs[0]])
    [alone] = [i for i in verify(single).incidents if i.plover == "ASSAULT"]
    assert alone.independent_sources == 1 and alone.credibility == 3 and alone.reliability == "F"


QUOTE = ("Defence Minister Ivan Petrov said: \u201cOur artillery destroyed the rebel convoy near the river and "
         "the fighting will go on until the rebels surrender their weapons.\u201d")


def test_a_quote_carried_by_three_outlets_is_one_source(tmp_path):
    from truceline.verify.claims import shared_passages

    docs = [{"text": f"{lead} {QUOTE}", "outlet": outlet, "published": "2021-03-02"}
            for lead, outlet in (("Fighting went on in the north.", "Alpha News"),
                                 ("The army claimed gains on Monday.", "Beta Wire"),
                                 ("Officials spoke to reporters.", "Gamma Post"))]
    corpus = make_corpus(tmp_path, docs)
    [shared] = [p for p in shared_passages(corpus) if "convoy" in p["text"]]
    assert shared["carried_by"] == 3
    assert shared["independent_sources"] == 1


def test_documents_sharing_no_passage_author_or_outlet_stay_independent(tmp_path):
    from truceline.verify.claims import shared_passages

    docs = [{"text": "Rebels attacked a police station in Lumo on 3 May 2021, the governor said.", "outlet": "Alpha News",
             "published": "2021-05-04"},
            {"text": "Rebel fighters stormed a police station in Lumo on 3 May 2021, witnesses told reporters.",
             "outlet": "Beta Wire", "published": "2021-05-04"}]
    corpus = make_corpus(tmp_path, docs)
    assert shared_passages(corpus) == []
    same_author = make_corpus(tmp_path / "a", [{**d, "author": "Jane Roe"} for d in docs])
    from truceline.verify.claims import count_sources

    spans = [d.events[0].evidence[0].span for d in same_author.docs.values() if d.events]
    assert len(spans) == 2
    assert count_sources(same_author, spans)[0] == 1  # one author: one source
    spans = [d.events[0].evidence[0].span for d in corpus.docs.values() if d.events]
    assert len(spans) == 2
    assert count_sources(corpus, spans)[0] == 2
