# Two commands matter (see README): `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: setup run test lint unit train validate clean soak eval bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Rasa 3.6 needs Python 3.10 (see .python-version), got " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<25" wheel "setuptools<71"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Front-end packages from package.json go to node_modules/ (git-ignored): the widget's socket.io
# client for `make run`, plus rasa-webchat for the compatibility test and eslint for `make lint`.
# No lock file is written.
NPM_INSTALL := npm install --prefix "$(CURDIR)" --no-package-lock --no-audit --no-fund
SOCKETIO_CLIENT := node_modules/socket.io-client/dist/socket.io.js
RASA_WEBCHAT := node_modules/rasa-webchat/lib/index.js
ESLINT := node_modules/.bin/eslint

$(SOCKETIO_CLIENT): package.json
	@if command -v npm >/dev/null; then $(NPM_INSTALL) --omit=dev && touch $@; else \
		echo "warning: npm not found; the website widget needs node_modules/socket.io-client" >&2; \
	fi

# The full install also brings the widget's client: marked fresh, so that `make run` after
# `make test` does not reinstall with --omit=dev, which would prune the test packages.
$(RASA_WEBCHAT) $(ESLINT): package.json
	$(NPM_INSTALL) && touch $@ && touch -c $(SOCKETIO_CLIENT)

setup: $(STAMP) $(SOCKETIO_CLIENT)

## Set everything up and run the bot (SQLite, REST + socket.io on :5005, actions on :5055).
run: setup
	$(BIN)/python -m bot run

## Everything CI checks: lint, types, unit tests, Rasa data validation, dialogue tests, smoke test.
test: setup $(RASA_WEBCHAT) lint
	$(BIN)/python -m pytest -q -rs

lint: setup $(ESLINT)
	$(BIN)/ruff check bot actions tools tests
	$(BIN)/mypy bot actions tools
	$(BIN)/lint-imports
	$(ESLINT) bot/web/static

unit: setup
	$(BIN)/python -m pytest -q -m "not slow"

train: setup
	$(BIN)/python -m bot train

validate: setup
	$(BIN)/rasa data validate --fail-on-warnings

## End-to-end evaluation on the frozen test set (eval/test): trains config.yml and Rasa's default
## config, runs each on a real stack (fresh SQLite), replays every customer through the REST
## channel and reads the complaint rows back; report and charts in docs/eval/. About an hour
## here (2 shared cores): Rasa's default config trains DIET and TED for 100 epochs (~30-40 s per
## DIET epoch); the project's model ~1 min; one replay of the dev set's 410 customers ~1 min.
## EVAL_ARGS: "--set dev" runs the dev set (eval/heldout); "--models project" skips Rasa's
## default; "--default-epochs N" shortens its training (the report says so).
eval: setup
	$(BIN)/python -m tools.evaluation run --set test $(EVAL_ARGS)

## Soak test: 10,000 messages against 2 Rasa + 2 action servers behind nginx on PostgreSQL,
## Redis and RabbitMQ, with restarts; prints the figures (see README, "Production").
soak: setup train
	$(BIN)/python -m tools.soak

## Load benchmark against Rasa's starter bot, trained in the same run (25 minutes on an idle
## 2-core machine in session 9; the consoles' alternated rounds added since take about 10 more;
## BENCH_ARGS=--quick is shorter); figures in docs/benchmarks.md, docs/bench.png.
bench: setup
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

clean:
	rm -rf models results var .pytest_cache .mypy_cache .ruff_cache
