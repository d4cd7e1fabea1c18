"""Re-used passages: shared quotes and sentences across documents, with exact offsets."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.ingestion import reuse
from truceline.ingestion.dedup import (
    DocKey,
    content_hash,
    doc_signature,
    find_duplicates,
)
from truceline.ingestion.reuse import (
    MIN_WORDS,
    Passage,
    ReuseLink,
    find_reuse,
    passages,
)
from truceline.model import make_span
from truceline.text import normalize_for_match

QUOTE = "A phased settlement can end the fighting and return every displaced family home"

DOCS = {
    "a": (
        "The envoy arrived in the capital on Monday for two days of talks.\n\n"
        f"“{QUOTE},” he said.\n\n"
        "Negotiators will meet again next month, according to the schedule."
    ),
    "b": (
        "Speaking to reporters after the meeting, the envoy repeated his message, saying: "
        f"“{QUOTE}.” Other officials were far less hopeful about the timetable.\n\n"
        "Shelling was reported overnight in two villages near the river."
    ),
    "c": (
        "Critics dismissed the proposal as vague and late.\n\n"
        f'The envoy insisted that "{QUOTE.lower()}", but he gave no dates for any of the stages.'
    ),
    "unrelated": (
        "Farmers in the northern valley began the harvest early this year because of the drought.\n\n"
        "Prices for wheat and barley rose sharply at the regional market on Thursday morning."
    ),
}


def all_passages(docs: dict[str, str]) -> list[Passage]:
    return [p for doc_id, text in sorted(docs.items()) for p in passages(doc_id, text)]


def links_for(docs: dict[str, str], existing: dict[str, str] | None = None) -> list[ReuseLink]:
    texts = {**docs, **(existing or {})}
    return find_reuse(all_passages(docs), all_passages(existing or {}), texts.__getitem__)


def pairs(links: list[ReuseLink]) -> Counter:
    return Counter((link.doc_id, link.other_doc) for link in links)


def sides(link: ReuseLink, texts: dict[str, str]) -> tuple[str, str]:
    return texts[link.doc_id][link.start : link.end], texts[link.other_doc][link.other_start : link.other_end]


# --- passages -----------------------------------------------------------------------------


def test_passages_are_sentences_and_quotes_of_enough_words() -> None:
    text = "Short one. “This quoted claim has more than six words in it,” he said, “too short.”"
    got = [(p.kind, text[p.start : p.end]) for p in passages("d", text)]
    assert got == [
        ("sentence", "“This quoted claim has more than six words in it,” he said, “too short.”"),
        ("quote", "This quoted claim has more than six words in it,"),
    ]


def test_passage_hashes_ignore_typography() -> None:
    (p1,) = [p for p in passages("x", f"“{QUOTE},” he said.") if p.kind == "quote"]
    (p2,) = [p for p in passages("y", f'"{QUOTE.upper()}" he said.') if p.kind == "quote"]
    assert p1.norm_hash == p2.norm_hash and p1.signature == p2.signature


WORDISH = st.sampled_from(
    ["word", "Peace", "talks", "the", "end", " ", " ", "  ", ".", ",", "!", "\n", "\n\n"]
    + ['"', "“", "”", "‘", "’", "’s"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDISH, max_size=80).map(lambda xs: " ".join(xs)))
def test_passage_offsets_are_inside_the_text(text: str) -> None:
    for p in passages("doc", text):
        assert 0 <= p.start < p.end <= len(text)
        piece = text[p.start : p.end]
        assert piece.strip() == piece and len(normalize_for_match(piece).split()) >= MIN_WORDS
        assert make_span("doc", text, p.start, p.end).verify(text)


# --- links --------------------------------------------------------------------------------


def test_quote_shared_by_three_documents_links_every_pair() -> None:
    links = links_for(DOCS)
    assert set(pairs(links)) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert all(n == 1 for n in pairs(links).values())  # one re-use, reported once per pair
    for link in links:
        assert link.doc_id < link.other_doc
        for side in sides(link, DOCS):
            assert normalize_for_match(QUOTE) in normalize_for_match(side)


def test_links_are_spans_of_their_documents() -> None:
    for link in links_for(DOCS):
        one = make_span(link.doc_id, DOCS[link.doc_id], link.start, link.end)
        other = make_span(link.other_doc, DOCS[link.other_doc], link.other_start, link.other_end)
        assert one.verify(DOCS[link.doc_id]) and other.verify(DOCS[link.other_doc])
        assert 0 < link.similarity <= 1.0 and round(link.similarity, 3) == link.similarity


def test_same_sentence_with_different_attribution_tails() -> None:
    core = "The ceasefire will be monitored by observers from both sides along the entire line of contact"
    docs = {
        "p": f"Talks ended late on Friday. {core}, he said. Both delegations left the city.",
        "q": f"{core}, Araqchi said. He did not say when the observers would arrive.",
    }
    links = links_for(docs)
    assert len(links) == 1
    (link,) = links
    assert link.kind == "sentence" and link.similarity >= 0.6
    assert sides(link, docs) == (f"{core}, he said.", f"{core}, Araqchi said.")


def test_quote_found_inside_a_longer_sentence_of_another_document() -> None:
    said = "the corridor will stay open to humanitarian convoys at all times"
    docs = {
        "m": f"The minister was firm. “{said.capitalize()},” she told the parliament.",
        "n": (
            f"Officials in the region confirmed on Tuesday that {said}, according to a statement "
            "released late in the evening by the interior ministry in the capital."
        ),
    }
    (link,) = links_for(docs)
    assert link.kind == "quote" and link.similarity >= 0.8
    quote_side, sentence_side = sides(link, docs)
    assert quote_side == f"{said.capitalize()},"
    assert sentence_side.startswith("Officials in the region") and said in sentence_side


def test_quote_link_dropped_when_a_sentence_link_covers_it() -> None:
    quote = "The sides will exchange all prisoners of war and the remains of the dead within one week"
    docs = {
        "s1": f"“{quote},” the statement said.",
        "s2": f"“{quote},” the joint statement said.",
    }
    (link,) = links_for(docs)
    assert link.kind == "sentence"
    assert sides(link, docs) == (docs["s1"], docs["s2"])


def test_no_links_inside_one_document_or_between_unrelated_ones() -> None:
    sentence = "The border crossing will reopen for trucks carrying food and medicine next week."
    repeated = {"solo": f"{sentence} Nothing else was agreed.\n\n{sentence}"}
    assert links_for(repeated) == []
    assert links_for({"u": DOCS["unrelated"], "a": DOCS["a"]}) == []
    links = links_for({**repeated, "twin": sentence})
    assert {(link.doc_id, link.other_doc) for link in links} == {("solo", "twin")}
    assert len(links) == 2  # both copies in "solo" carry it


def test_new_against_existing_only() -> None:
    new = {"c": DOCS["c"]}
    existing = {k: DOCS[k] for k in ("a", "b", "unrelated")}
    links = links_for(new, existing)
    assert set(pairs(links)) == {("a", "c"), ("b", "c")}  # a-b were both stored already


def test_text_is_read_only_for_candidate_documents() -> None:
    read: list[str] = []
    texts = dict(DOCS)

    def text_of(doc_id: str) -> str:
        read.append(doc_id)
        return texts[doc_id]

    find_reuse(all_passages({"a": DOCS["a"]}), all_passages({k: DOCS[k] for k in ("b", "unrelated")}), text_of)
    assert "unrelated" not in read


def test_deterministic_whatever_the_input_order() -> None:
    docs = {**DOCS, "d": DOCS["a"].replace("Monday", "Sunday")}
    expected = links_for(docs)
    items = all_passages(docs)
    rng = random.Random(3)
    for _ in range(3):
        rng.shuffle(items)
        assert find_reuse(items, [], docs.__getitem__) == expected
        cut = rng.randrange(1, len(items))
        assert sorted(find_reuse(items[:cut], items[cut:], docs.__getitem__)) == find_reuse(
            items[:cut], items[cut:], docs.__getitem__
        )
    assert expected == sorted(expected)


def test_small_chunks_give_the_same_links(monkeypatch) -> None:
    expected = links_for(DOCS)
    monkeypatch.setattr(reuse, "PAIR_CHUNK", 7)
    assert links_for(DOCS) == expected


def test_stored_passages_compared_in_chunks_give_the_same_links(monkeypatch) -> None:
    """A batch meets the stored candidates a few at a time (bounded memory): same links, new-new ones included."""
    stored = {**{k: DOCS[k] for k in ("a", "unrelated")}, "b2": DOCS["b"].replace("Shelling", "Gunfire"),
              "a2": DOCS["a"].replace("Monday", "Tuesday")}
    new = {"b": DOCS["b"], "c": DOCS["c"]}
    expected = links_for(new, stored)
    assert {("b", "c"), ("a", "b"), ("a", "c"), ("b", "b2")} <= set(pairs(expected))
    assert len(all_passages(stored)) > 3
    monkeypatch.setattr(reuse, "STORED_CHUNK", 2)
    assert links_for(new, stored) == expected


def test_stale_stored_passages_are_not_linked() -> None:
    """A stored passage whose document text changed since must not link to the new text."""
    stored = all_passages({"a": DOCS["a"]})
    changed = {"a": "Completely different words are now stored for this document. " * 3, "b": DOCS["b"]}
    assert find_reuse(all_passages({"b": DOCS["b"]}), stored, changed.__getitem__) == []


# --- the sample corpus --------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"


def test_sample_corpus_quote_reuse_and_no_duplicate_articles() -> None:
    files = sorted(SAMPLE.glob("*.txt"))
    if not files:
        pytest.skip("sample corpus not present")
    texts = {f.name[:3]: f.read_text("utf-8") for f in files}
    keys = [DocKey(d, content_hash(t), doc_signature(t)) for d, t in texts.items()]
    assert find_duplicates(keys, []) == []
    links = links_for(texts)
    araqchi = {
        (link.doc_id, link.other_doc)
        for link in links
        if all("In several stages, this plan" in side for side in sides(link, texts))
    }
    assert araqchi == {("000", "001"), ("000", "002"), ("001", "002")}
