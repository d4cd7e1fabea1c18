"""Conditional statements read from small texts written for these tests (neutral countries, nothing from the sample)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from tests.verify.conftest import make_corpus
from truceline.events import conditions as cond
from truceline.verify.common import actor_key

TEXTS = [
    {"published": "2021-03-01", "text": "Under the 1994 treaty, Norway will provide all necessary assistance to Sweden "
                                        "if fighting spills over to the territory of Sweden."},
    {"published": "2021-05-01", "text": "Finland's defence ministry said the country will not tolerate shelling that "
                                        "crosses into Finnish territory."},
    {"published": "2021-06-01", "text": "Estonia and Latvia are NATO member states. If the territory of one member state "
                                        "is attacked by a foreign power, other alliance members are obligated to provide "
                                        "military support."},
    {"published": "2021-07-01", "title": "Chile plan", "text": "Chile proposed a peace plan on Monday to end the conflict "
     "between Peru and Bolivia.\n\nThe plan becomes effective when both sides undertake to respect a series of principles."},
    {"published": "2021-08-01", "text": "Iceland will retaliate decisively if foreign warships enter Icelandic waters, "
                                        "the prime minister said on Sunday."},
    {"published": "2021-08-02", "text": "Portuguese and Spanish officials met in Lisbon on Tuesday to discuss fishing "
                                        "quotas, and the talks ended without an agreement."},
]  # fmt: skip


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    corpus = make_corpus(tmp_path_factory.mktemp("conditions"), TEXTS)
    docs = list(corpus.docs.values())
    by_doc = {d.id: [c for c in d.conditions] for d in docs}
    return docs, by_doc


def _of(read, n):
    docs, by_doc = read
    return docs[n], by_doc[docs[n].id]


def test_a_treaty_obligation_on_a_state_territory(read):
    doc, [c] = _of(read, 0)
    assert c.kind == "obligation" and c.source == "extracted"
    assert {actor_key(r) for r in c.bound} == {"NOR"} and {actor_key(r) for r in c.beneficiary} == {"SWE"}
    assert c.condition.plover == ["ASSAULT"] and c.condition.territory == ["SWE"]
    assert c.condition.relation in {"on_territory_of", "crosses_border_of"}
    assert c.consequence.plover == ["AID"]
    assert c.basis.kind == "treaty" and c.basis.name == "1994 treaty" and c.basis.date == "1994"
    # the coder's conditional event of the sentence is reused, not coded again
    assert c.event_ids and all(e.id in {x.id for x in doc.events if x.modality == "conditional"} for e in [
        next(x for x in doc.events if x.id == c.event_ids[0])])
    [ev] = c.evidence
    assert ev.span.verify(doc.text) and "if fighting spills over" in ev.span.text


def test_a_declared_red_line_with_the_speaker_as_bound_and_its_own_territory(read):
    doc, [c] = _of(read, 1)
    assert c.kind == "red_line" and c.basis.kind == "declared_red_line"
    assert {actor_key(r) for r in c.bound} == {"FIN"}
    assert c.condition.plover == ["ASSAULT"] and c.condition.territory == ["FIN"]
    assert c.condition.relation == "crosses_border_of"
    assert set(c.consequence.plover) >= {"ASSAULT"} and c.cue == "will not tolerate"


def test_an_alliance_clause_binds_the_members_on_the_date_from_the_data_file(read):
    doc, [c] = _of(read, 2)
    assert c.kind == "obligation" and c.basis.kind == "alliance" and "NATO" in c.basis.name
    assert "Article 5" in c.basis.citation and c.basis.date == "1949-04-04"
    members = {actor_key(r) for r in c.bound}
    assert {"EST", "LVA", "NOR", "USA"} <= members
    assert "FIN" not in members and "SWE" not in members  # they joined after the statement's date
    assert set(c.condition.territory) == members and set(c.condition.source_not) == members
    assert c.condition.relation == "on_territory_of" and c.consequence.plover == ["AID"]


def test_a_plan_trigger_names_the_tracked_plan_and_its_proposer(read):
    doc, [c] = _of(read, 3)
    assert c.kind == "plan_trigger" and c.condition.plover == ["AGREE"]
    assert c.basis.kind == "plan" and c.basis.record and c.basis.record.startswith("agreement:")
    assert {actor_key(r) for r in c.bound} == {"CHL"}
    assert "undertake" in c.condition.text


def test_a_conditional_threat_across_a_border(read):
    doc, [c] = _of(read, 4)
    assert c.kind == "threat" and {actor_key(r) for r in c.bound} <= {"ISL"}
    assert c.condition.territory == ["ISL"] and c.condition.relation == "crosses_border_of"
    assert set(c.consequence.plover) & {"ASSAULT", "COERCE"}


def test_a_plain_report_is_no_condition(read):
    _doc, found = _of(read, 5)
    assert found == []


def test_the_code_holds_no_names_only_the_data_files_do():
    """Cue words, alliances and areas are data: the module's source names no country, alliance or place."""
    names = {"Armenia", "Azerbaijan", "Iran", "Russia", "Karabakh", "Yerevan", "CSTO", "NATO", "Tehran"}
    for package, module in (("truceline.events", "conditions.py"), ("truceline.verify", "conditions.py"),
                            ("truceline.nlp", "territory.py")):
        source = resources.files(package).joinpath(module).read_text(encoding="utf-8")
        assert not {n for n in names if re.search(rf"\b{n}\b", source)}, module


def test_every_cue_word_is_in_the_vocabulary_file():
    v = cond.vocab()
    assert "if" in v.marks and "becomes effective" in v.plan and "will not tolerate" in v.red_line
    assert v.cue_pattern.search("Shells crossed the border") and not v.cue_pattern.search("Talks ended on Monday")
