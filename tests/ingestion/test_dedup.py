"""Document duplicates: exact copies, re-publications, and what must never be linked."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from truceline.ingestion.dedup import (
    DocKey,
    content_hash,
    doc_signature,
    estimate_jaccard,
    find_duplicates,
    sketch_values,
)

SYLLABLES = ["ka", "ra", "ba", "zo", "mi", "ne", "tu", "lo", "vi", "se", "da", "gor", "an", "el", "is", "un"]


def vocabulary(seed: int, size: int = 400) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(size)]


def article(seed: int, paragraphs: int = 8, vocab_seed: int = 0) -> list[list[str]]:
    """Paragraphs of sentences of pseudo-words: a stand-in for an article, no real text."""
    rng = random.Random(seed)
    vocab = vocabulary(vocab_seed)
    return [
        [" ".join(rng.choices(vocab, k=rng.randint(10, 22))).capitalize() + "." for _ in range(rng.randint(2, 4))]
        for _ in range(paragraphs)
    ]


def render(paras: list[list[str]], title: str = "") -> str:
    body = "\n\n".join(" ".join(p) for p in paras)
    return f"{title}\n\n{body}" if title else body


def key(doc_id: str, text: str, with_text: bool = False) -> DocKey:
    return DocKey(doc_id, content_hash(text), doc_signature(text), text if with_text else None)


def republish(paras: list[list[str]]) -> str:
    """The same story elsewhere: new title, a dropped paragraph and sentence, edits, a footer."""
    edited = [list(p) for p in paras]
    del edited[5]
    del edited[2][0]
    edited[1][0] = edited[1][0].replace(" ", " reportedly ", 1)
    edited[3][-1] = "Officials declined to comment further on the matter."
    return render(edited, title="A different headline for the same story") + "\n\nCopyright the syndicate."


def test_exact_duplicate_despite_whitespace_and_quote_style() -> None:
    a = "The minister said “the plan can work” today.\n\nIt’s a long road — he added."
    b = 'The minister  said "the plan can work" today.\nIt\'s a long road - he added.  '
    assert content_hash(a) == content_hash(b)
    assert find_duplicates([key("b", b)], [key("a", a)]) == [("a", "b", "exact", 1.0)]


def test_republication_is_a_near_duplicate_and_unrelated_articles_are_not() -> None:
    story = article(1)
    original, copy = render(story, title="Original headline"), republish(story)
    unrelated = [render(article(seed)) for seed in (2, 3, 4)]
    new = [key("copy", copy), key("other", unrelated[0])]
    existing = [key("orig", original), key("x1", unrelated[1]), key("x2", unrelated[2])]
    found = find_duplicates(new, existing)
    assert [(a, b, kind) for a, b, kind, _ in found] == [("copy", "orig", "near")]
    assert 0.5 <= found[0][3] < 1.0


def test_texts_switch_confirmation_to_exact_jaccard() -> None:
    story = article(7)
    original, copy = render(story), republish(story)
    by_estimate = find_duplicates([key("a", original)], [key("b", copy)])
    by_text = find_duplicates([key("a", original, True)], [key("b", copy, True)])
    assert [p[:3] for p in by_estimate] == [p[:3] for p in by_text] == [("a", "b", "near")]
    assert abs(by_estimate[0][3] - by_text[0][3]) < 0.15


def test_new_new_pairs_found_and_existing_pairs_not_redone() -> None:
    text = render(article(11))
    other = render(article(12))
    assert find_duplicates([key("n1", text), key("n2", text)], []) == [("n1", "n2", "exact", 1.0)]
    assert find_duplicates([key("n", other)], [key("e1", text), key("e2", text)]) == []


def test_no_self_links_and_each_pair_once() -> None:
    text = render(article(21))
    k = key("same", text)
    assert find_duplicates([k], [k]) == []
    assert find_duplicates([k, k], []) == []
    found = find_duplicates([key("b", text), key("a", text)], [key("a", text), key("c", text)])
    assert found == [("a", "b", "exact", 1.0), ("a", "c", "exact", 1.0), ("b", "c", "exact", 1.0)]


def test_empty_texts_are_not_duplicates_of_each_other() -> None:
    assert find_duplicates([key("a", ""), key("b", "  \n ")], [key("c", "...")]) == []


def test_deterministic_whatever_the_input_order() -> None:
    story = article(31)
    docs = {"orig": render(story), "copy": republish(story), "twin": render(story), "u": render(article(32))}
    keys = [key(d, t) for d, t in docs.items()]
    everything = find_duplicates(keys, [])
    assert [p[:3] for p in everything] == [
        ("copy", "orig", "near"), ("copy", "twin", "near"), ("orig", "twin", "exact")
    ]
    rng = random.Random(5)
    for _ in range(3):
        new, old = keys[:2], keys[2:]
        rng.shuffle(new)
        rng.shuffle(old)
        assert find_duplicates(new, old) == find_duplicates(keys[:2], keys[2:])
        assert find_duplicates(new + old, []) == everything


def test_signature_bytes_round_trip() -> None:
    text = render(article(41))
    sig = doc_signature(text)
    assert isinstance(sig, bytes) and sig == doc_signature(text)
    size, values = sketch_values(sig)
    assert len(values) == 128 and size > 0
    assert estimate_jaccard(values, sketch_values(bytes(bytearray(sig)))[1]) == 1.0
    assert len(doc_signature(text, num_perm=64)) < len(sig)
    with pytest.raises(ValueError):
        sketch_values(sig[:-1])


def test_signatures_match_across_processes() -> None:
    """Stored signatures must compare with those of later runs: no per-process hashing."""
    text = render(article(51))
    code = (
        "import sys; from truceline.ingestion.dedup import doc_signature; "
        "sys.stdout.write(doc_signature(sys.stdin.read()).hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, env=env, check=True
    ).stdout
    assert bytes.fromhex(out) == doc_signature(text)


def test_signatures_of_different_sizes_are_refused() -> None:
    a, b = render(article(61)), render(article(62))
    small = DocKey("b", content_hash(b), doc_signature(b, num_perm=64))
    with pytest.raises(ValueError):
        find_duplicates([key("a", a)], [small])


def test_sketches_are_datasketch_minhashes_byte_for_byte():
    """sketch_many computes all sets in one numpy pass; each must be what datasketch's MinHash gives
    (stored signatures compare across versions of truceline), empty sets and repeats included."""
    import numpy as np
    from datasketch import MinHash

    from truceline.ingestion import dedup

    sets = [{"a b c", "b c d", "c d e"}, set(), ["x y z", "x y z"], {"é ü ß", "кириллица тоже"}, {"q"}, set()]
    sets += [{f"w{i} w{i + 1} w{i + 2}" for i in range(n)} for n in (1, 7, 300)]
    for num_perm in (64, 128):
        got = dedup.sketch_many(sets, num_perm)
        assert got == [dedup.sketch(s, num_perm) for s in sets]
        for items, signature in zip(sets, got, strict=True):
            distinct = sorted(set(items))
            mh = MinHash(num_perm=num_perm, seed=dedup.SEED, scheme=dedup.SCHEME)
            mh.update_batch([x.encode("utf-8") for x in distinct])
            size, values = dedup.sketch_values(signature)
            assert size == len(distinct)
            assert np.array_equal(values, mh.hashvalues.astype(np.uint32))
    assert dedup.sketch_many([], 64) == []
