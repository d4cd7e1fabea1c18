"""truceline.eval.timex on a tiny synthetic TimeML directory with hand-computable scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from truceline.eval.timex import read_tml, score

DCT = '<DCT><TIMEX3 tid="t0" type="DATE" value="2020-11-04" functionInDocument="CREATION_TIME">November 4, 2020</TIMEX3></DCT>'


def _tx(tid: str, typ: str, value: str, text: str) -> str:
    return f'<TIMEX3 tid="{tid}" type="{typ}" value="{value}" functionInDocument="NONE">{text}</TIMEX3>'


DOC1 = (
    '<?xml version="1.0" ?>\n<TimeML>\n<DOCID>d1</DOCID>\n' + DCT + "\n<TEXT>\n"
    f'The talks <EVENT eid="e1">ended</EVENT> on {_tx("t1", "DATE", "2020-10-30", "Friday")}. '
    f'Last {_tx("t2", "DATE", "2020-W44", "week")} the envoy arrived, and now the ministers met for '
    f'{_tx("t3", "DURATION", "PT3H", "two hours")} on {_tx("t4", "DATE", "2020-10-01", "the occasion")} &amp; left.'
    "\n</TEXT>\n</TimeML>\n"
)
DOC2 = (
    '<?xml version="1.0" ?>\n<TimeML>\n' + DCT + "\n<TEXT>\n"
    f'It rained {_tx("t1", "DATE", "2020-11-03", "yesterday")}.\n</TEXT>\n</TimeML>\n'
)


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "d1.tml").write_text(DOC1, encoding="utf-8")
    (tmp_path / "sub" / "d2.tml").write_text(DOC2, encoding="utf-8")
    return tmp_path


def test_read_tml_strips_tags_and_keeps_offsets(gold_dir):
    doc = read_tml(gold_dir / "d1.tml")
    assert doc.dct.isoformat() == "2020-11-04"
    assert [g.text for g in doc.timex] == ["Friday", "week", "two hours", "the occasion"]
    for g in doc.timex:
        assert doc.text[g.start : g.end] == g.text
    assert "&amp;" not in doc.text and "& left" in doc.text
    assert "November 4, 2020" not in doc.text  # the DCT is metadata, not text


def test_scores_by_hand(gold_dir):
    r = score(gold_dir)
    # predictions: Friday, Last week, now, two hours (d1) + yesterday (d2) = 5; gold 5
    # strict: Friday, two hours, yesterday = 3; relaxed adds Last week/week = 4
    # value: Friday, Last week (2020-W44), yesterday = 3 (two hours is PT2H, gold PT3H)
    # type: all 4 relaxed matches
    assert r["n_docs"] == 2
    assert (r["n_gold"], r["n_pred"]) == (5, 5)
    assert r["strict_f1"] == pytest.approx(0.6)
    assert r["relaxed_precision"] == pytest.approx(0.8) and r["relaxed_recall"] == pytest.approx(0.8)
    assert r["value_f1"] == pytest.approx(0.6)
    assert r["type_f1"] == pytest.approx(0.8)
    assert r["value_accuracy"] == pytest.approx(0.75)
