# The README's commands. Every target creates the virtualenv it needs, so a fresh clone
# needs nothing but Python 3.11+ and the local services.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test run bench bench-scale web migrate up browser clean

# setup.py and the C source: the word split is compiled at install time.
$(STAMP): pyproject.toml setup.py workers/extract/_speedups.c
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Replays the seed coverage through the whole pipeline (embedded mode, SQLite), prints the
# events and alerts, then serves the dashboard on the result.
demo: $(STAMP)
	$(BIN)/summitwatch replay seeds --fresh
	$(BIN)/summitwatch web --demo

# Debian's Chromium drives the dashboard's browser test; installed here, never downloaded by
# a test tool.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped"; fi; }

test: $(STAMP) browser
	$(BIN)/python -m pytest tests -q -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

run: $(STAMP)
	$(BIN)/summitwatch run

web: $(STAMP)
	$(BIN)/summitwatch web

migrate: $(STAMP)
	$(BIN)/summitwatch migrate

bench: $(STAMP)
	$(BIN)/summitwatch bench --json

bench-scale: $(STAMP)
	$(BIN)/summitwatch bench --scale --json

up:
	docker compose up --build

clean:
	rm -rf $(VENV) data .pytest_cache
