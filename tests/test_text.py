"""Shared text utilities: match keys, word offsets, sentences and quoted spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.text import (
    _words_by_unit,
    normalize_for_match,
    paragraphs,
    quoted_spans,
    sentences,
    shingles,
    words_with_offsets,
)

# Text made of the characters these functions care about: letters, spaces, line breaks,
# every quotation mark, apostrophes, dashes, combining accents and sentence punctuation.
PIECES = list("ab Zé\u0301 \n.,!?\"“”‘’'—–-ﬁＡ1") + ["  ", "\n\n", "s’ ", "n’t", "word", "Word "]
TRICKY = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in quoted_spans(text)]


# --- normalize_for_match / words_with_offsets -----------------------------------------------


def test_normalize_folds_typography() -> None:
    a = "Iran’s  “plan” — Nagorno–Karabakh,\n\tdon’t!"
    b = 'iran\'s "PLAN" - nagorno-karabakh don\'t'
    assert normalize_for_match(a) == normalize_for_match(b) == "irans plan nagorno karabakh dont"


def test_normalize_nfkc_and_accents() -> None:
    assert normalize_for_match("ＡＢＣ ﬁne") == "abc fine"
    assert normalize_for_match("café") == normalize_for_match("cafe\u0301")
    assert normalize_for_match("STRASSE") == normalize_for_match("Straße")


def test_words_with_offsets_point_into_original() -> None:
    text = "“Hello,” said Zarif’s  aide — twice."
    words = words_with_offsets(text)
    assert [w for w, _, _ in words] == ["hello", "said", "zarifs", "aide", "twice"]
    assert [text[s:e] for _, s, e in words] == ["Hello", "said", "Zarif’s", "aide", "twice"]


def test_decomposed_accent_stays_in_its_word() -> None:
    text = "cafe\u0301 noir"
    (w1, s1, e1), (w2, _, _) = words_with_offsets(text)
    assert (w1, text[s1:e1], w2) == ("café", "cafe\u0301", "noir")


@settings(max_examples=200, deadline=None)
@given(TRICKY)
def test_words_and_key_agree(text: str) -> None:
    words = words_with_offsets(text)
    assert " ".join(w for w, _, _ in words) == normalize_for_match(text)
    prev_end = 0
    for word, start, end in words:
        assert prev_end <= start < end <= len(text)
        assert normalize_for_match(text[start:end]) == word
        prev_end = end


@settings(max_examples=200, deadline=None)
@given(st.one_of(TRICKY, st.text(max_size=40)))
def test_fast_path_agrees_with_unit_by_unit_path(text: str) -> None:
    assert words_with_offsets(text) == _words_by_unit(text)


# --- shingles ---------------------------------------------------------------------------------


def test_shingles() -> None:
    assert shingles("a b c d".split(), 3) == {"a b c", "b c d"}
    assert shingles(["a", "b"], 3) == {"a b"}  # short texts still get one shingle
    assert shingles([], 3) == set()


# --- sentences --------------------------------------------------------------------------------


def test_sentences_respect_paragraphs_and_trim() -> None:
    text = "  A heading without a full stop\n\nFirst sentence here. Second one follows!  \n \n“Quoted,” he said."
    got = [text[s:e] for s, e in sentences(text)]
    assert got == [
        "A heading without a full stop", "First sentence here.", "Second one follows!", "“Quoted,” he said."
    ]


def test_opening_quote_starts_the_next_sentence() -> None:
    text = 'Done. “Next one,” he said. Then "another one" came. (“Aside.”) End.'
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["Done.", "“Next one,” he said.", 'Then "another one" came.', "(“Aside.”)", "End."]


def test_sentence_keeps_closing_quote() -> None:
    text = "He said, “The plan can work.” Then he left."
    assert [text[s:e] for s, e in sentences(text)] == ["He said, “The plan can work.”", "Then he left."]


@settings(max_examples=100, deadline=None)
@given(TRICKY)
def test_sentence_offsets_are_sound(text: str) -> None:
    prev_end = 0
    for start, end in sentences(text):
        piece = text[start:end]
        assert prev_end <= start < end <= len(text)
        assert piece == piece.strip()
        assert len(paragraphs(piece)) == 1  # never crosses a blank line
        prev_end = end


# --- quoted spans -----------------------------------------------------------------------------


def test_straight_curly_and_mixed_double_quotes() -> None:
    text = 'He said "one two" and “three four” and "five six” too.'
    assert quoted(text) == ["one two", "three four", "five six"]


def test_curly_possessive_apostrophes_do_not_break_single_quotes() -> None:
    text = "The United Nations’ resolutions, he said, are ‘binding on the parties’ and don’t lapse."
    assert quoted(text) == ["binding on the parties"]
    text = "He called it ‘the rebels’ last stand’ on Friday."
    assert quoted(text) == ["the rebels’ last stand"]
    text = "They crossed the ‘red lines’ again."
    assert quoted(text) == ["red lines"]


def test_possessive_inside_double_quotes_is_kept_whole() -> None:
    text = "“We reject the country’s claims,” the ministry said."
    assert quoted(text) == ["We reject the country’s claims,"]


def test_unclosed_quote_does_not_swallow_the_document() -> None:
    text = (
        "He said “this never closes and goes on\n\n"
        "A new paragraph with “a real quote” here.\n\nEnd ‘also open"
    )
    assert quoted(text) == ["a real quote"]
    assert quoted_spans("“") == [] and quoted_spans('"') == [] and quoted_spans("’‘") == []


@settings(max_examples=200, deadline=None)
@given(TRICKY)
def test_quoted_spans_never_raise_and_stay_in_a_paragraph(text: str) -> None:
    paras = paragraphs(text)
    for start, end in quoted_spans(text):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        assert any(ps <= start and end <= pe for ps, pe in paras)


def test_the_sentence_splitter_starts_afresh_when_its_vocabulary_is_full(monkeypatch):
    """Its blank pipeline learns every word it tokenizes: past a bound it is replaced, splits unchanged."""
    from truceline import text as T

    docs = [f"Report {i} names Zqx{i}yv and Wbt{i}ko. They met at noon.\n\nA second paragraph {i}." for i in range(40)]
    expected = [T._sentences.__wrapped__(d) for d in docs]
    T._sentencizer.cache_clear()
    base = len(T._sentencizer().vocab.strings)  # a fresh pipeline's own strings (tokenizer exceptions)
    monkeypatch.setattr(T, "SENTENCIZER_STRINGS", base + 60)
    T._sentences.cache_clear()
    first = T._sentencizer()
    got = [tuple(T.sentences(d)) for d in docs]
    assert got == expected
    assert T._sentencizer() is not first  # replaced at least once
    assert len(T._sentencizer().vocab.strings) <= base + 60 + 40  # never far past the bound (one text's words)
    T._sentences.cache_clear()


def test_known_sentences_stand_for_the_split_of_that_text_only_within_the_block():
    from truceline.text import known_sentences, sentences

    text = "One sentence here. Another one there.\n\nA third."
    split = sentences(text)
    given = [(0, 5), (6, len(text))]  # what another process made of it, taken as is
    with known_sentences(text, given):
        assert sentences(text) == given
        assert sentences(text + " ") != given  # another text is split as always
    assert sentences(text) == split
