"""Kept sentence parses: the cued sentences of a document, each exactly as its span's ``as_doc()``."""

from truceline.nlp import parses
from truceline.nlp.runtime import get_nlp
from truceline.text import sentences

TEXT = (
    "Armenia and Azerbaijan signed a ceasefire agreement in Moscow on Saturday.\n\n"
    "Shelling continued overnight near Stepanakert, officials said.\n\n"
    "If Turkey intervenes, Russia will defend Armenia under the collective security treaty, "
    "the minister warned. The truce was broken within hours, according to the defence ministry."
)


def _attrs(doc) -> list[tuple]:
    return [(t.text, t.whitespace_, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start)
            for t in doc]


def test_kept_sentences_are_the_cued_ones_with_their_document_annotations():
    sdoc = get_nlp()(TEXT)
    kept = parses.keep(TEXT, sdoc)
    assert kept is not None
    spans, data = kept
    cues = list(parses._cues())
    wanted = [(s, e) for s, e in sentences(TEXT) if any(c(TEXT[s:e]) for c in cues)]
    assert spans == wanted and len(spans) >= 3  # the ceasefire, the conditional threat, the broken truce
    assert (TEXT.index("Shelling"), TEXT.index("officials said.") + len("officials said.")) not in spans
    loaded = parses.load(spans, data)
    for start, end in spans:
        expected = sdoc.char_span(start, end).as_doc()  # built afresh, from its own copy of the array
        assert loaded[(start, end)].text == expected.text and expected.text.strip() == TEXT[start:end]
        assert _attrs(loaded[(start, end)]) == _attrs(expected)
        assert all(0 <= t.head.i < len(expected) for t in loaded[(start, end)])  # heads stay inside the sentence


def test_a_document_without_cued_sentences_keeps_nothing():
    text = "Shelling continued overnight near Stepanakert, officials said."
    assert parses.keep(text, get_nlp()(text)) is None


def test_kept_bytes_are_a_docbin_of_each_spans_as_doc():
    from spacy.tokens import DocBin

    sdoc = get_nlp()(TEXT)
    kept = parses.keep(TEXT, sdoc)
    assert kept is not None
    spans, data = kept
    box = DocBin(store_user_data=False)
    for start, end in spans:
        box.add(get_nlp()(TEXT).char_span(start, end).as_doc())  # spaCy's own, on a parse of its own
    assert data == box.to_bytes()
