# atensi — the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export ATENSI_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install serve bench lint format lock clean

$(BIN)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "atensi needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/atensi migrate --no-input
	$(BIN)/atensi regions load
	$(BIN)/atensi demo
	$(BIN)/atensi collectstatic --no-input --verbosity 0
	@echo "atensi: http://127.0.0.1:$(PORT)/"
	$(BIN)/atensi runserver --insecure 127.0.0.1:$(PORT)

test: install
	$(BIN)/python scripts/run_tests.py $(PYTEST_ARGS)

bench: install
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev,bench]"
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerates the pinned versions after a change to pyproject.toml's dependencies.
lock:
	rm -rf /tmp/atensi-lock && $(PYTHON) -m venv /tmp/atensi-lock
	/tmp/atensi-lock/bin/pip install --quiet -e ".[dev,bench]"
	/tmp/atensi-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV)
