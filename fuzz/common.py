"""What every atheris harness here checks, shared so the harnesses stay a screen long.

The invariants are the fuzz suite's (``tests/fuzz``): bad input is an :class:`InputError`
naming the input, text that comes out can be stored, and offsets slice the text they cite.
"""

from __future__ import annotations

import sys

import atheris


def storable(*values: str | None) -> None:
    """Text bound for the store: valid UTF-8 (no lone surrogates) and no NUL."""
    for v in values:
        if v is not None:
            v.encode("utf-8")
            assert "\x00" not in v, f"NUL in {v[:60]!r}"


def run(test_one_input) -> None:
    """Fuzz ``test_one_input`` with libFuzzer's options from the command line (``-atheris_runs=N`` ...)."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
