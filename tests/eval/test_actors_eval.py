"""The NGEC-format actor scorer on a tiny hand-computable file."""

from __future__ import annotations

import json
from pathlib import Path

from truceline.eval.actors import score


def write(path: Path, cases: list[dict]) -> Path:
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


def test_score_hand_computed(tmp_path):
    cases = [
        # country right, sector right
        {"method": "agent_to_code", "args": ["Iranian Foreign Minister"], "expect": {"country": "IRN", "code_1": "GOV"}},
        # country right (capital), sector right (metonymy)
        {"method": "agent_to_code", "args": ["TEHRAN"], "expect": {"country": "IRN", "code_1": "GOV"}},
        # country deliberately wrong in the gold: the system must be marked wrong
        {"method": "agent_to_code", "args": ["American soldiers"], "expect": {"country": "FRA", "code_1": "MIL"}},
        # search_nat uses "cc"
        {"method": "search_nat", "args": ["a US destroyer"], "expect": {"cc": "USA", "text": "destroyer"}},
        # sector only; expected no country
        {"method": "short_text_to_agent", "args": ["soldiers"], "expect": {"code_1": "MIL", "country": ""}},
        # skipped: nothing to score
        {"method": "query_wiki", "args": ["Angela Merkel"], "expect": {"title": "Angela Merkel"}},
        {"method": "agent_to_code", "args": ["puppies"], "expect": {}, "expect_not": {"value": None}},
    ]
    r = score(write(tmp_path / "cases.jsonl", cases))
    assert r["n"] == 5 and r["n_skipped"] == 2
    assert r["n_country"] == 5 and r["country_accuracy"] == 0.8  # 4 of 5
    assert r["n_sector"] == 4 and r["sector_accuracy"] == 1.0
    assert r["by_method"]["search_nat"] == {"n_country": 1, "country_accuracy": 1.0, "n_sector": 0,
                                            "sector_accuracy": None}
    assert r["by_method"]["agent_to_code"]["country_accuracy"] == round(2 / 3, 4)


def test_score_can_fail(tmp_path):
    cases = [{"method": "agent_to_code", "args": ["Baku"], "expect": {"country": "ARM", "code_1": "REB"}}]
    r = score(write(tmp_path / "bad.jsonl", cases))
    assert r["country_accuracy"] == 0.0 and r["sector_accuracy"] == 0.0
