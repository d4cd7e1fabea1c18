"""The agreements step on small texts written for it: joint statements with clauses, ceasefires
that are breached or must stay apart, plans under consideration, and false friends."""

from __future__ import annotations

import pytest

from tests.verify.conftest import make_corpus
from truceline.model import Agreement
from truceline.verify import STEPS, Verification
from truceline.verify.agreements import add_duration, find_agreements

STATEMENT = (
    "On 3 March 2021 in Vienna, the foreign ministers of Ethiopia and Eritrea, together with the "
    "United Nations co-chairs, agreed to the following, according to a joint statement:\n\n"
    "\u201cThe sides will not target civilian populations or non-military objects.\u201d\n\n"
    "\u201cThe sides will deliver to the ICRC, within one week, a list of detained prisoners of war.\u201d\n\n"
    "\u201cThe sides will exchange the remains of the dead within 72 hours.\u201d\n\n"
    "\u201cThe sides will provide written comments on verification mechanisms by 30 April 2021.\u201d"
)
LATER = [
    {"text": "Ethiopia delivered a list of detained prisoners of war to the ICRC on 8 March 2021.",
     "published": "2021-03-08"},
    {"text": "On 10 March 2021 Eritrea shelled civilian populations in the town of Zalambessa.", "published": "2021-03-11"},
]
CEASEFIRES = [
    {"text": "A Malaysia-brokered ceasefire between Thailand and Cambodia took effect on 1 May 2021.",
     "published": "2021-05-01"},
    {"text": "The Malaysia-brokered truce between Thailand and Cambodia was violated on 3 May 2021. "
             "Thailand and Cambodia accused each other of violating the ceasefire.", "published": "2021-05-04"},
    {"text": "A new ceasefire between Thailand and Cambodia, brokered by China, took effect on 24 May 2021.",
     "published": "2021-05-25"},
    {"text": "Thailand and Cambodia agreed to a ceasefire on 20 June 2021.", "published": "2021-06-21"},
]
PLAN = [
    {"text": "Turkey presented a four-point peace plan for Libya on 1 June 2021.", "published": "2021-06-01"},
    {"text": "Egypt is weighing Turkey's peace plan, its foreign ministry said on 3 June 2021. "
             "The Turkish proposal is being studied by Egypt.", "published": "2021-06-03"},
    {"text": "The minister said he was in agreement with the view that talks should resume soon.",
     "published": "2021-06-04"},
]


def _run(tmp_path_factory, name: str, docs: list[dict], today: str) -> tuple[list[Agreement], Verification]:
    """Build the corpus through the real pipeline, run the earlier steps, then this one."""
    corpus = make_corpus(tmp_path_factory.mktemp(name), docs, today=today)
    result = Verification()
    for earlier in ("incidents", "claims"):
        if earlier in STEPS:
            STEPS[earlier](corpus, result)
    find_agreements(corpus, result)
    return result.agreements, result


@pytest.fixture(scope="module")
def statement(tmp_path_factory):
    docs = [{"text": STATEMENT, "published": "2021-03-04", "outlet": "Wire"}] + LATER
    return _run(tmp_path_factory, "statement", docs, "2021-03-20")[0]


@pytest.fixture(scope="module")
def ceasefires(tmp_path_factory):
    return _run(tmp_path_factory, "ceasefires", CEASEFIRES, "2021-07-01")


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    return _run(tmp_path_factory, "plans", PLAN, "2021-06-10")[0]


def _one(agreements: list[Agreement], kind: str) -> Agreement:
    found = [a for a in agreements if a.kind == kind]
    assert len(found) == 1, [(a.kind, a.title) for a in agreements]
    return found[0]


def _codes(refs) -> set[str]:
    return {(r.code or "")[:3] for r in refs}


def test_joint_statement_is_one_agreement_with_its_clauses(statement):
    js = _one(statement, "joint_statement")
    assert js.date == "2021-03-03"
    assert js.location == "Vienna"
    assert _codes(js.parties) == {"ETH", "ERI"}
    assert js.mediators, js.mediators
    assert len(js.commitments) == 4
    for c in js.commitments:
        assert _codes(c.obligors) == {"ETH", "ERI"}
        assert c.evidence[0].span.text.startswith("\u201cThe sides will")
        assert c.history and c.history[0].evidence


