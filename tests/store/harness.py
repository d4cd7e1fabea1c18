"""The crash-trial harness (``bench/crash_trials.py``), loaded as a module for the store tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def crash_trials() -> Any:
    """``bench/crash_trials.py`` as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("crash_trials", ROOT / "bench" / "crash_trials.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("crash_trials", module)
    spec.loader.exec_module(module)
    return module
