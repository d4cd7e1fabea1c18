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


def _conditions(result):
    return result.conditions


def _keys(refs):
    return {(r.code or "")[:3] for r in refs if r.code}


def test_the_treaty_obligation_the_alliance_clause_and_the_border_red_line_are_records(sample):
    corpus, result = sample
    conditions = _conditions(result)
    [treaty] = [c for c in conditions if c.basis and c.basis.kind == "treaty"]
    assert treaty.kind == "obligation" and _keys(treaty.bound) == {"RUS"} and _keys(treaty.beneficiary) == {"ARM"}
    assert treaty.condition.territory == ["ARM"] and "ASSAULT" in treaty.condition.plover
    assert "1997" in (treaty.basis.date or "") and "Treaty" in treaty.basis.name
    [alliance] = [c for c in conditions if c.basis and c.basis.kind == "alliance"]
    assert "CSTO" in alliance.basis.name and {"ARM", "RUS"} <= _keys(alliance.bound)
    assert "ARM" in alliance.condition.territory and alliance.condition.relation == "on_territory_of"
    red = [c for c in conditions if c.kind == "red_line" and c.condition.territory == ["IRN"]]
    assert len(red) == 1 and _keys(red[0].bound) == {"IRN"} and red[0].condition.relation == "crosses_border_of"
    assert len(red[0].doc_ids) == 2  # stated in two reports: one record with both sentences
    for c in conditions:
        for ev in c.evidence:
            assert ev.span.verify(corpus.docs[ev.span.doc_id].text)


def test_the_shells_crossing_into_iran_are_linked_to_its_red_line_as_claimed_with_their_source(sample):
    corpus, result = sample
    [red] = [c for c in _conditions(result) if c.kind == "red_line" and c.condition.territory == ["IRN"]]
    assert red.watch.status == "claimed_triggered"
    met = [m for m in red.watch.matches if m.verdict == "meets"]
    assert met and any("crossed the Iranian border" in e.span.text for m in met for e in m.evidence)
    assert {r.text for r in red.watch.claimants} == {corpus.docs[met[0].doc_ids[0]].outlet}
    assert all(not m.corroborated for m in met)


def test_no_obligation_on_armenia_territory_is_triggered(sample):
    _corpus, result = sample
    on_armenia = [c for c in _conditions(result) if "ARM" in c.condition.territory]
    assert len(on_armenia) >= 2
    assert all(c.watch.status in {"not_triggered", "nearly_met"} for c in on_armenia)
