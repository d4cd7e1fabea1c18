"""The issue's acceptance reading of the bundled sample corpus, as a regression guard.

Everything here comes from general rules exercised on invented texts in the other test files;
this file only checks that the bundled demo still reads as an analyst would read it.
"""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE
from truceline.api_python import extract
from truceline.verify import Corpus, verify
from truceline.verify.claims import shared_passages


@pytest.fixture(scope="module")
def sample():
    docs, _ = extract([SAMPLE])
    corpus = Corpus.of(docs)
    return corpus, verify(corpus)


def test_geneva_joint_statement_has_four_commitments_with_the_pow_deadline(sample):
    _corpus, result = sample
    [geneva] = [a for a in result.agreements if a.kind == "joint_statement" and a.location == "Geneva"]
    assert geneva.date == "2020-10-30"
    assert {p.code[:3] for p in geneva.parties if p.code} == {"ARM", "AZE"}
    assert any("Minsk" in m.text for m in geneva.mediators)
    assert len(geneva.commitments) == 4
    pow_lists = [c for c in geneva.commitments if "prisoners of war" in c.action]
    assert [c.deadline for c in pow_lists] == ["2020-11-06"]
    assert all(c.status in {"pending", "met", "breached", "overdue", "unknown"} and c.evidence for c in geneva.commitments)


def test_the_brokered_humanitarian_ceasefires_are_breached_with_both_sides_accusations(sample):
    _corpus, result = sample
    claims = {c.id: c for c in result.claims}
    for broker in ("Russia", "United States"):
        [truce] = [a for a in result.agreements if a.kind == "ceasefire" and any(m.text == broker for m in a.mediators)]
        assert truce.breached
        accusers = {claims[c].claimant.code[:3] for c in truce.claim_ids if claims[c].kind == "allegation"}
        assert accusers == {"ARM", "AZE"}


def test_irans_initiative_is_a_plan_under_consideration(sample):
    _corpus, result = sample
    [plan] = [a for a in result.agreements if a.kind == "plan" and a.proposer and (a.proposer.code or "").startswith("IRN")]
    assert plan.status == "under_consideration"
    assert any(h.status == "under_consideration" and "Russia" in (h.note or "") for h in plan.history)


def test_who_started_the_escalation_and_the_weekday_slip_are_contradictions(sample):
    _corpus, result = sample
    agency = [c for c in result.contradictions if c.kind == "agency"]
    assert any("2020-09-27" in c.subject and len({d for s in c.sides for d in s.doc_ids}) == 2 for c in agency)
    internal = [c for c in result.contradictions if c.kind == "internal"]
    assert any("Sunday" in c.reasons[0] and "Monday" in c.reasons[0] for c in internal)


def test_the_copied_araqchi_quote_is_one_source(sample):
    corpus, _result = sample
    [quote] = [p for p in shared_passages(corpus) if p["text"].lstrip("\u201c\"").startswith("In several stages")]
    assert quote["carried_by"] == 3 and quote["independent_sources"] == 1
