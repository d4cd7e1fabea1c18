"""The span contract: every span's text is exactly clean_text[start:end]."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from truceline.model import (
    SCHEMA_VERSION,
    ExtractedDocument,
    Span,
    json_schema,
    make_span,
)


@given(st.text(max_size=200), st.data())
def test_make_span_slices_the_text(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = make_span("d1", text, start, end)
    assert span.text == text[start:end]
    assert span.verify(text)


@given(st.text(min_size=1, max_size=50))
def test_make_span_refuses_offsets_outside_the_text(text):
    with pytest.raises(ValueError):
        make_span("d1", text, 0, len(text) + 1)


def test_span_with_mismatched_text_is_invalid():
    with pytest.raises(ValidationError):
        Span(doc_id="d", start=0, end=3, text="ab")
    with pytest.raises(ValidationError):
        Span(doc_id="d", start=5, end=3, text="")
    assert not Span(doc_id="d", start=0, end=2, text="ab").verify("xyz")


def test_schema_is_versioned_and_lists_the_contract_keys():
    schema = json_schema()
    assert schema["version"] == SCHEMA_VERSION
    keys = set(schema["properties"])
    assert {"id", "title", "outlet", "author", "published", "published_source", "language", "text",
            "boilerplate_removed", "duplicates", "reused_passages", "actors", "mentions", "quotes",
            "timex", "places", "events", "claims", "incidents", "agreements"} <= keys
    json.dumps(schema)


def test_extracted_document_rejects_unknown_fields():
    with pytest.raises(ValidationError):
        ExtractedDocument(id="x", title=None, outlet=None, author=None, published=None,
                          published_source="unknown", language="en", text="", surprise=1)
