"""The quote extractor on assembled reported speech: every cue, speaker and content shape,
with quotation marks that are curly, straight, doubled, mismatched or never closed.

Properties: no exception; every span (content, cue, speaker) slices the text and lies within
it; a quote record survives a JSON round trip through its model; a direct quote's evidence
starts or ends at a quotation mark.
"""

from __future__ import annotations

from hypothesis import event, example, given

from tests.fuzz.strategies import assert_spans_slice, budget, fuzzes, news_text
from truceline.model import Quote


@budget(80)
@given(text=news_text(4))
@example(text="“Unclosed quote, he said. ”Reversed marks“ she added. «Guillemets» — said Lavrov.")
@example(text="Aliyev said: \"\"\"\n\n\"We will respond,\" he added, adding:\n\n“”")
@example(text="\u202e“Right-to-left override,” said the ministry\u2069. \x00“NUL”")
@fuzzes("quotes")
def test_quotes_slice_the_text_and_validate(nlp, text: str) -> None:
    from truceline.nlp.quotes import extract_quotes

    quotes = extract_quotes("d", text, nlp(text))
    assert_spans_slice(quotes, {"d": text}, "d")
    event(f"quotes found: {min(len(quotes), 3)}")
    for q in quotes:
        event(f"quote kind: {q.kind}")
        assert Quote.model_validate_json(q.model_dump_json()) == q
        assert q.evidence, "a quote without content"
