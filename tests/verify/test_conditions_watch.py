"""The trigger watch on small texts written for it: met, nearly met, claimed by one side, corroborated, followed."""

from __future__ import annotations

from truceline.verify.common import actor_key

OBLIGATION = {"published": "2021-03-01", "text": "Under the 1994 treaty, Norway will provide all necessary assistance "
                                                 "to Cyprus if fighting spills over to the territory of Cyprus."}
RED_LINE = {"published": "2021-05-01", "text": "Finland's defence ministry said the country will not tolerate shelling "
                                               "that crosses into Finnish territory."}


def _conditions(corpus):
    return list({c.id: c for d in corpus.docs.values() for c in d.conditions}.values())


def test_fighting_in_a_breakaway_area_does_not_trigger_an_obligation_on_the_state_own_territory(corpus_of):
    corpus = corpus_of([OBLIGATION, {"published": "2021-03-03", "outlet": "Wire A",
                                     "text": "Turkish troops shelled positions in Kyrenia on Tuesday."}])
    [c] = _conditions(corpus)
    assert c.watch.status == "nearly_met"
    [m] = c.watch.matches
    assert m.verdict == "nearly_meets" and "Northern Cyprus" in m.why[0] and m.incident_id
    assert c.watch.consequence_followed == "unknown"


def test_an_attack_inside_the_recognised_borders_meets_it_but_one_source_only_claims_it(corpus_of):
    corpus = corpus_of([OBLIGATION,
                        {"published": "2021-03-04", "outlet": "Wire B",
                         "text": "Gunmen attacked a police station in Limassol on Wednesday."}])
    [c] = _conditions(corpus)
    assert c.watch.status == "claimed_triggered"
    [m] = [m for m in c.watch.matches if m.verdict == "meets"]
    assert "inside Cyprus" in m.why[0] and m.independent_sources == 1 and not m.corroborated
    assert [r.text for r in c.watch.claimants] == ["Wire B"]
    assert c.watch.consequence_followed == "no"  # met (as claimed) and no aid by Norway followed


def test_a_red_line_claimed_by_the_threatening_side_alone_stays_claimed(corpus_of):
    corpus = corpus_of([RED_LINE, {"published": "2021-05-04", "outlet": "Helsinki Daily",
                                   "text": "Stray shells crossed the Finnish border on Monday, the Finnish defence "
                                           "ministry said."}])
    [c] = _conditions(corpus)
    assert c.watch.status == "claimed_triggered"
    [m] = c.watch.matches
    assert m.incident_id is None and m.sides == ["FIN"] and not m.corroborated  # a report: no event was coded
    assert {actor_key(r) for r in c.watch.claimants} == {"FIN"}
    assert any("one side only (FIN)" in r for r in c.watch.reasons)
    assert m.evidence[0].span.text.startswith("Stray shells crossed")


def test_independent_reports_from_outside_make_it_triggered(corpus_of):
    corpus = corpus_of([RED_LINE,
                        {"published": "2021-05-04", "outlet": "Nordic Wire", "text": "Stray shells crossed the Finnish "
                                                                                     "border on Monday."},
                        {"published": "2021-05-04", "outlet": "Baltic Monitor",
                         "text": "Several artillery rounds landed on Finnish territory on Monday, United Nations "
                                 "observers reported."}])
    [c] = _conditions(corpus)
    assert c.watch.status == "triggered" and c.watch.triggered_on
    [m] = c.watch.matches
    assert m.independent_sources == 2 and m.corroborated and len(m.doc_ids) == 2


def test_nothing_near_it_leaves_it_not_triggered(corpus_of):
    corpus = corpus_of([RED_LINE, {"published": "2021-05-04", "outlet": "Wire C",
                                   "text": "Gunmen attacked a police station in Lisbon on Wednesday."}])
    [c] = _conditions(corpus)
    assert c.watch.status == "not_triggered" and c.watch.matches == []


def test_an_alliance_attack_and_the_aid_that_followed(corpus_of):
    corpus = corpus_of([
        {"published": "2021-06-01", "text": "Estonia and Latvia are NATO member states. If the territory of one member "
                                            "state is attacked by a foreign power, other alliance members are obligated "
                                            "to provide military support."},
        {"published": "2021-06-03", "outlet": "Wire A",
         "text": "Belarusian troops attacked a border post in Daugavpils on Wednesday."},
        {"published": "2021-06-05", "outlet": "Wire B",
         "text": "Poland sent military aid to Latvia on Friday, the Polish defence ministry said in a statement to "
                 "reporters."},
    ])
    [c] = _conditions(corpus)
    assert c.watch.status == "claimed_triggered"
    assert c.watch.consequence_followed == "yes" and c.watch.consequence_incident_id
    inc = next(i for d in corpus.docs.values() for i in d.incidents if i.id == c.watch.consequence_incident_id)
    assert inc.plover == "AID" and {actor_key(r) for r in inc.source} == {"POL"}


def test_an_attack_by_a_member_on_a_member_is_not_the_alliance_trigger(corpus_of):
    corpus = corpus_of([
        {"published": "2021-06-01", "text": "Estonia and Latvia are NATO member states. If the territory of one member "
                                            "state is attacked by a foreign power, other alliance members are obligated "
                                            "to provide military support."},
        {"published": "2021-06-03", "outlet": "Wire A",
         "text": "Polish troops attacked a border post in Daugavpils on Wednesday."},
    ])
    [c] = _conditions(corpus)
    assert c.watch.status == "not_triggered"


def test_a_condition_on_an_act_not_happening_is_not_matched_against_incidents(corpus_of):
    corpus = corpus_of([{"published": "2021-09-01", "text": "Turkey threatened to send troops to Greece if Greece did "
                                                            "not withdraw its ships, officials said."}])
    [c] = _conditions(corpus)
    assert c.kind == "threat" and c.condition.negated
    assert c.watch.status == "not_triggered" and "not happening" in c.watch.reasons[0]
