"""The pinned spaCy model: loaded once, verified by version and weight hashes, never downloaded."""

from __future__ import annotations

import shutil

import pytest

from truceline.nlp.runtime import MODEL_VERSION, ModelError, get_nlp, model_path, verify_model


def test_model_is_the_pinned_one_and_loaded_once():
    nlp = get_nlp()
    assert nlp.meta["version"] == MODEL_VERSION
    assert {"parser", "ner"} <= set(nlp.pipe_names)
    assert get_nlp() is nlp
    verify_model(model_path())


def test_tampered_weights_are_refused(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_path(), copy)
    with (copy / "ner" / "model").open("ab") as f:
        f.write(b"\x00")
    with pytest.raises(ModelError, match="sha256"):
        verify_model(copy)
    shutil.copy(model_path() / "ner" / "model", copy / "ner" / "model")
    verify_model(copy)
    (copy / "parser" / "model").unlink()
    with pytest.raises(ModelError, match="missing"):
        verify_model(copy)


def test_token_attr_is_each_tokens_attribute_read_once():
    from truceline.nlp.runtime import token_attr

    doc = get_nlp()("Armenia and Azerbaijan agreed to a truce.\n\nIt held.")
    assert token_attr(doc, "idx") == [t.idx for t in doc]
    assert token_attr(doc, "pos_") == [t.pos_ for t in doc]
    assert token_attr(doc, "idx") is token_attr(doc, "idx")  # kept with the parse


def test_dictionary_starts_are_the_first_words_of_its_keys():
    from truceline.nlp.actors import load_dictionary

    d = load_dictionary()
    assert all(k.split(" ")[0] in d.starts("agents") for k in d.agents)
    assert d.starts("names", "country_keys") == {k.split(" ")[0] for k in [*d.names, *d.country_keys]}