def test_deadlines_are_resolved_from_the_agreement_date(statement):
    by_verb = {c.action.split()[0]: c for c in _one(statement, "joint_statement").commitments}
    deliver = by_verb["deliver"]
    assert deliver.deadline_expression == "within one week"
    assert deliver.deadline_anchor == "2021-03-03"
    assert deliver.deadline == "2021-03-10"
    assert any("ICRC" in r.text for r in deliver.recipients)
    assert by_verb["exchange"].deadline == "2021-03-06"  # within 72 hours
    assert by_verb["provide"].deadline == "2021-04-30"  # by 30 April 2021
    assert by_verb["target"].negative and not deliver.negative


def test_commitment_statuses_from_later_reports(statement):
    by_verb = {c.action.split()[0]: c for c in _one(statement, "joint_statement").commitments}
    assert by_verb["deliver"].status == "met"  # a later report of the obligor delivering the list
    assert by_verb["deliver"].history[-1].evidence[0].span.text.startswith("Ethiopia delivered")
    assert by_verb["exchange"].status == "overdue"  # deadline passed, nothing reported
    assert by_verb["provide"].status == "pending"  # deadline still ahead of the judging date
    target = by_verb["target"]
    assert target.status == "breached"  # a prohibition broken by a later attack on civilians
    assert any("shelled" in h.evidence[0].span.text for h in target.history if h.status == "breached")


def test_brokered_ceasefire_reported_violated_is_breached_with_accusations(ceasefires):
    agreements, result = ceasefires
    malaysia = [a for a in agreements if a.kind == "ceasefire" and any("Malaysia" in m.text for m in a.mediators)]
    assert len(malaysia) == 1, [(a.title, a.doc_ids) for a in agreements]
    cf = malaysia[0]
    assert len(cf.doc_ids) == 2
    assert _codes(cf.parties) == {"THA", "KHM"}
    assert cf.status == "breached"
    statuses = [h.status for h in cf.history]
    assert statuses.index("accepted") < statuses.index("in_force") < statuses.index("breached")
    breach = [h for h in cf.history if h.status == "breached"]
    assert breach and breach[0].date == "2021-05-03"
    assert any("accusation" in (h.note or "") for h in breach)
    claims = {c.id for c in result.claims}
    assert cf.claim_ids and set(cf.claim_ids) <= claims


def test_different_ceasefires_do_not_merge(ceasefires):
    agreements, _ = ceasefires
    ceasefires_ = [a for a in agreements if a.kind == "ceasefire"]
    assert len(ceasefires_) == 3, [(a.title, a.date) for a in ceasefires_]
    china = [a for a in ceasefires_ if any("China" in m.text for m in a.mediators)]
    assert len(china) == 1 and china[0].date == "2021-05-24" and china[0].status == "in_force"
    june = [a for a in ceasefires_ if a.date == "2021-06-20"]
    assert len(june) == 1 and june[0].status == "accepted" and not june[0].mediators


def test_plan_weighed_by_another_state_is_under_consideration(plans):
    plan = _one(plans, "plan")
    assert plan.proposer is not None and (plan.proposer.code or "").startswith("TUR")
    assert plan.status == "under_consideration"
    assert [h.status for h in plan.history][0] == "proposed"
    considering = [h for h in plan.history if h.status == "under_consideration"]
    assert considering and all("Egypt" in (h.note or "") for h in considering)
    assert len(plan.doc_ids) == 2


def test_agreement_word_that_is_no_agreement(plans):
    assert all("in agreement with" not in e.span.text for a in plans for e in a.evidence)
    assert [a.kind for a in plans] == ["plan"]


def test_ids_are_stable(tmp_path_factory, plans):
    again = _run(tmp_path_factory, "plans-again", PLAN, "2021-06-10")[0]
    assert [a.id for a in again] == [a.id for a in plans]


@pytest.mark.parametrize(("anchor", "value", "due"), [
    ("2020-10-30", "P1W", "2020-11-06"), ("2020-10-30", "PT72H", "2020-11-02"),
    ("2021-01-31", "P1M", "2021-02-28"), ("2020-10-30", "P10D", "2020-11-09"), (None, "P1W", None),
])
def test_add_duration(anchor, value, due):
    assert add_duration(anchor, value) == due
