"""The faster stand-ins for spaCy components annotate exactly as the stock ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.pipeline import AttributeRuler

from truceline.nlp.components import ColumnAttributeRuler, ColumnLemmatizer, accelerate
from truceline.nlp.runtime import get_nlp, stock_nlp

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"
INVENTED = [
    "I'm sure they'd've agreed, but the envoy didn't come and we can't wait.",
    "The ministry's   spokesman said:\n\n  \"We'll respond.\" Y'all know it's gonna be hard.",
    "Ceasefires were declared twice; both were broken within hours, monitors said.",
    "",
    "   ",
    "Won't they?  Cannot.  Ain't so.",
]


@pytest.fixture(scope="module")
def stock():
    return stock_nlp()


def texts() -> list[str]:
    found = sorted(p.read_text("utf-8") for p in SAMPLE.glob("*") if p.suffix in {".txt", ".html"})
    assert found, SAMPLE
    return found + INVENTED


def annotations(doc) -> list[tuple]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


def test_the_reading_pipeline_has_the_stand_ins_and_the_stock_one_has_not(stock):
    kinds = {name: type(pipe) for name, pipe in get_nlp().pipeline}
    assert kinds["lemmatizer"] is ColumnLemmatizer and kinds["attribute_ruler"] is ColumnAttributeRuler
    kinds = {name: type(pipe) for name, pipe in stock.pipeline}
    assert kinds["lemmatizer"] is EnglishLemmatizer and kinds["attribute_ruler"] is AttributeRuler


def test_every_annotation_equals_the_stock_pipelines(stock):
    fast = accelerate(stock_nlp())  # a fresh copy: nothing remembered from other tests
    for _round in range(2):  # the second time, every window and lemma comes from memory
        for a, b in zip(stock.pipe(texts()), fast.pipe(texts()), strict=True):
            assert annotations(a) == annotations(b)


def test_attribute_ruler_matches_equal_the_stock_matchers_order_included(stock):
    fast = accelerate(stock_nlp())
    upto = [name for name, _p in stock.pipeline][: [name for name, _p in stock.pipeline].index("attribute_ruler")]
    for text in texts():
        with stock.select_pipes(enable=upto), fast.select_pipes(enable=upto):
            a, b = stock(text), fast(text)
        want = stock.get_pipe("attribute_ruler").match(a)
        assert fast.get_pipe("attribute_ruler").match(b) == want
        assert fast.get_pipe("attribute_ruler").match(b) == want  # from memory


def test_patterns_added_later_are_planned_again():
    stock, fast = stock_nlp(), accelerate(stock_nlp())
    fast("Warm the window memory first.")
    for nlp in (stock, fast):
        ruler = nlp.add_pipe("attribute_ruler", name="late_rules", last=True)
        ruler.add([[{"LOWER": "truce"}, {"TAG": "NN"}]], {"LEMMA": "TRUCE-LINE"}, index=1)
    accelerate(fast)
    assert type(fast.get_pipe("late_rules")) is ColumnAttributeRuler
    text = "The truce line held."
    assert annotations(stock(text)) == annotations(fast(text))
    assert fast(text)[2].lemma_ == "TRUCE-LINE"
    # rules added to a planned ruler: the plan is made again, not the old memory used
    for nlp in (stock, fast):
        nlp.get_pipe("late_rules").add([[{"LOWER": "held"}]], {"LEMMA": "HOLD!"})
    assert annotations(stock(text)) == annotations(fast(text))
    assert fast(text)[3].lemma_ == "HOLD!"


def test_a_pattern_on_another_attribute_leaves_the_stock_matcher_in_charge():
    fast = accelerate(stock_nlp())
    ruler = fast.add_pipe("attribute_ruler", name="orth_rules", last=True)
    accelerate(fast)
    ruler.add([[{"ORTH": "Truce"}]], {"LEMMA": "ORTH-MATCHED"})
    assert fast("Truce now.")[0].lemma_ == "ORTH-MATCHED"
    assert ruler.__dict__["_window_plan"][1] is None


def test_lemmas_survive_a_memory_zone(stock):
    fast = accelerate(stock_nlp())
    text = "The zorblaxing envoys were quibbling over frangibles."
    with fast.memory_zone():
        first = annotations(fast(text))
    with fast.memory_zone():  # the words' strings were dropped with the first zone
        second = annotations(fast(text))
    assert first == second == annotations(stock(text))


def test_memories_are_bounded_and_relearnt_exactly(stock, monkeypatch):
    import truceline.nlp.components as components

    monkeypatch.setattr(components, "_MEMO_LIMIT", 5)
    fast = accelerate(stock_nlp())
    for text in texts():
        assert annotations(fast(text)) == annotations(stock(text))
    assert len(fast.get_pipe("lemmatizer").__dict__["_lemma_of"]) <= 6
    assert len(fast.get_pipe("attribute_ruler").__dict__["_window_plan"][1][2]) <= 6 + 1
