# The two commands of the README: `make issue` and `make test`.
# Both install what the project needs first (Debian packages, a virtual
# environment); that step is quick and quiet when everything is in place.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMPS := .stamps
ISSUE  ?= content/2025-01

.PHONY: issue test setup lint bench preview clean

issue: setup
	$(BIN)/qhgy build $(ISSUE)

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

setup: $(STAMPS)/debian $(STAMPS)/venv

$(STAMPS)/debian: tools/debian-packages.txt tools/setup-debian.sh
	@tools/setup-debian.sh
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing Python packages into $(VENV)"
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[test]' > $(VENV)/pip-install.log 2>&1 \
		|| { cat $(VENV)/pip-install.log; exit 1; }
	@mkdir -p $(STAMPS) && touch $@

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python benchmarks/run.py

preview: setup
	$(BIN)/qhgy preview $(ISSUE)

clean:
	rm -rf output $(STAMPS) .cache
